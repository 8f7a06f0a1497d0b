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

/// The request budget per minute a provider's API allows by default
/// (CRM_APIS.md): GestaoClick and Bling 3/s, ActiveCampaign 5/s per account,
/// Pipedrive 2-second burst windows (a conservative 10/s); nullopt for
/// `generic` (no limit unless configured). configuracoes.requests_per_minute
/// overrides it.
std::optional<int> default_requests_per_minute(std::string_view provider);

/// Request starts per second a provider allows (GestaoClick and Bling 3,
/// ActiveCampaign 5); nullopt when its limit is not per second (Pipedrive's
/// 2-second burst windows are read from its x-ratelimit headers) or unknown.
/// configuracoes.requests_per_second overrides it (0 = no pacing).
std::optional<int> default_requests_per_second(std::string_view provider);

}  // namespace crm::providers
