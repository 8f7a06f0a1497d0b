#include "crm/providers/rest_http.h"

#include "crm/http/retry_after.h"
#include "crm/json/json.h"
#include "crm/util/strings.h"

namespace crm::providers {

std::string join_url(
    const std::string& base, std::string_view path,
    const std::vector<std::pair<std::string, std::string>>& query) {
  std::string url = base + std::string(path);
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    url += separator;
    url += util::url_encode(key) + "=" + util::url_encode(value);
    separator = '&';
  }
  return url;
}

http::Request make_request(const Profile& profile, std::string method,
                           std::string url, std::string body) {
  http::Request out;
  out.method = std::move(method);
  out.url = std::move(url);
  out.headers = profile.auth_headers;
  out.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    out.headers.emplace_back("Content-Type", "application/json");
    out.body = std::move(body);
  }
  return out;
}

std::string error_detail(const Profile& profile,
                         const http::Response& response) {
  const auto parsed = json::parse(response.body);
  if (!parsed) return {};
  std::string out;
  for (const std::string& path : profile.error_paths) {
    const json::Value* value = parsed->find_path(path);
    if (value == nullptr || !value->is_string() || value->text().empty())
      continue;
    if (out.find(value->text()) != std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + value->text();
    if (profile.first_error_only) break;
  }
  return util::truncate_utf8(out, 300);
}

std::optional<std::chrono::seconds> rate_limit_wait(
    const Profile& profile, const http::Response& response) {
  if (response.status != 429) return std::nullopt;
  if (profile.period_in_body) {
    const auto parsed = json::parse(response.body);
    const json::Value* period =
        parsed ? parsed->find_path("error.period") : nullptr;
    if (period && period->is_string()) {
      return std::chrono::seconds(period->text() == "day" ? 3600 : 1);
    }
  }
  const auto header = response.header("retry-after");
  const auto wait = header ? http::parse_retry_after(*header) : std::nullopt;
  return wait.value_or(std::chrono::seconds(60));
}

const json::Value* unwrap(const json::Value& root,
                          const std::string& envelope) {
  return envelope.empty() ? &root : root.find_path(envelope);
}

}  // namespace crm::providers
