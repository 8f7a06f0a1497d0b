// Credentials a provider needs before its first request of a run.
#pragma once

#include <chrono>
#include <optional>

#include "crm/db/connection.h"
#include "crm/integrations/integration_repository.h"

namespace crm::sync {

/// For Bling, makes sure `integration.credentials` holds a valid
/// "access_token": a stored one with more than 5 minutes left, or a new one
/// from a refresh. The refresh runs under a named lock (one per integration,
/// across hosts) and the rotated pair is stored in crm_oauth_tokens in one
/// statement before it is used. credenciais: client_id, client_secret,
/// refresh_token (from the authorization), optional token_url (default
/// base_url + "/oauth/token"); an access_token without a refresh_token is
/// used as is. Nothing for the other providers. Returns when the token
/// request went out, if one did: the run counts it in the store's pacing
/// (Bling counts the token endpoint in its 3 requests/s). Throws FatalError
/// naming the store when the refresh fails (authorize again:
/// docs/providers/bling.md).
std::optional<std::chrono::steady_clock::time_point> prepare_credentials(
    db::Connection& connection, integrations::Integration& integration);

}  // namespace crm::sync
