// Which local table and columns hold an entity. Defaults fit the demo tables;
// every part can be overridden per store in crm_integracoes.configuracoes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/core/entity.h"
#include "crm/json/json.h"

namespace crm::records {

/// Rows of a child table that belong to a record (a sale's lines or
/// installments), read with the record.
struct ChildMapping {
  std::string name;  ///< "lines" or "installments"
  std::string table;
  std::string parent_column;     ///< the column holding the parent's id
  std::string id_column = "id";  ///< orders the rows
  std::vector<std::pair<std::string, std::string>> columns;
};

struct TableMapping {
  std::string table;
  std::string id_column = "id";
  /// nullopt for single-store applications without a store column.
  std::optional<std::string> store_column = "id_loja";
  std::string external_id_column = "external_id";
  /// Soft-delete column (NOT NULL = deleted); nullopt when there is none.
  std::optional<std::string> deleted_column = "deletado_em";
  /// Last-change timestamp (crm_sync_full --since); nullopt when there is none.
  std::optional<std::string> updated_column = "atualizado_em";
  /// Logical field name -> local column, in a stable order.
  std::vector<std::pair<std::string, std::string>> columns;
  /// Child tables (sales: "lines" and "installments").
  std::vector<ChildMapping> children;
};

/// The local column of a logical field; nullopt when the mapping lacks it.
std::optional<std::string> column_of(const TableMapping& mapping,
                                     std::string_view field);

/// "store N: entity E is disabled (tables.E or entities.E is null in
/// configuracoes)", for programs asked about a disabled entity.
std::string disabled_message(int store_id, Entity entity);

/// The demo schema's mapping for an entity.
TableMapping default_mapping(Entity entity);

/// `base` with the overrides of one entity's object from configuracoes
/// ("tables": {"cliente": {...}}): keys table, id, store_column (null =
/// none), external_id, deleted_column (null = none), columns {field: column}
/// (a null column removes the field), children {name: {table, parent_column,
/// id, columns} or null}. Throws FatalError on a bad name.
TableMapping apply_overrides(TableMapping base, const json::Value& overrides,
                             std::string_view where);

/// Every entity's mapping for a store: the defaults with the overrides of
/// configuracoes.tables applied. An entity set to null in `tables` or in
/// `entities` is disabled: it has no mapping (every program skips it).
/// Throws FatalError naming the store and key.
std::map<Entity, TableMapping> mappings_for_store(const json::Value& settings,
                                                  int store_id);

/// Throws FatalError if any table or column name is not a plain identifier.
void validate(const TableMapping& mapping, std::string_view where);

}  // namespace crm::records
