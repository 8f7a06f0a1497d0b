// When a transiently failed row is due again (how many attempts it gets:
// k_max_attempts in core/work_item.h).
#pragma once

#include <chrono>

namespace crm::queue {

/// Delay after the `attempts`-th failed attempt: 60 s, 120 s, 240 s, ...,
/// capped at one hour.
std::chrono::seconds backoff_after(int attempts);

}  // namespace crm::queue
