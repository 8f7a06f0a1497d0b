// The table mappings checked against the database's own catalogue
// (information_schema), before a run claims anything: a misspelt column
// ("emial") would otherwise be found only after the claim, by a failing
// SELECT that ends the run for every store.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "crm/core/entity.h"
#include "crm/db/connection.h"
#include "crm/records/table_mapping.h"

namespace crm::records {

struct SchemaCheck {
  /// Entities whose main table does not exist: their rows fail (no
  /// request) with this message; the store's other entities go on.
  std::map<Entity, std::string> missing_tables;
  /// The first problem that makes the store's configuration wrong: a column
  /// of an existing table, or a child table, that does not exist.
  std::optional<std::string> problem;
};

/// Checks every table and column the mappings name, in one query.
[[nodiscard]] SchemaCheck check_schema(
    db::Connection& connection, const std::map<Entity, TableMapping>& mappings,
    int store_id);

}  // namespace crm::records
