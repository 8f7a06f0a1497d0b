#include "crm/queue/fair_share.h"

#include <algorithm>

namespace crm::queue {

std::map<int, int> fair_shares(const std::vector<Contender>& contenders,
                               int capacity) {
  std::map<int, int> shares;
  // Water-filling: every open store gets an even part of what is left;
  // a store that reaches its cap closes, and the next pass splits the rest
  // among the others. Each pass closes a store or hands out everything.
  std::vector<const Contender*> open;
  for (const Contender& contender : contenders) {
    if (contender.cap > 0) {
      open.push_back(&contender);
    }
  }
  int left = std::max(capacity, 0);
  while (left > 0 && !open.empty()) {
    const int count = static_cast<int>(open.size());
    const int even = left / count;
    int extra = left % count;  // one more each for the first stores
    std::vector<const Contender*> still_open;
    for (const Contender* contender : open) {
      int& share = shares[contender->store_id];
      const int want = even + (extra > 0 ? 1 : 0);
      const int given = std::min(want, contender->cap - share);
      if (want > 0 && extra > 0) {
        --extra;
      }
      share += given;
      left -= given;
      if (share < contender->cap) {
        still_open.push_back(contender);
      }
    }
    if (still_open.size() == open.size()) {
      break;  // nobody was capped: everything was handed out
    }
    open = std::move(still_open);
  }
  std::erase_if(shares, [](const auto& entry) { return entry.second == 0; });
  return shares;
}

}  // namespace crm::queue
