#include "crm/sync/import_merge.h"

namespace crm::sync {

using providers::is_empty_value;
using providers::same_value;

FieldValues changed_fields(const LocalRecord& local,
                           const FieldValues& remote) {
  FieldValues changes;
  for (const auto& [field, value] : remote) {
    if (is_empty_value(value)) {
      continue;  // the CRM has nothing: the local value stays
    }
    const auto current = local.fields.find(field);
    if (current != local.fields.end() && current->second &&
        same_value(*current->second, *value)) {
      continue;
    }
    changes.emplace_back(field, value);
  }
  return changes;
}

FieldValues values_for_create(const FieldValues& remote) {
  FieldValues values;
  for (const auto& [field, value] : remote) {
    values.emplace_back(field, is_empty_value(value)
                                   ? std::nullopt
                                   : std::optional<std::string>(value));
  }
  return values;
}

}  // namespace crm::sync
