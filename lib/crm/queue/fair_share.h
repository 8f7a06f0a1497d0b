// How a claim splits its batch between the stores that have due rows: the
// pure arithmetic, with no database (fair_claim.h runs it on the queue).
#pragma once

#include <map>
#include <vector>

namespace crm::queue {

/// A store that wants rows from one round of a claim.
struct Contender {
  int store_id = 0;
  /// The most rows it may take in this round (its request budget left, or
  /// the batch when it has none).
  int cap = 0;
};

/// Splits `capacity` rows between `contenders`, given in the order that
/// breaks ties (the store whose next row waited longest first): each gets
/// ceil(capacity / n) at most, never more than its cap, and what a capped
/// store leaves goes to the others, so the shares add up to min(capacity,
/// the caps' sum). When capacity is smaller than the number of contenders,
/// the first `capacity` stores get one row each. Stores whose share is 0
/// are left out of the result.
[[nodiscard]] std::map<int, int> fair_shares(
    const std::vector<Contender>& contenders, int capacity);

}  // namespace crm::queue
