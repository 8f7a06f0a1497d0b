// A claimed queue row and the local record it names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/core/entity.h"

namespace crm {

/// Attempts before a transient failure is given up. The seed had 3; with
/// the back-off (1, 2, 4 ... 60 min, queue/backoff.h) 10 attempts span about
/// 4 hours, so a CRM outage of 2 hours gives nothing up even where it is not
/// seen as one (a store-wide failure pauses the store and costs no attempt).
inline constexpr int k_max_attempts = 10;

/// One row of crm_sync_queue as a run sees it.
struct QueueRow {
  std::int64_t id = 0;
  int store_id = 0;
  Entity entity = Entity::customer;
  std::int64_t record_id = 0;
  Direction direction = Direction::to_crm;
  int priority = 0;
  int attempts = 0;  ///< including the current claim (see k_max_attempts)
  int changes = 0;   ///< `alteracoes` when claimed (compare-and-set on finish)
};

/// A local record read through the table mapping. Fields are keyed by the
/// mapping's logical names ("name", "email", "price", ...); NULL is nullopt.
struct LocalRecord {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  bool deleted = false;
  std::map<std::string, std::optional<std::string>> fields;
  /// Child rows by name ("lines", "installments"), each keyed like `fields`,
  /// in the child table's id order.
  std::map<std::string,
           std::vector<std::map<std::string, std::optional<std::string>>>>
      children;
  /// A referenced record that was never sent: set when its last queue row
  /// to the CRM was given up (its error) and nothing newer is queued, so
  /// what references it can never go out.
  std::optional<std::string> given_up;
};

/// A logical field holding a CPF or CNPJ: "document", or "cpf" and "cnpj"
/// of an application with one column for each. Kept formatted on one side
/// and as digits on the other, it is compared by its digits.
[[nodiscard]] inline bool is_document_field(std::string_view field) {
  return field == "document" || field == "cpf" || field == "cnpj";
}

/// A referenced local record: (entity, local id).
using RecordKey = std::pair<Entity, std::int64_t>;

/// A CRM record as the store's mirror knows it (issue #14).
struct MirrorRecord {
  std::string external_id;
  /// The fields the CRM reports back, in local form (read as an import
  /// reads them): what an update would change is compared with these.
  std::map<std::string, std::optional<std::string>> fields;
  /// The CRM's whole record (JSON) for profiles whose update replaces the
  /// record; nullopt when the mirror has none (after a create).
  std::optional<std::string> copy;
};

/// What the mirror says about one item's record.
struct MirrorView {
  /// The mirror held every CRM record of the entity when this run started
  /// pushing (a pull reached its end in this run, or a scan is recent
  /// enough): a record it does not have is a clear "no match", and its
  /// copies are current. For a record without a CRM id, also that the
  /// mirror keeps a key for every field the entity's lookups search by
  /// (else the lookups go to the CRM).
  bool fresh = false;
  /// The record by its external id, or (no external id yet, fresh mirror)
  /// the CRM record whose match key (e-mail, document, SKU) is this one's.
  std::optional<MirrorRecord> record;
};

/// What a provider needs to process one row.
struct WorkItem {
  QueueRow row;
  /// nullopt when the local record does not exist (a permanent failure).
  std::optional<LocalRecord> record;
  /// The records it references (a sale's customer and products), without
  /// their children: absent when the record does not exist; one without an
  /// external_id has not been synced yet.
  std::map<RecordKey, LocalRecord> referenced;
  /// Where each logical field lives locally, for messages: "date" ->
  /// "vendas.data_venda", a child's "lines.description" ->
  /// "venda_itens.descricao".
  std::map<std::string, std::string> columns;
  /// Set when the store mirrors this entity (nullopt: no mirror, every
  /// lookup and read goes to the CRM).
  std::optional<MirrorView> mirror;
};

}  // namespace crm
