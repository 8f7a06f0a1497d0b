// The import's rules for writing a CRM record over a local one, as pure
// functions: a CRM that answers "" for unset fields must not erase local
// data, and a document or phone the CRM spells without punctuation is the
// same value as the local formatted one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/core/work_item.h"
#include "crm/providers/field_compare.h"

namespace crm::sync {

using providers::FieldValues;

/// The fields of `remote` that change `local`: an empty CRM value is never
/// written (the local value, empty or not, stays), and a value the same as
/// the local one in another spelling keeps the local spelling. Fields the
/// local record does not have are kept (the caller's mapping decides).
[[nodiscard]] FieldValues changed_fields(const LocalRecord& local,
                                         const FieldValues& remote);

/// The values a new local record gets: an empty CRM value becomes NULL,
/// never "" (a UNIQUE column keeps NULL for "absent").
[[nodiscard]] FieldValues values_for_create(const FieldValues& remote);

}  // namespace crm::sync
