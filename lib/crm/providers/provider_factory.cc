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

std::optional<int> default_requests_per_minute(std::string_view provider) {
  if (provider == "gestaoclick" || provider == "bling") return 180;
  if (provider == "activecampaign") return 300;
  if (provider == "pipedrive") return 600;
  return std::nullopt;
}

std::optional<int> default_requests_per_second(std::string_view provider) {
  if (provider == "gestaoclick" || provider == "bling") return 3;
  if (provider == "activecampaign") return 5;
  return std::nullopt;
}

}  // namespace crm::providers
