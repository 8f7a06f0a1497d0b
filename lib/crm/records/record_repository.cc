#include "crm/records/record_repository.h"

#include <fmt/format.h>

#include <algorithm>

namespace crm::records {
namespace {

constexpr std::size_t k_chunk = 500;

/// Runs `select` + "<id column> IN (...)" for the ids in chunks of 500, with
/// the store as the first parameter when the table has a store column (the
/// select then ends with "<store column> = ? AND "); each row to `on_row`.
template <typename OnRow>
void query_by_ids(db::Connection& connection, const TableMapping& mapping,
                  int store_id, const std::string& select,
                  const std::vector<std::int64_t>& ids, const OnRow& on_row) {
  for (std::size_t start = 0; start < ids.size(); start += k_chunk) {
    const std::size_t count = std::min(k_chunk, ids.size() - start);
    db::Params params;
    if (mapping.store_column) {
      params.emplace_back(store_id);
    }
    for (std::size_t i = 0; i < count; ++i) {
      params.emplace_back(static_cast<long long>(ids[start + i]));
    }
    const db::Rows rows = connection.query(
        select + fmt::format("{} IN ({})",
                             db::quote_identifier(mapping.id_column),
                             db::placeholders(count)),
        params);
    for (const db::Row& row : rows.rows) on_row(row);
  }
}

/// "SELECT <columns> FROM <table> WHERE [<store column> = ? AND ]"
std::string select_where(const TableMapping& mapping,
                         const std::string& columns) {
  std::string select = "SELECT " + columns + " FROM " +
                       db::quote_identifier(mapping.table) + " WHERE ";
  if (mapping.store_column) {
    select += db::quote_identifier(*mapping.store_column) + " = ? AND ";
  }
  return select;
}

}  // namespace

std::map<std::int64_t, LocalRecord> RecordRepository::load_many(
    const TableMapping& mapping, int store_id,
    const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, LocalRecord> records;
  std::string columns = fmt::format(
      "{}, {}, {}", db::quote_identifier(mapping.id_column),
      db::quote_identifier(mapping.external_id_column),
      mapping.deleted_column
          ? fmt::format("{} IS NOT NULL",
                        db::quote_identifier(*mapping.deleted_column))
          : std::string("0"));
  for (const auto& [field, column] : mapping.columns) {
    columns += ", " + db::quote_identifier(column);
  }
  query_by_ids(m_connection, mapping, store_id, select_where(mapping, columns),
               ids, [&](const db::Row& row) {
                 LocalRecord record;
                 record.id = row.integer(0);
                 record.external_id = row.get(1);
                 if (record.external_id && record.external_id->empty()) {
                   record.external_id.reset();
                 }
                 record.deleted = row.integer(2) != 0;
                 std::size_t index = 3;
                 for (const auto& [field, column] : mapping.columns) {
                   record.fields[field] = row.get(index++);
                 }
                 records.emplace(record.id, std::move(record));
               });
  for (const ChildMapping& child : mapping.children) {
    load_children(child, records);
  }
  return records;
}

void RecordRepository::load_children(
    const ChildMapping& child, std::map<std::int64_t, LocalRecord>& records) {
  std::vector<std::int64_t> ids;
  for (auto& [id, record] : records) {
    ids.push_back(id);
    record.children[child.name];  // present, even when empty
  }
  std::string select = "SELECT " + db::quote_identifier(child.parent_column);
  for (const auto& [field, column] : child.columns) {
    select += ", " + db::quote_identifier(column);
  }
  select +=
      fmt::format(" FROM {} WHERE {} IN (", db::quote_identifier(child.table),
                  db::quote_identifier(child.parent_column));
  for (std::size_t start = 0; start < ids.size(); start += k_chunk) {
    const std::size_t count = std::min(k_chunk, ids.size() - start);
    db::Params params;
    for (std::size_t i = 0; i < count; ++i) {
      params.emplace_back(static_cast<long long>(ids[start + i]));
    }
    const db::Rows rows = m_connection.query(
        select + fmt::format("{}) ORDER BY {}, {}", db::placeholders(count),
                             db::quote_identifier(child.parent_column),
                             db::quote_identifier(child.id_column)),
        params);
    for (const db::Row& row : rows.rows) {
      const auto parent = records.find(row.integer(0));
      if (parent == records.end()) continue;
      std::map<std::string, std::optional<std::string>> fields;
      std::size_t index = 1;
      for (const auto& [field, column] : child.columns) {
        fields[field] = row.get(index++);
      }
      parent->second.children[child.name].push_back(std::move(fields));
    }
  }
}

void RecordRepository::save_external_id(const TableMapping& mapping,
                                        std::int64_t id,
                                        const std::string& external_id) {
  m_connection.execute(
      fmt::format("UPDATE {} SET {} = ? WHERE {} = ?",
                  db::quote_identifier(mapping.table),
                  db::quote_identifier(mapping.external_id_column),
                  db::quote_identifier(mapping.id_column)),
      {external_id, static_cast<long long>(id)});
}

std::optional<std::int64_t> RecordRepository::find_by(
    const TableMapping& mapping, int store_id, const std::string& field,
    const std::string& value) {
  const std::optional<std::string> column =
      field == "external_id"
          ? std::optional<std::string>(mapping.external_id_column)
          : column_of(mapping, field);
  if (!column || value.empty()) {
    return std::nullopt;
  }
  std::string sql = fmt::format(
      "SELECT {} FROM {} WHERE {} = ?", db::quote_identifier(mapping.id_column),
      db::quote_identifier(mapping.table), db::quote_identifier(*column));
  db::Params params = {value};
  if (mapping.store_column) {
    sql += " AND " + db::quote_identifier(*mapping.store_column) + " = ?";
    params.emplace_back(store_id);
  }
  const db::Rows rows = m_connection.query(sql + " ORDER BY 1 LIMIT 1", params);
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows.rows[0].integer(0);
}

std::map<std::string, std::pair<std::int64_t, std::optional<std::int64_t>>>
RecordRepository::find_linked(const TableMapping& mapping, int store_id,
                              const std::vector<std::string>& external_ids) {
  std::map<std::string, std::pair<std::int64_t, std::optional<std::int64_t>>>
      linked;
  const std::string updated =
      mapping.updated_column
          ? "UNIX_TIMESTAMP(" + db::quote_identifier(*mapping.updated_column) +
                ")"
          : std::string("NULL");
  for (std::size_t start = 0; start < external_ids.size(); start += k_chunk) {
    const std::size_t count = std::min(k_chunk, external_ids.size() - start);
    db::Params params(external_ids.begin() + static_cast<long>(start),
                      external_ids.begin() + static_cast<long>(start + count));
    std::string sql =
        fmt::format("SELECT {}, {}, {} FROM {} WHERE {} IN ({})",
                    db::quote_identifier(mapping.external_id_column),
                    db::quote_identifier(mapping.id_column), updated,
                    db::quote_identifier(mapping.table),
                    db::quote_identifier(mapping.external_id_column),
                    db::placeholders(count));
    if (mapping.store_column) {
      sql += " AND " + db::quote_identifier(*mapping.store_column) + " = ?";
      params.emplace_back(store_id);
    }
    for (const db::Row& row : m_connection.query(sql, params).rows) {
      std::optional<std::int64_t> when;
      if (row.get(2)) {
        when = static_cast<std::int64_t>(std::stod(*row.get(2)));
      }
      linked.emplace(row.text(0), std::make_pair(row.integer(1), when));
    }
  }
  return linked;
}

std::int64_t RecordRepository::create(
    const TableMapping& mapping, int store_id, const std::string& external_id,
    const std::vector<std::pair<std::string, std::optional<std::string>>>&
        values) {
  std::vector<std::string> columns = {
      db::quote_identifier(mapping.external_id_column)};
  db::Params params = {external_id};
  if (mapping.store_column) {
    columns.push_back(db::quote_identifier(*mapping.store_column));
    params.emplace_back(store_id);
  }
  for (const auto& [field, value] : values) {
    if (const auto column = column_of(mapping, field)) {
      columns.push_back(db::quote_identifier(*column));
      params.emplace_back(value);
    }
  }
  std::string list;
  for (const auto& column : columns)
    list += (list.empty() ? "" : ", ") + column;
  m_connection.execute(fmt::format("INSERT INTO {} ({}) VALUES ({})",
                                   db::quote_identifier(mapping.table), list,
                                   db::placeholders(params.size())),
                       params);
  return static_cast<std::int64_t>(m_connection.last_insert_id());
}

void RecordRepository::apply_remote(
    const TableMapping& mapping, std::int64_t id,
    const std::vector<std::pair<std::string, std::optional<std::string>>>&
        values) {
  std::string assignments;
  db::Params params;
  for (const auto& [field, value] : values) {
    const auto column = column_of(mapping, field);
    if (!column) {
      continue;
    }
    assignments += assignments.empty() ? "" : ", ";
    assignments += db::quote_identifier(*column) + " = ?";
    params.emplace_back(value);
  }
  if (assignments.empty()) {
    return;
  }
  params.emplace_back(static_cast<long long>(id));
  m_connection.execute(
      fmt::format("UPDATE {} SET {} WHERE {} = ?",
                  db::quote_identifier(mapping.table), assignments,
                  db::quote_identifier(mapping.id_column)),
      params);
}

}  // namespace crm::records
