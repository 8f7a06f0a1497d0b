#include "crm/integrations/oauth.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/db/named_lock.h"
#include "crm/http/curl_transport.h"
#include "crm/json/json.h"
#include "crm/providers/classify.h"
#include "crm/util/strings.h"

namespace crm::integrations {
namespace {

/// Access tokens with less than this left are refreshed before the run.
constexpr int k_margin_seconds = 300;

struct Stored {
  std::string access_token;
  std::string refresh_token;
  std::string initial_refresh_token;
  bool fresh = false;  ///< more than the margin left
};

std::optional<Stored> load(db::Connection& connection, int integration_id) {
  const db::Rows rows = connection.query(
      "SELECT access_token, refresh_token, refresh_token_inicial, "
      "expira_em > NOW() + INTERVAL ? SECOND FROM crm_oauth_tokens WHERE id_integracao = ?",
      {k_margin_seconds, integration_id});
  if (rows.rows.empty()) return std::nullopt;
  const db::Row& row = rows.rows.front();
  return Stored{row.get(0).value_or(""), row.get(1).value_or(""), row.get(2).value_or(""),
                row.integer(3) == 1};
}

std::string where(const Integration& integration) {
  return fmt::format("crm_integracoes: store {}: {} OAuth", integration.store_id,
                     integration.provider);
}

std::string need(const Integration& integration, const std::string& key) {
  auto value = integration.credentials.get(key);
  if (!value || value->empty()) {
    throw FatalError(fmt::format("{}: credenciais: missing '{}'", where(integration), key));
  }
  return *value;
}

}  // namespace

http::Request refresh_request(const std::string& token_url, const std::string& client_id,
                              const std::string& client_secret, const std::string& refresh_token) {
  http::Request request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {
      {"Authorization", "Basic " + util::base64_encode(client_id + ":" + client_secret)},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "application/json"}};
  request.body = "grant_type=refresh_token&refresh_token=" + util::url_encode(refresh_token);
  return request;
}

std::variant<TokenPair, std::string> read_refresh_response(const http::Response& response) {
  const auto parsed = json::parse(response.body);
  if (response.status != 200) {
    // {"error": {"type", "message", "description"}} or the RFC 6749 shape.
    std::string detail;
    if (parsed) {
      for (const char* path : {"error.message", "error.description", "error", "error_description"}) {
        const json::Value* value = parsed->find_path(path);
        if (value && value->is_string() && !value->text().empty()) {
          detail += (detail.empty() ? "" : ": ") + value->text();
        }
      }
    }
    return providers::failure(response, "token refresh", detail).message;
  }
  const json::Value* access = parsed ? parsed->find("access_token") : nullptr;
  const json::Value* refresh = parsed ? parsed->find("refresh_token") : nullptr;
  const json::Value* expires = parsed ? parsed->find("expires_in") : nullptr;
  if (!access || !access->is_string() || access->text().empty() || !refresh ||
      !refresh->is_string() || refresh->text().empty()) {
    return "token refresh: HTTP 200 without access_token and refresh_token: " +
           providers::body_excerpt(response.body);
  }
  TokenPair pair{access->text(), refresh->text(), 21600};
  if (expires && expires->scalar_text()) {
    pair.expires_in = util::parse_int(*expires->scalar_text()).value_or(21600);
  }
  return pair;
}

void ensure_access_token(db::Connection& connection, Integration& integration) {
  const auto initial = integration.credentials.get("refresh_token");
  if (!initial || initial->empty()) {
    need(integration, "access_token");  // a fixed token (tests, short jobs)
    return;
  }
  const auto usable = [&](const std::optional<Stored>& stored) {
    return stored && stored->fresh && stored->initial_refresh_token == *initial;
  };
  std::optional<Stored> stored = load(connection, integration.id);
  if (!usable(stored)) {
    const auto lock = db::NamedLock::try_acquire(
        connection, fmt::format("crm_oauth_{}", integration.id), std::chrono::seconds(20));
    if (!lock) {
      throw FatalError(where(integration) + ": another run has been refreshing the token for "
                                            "20 s; try again next run");
    }
    stored = load(connection, integration.id);  // another run may have just done it
    if (!usable(stored)) {
      // A chain started from an older authorization is dropped.
      const std::string refresh_token =
          stored && stored->initial_refresh_token == *initial ? stored->refresh_token : *initial;
      std::string token_url = integration.credentials.get("token_url").value_or("");
      if (token_url.empty()) {
        token_url = integration.base_url;
        while (token_url.ends_with("/")) token_url.pop_back();
        token_url += "/oauth/token";
      }
      const http::Response response = http::perform(refresh_request(
          token_url, need(integration, "client_id"), need(integration, "client_secret"),
          refresh_token));
      auto result = read_refresh_response(response);
      if (auto* error = std::get_if<std::string>(&result)) {
        std::string message = *error;
        for (const std::string& secret : integration.credentials.values()) {
          if (secret.size() >= 4) message = util::redact(std::move(message), secret);
        }
        throw FatalError(fmt::format(
            "{}: {} (if the refresh token was revoked or is older than 30 days, authorize "
            "again: docs/providers/bling.md)",
            where(integration), message));
      }
      const TokenPair& pair = std::get<TokenPair>(result);
      // Stored (autocommit, one statement) before anything uses it: losing
      // the rotated refresh token would lock the store out.
      connection.execute(
          "INSERT INTO crm_oauth_tokens (id_integracao, access_token, refresh_token, "
          "refresh_token_inicial, expira_em) VALUES (?, ?, ?, ?, NOW() + INTERVAL ? SECOND) "
          "ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), "
          "refresh_token = VALUES(refresh_token), "
          "refresh_token_inicial = VALUES(refresh_token_inicial), expira_em = VALUES(expira_em)",
          {integration.id, pair.access_token, pair.refresh_token, *initial,
           static_cast<long long>(pair.expires_in)});
      stored = Stored{pair.access_token, pair.refresh_token, *initial, true};
    }
  }
  integration.credentials.set("access_token", stored->access_token);
  integration.credentials.set("current_refresh_token", stored->refresh_token);
}

void expire_access_token(db::Connection& connection, int integration_id) {
  connection.execute("UPDATE crm_oauth_tokens SET expira_em = NOW() WHERE id_integracao = ?",
                     {integration_id});
}

}  // namespace crm::integrations
