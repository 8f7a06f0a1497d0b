// The four CRMs with adapters: GestaoClick, Pipedrive (API v2), Bling (API v3)
// and ActiveCampaign (API v3). Each is a default Profile (the facts in
// CRM_APIS.md, mapped onto the demo tables) plus its authentication; the
// store's configuracoes override any part of it (profile_config.h).
#pragma once

#include <memory>

#include "crm/integrations/integration.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The default profiles, without base URL or credentials.
Profile gestaoclick_profile();
Profile pipedrive_profile();
Profile bling_profile();
Profile activecampaign_profile();

/// credenciais: access_token, secret_access_token.
std::unique_ptr<Provider> make_gestaoclick_provider(
    const integrations::Integration& integration);
/// credenciais: api_token.
std::unique_ptr<Provider> make_pipedrive_provider(
    const integrations::Integration& integration);
/// credenciais: access_token (put there by the OAuth refresh step,
/// sync/credentials.h).
std::unique_ptr<Provider> make_bling_provider(
    const integrations::Integration& integration);
/// credenciais: api_token; base_url: the account's own API URL.
std::unique_ptr<Provider> make_activecampaign_provider(
    const integrations::Integration& integration);

}  // namespace crm::providers
