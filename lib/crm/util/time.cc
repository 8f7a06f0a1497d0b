#include "crm/util/time.h"

#include <fmt/format.h>

#include <ctime>

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
