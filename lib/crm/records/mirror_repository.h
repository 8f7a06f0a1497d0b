// The CRM mirror's tables (issue #14): crm_espelho, one row per CRM record
// of a mirrored entity, and crm_espelho_estado, where each store's pull of
// each entity stands. Pure storage: what to pull and what a pulled record
// changes is decided in sync/mirror.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crm/core/entity.h"
#include "crm/core/work_item.h"
#include "crm/db/connection.h"

namespace crm::records {

/// One mirror row: the record and its bookkeeping.
struct MirrorRow {
  MirrorRecord record;
  /// The CRM's update time as it writes it; nullopt when unknown (a create
  /// the mirror learned from its own request, rows without update times).
  std::optional<std::string> updated_at;
  /// "leitura" (read from the CRM), "parcial" (from a partial list row: a
  /// field it lacks is unknown, not empty) or "envio" (what crm_sync sent).
  std::string origin = "leitura";
};

/// A store's pull of one entity.
struct MirrorState {
  /// The change filter's value for the next pull cycle; nullopt: the first
  /// cycle reads every record.
  std::optional<std::string> since;
  /// The page the current cycle stopped at (resumed by the next run).
  std::optional<std::string> page_cursor;
  /// The cycle's next filter value so far (latest update time, or the
  /// CRM's clock when the cycle began).
  std::optional<std::string> latest;
  /// Seconds since the mirror last held every record (a first cycle or a
  /// scan completed); nullopt: never.
  std::optional<std::int64_t> complete_age;
  /// Seconds since a scan (no change filter) last completed.
  std::optional<std::int64_t> scan_age;
  /// Seconds since the last pull, complete or not; nullopt: never.
  std::optional<std::int64_t> pull_age;
};

/// The match keys of a record, normalized: e-mail lowercased, document
/// digits, SKU trimmed (empty when the fields have none).
struct MirrorKeys {
  std::string email;
  std::string document;
  std::string sku;
};

/// A short, stable digest of the fields (16 hex digits, FNV-1a over the
/// trimmed, sorted name=value pairs; empty values left out), stored with
/// each mirror row (`impressao`).
[[nodiscard]] std::string fingerprint(
    const std::map<std::string, std::optional<std::string>>& fields);

/// Keys from logical fields ("email"; "document", "cpf" or "cnpj"; "sku").
[[nodiscard]] MirrorKeys mirror_keys(
    const std::map<std::string, std::optional<std::string>>& fields);

class MirrorRepository {
 public:
  explicit MirrorRepository(db::Connection& connection)
      : m_connection(connection) {}

  /// Every state of these stores, in one query.
  [[nodiscard]] std::map<std::pair<int, Entity>, MirrorState> states(
      const std::vector<int>& store_ids);

  /// Saves where the pull stands; `completed` stamps completo_em (the
  /// mirror holds every record now), `scanned` stamps varredura_em too.
  void save_state(int store_id, Entity entity, const MirrorState& state,
                  bool completed, bool scanned,
                  const std::optional<std::string>& error);

  /// The rows with these CRM ids.
  [[nodiscard]] std::map<std::string, MirrorRow> load(
      int store_id, Entity entity, const std::vector<std::string>& ids);

  /// The rows whose keys are among these (one query; empty lists match
  /// nothing), keyed by CRM id.
  [[nodiscard]] std::map<std::string, MirrorRow> find_by_keys(
      int store_id, Entity entity, const std::vector<std::string>& emails,
      const std::vector<std::string>& documents,
      const std::vector<std::string>& skus);

  /// Inserts or replaces a row; a row without a copy keeps the stored one
  /// only when `keep_copy` (an update that did not replace the record).
  void upsert(int store_id, Entity entity, const MirrorRow& row,
              bool keep_copy);
  /// The same for many rows, 200 to a statement.
  void upsert_many(int store_id, Entity entity,
                   const std::vector<MirrorRow>& rows, bool keep_copy);

  /// Drops a row (its record is gone from the CRM).
  void remove(int store_id, Entity entity, const std::string& external_id);

 private:
  db::Connection& m_connection;
};

}  // namespace crm::records
