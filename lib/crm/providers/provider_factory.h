// Picks the adapter for an integration's provider.
#pragma once

#include <memory>

#include "crm/integrations/integration_repository.h"
#include "crm/providers/provider.h"

namespace crm::providers {

/// The adapter for `integration.provider`. Throws FatalError naming the
/// store for an unknown provider, one not available in this version, or a
/// malformed configuration.
std::unique_ptr<Provider> make_provider(const integrations::Integration& integration);

}  // namespace crm::providers
