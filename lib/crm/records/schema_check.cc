#include "crm/records/schema_check.h"

#include <fmt/format.h>

#include <vector>

#include "crm/util/strings.h"

namespace crm::records {
namespace {

/// Table -> its columns. Column names are compared in lower case (MariaDB
/// treats them so); table names too when the server does
/// (lower_case_table_names != 0), else as they are.
struct Catalogue {
  std::map<std::string, std::set<std::string>> columns;
  bool fold_tables = false;

  [[nodiscard]] std::string table_key(const std::string& table) const {
    return fold_tables ? util::to_lower(table) : table;
  }
  [[nodiscard]] const std::set<std::string>* find(
      const std::string& table) const {
    const auto it = columns.find(table_key(table));
    return it == columns.end() ? nullptr : &it->second;
  }
};

/// The columns of the named tables in the current database.
Catalogue read_catalogue(db::Connection& connection,
                         const std::set<std::string>& tables) {
  Catalogue catalogue;
  if (tables.empty()) {
    return catalogue;
  }
  catalogue.fold_tables = connection.query("SELECT @@lower_case_table_names")
                              .rows.at(0)
                              .integer(0) != 0;
  std::string placeholders;
  db::Params params;
  for (const std::string& table : tables) {
    placeholders += placeholders.empty() ? "?" : ", ?";
    params.emplace_back(catalogue.table_key(table));
  }
  const db::Rows rows = connection.query(
      "SELECT table_name, column_name FROM information_schema.columns WHERE "
      "table_schema = DATABASE() AND table_name IN (" +
          placeholders + ")",
      params);
  for (const db::Row& row : rows.rows) {
    catalogue.columns[catalogue.table_key(row.text(0))].insert(
        util::to_lower(row.text(1)));
  }
  return catalogue;
}

/// Every column a mapping reads, with the configuration key that names it.
std::vector<std::pair<std::string, std::string>> named_columns(
    const TableMapping& mapping) {
  std::vector<std::pair<std::string, std::string>> out = {
      {mapping.id_column, "id"}, {mapping.external_id_column, "external_id"}};
  if (mapping.store_column)
    out.emplace_back(*mapping.store_column, "store_column");
  if (mapping.deleted_column) {
    out.emplace_back(*mapping.deleted_column, "deleted_column");
  }
  // updated_column is read only by crm_sync_full --since, which names it
  // in its own error: a table without one may still sync.
  for (const auto& [field, column] : mapping.columns) {
    out.emplace_back(column, "columns." + field);
  }
  return out;
}

std::optional<std::string> missing_column(
    const Catalogue& catalogue, const std::string& table,
    const std::string& where,
    const std::vector<std::pair<std::string, std::string>>& columns) {
  const std::set<std::string>* found = catalogue.find(table);
  for (const auto& [column, key] : columns) {
    if (found == nullptr || !found->contains(util::to_lower(column))) {
      return fmt::format("{}.{}: column '{}' does not exist in table '{}'",
                         where, key, column, table);
    }
  }
  return std::nullopt;
}

}  // namespace

SchemaCheck check_schema(db::Connection& connection,
                         const std::map<Entity, TableMapping>& mappings,
                         int store_id) {
  std::set<std::string> tables;
  for (const auto& [entity, mapping] : mappings) {
    tables.insert(mapping.table);
    for (const ChildMapping& child : mapping.children)
      tables.insert(child.table);
  }
  const Catalogue catalogue = read_catalogue(connection, tables);
  SchemaCheck check;
  for (const auto& [entity, mapping] : mappings) {
    const std::string where =
        fmt::format("crm_integracoes: store {}: configuracoes: tables.{}",
                    store_id, to_db(entity));
    if (catalogue.find(mapping.table) == nullptr) {
      check.missing_tables[entity] =
          fmt::format("{}: table '{}' does not exist", where, mapping.table);
      continue;
    }
    if (!check.problem) {
      check.problem = missing_column(catalogue, mapping.table, where,
                                     named_columns(mapping));
    }
    for (const ChildMapping& child : mapping.children) {
      std::vector<std::pair<std::string, std::string>> columns = {
          {child.parent_column, "parent_column"}, {child.id_column, "id"}};
      for (const auto& [field, column] : child.columns) {
        columns.emplace_back(column, "columns." + field);
      }
      if (!check.problem) {
        check.problem = missing_column(
            catalogue, child.table, where + ".children." + child.name, columns);
      }
    }
  }
  return check;
}

}  // namespace crm::records
