// When two spellings of a field are the same value: the rules an import
// and the CRM mirror share, so that a value read back from the CRM equals
// the local one it was sent from (a document without punctuation, a date
// without its time, 10.5 for 10.50).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm::providers {

using FieldValues =
    std::vector<std::pair<std::string, std::optional<std::string>>>;
using FieldMap = std::map<std::string, std::optional<std::string>>;

/// True for NULL, "" or only blanks.
[[nodiscard]] bool is_empty_value(const std::optional<std::string>& value);

/// The same value in another spelling: equal, equal decimals ("10.50" and
/// "10.5"), e-mail addresses that differ in letter case, a CRM date that is the
/// local date-time's day, or both only digits and number punctuation (. - / ( )
/// + space) with the same digits
/// ("529.982.247-25" and "52998224725", "(21) 2222-3333" and "2122223333").
[[nodiscard]] bool same_value(std::string_view local, std::string_view remote);

/// Both empty, or both set and the same value (trimmed).
[[nodiscard]] bool same_field(const std::optional<std::string>& a,
                              const std::optional<std::string>& b);

/// Every field of either side the same (a field absent on one side counts
/// as empty there).
[[nodiscard]] bool same_fields(const FieldMap& a, const FieldMap& b);

/// The pairs as a map (the first of a repeated name wins).
[[nodiscard]] FieldMap to_map(const FieldValues& values);

}  // namespace crm::providers
