#include "crm/queue/backoff.h"

#include <algorithm>

namespace crm::queue {

std::chrono::seconds backoff_after(int attempts) {
  const int exponent = std::clamp(attempts - 1, 0, 10);
  const long long seconds = 60LL << exponent;
  return std::chrono::seconds(std::min(seconds, 3600LL));
}

}  // namespace crm::queue
