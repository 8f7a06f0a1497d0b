// Per-store overrides of a provider's Profile, from
// crm_integracoes.configuracoes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/integrations/integration.h"
#include "crm/json/json.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// Applies configuracoes onto `profile`: the envelope and paging keys,
/// on_delete/deactivate and `entities` (per entity: null = not synced, or
/// path, create_path, update_method, envelopes, id_field, fields (replace the
/// list), extra_fields (merge by key; null removes), lookup (null, one or a
/// list), children). Throws FatalError naming the key.
void apply_configuration(Profile& profile, const json::Value& config,
                         const std::string& where);

/// on_delete as configuracoes spells it: "ignore", "deactivate", "delete".
std::string_view on_delete_key(OnDelete on_delete);

/// The credential `key`, or FatalError naming the store.
std::string require_credential(const integrations::Integration& integration,
                               const std::string& key);

/// `integration.base_url` without trailing slashes (FatalError when empty).
std::string base_url_of(const integrations::Integration& integration);

/// A named provider's adapter: `profile` with the integration's base URL,
/// these auth headers and the store's configuracoes applied.
std::unique_ptr<Provider> make_named_provider(
    Profile profile, const integrations::Integration& integration,
    std::vector<std::pair<std::string, std::string>> auth_headers);

/// "crm_integracoes: store N: configuracoes"
std::string settings_where(const integrations::Integration& integration);

}  // namespace crm::providers
