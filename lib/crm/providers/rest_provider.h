// Runs a Profile: builds each item's requests and reads the responses.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "crm/providers/field_conversion.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The Provider that runs `profile`: one exchange per item
/// (rest_exchange.h), list pages (paging.h). Field conversions
/// (to_remote, from_remote, readable) come with this header from
/// field_conversion.h.
std::unique_ptr<Provider> make_rest_provider(Profile profile);

}  // namespace crm::providers
