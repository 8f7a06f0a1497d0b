// Local text <-> remote JSON values per FieldType, and reading a remote
// record's fields back through an endpoint's FieldSpecs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/json/json.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// A record's (or one child row's) logical fields, as LocalRecord holds them.
using Fields = std::map<std::string, std::optional<std::string>>;

/// A local value converted for the remote JSON; nullopt when it does not fit
/// the type (the caller fails the item), a null Value for "send nothing".
std::optional<json::Value> to_remote(const std::optional<std::string>& value,
                                     const FieldSpec& spec);

/// A remote value converted back to local text (cents -> decimal, ...).
std::optional<std::string> from_remote(const json::Value& value,
                                       const FieldSpec& spec);

/// Whether a field is read back from the CRM (not a constant, template,
/// reference, local id or derived value).
bool readable(const FieldSpec& spec);

/// The type as messages name it ("amount in cents", "CPF", ...).
std::string_view type_name(FieldType type);

/// The type as configuration spells it ("cents", "person_type", ...).
std::string_view type_key(FieldType type);

/// The type a configuration key names; nullopt for an unknown key.
std::optional<FieldType> type_of_key(std::string_view key);

/// Every type key, comma-separated, for messages.
std::string type_keys();

/// Whether `value` is no value for a field of this type: MySQL's zero date
/// ("0000-00-00", "0000-00-00 00:00:00", or any spelling of only zeros)
/// for a date, date-time or time.
bool is_empty_of_type(std::string_view value, FieldType type);

/// Whether an absent value of this type leaves the field out of a body
/// instead of sending null, whatever the profile's omit_nulls says.
bool omitted_when_empty(FieldType type);

/// Logical fields read from a remote record through `endpoint`'s readable
/// fields, in spec order; a field absent remotely is left out (the local
/// value stays). Split fields are joined again (first + last name, date +
/// time); of two specs for one field the first present value wins. `only`,
/// when given, limits them to the fields the local mapping has. With
/// `Refs::remote_ids`, a reference field (a deal's contact) is read too, as
/// the CRM id it holds, for the caller to resolve to a local id.
enum class Refs { skip, remote_ids };
std::vector<std::pair<std::string, std::optional<std::string>>> read_fields(
    const Endpoint& endpoint, const json::Value& remote, const Fields* only,
    Refs refs = Refs::skip);

}  // namespace crm::providers
