#include "crm/records/table_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "crm/core/errors.h"
#include "crm/util/strings.h"

namespace crm::records {
namespace {

void check_name(std::string_view where, std::string_view what,
                std::string_view name) {
  if (!util::is_identifier(name)) {
    throw FatalError(fmt::format(
        "{}: {} '{}' is not a plain table or column name (letters, digits, _)",
        where, what, util::truncate_utf8(name, 64)));
  }
}

std::string text_of(std::string_view where, std::string_view key,
                    const json::Value& value) {
  if (!value.is_string()) {
    throw FatalError(fmt::format("{}: '{}' must be a string", where, key));
  }
  return value.text();
}

std::optional<std::string> optional_text_of(std::string_view where,
                                            std::string_view key,
                                            const json::Value& value) {
  if (value.is_null()) {
    return std::nullopt;
  }
  return text_of(where, key, value);
}

void merge_columns(std::vector<std::pair<std::string, std::string>>& columns,
                   const json::Value& value, std::string_view where) {
  if (!value.is_object()) {
    throw FatalError(fmt::format("{}: 'columns' must be an object", where));
  }
  for (const auto& member : value.members()) {
    const std::string& field = member.first;
    std::erase_if(columns,
                  [&field](const auto& pair) { return pair.first == field; });
    if (!member.second.is_null()) {
      columns.emplace_back(field, text_of(where, field, member.second));
    }
  }
}

/// children: {"lines": {...} | null, "installments": ...}; an object
/// overrides the named child's keys, null drops the child.
void apply_children(TableMapping& base, const json::Value& value,
                    const std::string& where) {
  if (!value.is_object()) {
    throw FatalError(fmt::format("{}: must be an object", where));
  }
  for (const auto& [child_name, spec] : value.members()) {
    const std::string& name = child_name;  // a plain name: lambdas capture it
    const std::string child_where = fmt::format("{}.{}", where, name);
    auto it = std::find_if(
        base.children.begin(), base.children.end(),
        [&name](const ChildMapping& child) { return child.name == name; });
    if (spec.is_null()) {
      if (it != base.children.end()) base.children.erase(it);
      continue;
    }
    if (!spec.is_object()) {
      throw FatalError(
          fmt::format("{}: must be an object or null", child_where));
    }
    if (it == base.children.end()) {
      base.children.push_back(ChildMapping{name, "", "", "id", {}});
      it = std::prev(base.children.end());
    }
    for (const auto& [key, item] : spec.members()) {
      if (key == "table") {
        it->table = text_of(child_where, key, item);
      } else if (key == "parent_column") {
        it->parent_column = text_of(child_where, key, item);
      } else if (key == "id") {
        it->id_column = text_of(child_where, key, item);
      } else if (key == "columns") {
        merge_columns(it->columns, item, child_where);
      } else {
        throw FatalError(fmt::format("{}: unknown key '{}'", child_where, key));
      }
    }
  }
}

/// `tables.E: null` or `entities.E: null`: the store has no such entity.
bool is_disabled(const json::Value* section, Entity entity) {
  const json::Value* value = section != nullptr && section->is_object()
                                 ? section->find(to_db(entity))
                                 : nullptr;
  return value != nullptr && value->is_null();
}

}  // namespace

std::string disabled_message(int store_id, Entity entity) {
  return fmt::format(
      "store {}: entity {} is disabled (tables.{} or entities.{} is null in "
      "configuracoes)",
      store_id, to_db(entity), to_db(entity), to_db(entity));
}

std::optional<std::string> column_of(const TableMapping& mapping,
                                     std::string_view field) {
  for (const auto& [name, column] : mapping.columns) {
    if (name == field) {
      return column;
    }
  }
  return std::nullopt;
}

TableMapping default_mapping(Entity entity) {
  TableMapping mapping;
  switch (entity) {
    case Entity::customer:
      mapping.table = "clientes";
      mapping.columns = {{"name", "nome"},
                         {"email", "email"},
                         {"phone", "telefone"},
                         {"document", "documento"}};
      break;
    case Entity::product:
      mapping.table = "produtos";
      mapping.columns = {{"name", "nome"},
                         {"sku", "sku"},
                         {"price", "preco"},
                         {"cost", "custo"}};
      break;
    case Entity::sale:
      mapping.table = "vendas";
      mapping.columns = {{"customer_id", "id_cliente"},
                         {"total", "total"},
                         {"status", "status"},
                         {"date", "data_venda"}};
      mapping.children = {
          ChildMapping{"lines",
                       "venda_itens",
                       "id_venda",
                       "id",
                       {{"product_id", "id_produto"},
                        {"description", "descricao"},
                        {"quantity", "quantidade"},
                        {"price", "valor_unitario"}}},
          ChildMapping{"installments",
                       "venda_parcelas",
                       "id_venda",
                       "id",
                       {{"due_date", "vencimento"},
                        {"amount", "valor"},
                        {"payment_method", "forma_pagamento"}}}};
      break;
    case Entity::activity:
      mapping.table = "atividades";
      mapping.columns = {{"type", "tipo"},
                         {"subject", "assunto"},
                         {"due_date", "vencimento"},
                         {"done", "concluida"},
                         {"customer_id", "id_cliente"}};
      break;
  }
  return mapping;
}

TableMapping apply_overrides(TableMapping base, const json::Value& overrides,
                             std::string_view where) {
  if (!overrides.is_object()) {
    throw FatalError(fmt::format("{}: must be an object", where));
  }
  for (const auto& [key, value] : overrides.members()) {
    if (key == "table") {
      base.table = text_of(where, key, value);
    } else if (key == "id") {
      base.id_column = text_of(where, key, value);
    } else if (key == "store_column") {
      base.store_column = optional_text_of(where, key, value);
    } else if (key == "external_id") {
      base.external_id_column = text_of(where, key, value);
    } else if (key == "deleted_column") {
      base.deleted_column = optional_text_of(where, key, value);
    } else if (key == "updated_column") {
      base.updated_column = optional_text_of(where, key, value);
    } else if (key == "columns") {
      merge_columns(base.columns, value, where);
    } else if (key == "children") {
      apply_children(base, value, fmt::format("{}: children", where));
    } else {
      throw FatalError(fmt::format("{}: unknown key '{}'", where, key));
    }
  }
  validate(base, where);
  return base;
}

std::map<Entity, TableMapping> mappings_for_store(const json::Value& settings,
                                                  int store_id) {
  const json::Value* tables = settings.find("tables");
  if (tables != nullptr && !tables->is_object()) {
    throw FatalError(fmt::format(
        "crm_integracoes: store {}: configuracoes: 'tables' must be an object",
        store_id));
  }
  const json::Value* entities = settings.find("entities");
  std::map<Entity, TableMapping> mappings;
  for (Entity entity : k_all_entities) {
    if (is_disabled(tables, entity) || is_disabled(entities, entity)) {
      continue;  // this store has no such entity
    }
    TableMapping mapping = default_mapping(entity);
    if (const json::Value* custom =
            tables ? tables->find(to_db(entity)) : nullptr) {
      mapping = apply_overrides(
          std::move(mapping), *custom,
          fmt::format("crm_integracoes: store {}: configuracoes: tables.{}",
                      store_id, to_db(entity)));
    }
    mappings.emplace(entity, std::move(mapping));
  }
  return mappings;
}

void validate(const TableMapping& mapping, std::string_view where) {
  check_name(where, "table", mapping.table);
  check_name(where, "id column", mapping.id_column);
  check_name(where, "external id column", mapping.external_id_column);
  if (mapping.store_column) {
    check_name(where, "store column", *mapping.store_column);
  }
  if (mapping.deleted_column) {
    check_name(where, "deleted column", *mapping.deleted_column);
  }
  if (mapping.updated_column) {
    check_name(where, "updated column", *mapping.updated_column);
  }
  for (const auto& [field, column] : mapping.columns) {
    check_name(where, fmt::format("column of '{}'", field), column);
  }
  for (const ChildMapping& child : mapping.children) {
    const std::string child_where =
        fmt::format("{}: children.{}", where, child.name);
    check_name(child_where, "table", child.table);
    check_name(child_where, "parent column", child.parent_column);
    check_name(child_where, "id column", child.id_column);
    for (const auto& [field, column] : child.columns) {
      check_name(child_where, fmt::format("column of '{}'", field), column);
    }
  }
}

}  // namespace crm::records
