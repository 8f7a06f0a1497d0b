// crm_sync_queue: claim with leases, compare-and-set finish, de-duplicated
// enqueue. All timing uses the database clock, so hosts may disagree on time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/core/entity.h"
#include "crm/core/outcome.h"
#include "crm/core/work_item.h"
#include "crm/db/connection.h"
#include "crm/queue/fair_claim.h"

namespace crm::queue {

struct ClaimOptions {
  int limit = 100;
  /// How long the rows stay ours; a killed run's rows are claimable after.
  std::chrono::seconds lease{110};
  std::optional<std::int64_t> run_id;
};

struct Claim {
  /// Random token written on every claimed row; finishing compares it.
  std::string token;
  /// Rows to work on, in claim order.
  std::vector<QueueRow> rows;
  /// Rows that had used every attempt without a recorded outcome (earlier
  /// runs died on them): already given up by the claim; to be logged.
  std::vector<QueueRow> exhausted;
  /// Rows whose entidade or direcao is not a known value (possible under a
  /// lax sql_mode): given up by the claim, never sent. (id, why).
  std::vector<std::pair<std::int64_t, std::string>> invalid;
};

/// How one claimed row ended, for QueueRepository::finish.
struct Finished {
  QueueRow row;
  ItemOutcome outcome;
};

struct FinishResult {
  int recorded = 0;
  /// Rows whose lease another run had taken over: left as that run set them.
  int lost_lease = 0;
  /// Successful rows kept pending because an enqueue arrived meanwhile.
  int requeued = 0;
  /// Rows given up by this finish (permanent, or transient at their last
  /// attempt).
  std::vector<QueueRow> given_up;
};

class QueueRepository {
 public:
  /// `max_attempts`: attempts before a transient failure, or a row whose
  /// runs keep dying, is given up (Config::max_attempts).
  explicit QueueRepository(db::Connection& connection,
                           int max_attempts = k_max_attempts)
      : m_connection(connection), m_max_attempts(max_attempts) {}

  /// Claims up to `limit` due rows of the filter's stores, fairly
  /// (select_fair: priority first, then an even share per store, each store
  /// in `prioridade DESC, criado_em, id` order), with SELECT ... FOR UPDATE
  /// SKIP LOCKED in one short READ COMMITTED transaction, counting an
  /// attempt on each. Overlapping claims never return the same row. No
  /// store in the filter: nothing.
  [[nodiscard]] Claim claim(const ClaimFilter& filter,
                            const ClaimOptions& options);

  /// The rows a claim would take, without locking or writing (--dry-run).
  [[nodiscard]] std::vector<QueueRow> peek(const ClaimFilter& filter,
                                           int limit);

  /// Records outcomes in one transaction, each as a compare-and-set on the
  /// row id and `token`: success clears `erro`; transient backs off or gives
  /// up after max_attempts; permanent gives up; rate_limited and released
  /// give the attempt back.
  FinishResult finish(const std::string& token,
                      const std::vector<Finished>& items);

  /// Enqueues a key, or raises the priority of its pending row (one atomic
  /// INSERT ... ON DUPLICATE KEY UPDATE). Returns the pending row's id.
  std::int64_t enqueue(int store_id, Entity entity, std::int64_t record_id,
                       Direction direction, int priority);

  /// Enqueues a record towards the CRM that a waiting item needs, unless the
  /// queue already has a row for it (pending: it will come; given up: the
  /// operator must act, and its `erro` says why). True when a row was added.
  bool enqueue_needed(int store_id, Entity entity, std::int64_t record_id,
                      int priority);

 private:
  db::Connection& m_connection;
  int m_max_attempts;
};

}  // namespace crm::queue
