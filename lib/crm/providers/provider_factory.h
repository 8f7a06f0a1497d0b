// Picks the adapter for an integration's provider.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "crm/integrations/integration.h"
#include "crm/providers/provider.h"

namespace crm::providers {

/// The adapter for `integration.provider`. Throws FatalError naming the
/// store for an unknown provider, one not available in this version, or a
/// malformed configuration.
std::unique_ptr<Provider> make_provider(
    const integrations::Integration& integration);

/// True when the provider's profile authenticates with OAuth (Bling): the
/// run must have a fresh access token before the adapter is made
/// (sync/credentials.h). Request limits come from the adapter itself
/// (Provider::rate_limits).
[[nodiscard]] bool uses_oauth(std::string_view provider);

}  // namespace crm::providers
