// Runs a Profile: builds each item's requests and reads the responses.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

std::unique_ptr<Provider> make_rest_provider(Profile profile);

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

}  // namespace crm::providers
