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

namespace crm::sync {

using FieldValues =
    std::vector<std::pair<std::string, std::optional<std::string>>>;

/// True for NULL, "" or only blanks.
[[nodiscard]] bool is_empty_value(const std::optional<std::string>& value);

/// The same value in another spelling: equal, or both only digits and
/// number punctuation (. - / ( ) + space) with the same digits
/// ("529.982.247-25" and "52998224725", "(21) 2222-3333" and "2122223333").
[[nodiscard]] bool same_value(std::string_view local, std::string_view remote);

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
