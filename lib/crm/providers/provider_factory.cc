#include "crm/providers/provider_factory.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/providers/generic_provider.h"
#include "crm/providers/named_providers.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {
namespace {

bool is_known(std::string_view provider) {
  for (const char* name :
       {"gestaoclick", "pipedrive", "bling", "activecampaign", "generic"}) {
    if (provider == name) return true;
  }
  return false;
}

}  // namespace

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

Profile default_profile(std::string_view provider) {
  if (provider == "gestaoclick") return gestaoclick_profile();
  if (provider == "pipedrive") return pipedrive_profile();
  if (provider == "bling") return bling_profile();
  if (provider == "activecampaign") return activecampaign_profile();
  if (provider == "generic") return generic_profile();
  throw FatalError(
      fmt::format("unknown provider '{}' (gestaoclick, pipedrive, "
                  "bling, activecampaign, generic)",
                  provider));
}

Profile effective_profile(const integrations::Integration& integration) {
  Profile profile;
  try {
    profile = default_profile(integration.provider);
  } catch (const FatalError& error) {
    throw FatalError(fmt::format("crm_integracoes: store {}: {}",
                                 integration.store_id, error.what()));
  }
  profile.base_url = integration.base_url;
  while (profile.base_url.ends_with("/")) profile.base_url.pop_back();
  apply_configuration(profile, integration.settings,
                      settings_where(integration));
  return profile;
}

bool uses_oauth(std::string_view provider) {
  // The named profiles say it; `generic` has none.
  return provider != "generic" && is_known(provider) &&
         default_profile(provider).oauth;
}

RateLimits documented_rate_limits(std::string_view provider) {
  const auto limits = [](const Profile& profile) {
    return RateLimits{profile.requests_per_minute, profile.requests_per_second};
  };
  if (provider == "gestaoclick") return limits(gestaoclick_profile());
  if (provider == "pipedrive") return limits(pipedrive_profile());
  if (provider == "bling") return limits(bling_profile());
  if (provider == "activecampaign") return limits(activecampaign_profile());
  return {};
}

}  // namespace crm::providers
