#include "crm/sync/mirror_merge.h"

#include "crm/providers/field_compare.h"

namespace crm::sync {

using providers::is_empty_value;
using providers::same_field;

FieldChange decide_field(const FieldSides& sides,
                         integrations::FieldOwner owner) {
  using Action = FieldChange::Action;
  if (same_field(sides.crm, sides.local) || !sides.base ||
      same_field(sides.crm, *sides.base) || is_empty_value(sides.crm)) {
    // The same; a first sight; the CRM did not change it; or the CRM has
    // nothing (never written over local data).
    return {};
  }
  if (same_field(sides.local, *sides.base)) {
    return {Action::take_crm, false};  // only the CRM changed it
  }
  switch (owner) {
    case integrations::FieldOwner::local:
      return {Action::keep_local, true};
    case integrations::FieldOwner::crm:
      return {Action::take_crm, true};
    case integrations::FieldOwner::newest:
      // Unknown times keep the local value: the store's database is the
      // system of record unless the CRM's edit is known to be later.
      if (sides.crm_time && sides.local_time &&
          *sides.crm_time > *sides.local_time) {
        return {Action::take_crm, true};
      }
      return {Action::keep_local, true};
  }
  return {};
}

}  // namespace crm::sync
