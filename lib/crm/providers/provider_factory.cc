#include "crm/providers/provider_factory.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/providers/generic_provider.h"

namespace crm::providers {

std::unique_ptr<Provider> make_provider(const integrations::Integration& integration) {
  if (integration.provider == "generic") {
    return make_generic_provider(integration);
  }
  if (integration.provider == "gestaoclick" || integration.provider == "pipedrive" ||
      integration.provider == "bling" || integration.provider == "activecampaign") {
    throw FatalError(fmt::format(
        "crm_integracoes: store {}: provider '{}' is not available in this version "
        "(only 'generic' is; see docs/providers/README.md)",
        integration.store_id, integration.provider));
  }
  throw FatalError(fmt::format("crm_integracoes: store {}: unknown provider '{}'",
                               integration.store_id, integration.provider));
}

}  // namespace crm::providers
