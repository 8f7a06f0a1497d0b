#include "crm/sync/credentials.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/db/named_lock.h"
#include "crm/http/curl_transport.h"
#include "crm/integrations/oauth_tokens.h"
#include "crm/providers/oauth.h"
#include "crm/providers/provider_factory.h"
#include "crm/util/strings.h"

namespace crm::sync {
namespace {

/// Access tokens with less than this left are refreshed before the run.
constexpr int k_margin_seconds = 300;

std::string where(const integrations::Integration& integration) {
  return fmt::format("crm_integracoes: store {}: {} OAuth",
                     integration.store_id, integration.provider);
}

std::string need(const integrations::Integration& integration,
                 const std::string& key) {
  auto value = integration.credentials.get(key);
  if (!value || value->empty()) {
    throw FatalError(
        fmt::format("{}: credenciais: missing '{}'", where(integration), key));
  }
  return *value;
}

std::string token_url_of(const integrations::Integration& integration) {
  std::string token_url = integration.credentials.get("token_url").value_or("");
  if (token_url.empty()) {
    token_url = integration.base_url;
    while (token_url.ends_with("/")) token_url.pop_back();
    token_url += "/oauth/token";
  }
  return token_url;
}

/// Refreshes with `refresh_token` and stores the rotated pair before
/// anything uses it: losing the rotated refresh token would lock the store
/// out. Throws FatalError (secrets masked) when the provider refuses.
integrations::StoredToken refresh(db::Connection& connection,
                                  const integrations::Integration& integration,
                                  const std::string& refresh_token,
                                  const std::string& initial) {
  const http::Response response = http::perform(providers::refresh_request(
      token_url_of(integration), need(integration, "client_id"),
      need(integration, "client_secret"), refresh_token));
  auto result = providers::read_refresh_response(response);
  if (auto* error = std::get_if<std::string>(&result)) {
    std::string message = *error;
    for (const std::string& secret : integration.credentials.values()) {
      if (secret.size() >= 4)
        message = util::redact(std::move(message), secret);
    }
    throw FatalError(
        fmt::format("{}: {} (if the refresh token was revoked or is older "
                    "than 30 days, authorize "
                    "again: docs/providers/bling.md)",
                    where(integration), message));
  }
  const providers::TokenPair& pair = std::get<providers::TokenPair>(result);
  integrations::save_token(connection, integration.id, pair.access_token,
                           pair.refresh_token, initial, pair.expires_in);
  return integrations::StoredToken{pair.access_token, pair.refresh_token,
                                   initial, true};
}

/// The access token in `integration.credentials`; when a refresh went out
/// for it, the time it did.
std::optional<std::chrono::steady_clock::time_point> ensure_access_token(
    db::Connection& connection, integrations::Integration& integration) {
  const auto initial = integration.credentials.get("refresh_token");
  if (!initial || initial->empty()) {
    need(integration, "access_token");  // a fixed token (tests, short jobs)
    return std::nullopt;
  }
  std::optional<std::chrono::steady_clock::time_point> sent;
  const auto usable =
      [&](const std::optional<integrations::StoredToken>& stored) {
        return stored && stored->fresh &&
               stored->initial_refresh_token == *initial;
      };
  auto stored =
      integrations::load_token(connection, integration.id, k_margin_seconds);
  if (!usable(stored)) {
    const auto lock = db::NamedLock::try_acquire(
        connection, fmt::format("crm_oauth_{}", integration.id),
        std::chrono::seconds(20));
    if (!lock) {
      throw FatalError(where(integration) +
                       ": another run has been refreshing the token for "
                       "20 s; try again next run");
    }
    // Another run may have refreshed while this one waited for the lock.
    stored =
        integrations::load_token(connection, integration.id, k_margin_seconds);
    if (!usable(stored)) {
      // A chain started from an older authorization is dropped.
      sent = std::chrono::steady_clock::now();
      stored = refresh(connection, integration,
                       stored && stored->initial_refresh_token == *initial
                           ? stored->refresh_token
                           : *initial,
                       *initial);
    }
  }
  integration.credentials.set("access_token", stored->access_token);
  integration.credentials.set("current_refresh_token", stored->refresh_token);
  return sent;
}

}  // namespace

std::optional<std::chrono::steady_clock::time_point> prepare_credentials(
    db::Connection& connection, integrations::Integration& integration) {
  if (providers::uses_oauth(integration.provider)) {
    return ensure_access_token(connection, integration);
  }
  return std::nullopt;
}

}  // namespace crm::sync
