// Reads and writes local records through a TableMapping.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/core/work_item.h"
#include "crm/db/connection.h"
#include "crm/records/table_mapping.h"

namespace crm::records {

class RecordRepository {
 public:
  explicit RecordRepository(db::Connection& connection)
      : m_connection(connection) {}

  /// Loads the records with these ids of one store in one query (chunks of
  /// 500 ids), and their child rows with one query per child table. Ids not
  /// found are absent from the result.
  [[nodiscard]] std::map<std::int64_t, LocalRecord> load_many(
      const TableMapping& mapping, int store_id,
      const std::vector<std::int64_t>& ids);

  /// Stores the CRM id on the local record, in its own autocommit statement,
  /// so a later crash cannot cause a second create.
  void save_external_id(const TableMapping& mapping, std::int64_t id,
                        const std::string& external_id);

  /// The id of the store's record whose `field` (a logical field, or
  /// "external_id") equals `value`; nullopt if none or the field is not mapped.
  [[nodiscard]] std::optional<std::int64_t> find_by(const TableMapping& mapping,
                                                    int store_id,
                                                    const std::string& field,
                                                    const std::string& value);

  /// The store's records linked to these CRM ids: CRM id -> (local id,
  /// the record's last local change as Unix seconds, from the mapping's
  /// updated_column; nullopt without one). One query per 500 ids.
  [[nodiscard]] std::map<std::string,
                         std::pair<std::int64_t, std::optional<std::int64_t>>>
  find_linked(const TableMapping& mapping, int store_id,
              const std::vector<std::string>& external_ids);

  /// Inserts a record with these field values and external id; returns its
  /// id. A value the table rejects throws DbError.
  std::int64_t create(
      const TableMapping& mapping, int store_id, const std::string& external_id,
      const std::vector<std::pair<std::string, std::optional<std::string>>>&
          values);

  /// Writes values fetched from the CRM (logical field -> value; nullopt
  /// writes NULL). Fields the mapping does not know are ignored.
  void apply_remote(
      const TableMapping& mapping, std::int64_t id,
      const std::vector<std::pair<std::string, std::optional<std::string>>>&
          values);

 private:
  void load_children(const ChildMapping& child,
                     std::map<std::int64_t, LocalRecord>& records);

  db::Connection& m_connection;
};

}  // namespace crm::records
