// OAuth2 refresh-token grant as requests and responses (Bling: 6 h access
// tokens, 30-day refresh tokens that rotate on every refresh). Pure; the
// refresh step itself is sync/credentials.h.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "crm/http/http_types.h"

namespace crm::providers {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  ///< seconds
};

/// POST <token_url> with Basic client auth and
/// grant_type=refresh_token&refresh_token=... (form encoded).
http::Request refresh_request(const std::string& token_url,
                              const std::string& client_id,
                              const std::string& client_secret,
                              const std::string& refresh_token);

/// The new pair from a token response, or a one-line reason it failed.
std::variant<TokenPair, std::string> read_refresh_response(
    const http::Response& response);

}  // namespace crm::providers
