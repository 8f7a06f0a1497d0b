#include "crm/queue/budget.h"

#include <algorithm>

namespace crm::queue {

Grant MemoryBudget::reserve(int store_id, int per_minute, int wanted) {
  int& used = m_used[store_id];
  Grant grant;
  grant.minute_left = m_minute_left;
  grant.requests = std::clamp(per_minute - used, 0, wanted);
  used += grant.requests;
  return grant;
}

void MemoryBudget::give_back(int store_id, int unused) {
  int& used = m_used[store_id];
  used = std::max(0, used - unused);
}

std::map<int, int> MemoryBudget::left(const std::map<int, int>& per_minute) {
  std::map<int, int> out;
  for (const auto& [store_id, limit] : per_minute) {
    out[store_id] = std::max(0, limit - used(store_id));
  }
  return out;
}

int MemoryBudget::used(int store_id) const {
  const auto it = m_used.find(store_id);
  return it == m_used.end() ? 0 : it->second;
}

}  // namespace crm::queue
