// OAuth2 refresh for providers whose access tokens expire (Bling: 6 h access
// tokens, 30-day refresh tokens that rotate on every refresh).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "crm/db/connection.h"
#include "crm/http/http_types.h"
#include "crm/integrations/integration_repository.h"

namespace crm::integrations {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  ///< seconds
};

/// POST <token_url> with Basic client auth and
/// grant_type=refresh_token&refresh_token=... (form encoded).
http::Request refresh_request(const std::string& token_url, const std::string& client_id,
                              const std::string& client_secret, const std::string& refresh_token);

/// The new pair from a token response, or a one-line reason it failed.
std::variant<TokenPair, std::string> read_refresh_response(const http::Response& response);

/// Makes sure `integration.credentials` holds a valid "access_token":
/// a stored one with more than 5 minutes left, or a new one from a refresh.
/// The refresh runs under a named lock (one per integration, across hosts)
/// and the rotated pair is stored in crm_oauth_tokens in one statement
/// before it is used. credenciais: client_id, client_secret, refresh_token
/// (the first one, from the authorization), optional token_url (default
/// base_url + "/oauth/token"). A credenciais access_token without a
/// refresh_token is used as is. Throws FatalError naming the store when the
/// refresh fails (the refresh token is revoked or expired: authorize again).
void ensure_access_token(db::Connection& connection, Integration& integration);

/// Marks the stored access token expired (the CRM answered 401), so the
/// next run refreshes it.
void expire_access_token(db::Connection& connection, int integration_id);

}  // namespace crm::integrations
