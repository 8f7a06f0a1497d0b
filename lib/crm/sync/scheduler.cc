#include "crm/sync/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "crm/providers/classify.h"

namespace crm::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds k_longest_wait{1000};

}  // namespace

Scheduler::Scheduler(http::Transport& transport, queue::Budget& budget,
                     OutcomeRecorder& recorder, SchedulerOptions options)
    : m_transport(transport),
      m_budget(budget),
      m_recorder(recorder),
      m_options(options),
      m_deadline(transport.now() + options.deadline) {}

TimePoint::duration spacing(int per_second) {
  return std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::microseconds(1100000 / per_second));
}

void Scheduler::add_store(int store_id, const providers::Provider& provider,
                          StoreLimits limits) {
  Store& store = m_stores[store_id];
  store.provider = &provider;
  store.limits = limits;
  store.probing = limits.probe;
  if (limits.per_second && !limits.earlier_requests.empty()) {
    for (const TimePoint start : limits.earlier_requests) {
      remember_start(store, start);
    }
    store.next_slot = store.recent_starts.back() + spacing(*limits.per_second);
  }
}

/// Keeps the store's last `per_second` request starts: the CRM's window.
void Scheduler::remember_start(Store& store, TimePoint at) {
  store.recent_starts.push_back(at);
  if (store.recent_starts.size() >
      static_cast<std::size_t>(*store.limits.per_second)) {
    store.recent_starts.pop_front();
  }
}

std::vector<TimePoint> Scheduler::recent_starts(int store_id) const {
  const Store& store = m_stores.at(store_id);
  return {store.recent_starts.begin(), store.recent_starts.end()};
}

const StoreState& Scheduler::state(int store_id) const {
  return m_stores.at(store_id).state;
}

int Scheduler::run(std::vector<Item>& items) {
  m_items = &items;
  std::vector<std::size_t> started;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].outcome) {
      items[i].outcome =
          m_recorder.record(items[i].row, *std::move(items[i].outcome));
    } else {
      start_item(i);
      started.push_back(i);
    }
  }
  for (const Item& item : items) {
    if (item.pending && item.row.direction == Direction::to_crm) {
      m_in_batch.insert(
          BatchKey{item.row.store_id, item.row.entity, item.row.record_id});
    }
  }
  for (const std::size_t index : started) {
    route(index);
  }
  while (true) {
    start_ready();
    const milliseconds until_slot =
        m_next_slot ? std::chrono::ceil<milliseconds>(*m_next_slot -
                                                      m_transport.now()) +
                          milliseconds(1)
                    : k_longest_wait;
    if (m_transport.active() == 0) {
      if (m_next_slot && m_transport.now() < m_deadline) {
        m_transport.idle(until_slot);  // only paced items are left
        continue;
      }
      break;  // all done, or the deadline passed
    }
    for (http::Completion& completion :
         m_transport.wait(std::min(until_slot, k_longest_wait))) {
      handle(completion);
    }
  }
  finish_leftovers();
  m_items = nullptr;
  return m_requests;
}

/// The item's first request, or an outcome decided without HTTP
/// (unsupported, a value that does not fit, waiting...).
void Scheduler::start_item(std::size_t index) {
  Item& item = (*m_items)[index];
  const Store& store = m_stores.at(item.row.store_id);
  if (!item.preset) {
    item.exchange = store.provider->start(item.work);
  }
  providers::Step step = item.exchange->next(nullptr);
  if (auto* request = std::get_if<http::Request>(&step)) {
    item.pending = std::move(*request);
    item.outcome.reset();
  } else {
    item.outcome = std::get<ItemOutcome>(std::move(step));
  }
}

/// After start_item: queue the request, park a waiting item, or record.
void Scheduler::route(std::size_t index) {
  Item& item = (*m_items)[index];
  if (item.pending) {
    m_ready.push_back(index);
  } else if (item.outcome->kind == OutcomeKind::waiting) {
    park(index);
  } else {
    finish(item, *std::move(item.outcome));
  }
}

/// Parks an item waiting only for records this batch is still sending.
void Scheduler::park(std::size_t index) {
  const Item& item = (*m_items)[index];
  for (const auto& [entity, id] : item.outcome->waiting_for) {
    if (!m_in_batch.contains(BatchKey{item.row.store_id, entity, id})) {
      return;  // not coming in this run: it stays waiting
    }
  }
  for (const auto& [entity, id] : item.outcome->waiting_for) {
    m_parked[BatchKey{item.row.store_id, entity, id}].push_back(index);
  }
}

/// A record of this batch is done: restarts what was parked for it.
void Scheduler::unpark(const Item& done) {
  const BatchKey key{done.row.store_id, done.row.entity, done.row.record_id};
  m_in_batch.erase(key);
  const auto it = m_parked.find(key);
  if (it == m_parked.end()) {
    return;
  }
  const std::vector<std::size_t> waiting = std::move(it->second);
  m_parked.erase(it);
  for (const std::size_t index : waiting) {
    restart_parked(index, done);
  }
}

void Scheduler::restart_parked(std::size_t index, const Item& done) {
  Item& item = (*m_items)[index];
  const auto referenced =
      item.work.referenced.find({done.row.entity, done.row.record_id});
  if (referenced == item.work.referenced.end() ||
      done.outcome->kind != OutcomeKind::success ||
      !done.outcome->external_id) {
    return;  // keeps its waiting outcome
  }
  referenced->second.external_id = done.outcome->external_id;
  if (!item.outcome || item.outcome->kind != OutcomeKind::waiting) {
    return;  // restarted already
  }
  const bool still_waiting = std::any_of(
      item.outcome->waiting_for.begin(), item.outcome->waiting_for.end(),
      [&](const RecordKey& needed) {
        const auto found = item.work.referenced.find(needed);
        return found != item.work.referenced.end() &&
               !found->second.external_id;
      });
  if (!still_waiting) {
    start_item(index);
    route(index);
  }
}

/// An item's final outcome: the store learns from it, the recorder makes
/// its local effects, and what waited for it may start.
void Scheduler::finish(Item& item, ItemOutcome outcome) {
  Store& store = m_stores.at(item.row.store_id);
  // The recorder first: what the store learns (a pause reason) is then the
  // storable message (secrets masked, valid UTF-8, capped).
  item.outcome = m_recorder.record(item.row, std::move(outcome));
  const ItemOutcome& recorded = *item.outcome;
  if (item.started) {
    count_failure(store, recorded);  // only what the CRM answered
    item.duration_ms = std::chrono::duration_cast<milliseconds>(
                           m_transport.now() - *item.started)
                           .count();
  }
  if (recorded.kind == OutcomeKind::rate_limited && !store.state.blocked_for) {
    store.state.blocked_for = recorded.retry_after.value_or(seconds(60));
    store.state.blocked_reason =
        recorded.http_status == 429
            ? "the CRM answered 429 in this run"
            : "the CRM rejected the access token; the next run gets a new "
              "one";
  }
  item.pending.reset();
  if (item.row.direction == Direction::to_crm) {
    unpark(item);
  }
}

/// Starts what may start: up to `concurrency` in flight, nothing after the
/// deadline, nothing to a store that asked us to stop, no faster than a
/// paced store's rate (its items wait for their slot, others go on).
void Scheduler::start_ready() {
  m_paced.clear();
  m_next_slot.reset();
  while (m_transport.active() <
             static_cast<std::size_t>(m_options.concurrency) &&
         !m_ready.empty() && m_transport.now() < m_deadline) {
    const std::size_t index = m_ready.front();
    m_ready.pop_front();
    Item& item = (*m_items)[index];
    Store& store = m_stores.at(item.row.store_id);
    switch (admit(index, store)) {
      case Admission::too_late:  // for this store's timeout; others may fit
      case Admission::pace:
      case Admission::hold:
        m_paced.push_back(index);
        break;
      case Admission::blocked:
        finish(item, paused_by_store(store));
        break;
      case Admission::send:
        send(index, store);
        break;
    }
  }
  m_ready.insert(m_ready.begin(), m_paced.begin(), m_paced.end());
}

Scheduler::Admission Scheduler::admit(std::size_t index, Store& store) {
  // A request that cannot finish before the deadline would only cost an
  // attempt: it stays unstarted (released, attempt given back).
  if (remaining() <
      std::min(store.limits.timeout, m_options.min_request_time)) {
    return Admission::too_late;
  }
  if (store.probing && store.in_flight > 0 && !store.state.blocked_for) {
    return Admission::hold;  // the probe first
  }
  const TimePoint now = m_transport.now();
  if (!store.state.blocked_for && now < store.next_slot) {
    m_next_slot =
        std::min(m_next_slot.value_or(store.next_slot), store.next_slot);
    return Admission::pace;
  }
  if (store.state.blocked_for ||
      !take_budget(store, (*m_items)[index].row.store_id)) {
    return Admission::blocked;
  }
  return Admission::send;
}

/// Makes sure the store may send one more request under its shared budget,
/// reserving a chunk when its grant is used up or expired: what it can still
/// send in this run, no more (reserving more would hold budget that other
/// hosts could use until this run gives it back). False, and the store
/// blocked, when the minute's budget is spent.
bool Scheduler::take_budget(Store& store, int store_id) {
  if (!store.limits.per_minute) {
    return true;
  }
  const TimePoint now = m_transport.now();
  if (store.granted == 0 || now >= store.grant_expires) {
    const auto waiting = std::count_if(
        m_ready.begin(), m_ready.end(),
        [&](std::size_t i) { return (*m_items)[i].row.store_id == store_id; });
    const int sendable =
        store.probing
            ? 1
            : std::min(m_options.concurrency, static_cast<int>(waiting) + 1);
    const queue::Grant grant =
        m_budget.reserve(store_id, *store.limits.per_minute,
                         std::min(sendable, *store.limits.per_minute));
    store.granted = grant.requests;
    store.grant_expires = now + grant.minute_left;
    if (grant.requests == 0) {
      store.state.blocked_for = grant.minute_left + seconds(1);
      store.state.blocked_reason = fmt::format(
          "the store's request budget of {}/min is spent for this minute",
          *store.limits.per_minute);
      return false;
    }
  }
  --store.granted;
  return true;
}

void Scheduler::send(std::size_t index, Store& store) {
  Item& item = (*m_items)[index];
  const TimePoint now = m_transport.now();
  if (store.limits.per_second) {
    store.next_slot =
        std::max(now, store.next_slot) + spacing(*store.limits.per_second);
  }
  http::Request request = std::move(*item.pending);
  item.pending.reset();
  item.sent = request;
  if (store.limits.per_second) {
    remember_start(store, now);
  }
  request.connect_timeout = std::min(store.limits.connect_timeout, remaining());
  request.timeout = std::min(store.limits.timeout, remaining());
  item.deadline_clipped = request.timeout < store.limits.timeout;
  ++store.in_flight;
  if (!item.started) {
    item.started = now;
  }
  m_transport.start(index, request);
  ++m_requests;
}

void Scheduler::handle(http::Completion& completion) {
  Item& item = (*m_items)[completion.tag];
  Store& store = m_stores.at(item.row.store_id);
  --store.in_flight;
  const http::Response& response = completion.response;
  // An OAuth access token the CRM rejects is refreshed by the next run
  // (the exchange defers its item): no pause. Other 401s pause the store.
  const bool token_expired = store.provider->credentials_expired(response);
  store.state.token_rejected = store.state.token_rejected || token_expired;
  const auto reason =
      token_expired ? std::nullopt : providers::store_failure(response);
  if (reason) {
    pause(store, *reason);
    finish(item, paused_outcome(store, *reason));
    return;
  }
  if (response.timed_out && item.deadline_clipped) {
    finish(item, ItemOutcome::failed(
                     OutcomeKind::released,
                     "cut by the run's deadline: retried in the next run"));
    return;
  }
  if (response.status != 0) {
    ++store.state.answered;
  }
  if (retry_after_429(completion.tag, store, response)) return;
  if (!store.state.blocked_for) {
    if (const auto reset = store.provider->budget_exhausted(response)) {
      wait_for_window(store, *reset);
    }
  }
  providers::Step step = item.exchange->next(&response);
  if (auto* request = std::get_if<http::Request>(&step)) {
    store.probing = false;  // the probe came back: the batch may go
    item.pending = std::move(*request);
    m_ready.push_front(completion.tag);  // finish started items first
  } else {
    finish(item, std::get<ItemOutcome>(std::move(step)));
  }
}

/// The store sends nothing more until `resume` when that leaves time for a
/// request before the deadline; false when it does not (the store then
/// stops for the run).
bool Scheduler::wait_until(Store& store, TimePoint resume) {
  if (resume + m_options.min_request_time >= m_deadline) return false;
  store.next_slot = std::max(store.next_slot, resume);
  ++store.state.rate_waits;
  return true;
}

/// A budget header at zero: wait until the window resets. A store paced per
/// second knows when that is: `reset` after the oldest of its last
/// per-second starts (the window the CRM counts), often a few milliseconds
/// away; otherwise `reset` from now. A reset beyond the deadline stops the
/// store for the run.
void Scheduler::wait_for_window(Store& store, std::chrono::seconds reset) {
  TimePoint resume = m_transport.now() + reset;
  if (store.limits.per_second && !store.recent_starts.empty() &&
      store.recent_starts.size() >=
          static_cast<std::size_t>(*store.limits.per_second)) {
    resume = store.recent_starts.front() + reset;
  }
  if (!wait_until(store, resume)) {
    store.state.blocked_for = reset;
    store.state.blocked_reason =
        "the CRM reported its request budget spent in this run";
  }
}

/// A 429 the store can wait out within the run: the refused request goes
/// again once the window resets (it was not processed, so nothing is
/// repeated), at most k_max_rate_retries times per item.
bool Scheduler::retry_after_429(std::size_t index, Store& store,
                                const http::Response& response) {
  Item& item = (*m_items)[index];
  const auto wait = store.provider->rate_limited_for(response);
  if (!wait || !item.sent || item.rate_retries >= k_max_rate_retries ||
      store.state.blocked_for ||
      !wait_until(store, m_transport.now() + *wait)) {
    return false;
  }
  ++item.rate_retries;
  item.pending = std::move(item.sent);
  item.sent.reset();
  m_ready.push_front(index);
  return true;
}

/// Gives back unsent budget; whatever never got its (next) request out
/// before the deadline is released, or deferred when its store stopped; a
/// waiting item that was never restarted is recorded as waiting.
void Scheduler::finish_leftovers() {
  for (auto& [id, store] : m_stores) {
    if (store.granted > 0 && m_transport.now() < store.grant_expires) {
      m_budget.give_back(id, store.granted);
      store.granted = 0;
    }
  }
  for (Item& item : *m_items) {
    if (!item.outcome) {
      const Store& store = m_stores.at(item.row.store_id);
      finish(item, store.state.blocked_for
                       ? paused_by_store(store)
                       : ItemOutcome::failed(
                             OutcomeKind::released,
                             "not started before the run's deadline"));
    } else if (item.outcome->kind == OutcomeKind::waiting) {
      item.outcome = m_recorder.record(item.row, *std::move(item.outcome));
    }
  }
  // A paused store's items are not charged for its failure: the transient
  // ones of this run get their attempt back and wait for the probe.
  for (Item& item : *m_items) {
    const Store& store = m_stores.at(item.row.store_id);
    if (store.state.paused_reason &&
        item.outcome->kind == OutcomeKind::transient) {
      item.outcome = paused_outcome(store, item.outcome->message);
    }
  }
}

/// Pauses the store for the rest of the run (and, through the run's
/// record, until its next probe).
void Scheduler::pause(Store& store, const std::string& reason) {
  if (!store.state.paused_reason) {
    store.state.paused_reason = reason;
  }
  if (!store.state.blocked_for ||
      *store.state.blocked_for < store.limits.pause_for) {
    store.state.blocked_for = store.limits.pause_for;
  }
  store.state.blocked_reason = "store paused: " + *store.state.paused_reason;
  store.probing = false;
}

ItemOutcome Scheduler::paused_outcome(const Store& store,
                                      const std::string& detail) const {
  const std::string reason = store.state.paused_reason.value_or(detail);
  ItemOutcome deferred = ItemOutcome::failed(
      OutcomeKind::rate_limited,
      reason == detail ? fmt::format("store paused: {}", reason)
                       : fmt::format("store paused: {} ({})", reason, detail));
  deferred.retry_after = store.limits.pause_for;
  return deferred;
}

/// k_pause_after transient failures in a row, before any of the store's
/// items succeeded in this run, pause the store; during a probe, one does.
/// (Once something succeeded the CRM is up: a tail of slow requests at the
/// end of a run is not an outage.)
void Scheduler::count_failure(Store& store, const ItemOutcome& outcome) {
  if (outcome.kind != OutcomeKind::transient) {
    if (outcome.kind == OutcomeKind::success ||
        outcome.kind == OutcomeKind::permanent) {
      store.transient_in_a_row = 0;
      store.succeeded = store.succeeded || outcome.kind == OutcomeKind::success;
      store.probing = false;
    }
    return;
  }
  ++store.transient_in_a_row;
  if (store.probing) {
    pause(store, "the probe failed: " + outcome.message);
  } else if (!store.succeeded && store.transient_in_a_row >= k_pause_after) {
    pause(store, fmt::format("{} requests in a row failed; the last: {}",
                             store.transient_in_a_row, outcome.message));
  }
}

std::chrono::milliseconds Scheduler::remaining() const {
  const auto left = m_deadline - m_transport.now();
  if (left <= TimePoint::duration::zero()) {
    return milliseconds(0);
  }
  return std::chrono::duration_cast<milliseconds>(left);
}

/// The outcome of an item not sent because its store asked us to stop.
ItemOutcome Scheduler::paused_by_store(const Store& store) {
  ItemOutcome deferred = ItemOutcome::failed(
      OutcomeKind::rate_limited, "not sent: " + store.state.blocked_reason);
  deferred.retry_after = store.state.blocked_for;
  return deferred;
}

}  // namespace crm::sync
