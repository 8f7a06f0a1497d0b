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

std::optional<int> default_requests_per_minute(std::string_view provider) {
  if (provider == "gestaoclick" || provider == "bling") return 180;
  if (provider == "activecampaign") return 300;
  if (provider == "pipedrive") return 600;
  return std::nullopt;
}

}  // namespace crm::providers
