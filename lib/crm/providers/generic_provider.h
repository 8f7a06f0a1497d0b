// `generic`: any REST API, with endpoints, auth header, envelopes, id field
// and field mapping all read from crm_integracoes.configuracoes.
#pragma once

#include <memory>

#include "crm/integrations/integration.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The generic profile before configuration: the demo tables' shape over
/// /<recurso> (crm_sync --print-profile shows it).
Profile generic_profile();

/// Builds the adapter; throws FatalError naming the store and the key when
/// the configuration is malformed or a credential is missing.
std::unique_ptr<Provider> make_generic_provider(
    const integrations::Integration& integration);

}  // namespace crm::providers
