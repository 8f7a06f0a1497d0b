// The per-store request budget per minute, shared through the database so
// that every run on every host together stays under the provider's limit.
#pragma once

#include <chrono>
#include <optional>

#include "crm/db/connection.h"

namespace crm::queue {

struct Grant {
  int requests = 0;  ///< may be sent in the current minute (0: spent)
  /// Seconds until the minute ends: when the grant expires, and when a
  /// store whose budget is spent may send again.
  std::chrono::seconds minute_left{60};
};

class RequestBudget {
 public:
  explicit RequestBudget(db::Connection& connection)
      : m_connection(connection) {}

  /// Reserves up to `wanted` of the store's `per_minute` requests for the
  /// current minute (database clock), in one short transaction with a row
  /// lock, so concurrent runs never together exceed the budget.
  [[nodiscard]] Grant reserve(int store_id, int per_minute, int wanted);

  /// Gives back requests reserved and not sent, if the minute is the same.
  void give_back(int store_id, int unused);

 private:
  db::Connection& m_connection;
};

}  // namespace crm::queue
