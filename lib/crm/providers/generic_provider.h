// `generic`: any REST API, with endpoints, auth header, envelopes, id field
// and field mapping all read from crm_integracoes.configuracoes.
#pragma once

#include <memory>

#include "crm/integrations/integration.h"
#include "crm/providers/provider.h"

namespace crm::providers {

/// Builds the adapter; throws FatalError naming the store and the key when
/// the configuration is malformed or a credential is missing.
std::unique_ptr<Provider> make_generic_provider(
    const integrations::Integration& integration);

}  // namespace crm::providers
