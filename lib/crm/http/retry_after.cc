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
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  std::tm parts{};
  const std::string copy(text);
  const char* end =
      ::strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  const std::time_t at = ::timegm(&parts);
  const long long delta =
      static_cast<long long>(at) - std::chrono::system_clock::to_time_t(now);
  return std::chrono::seconds(std::clamp(delta, 0LL, k_max));
}

}  // namespace crm::http
