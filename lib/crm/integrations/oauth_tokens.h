// crm_oauth_tokens: each integration's current OAuth pair (Bling rotates its
// refresh token on every refresh; every host must see the latest one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crm/db/connection.h"

namespace crm::integrations {

struct StoredToken {
  std::string access_token;
  std::string refresh_token;
  /// The refresh token from credenciais this chain started from.
  std::string initial_refresh_token;
  /// More than `margin_seconds` of the access token left.
  bool fresh = false;
};

std::optional<StoredToken> load_token(db::Connection& connection,
                                      int integration_id, int margin_seconds);

/// Replaces the integration's pair in one statement (autocommit): stored
/// before anything uses it.
void save_token(db::Connection& connection, int integration_id,
                const std::string& access_token,
                const std::string& refresh_token,
                const std::string& initial_refresh_token,
                std::int64_t expires_in_seconds);

/// Marks the access token expired (the CRM answered 401): the next run
/// refreshes.
void expire_token(db::Connection& connection, int integration_id);

}  // namespace crm::integrations
