// Picks the adapter for an integration's provider.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "crm/integrations/integration.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The adapter for `integration.provider`. Throws FatalError naming the
/// store for an unknown provider, one not available in this version, or a
/// malformed configuration.
std::unique_ptr<Provider> make_provider(
    const integrations::Integration& integration);

/// A provider's built-in profile, before any store's configuration. Throws
/// FatalError for an unknown provider.
Profile default_profile(std::string_view provider);

/// The profile a store's adapter runs: the provider's with the store's base
/// URL and configuracoes applied; credentials are not needed (crm_sync
/// --print-profile). Throws FatalError naming the store and key.
Profile effective_profile(const integrations::Integration& integration);

/// True when the provider's profile authenticates with OAuth (Bling): the
/// run must have a fresh access token before the adapter is made
/// (sync/credentials.h). Request limits come from the adapter itself
/// (Provider::rate_limits).
[[nodiscard]] bool uses_oauth(std::string_view provider);

/// The request limits the provider documents (its default profile's); none
/// for `generic` and unknown names. configuracoes may override them.
[[nodiscard]] RateLimits documented_rate_limits(std::string_view provider);

}  // namespace crm::providers
