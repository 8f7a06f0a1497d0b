// Wall-clock formatting and the run deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::util {

using Clock = std::chrono::steady_clock;

/// "YYYY-MM-DD HH:MM:SS" in local time, as the seed's log lines use.
std::string format_local_time(std::chrono::system_clock::time_point when);
/// "[YYYY-MM-DD HH:MM:SS]" for now.
std::string timestamp_prefix();
/// Now as Unix seconds (Prometheus timestamps).
double unix_seconds_now();

/// A CRM's update time as Unix seconds: "2026-11-30T05:50:00Z",
/// "2026-11-30T02:50:00-03:00" or "2026-11-30 02:50:00" (no zone: taken at
/// `offset_minutes` from UTC, GestaoClick writes Brasilia time); nullopt
/// for anything else.
std::optional<std::int64_t> parse_crm_time(std::string_view text,
                                           int offset_minutes);

/// A point on the monotonic clock after which a run starts no more work.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds from_now)
      : m_at(Clock::now() + from_now) {}
  [[nodiscard]] bool passed() const { return Clock::now() >= m_at; }
  /// Time left, never negative.
  [[nodiscard]] std::chrono::milliseconds remaining() const;

 private:
  Clock::time_point m_at;
};

}  // namespace crm::util
