// When a transiently failed row is due again.
#pragma once

#include <chrono>

namespace crm::queue {

/// Attempts before a transient failure is given up (seed 000: 3).
inline constexpr int k_max_attempts = 3;

/// Delay after the `attempts`-th failed attempt: 60 s, 120 s, 240 s, ...,
/// capped at one hour.
std::chrono::seconds backoff_after(int attempts);

}  // namespace crm::queue
