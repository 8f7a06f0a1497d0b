// A store's request budget per minute, as the scheduler sees it: reserve a
// chunk, give back what was not sent. RequestBudget (request_budget.h) shares
// it between runs and hosts through the database; MemoryBudget keeps it in
// the process, for a dry run (which writes nothing) and for unit tests.
#pragma once

#include <chrono>
#include <map>

namespace crm::queue {

struct Grant {
  int requests = 0;  ///< may be sent in the current minute (0: spent)
  /// Seconds until the minute ends: when the grant expires, and when a
  /// store whose budget is spent may send again.
  std::chrono::seconds minute_left{60};
};

class Budget {
 public:
  virtual ~Budget() = default;
  /// Reserves up to `wanted` of the store's `per_minute` requests for the
  /// current minute.
  [[nodiscard]] virtual Grant reserve(int store_id, int per_minute,
                                      int wanted) = 0;
  /// Gives back requests reserved and not sent, if the minute is the same.
  virtual void give_back(int store_id, int unused) = 0;
  /// The requests each store of `per_minute` (store -> its budget) may
  /// still send in the current minute, without reserving any: what a claim
  /// may take from it (0: spent, its rows are not claimed).
  [[nodiscard]] virtual std::map<int, int> left(
      const std::map<int, int>& per_minute) = 0;
};

/// One minute's budget per store, kept in memory: every reserve() is in the
/// same minute, with `minute_left` left of it.
class MemoryBudget final : public Budget {
 public:
  explicit MemoryBudget(
      std::chrono::seconds minute_left = std::chrono::seconds(60))
      : m_minute_left(minute_left) {}
  [[nodiscard]] Grant reserve(int store_id, int per_minute,
                              int wanted) override;
  void give_back(int store_id, int unused) override;
  [[nodiscard]] std::map<int, int> left(
      const std::map<int, int>& per_minute) override;
  /// Requests reserved and not given back.
  [[nodiscard]] int used(int store_id) const;

 private:
  std::chrono::seconds m_minute_left;
  std::map<int, int> m_used;
};

}  // namespace crm::queue
