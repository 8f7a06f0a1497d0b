// What a CRM change pulled by the mirror does to one local field (issue
// #14), as a pure function: the mirror's last known CRM value is the base;
// a field only the CRM changed is written locally, one only the store
// changed stays (and goes to the CRM), and one both changed is a conflict
// resolved by the field's owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crm/integrations/store_settings.h"

namespace crm::sync {

struct FieldChange {
  enum class Action {
    none,        ///< nothing to write locally
    take_crm,    ///< write the CRM's value locally
    keep_local,  ///< a conflict the local value won
  };
  Action action = Action::none;
  /// Both sides changed the field since the mirror last saw it.
  bool conflict = false;
};

/// The values of one field: the mirror's base (nullopt when the mirror did
/// not know the field: a first sight only seeds the mirror), the CRM's new
/// value and the local one; the update times in Unix seconds when known.
struct FieldSides {
  std::optional<std::optional<std::string>> base;
  std::optional<std::string> crm;
  std::optional<std::string> local;
  std::optional<std::int64_t> crm_time;
  std::optional<std::int64_t> local_time;
};

/// The import's rules apply: an empty CRM value is never written, and a
/// value the same in another spelling is no change.
[[nodiscard]] FieldChange decide_field(const FieldSides& sides,
                                       integrations::FieldOwner owner);

}  // namespace crm::sync
