// What the exchanges and the list calls share: URLs, requests carrying a
// profile's auth headers, and the API's error text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/http/http_types.h"
#include "crm/json/json.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// `base` + `path` with `query` appended URL-encoded (after '&' when the
/// path already has a query).
std::string join_url(
    const std::string& base, std::string_view path,
    const std::vector<std::pair<std::string, std::string>>& query);

/// A request with the profile's auth headers and Accept: application/json;
/// a non-empty `body` is sent as application/json.
http::Request make_request(const Profile& profile, std::string method,
                           std::string url, std::string body = {});

/// The API's own error text from the profile's error paths, joined by "; "
/// (or the first found with first_error_only), at most 300 bytes; empty when
/// the body is not JSON or has none.
std::string error_detail(const Profile& profile,
                         const http::Response& response);

/// For a 429, how long the CRM asks to wait: Bling's error.period ("second"
/// 1 s, "day" 1 h) where the profile reads it, else Retry-After, else 60 s;
/// nullopt for any other status.
std::optional<std::chrono::seconds> rate_limit_wait(
    const Profile& profile, const http::Response& response);

/// What `root` holds at a dotted envelope path ("data", "contact"); `root`
/// itself for an empty one; nullptr when absent.
const json::Value* unwrap(const json::Value& root, const std::string& envelope);

}  // namespace crm::providers
