#include "crm/util/time.h"

#include <fmt/format.h>

#include <ctime>

#include "crm/util/strings.h"

namespace crm::util {

double unix_seconds_now() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_local_time(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  localtime_r(&seconds, &parts);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                     parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                     parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::optional<std::int64_t> parse_crm_time(std::string_view text,
                                           int offset_minutes) {
  // YYYY-MM-DD?HH:MM:SS, then nothing, "Z", or +HH:MM / -HH:MM.
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ')) {
    return std::nullopt;
  }
  std::tm parts{};
  const std::string head(text.substr(0, 19));
  const char* end = ::strptime(head.c_str(), "%Y-%m-%d", &parts);
  if (end == nullptr || *end != head[10]) return std::nullopt;
  end = ::strptime(end + 1, "%H:%M:%S", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::string_view zone = text.substr(19);
  if (zone == "Z" || zone == "+00:00") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
             zone[3] == ':') {
    const auto hours = parse_int(zone.substr(1, 2));
    const auto minutes = parse_int(zone.substr(4, 2));
    if (!hours || !minutes) return std::nullopt;
    offset_minutes =
        static_cast<int>((zone[0] == '-' ? -1 : 1) * (*hours * 60 + *minutes));
  } else if (!zone.empty()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(::timegm(&parts)) -
         static_cast<std::int64_t>(offset_minutes) * 60;
}

std::string timestamp_prefix() {
  return "[" + format_local_time(std::chrono::system_clock::now()) + "]";
}

std::chrono::milliseconds Deadline::remaining() const {
  const auto left = m_at - Clock::now();
  if (left <= Clock::duration::zero()) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(left);
}

}  // namespace crm::util
