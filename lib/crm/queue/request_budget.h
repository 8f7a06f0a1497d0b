// The per-store request budget per minute, shared through the database so
// that every run on every host together stays under the provider's limit.
#pragma once

#include <chrono>
#include <map>
#include <optional>

#include "crm/db/connection.h"
#include "crm/queue/budget.h"

namespace crm::queue {

/// The budget shared by every run on every host, one row per store and
/// minute in crm_orcamento.
class RequestBudget final : public Budget {
 public:
  explicit RequestBudget(db::Connection& connection)
      : m_connection(connection) {}

  /// Reserves up to `wanted` of the store's `per_minute` requests for the
  /// current minute (database clock), in one short transaction with a row
  /// lock, so concurrent runs never together exceed the budget.
  [[nodiscard]] Grant reserve(int store_id, int per_minute,
                              int wanted) override;

  /// Gives back requests reserved and not sent, if the minute is the same.
  void give_back(int store_id, int unused) override;

  /// One read of crm_orcamento for the current minute (database clock).
  [[nodiscard]] std::map<int, int> left(
      const std::map<int, int>& per_minute) override;

 private:
  db::Connection& m_connection;
};

}  // namespace crm::queue
