#include "crm/http/retry_after.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "crm/util/strings.h"

namespace crm::http {

std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  constexpr long long k_max = 86400;
  const auto text = util::trim(value);
  if (const auto seconds = util::parse_int(text)) {
    return std::chrono::seconds(std::clamp(*seconds, 0LL, k_max));
  }
  const auto at = parse_http_date(text);
  if (!at) {
    return std::nullopt;
  }
  const long long delta =
      std::chrono::duration_cast<std::chrono::seconds>(*at - now).count();
  return std::chrono::seconds(std::clamp(delta, 0LL, k_max));
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view value) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  std::tm parts{};
  const std::string copy(util::trim(value));
  const char* end =
      ::strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  // Years a time point in nanoseconds can hold (1678-2262), with margin:
  // "Sun, 06 Nov 0997 ..." must not overflow the conversion.
  if (end == nullptr || *end != '\0' || parts.tm_year < 70 ||
      parts.tm_year > 300) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(::timegm(&parts));
}

}  // namespace crm::http
