// Retry-After: delta-seconds or an HTTP-date (RFC 9110 section 10.2.3).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace crm::http {

/// The wait the header asks for, clamped to [0, 1 day]; nullopt if it cannot
/// be parsed. `now` is injectable for tests.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now =
                                std::chrono::system_clock::now());

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", a Date header) as a
/// time point; nullopt if it is not one, or its year is not 1970-2200.
std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view value);

}  // namespace crm::http
