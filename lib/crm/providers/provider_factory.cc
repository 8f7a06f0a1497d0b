#include "crm/providers/provider_factory.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/providers/generic_provider.h"
#include "crm/providers/named_providers.h"

namespace crm::providers {

std::unique_ptr<Provider> make_provider(
    const integrations::Integration& integration) {
  if (integration.provider == "generic") {
    return make_generic_provider(integration);
  }
  if (integration.provider == "gestaoclick")
    return make_gestaoclick_provider(integration);
  if (integration.provider == "pipedrive")
    return make_pipedrive_provider(integration);
  if (integration.provider == "bling") return make_bling_provider(integration);
  if (integration.provider == "activecampaign") {
    return make_activecampaign_provider(integration);
  }
  throw FatalError(
      fmt::format("crm_integracoes: store {}: unknown provider '{}'",
                  integration.store_id, integration.provider));
}

bool uses_oauth(std::string_view provider) {
  // The named profiles say it; `generic` has none.
  if (provider == "gestaoclick") return gestaoclick_profile().oauth;
  if (provider == "pipedrive") return pipedrive_profile().oauth;
  if (provider == "bling") return bling_profile().oauth;
  if (provider == "activecampaign") return activecampaign_profile().oauth;
  return false;
}

}  // namespace crm::providers
