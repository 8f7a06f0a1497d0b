// The run loop of crm_sync: decides which request may start now
// (concurrency, per-second pacing, the per-minute budget, parking, the
// deadline), drives the transport, and hands each final outcome to a
// recorder the moment it is decided. It knows nothing of the database or of
// libcurl: the real run, the dry run and the unit tests give it their own
// transport, budget and recorder.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"
#include "crm/http/transport.h"
#include "crm/providers/provider.h"
#include "crm/queue/budget.h"

namespace crm::sync {

using TimePoint = http::Transport::Clock::time_point;

/// A store's limits as the scheduler applies them.
struct StoreLimits {
  std::chrono::milliseconds timeout{15000};
  std::chrono::milliseconds connect_timeout{5000};
  /// Shared request budget per minute; nullopt: none.
  std::optional<int> per_minute;
  /// Request starts per second; nullopt: unpaced. Starts are spaced 1.1/N s
  /// apart (a 10% margin: the provider counts arrivals, which jitter).
  std::optional<int> per_second;
  /// The store was paused and its probe is due: one request goes first, and
  /// the rest only once it came back without a store-wide failure.
  bool probe = false;
  /// How long the store pauses if this run pauses it (its items are due
  /// again then, with their attempt given back).
  std::chrono::seconds pause_for{60};
  /// Requests this run sent to the store before the scheduler (the OAuth
  /// token call, the mirror's pull), oldest first: they count in the
  /// store's per-second pacing.
  std::vector<TimePoint> earlier_requests;
};

/// Request starts of a store paced at `per_second` (> 0) are this far
/// apart: a 10% margin, since the provider counts arrivals, which jitter.
/// crm_sync_full --import paces its requests the same way.
TimePoint::duration spacing(int per_second);

/// One claimed row on its way to an outcome. An item handed to the
/// scheduler with an outcome already set (its local record is missing) is
/// only recorded.
struct Item {
  QueueRow row;
  WorkItem work;
  std::unique_ptr<providers::Exchange> exchange;
  /// The exchange was given with the item (a mirror pull): the scheduler
  /// does not ask the provider for one.
  bool preset = false;
  std::optional<http::Request> pending;
  std::optional<ItemOutcome> outcome;
  std::optional<TimePoint> started;
  std::int64_t duration_ms = 0;
  /// The request in flight, kept to send again after a 429 the store waits
  /// out within the run.
  std::optional<http::Request> sent;
  int rate_retries = 0;  ///< 429s waited out for this item in this run
  /// The request in flight had its timeout cut to the run's deadline: if it
  /// times out, the deadline is to blame, not the item (no attempt).
  bool deadline_clipped = false;
};

/// Receives each item's final outcome as soon as it is decided.
class OutcomeRecorder {
 public:
  virtual ~OutcomeRecorder() = default;
  /// Makes the outcome's local effects (a create's external id, a fetch's
  /// fields) and returns the outcome to keep, which may differ: a local
  /// table that refuses the CRM's values turns a success into a failure.
  virtual ItemOutcome record(const QueueRow& row, ItemOutcome outcome) = 0;
};

/// What a run learned about a store.
struct StoreState {
  /// Set when the store answered 429, its budget header reached zero or its
  /// shared budget is spent, and the wait does not fit before the deadline:
  /// no further request goes to it in this run.
  std::optional<std::chrono::seconds> blocked_for;
  std::string blocked_reason;
  /// The CRM rejected the OAuth access token: expire it for the next run.
  bool token_rejected = false;
  /// Set when the store failed store-wide in this run (401/403, unreachable,
  /// k_pause_after transient failures in a row, or a failed probe): the
  /// store is paused, and none of its items was charged an attempt.
  std::optional<std::string> paused_reason;
  /// Responses that reached the store and were not a store-wide failure.
  int answered = 0;
  /// Times the store waited within the run for its rate window to reset
  /// (a 429 or a budget header at 0 whose wait fit before the deadline).
  int rate_waits = 0;
};

/// 429s one item waits out within a run before it is deferred instead.
inline constexpr int k_max_rate_retries = 3;

/// Transient failures in a row that pause a store when none of its items
/// succeeded in the run yet.
inline constexpr int k_pause_after = 8;

struct SchedulerOptions {
  /// Requests in flight at once, over all stores.
  int concurrency = 10;
  /// No request starts after this (from the scheduler's construction).
  std::chrono::milliseconds deadline{50000};
  /// No request starts with less than min(this, its timeout) left.
  std::chrono::milliseconds min_request_time{1000};
};

class Scheduler {
 public:
  /// The transport, budget and recorder must outlive the scheduler.
  Scheduler(http::Transport& transport, queue::Budget& budget,
            OutcomeRecorder& recorder, SchedulerOptions options);

  /// Registers a store; every item's row.store_id must name one.
  void add_store(int store_id, const providers::Provider& provider,
                 StoreLimits limits);

  /// Starts every item that has no outcome, drives all of them to an
  /// outcome (recorded through the recorder) and returns the requests sent.
  /// Items whose next request could not start before the deadline end as
  /// `released`; those of a store that asked to stop, as `rate_limited`.
  int run(std::vector<Item>& items);

  /// The store's state after run().
  [[nodiscard]] const StoreState& state(int store_id) const;

  /// The store's last request starts (as many as its per-second limit),
  /// oldest first: for StoreLimits::earlier_requests of a later scheduler.
  [[nodiscard]] std::vector<TimePoint> recent_starts(int store_id) const;

 private:
  struct Store {
    const providers::Provider* provider = nullptr;
    StoreLimits limits;
    StoreState state;
    TimePoint next_slot{};
    /// The last `per_second` request starts: the CRM's one-second window.
    std::deque<TimePoint> recent_starts;
    int granted = 0;  ///< requests reserved and not yet sent
    TimePoint grant_expires{};
    int in_flight = 0;
    bool probing = false;
    int transient_in_a_row = 0;
    bool succeeded = false;
  };
  using BatchKey = std::tuple<int, Entity, std::int64_t>;
  enum class Admission { send, pace, hold, blocked, too_late };

  void start_item(std::size_t index);
  void remember_start(Store& store, TimePoint at);
  bool wait_until(Store& store, TimePoint resume);
  void wait_for_window(Store& store, std::chrono::seconds reset);
  bool retry_after_429(std::size_t index, Store& store,
                       const http::Response& response);
  void route(std::size_t index);
  void park(std::size_t index);
  void unpark(const Item& done);
  void restart_parked(std::size_t index, const Item& done);
  void finish(Item& item, ItemOutcome outcome);
  void start_ready();
  Admission admit(std::size_t index, Store& store);
  bool take_budget(Store& store, int store_id);
  void send(std::size_t index, Store& store);
  void handle(http::Completion& completion);
  void finish_leftovers();
  void pause(Store& store, const std::string& reason);
  [[nodiscard]] ItemOutcome paused_outcome(const Store& store,
                                           const std::string& detail) const;
  void count_failure(Store& store, const ItemOutcome& outcome);
  [[nodiscard]] std::chrono::milliseconds remaining() const;
  [[nodiscard]] static ItemOutcome paused_by_store(const Store& store);

  http::Transport& m_transport;
  queue::Budget& m_budget;
  OutcomeRecorder& m_recorder;
  SchedulerOptions m_options;
  TimePoint m_deadline;
  std::map<int, Store> m_stores;
  std::vector<Item>* m_items = nullptr;
  std::deque<std::size_t> m_ready;
  /// Paced items that met their store's next slot in this pass.
  std::vector<std::size_t> m_paced;
  std::optional<TimePoint> m_next_slot;
  /// Records this run is still sending to the CRM; an item waiting for one
  /// of them is parked until it succeeds, then restarted.
  std::set<BatchKey> m_in_batch;
  std::map<BatchKey, std::vector<std::size_t>> m_parked;
  int m_requests = 0;
};

}  // namespace crm::sync
