#include "crm/providers/oauth.h"

#include "crm/json/json.h"
#include "crm/providers/classify.h"
#include "crm/util/strings.h"

namespace crm::providers {

http::Request refresh_request(const std::string& token_url,
                              const std::string& client_id,
                              const std::string& client_secret,
                              const std::string& refresh_token) {
  http::Request request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {
      {"Authorization",
       "Basic " + util::base64_encode(client_id + ":" + client_secret)},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "application/json"}};
  request.body = "grant_type=refresh_token&refresh_token=" +
                 util::url_encode(refresh_token);
  return request;
}

std::variant<TokenPair, std::string> read_refresh_response(
    const http::Response& response) {
  const auto parsed = json::parse(response.body);
  if (response.status != 200) {
    // {"error": {"type", "message", "description"}} or the RFC 6749 shape.
    std::string detail;
    if (parsed) {
      for (const char* path : {"error.message", "error.description", "error",
                               "error_description"}) {
        const json::Value* value = parsed->find_path(path);
        if (value && value->is_string() && !value->text().empty()) {
          detail += (detail.empty() ? "" : ": ") + value->text();
        }
      }
    }
    return failure(response, "token refresh", detail).message;
  }
  const json::Value* access = parsed ? parsed->find("access_token") : nullptr;
  const json::Value* refresh = parsed ? parsed->find("refresh_token") : nullptr;
  const json::Value* expires = parsed ? parsed->find("expires_in") : nullptr;
  if (!access || !access->is_string() || access->text().empty() || !refresh ||
      !refresh->is_string() || refresh->text().empty()) {
    return "token refresh: HTTP 200 without access_token and refresh_token: " +
           body_excerpt(response.body);
  }
  TokenPair pair{access->text(), refresh->text(), 21600};
  if (expires && expires->scalar_text()) {
    pair.expires_in = util::parse_int(*expires->scalar_text()).value_or(21600);
  }
  return pair;
}

}  // namespace crm::providers
