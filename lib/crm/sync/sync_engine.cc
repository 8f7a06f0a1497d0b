#include "crm/sync/sync_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "crm/db/connection.h"
#include "crm/http/curl_transport.h"
#include "crm/http/scripted_transport.h"
#include "crm/integrations/oauth_tokens.h"
#include "crm/queue/budget.h"
#include "crm/queue/queue_repository.h"
#include "crm/queue/request_budget.h"
#include "crm/queue/sync_log_writer.h"
#include "crm/records/record_repository.h"
#include "crm/runs/run_repository.h"
#include "crm/sync/full_sync.h"
#include "crm/sync/mirror.h"
#include "crm/sync/recorders.h"
#include "crm/sync/run_setup.h"
#include "crm/sync/scheduler.h"
#include "crm/sync/store_health.h"
#include "crm/util/atomic_file.h"
#include "crm/util/time.h"
#include "crm/version.h"

namespace crm::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int k_default_limit = 100;
constexpr seconds k_lease_margin{60};

/// What to claim and how much to run at once.
struct Plan {
  queue::ClaimFilter filter;
  int limit = k_default_limit;
  int concurrency = 1;
  /// Config::max_attempts.
  int max_attempts = k_max_attempts;
};

Plan plan_run(const std::map<int, RunStore>& stores,
              const SyncOptions& options) {
  Plan plan;
  plan.filter.entity = options.entity;
  for (const auto& [id, store] : stores) {
    plan.filter.store_ids.push_back(id);
    plan.concurrency = std::max(plan.concurrency, store.settings.concurrency);
  }
  plan.limit = options.limit.value_or(k_default_limit);
  if (!options.limit && options.store_id && !stores.empty()) {
    plan.limit = stores.begin()->second.settings.batch_size;
  }
  plan.concurrency = options.concurrency.value_or(plan.concurrency);
  return plan;
}

/// The claim's filter for a real run: the stores whose request budget for
/// this minute is spent take no share (their rows are not claimed, so they
/// cost no attempt and no deferral), the others take at most what their
/// budget has left (a row needs a request at least); the run id rotates
/// the window when more stores have due rows than the batch has rows.
queue::ClaimFilter claim_filter(const Plan& plan,
                                const std::map<int, RunStore>& stores,
                                queue::Budget& budget, std::int64_t run_id,
                                const report::Printer& printer) {
  queue::ClaimFilter filter = plan.filter;
  std::map<int, int> per_minute;
  for (const auto& [id, store] : stores) {
    if (store.limits.per_minute) {
      per_minute[id] = *store.limits.per_minute;
    }
  }
  filter.store_caps = budget.left(per_minute);
  for (const auto& [id, left] : filter.store_caps) {
    if (left == 0) {
      printer.item_line(fmt::format(
          "store {}: request budget of {}/min spent for this minute; its "
          "rows are not claimed",
          id, per_minute.at(id)));
    }
  }
  filter.rotation = static_cast<std::uint64_t>(run_id);
  return filter;
}

/// Requests an earlier pass sent to each store (the mirror's pulls): they
/// count in its per-second pacing, and one that came back was its probe.
struct EarlierPass {
  std::map<int, std::vector<TimePoint>> starts;
  std::map<int, StoreState> states;
};

/// Runs the items to outcomes through one scheduler; returns the requests
/// sent and each store's state. With `earlier`, the stores start from what
/// that pass sent and answered, and this pass's starts are kept in it.
int schedule(std::vector<Item>& items, const std::map<int, RunStore>& stores,
             http::Transport& transport, queue::Budget& budget,
             OutcomeRecorder& recorder, const Plan& plan,
             const util::Deadline& deadline, std::map<int, StoreState>& states,
             EarlierPass* earlier = nullptr) {
  Scheduler scheduler(transport, budget, recorder,
                      SchedulerOptions{.concurrency = plan.concurrency,
                                       .deadline = deadline.remaining()});
  for (const auto& [id, store] : stores) {
    StoreLimits limits = store.limits;
    if (earlier != nullptr && earlier->starts.contains(id)) {
      const auto& before = earlier->starts.at(id);
      limits.earlier_requests.insert(limits.earlier_requests.end(),
                                     before.begin(), before.end());
      if (const auto state = earlier->states.find(id);
          state != earlier->states.end() && state->second.answered > 0) {
        limits.probe = false;  // the pull was the probe, and it came back
      }
    }
    scheduler.add_store(id, *store.provider, limits);
  }
  const int requests = scheduler.run(items);
  for (const auto& [id, store] : stores) {
    states[id] = scheduler.state(id);
    if (earlier != nullptr) {
      earlier->starts[id] = scheduler.recent_starts(id);
    }
  }
  return requests;
}

/// A pull that paused a store or spent its rate window leaves the push
/// nothing to do there this run.
bool stopped_by_pull(const EarlierPass& pulls, int store_id) {
  const auto it = pulls.states.find(store_id);
  return it != pulls.states.end() &&
         (it->second.paused_reason || it->second.blocked_for);
}

/// Pass 1 of a real run: each store's mirror pull (sync/mirror.h), applied
/// before anything is claimed, so that lookups and unchanged records are
/// answered from a mirror as fresh as the CRM.
PullResult pull_mirrors(db::Connection& connection,
                        const std::map<int, RunStore>& stores,
                        http::Transport& transport, queue::Budget& budget,
                        const Plan& plan, const util::Deadline& deadline,
                        EarlierPass& pass, report::SyncSummary& summary) {
  MirrorPulls pulls =
      plan_pulls(connection, stores, static_cast<std::size_t>(plan.limit));
  if (pulls.items.empty()) {
    PullResult none;
    none.fresh = pulls.fresh;
    return none;
  }
  DryRunRecorder keep(stores);  // records nothing: applied below
  summary.requests += schedule(pulls.items, stores, transport, budget, keep,
                               plan, deadline, pass.states, &pass);
  PullResult result = apply_pulls(connection, stores, pulls);
  summary.mirror_records = result.records;
  summary.mirror_changes = result.changes;
  summary.mirror_conflicts = result.conflicts;
  return result;
}

void count(report::SyncSummary& summary, const ItemOutcome& outcome) {
  switch (outcome.kind) {
    case OutcomeKind::success:
      ++summary.processed;
      break;
    case OutcomeKind::transient:
    case OutcomeKind::permanent:
      ++summary.errors;
      break;
    case OutcomeKind::rate_limited:
    case OutcomeKind::released:
    case OutcomeKind::waiting:
      ++summary.deferred;
      break;
  }
}

/// The same run on a pretend CRM: every request of every item is printed
/// (secrets masked) and answered with the exchange's documented success
/// shape, on virtual time (pacing is honoured without waiting); the budget
/// is kept in memory and nothing is written.
report::SyncSummary dry_run(db::Connection& connection,
                            const RunStores& run_stores, const Plan& plan,
                            const util::Deadline& deadline,
                            const report::Printer& printer) {
  const std::map<int, RunStore>& stores = run_stores.runnable;
  for (const auto& [id, reason] : run_stores.invalid) {
    printer.item_line(fmt::format("would skip store {}: {}", id, reason));
  }
  for (const auto& [id, reason] : run_stores.paused) {
    printer.item_line(
        fmt::format("would skip store {}: paused: {}", id, reason));
  }
  report::SyncSummary summary;
  summary.dry_run = true;
  summary.paused_stores = run_stores.not_run();
  if (stores.empty()) {
    return summary;  // an empty filter would mean every store
  }
  queue::QueueRepository queue(connection);
  // The shared budget is only read (left() reserves nothing), so the dry
  // run leaves out the stores a real run would leave out.
  queue::RequestBudget shared_budget(connection);
  std::vector<Item> items = prepare_items(
      connection, stores,
      queue.peek(claim_filter(plan, stores, shared_budget, 0, printer),
                 plan.limit));
  http::ScriptedTransport transport([&](std::uint64_t tag,
                                        const http::Request& request) {
    const Item& item = items.at(tag);
    const RunStore& store = stores.at(item.row.store_id);
    printer.item_line(without_secrets(
        store, fmt::format("{} #{} (loja {}, {}): would send {} {}{}",
                           to_db(item.row.entity), item.row.record_id,
                           item.row.store_id, to_db(item.row.direction),
                           request.method, request.url,
                           request.body.empty() ? "" : " " + request.body)));
    return http::ScriptedTransport::Answer{
        item.exchange->dry_run_answer(request), milliseconds(0)};
  });
  queue::MemoryBudget budget;
  DryRunRecorder recorder(stores);
  std::map<int, StoreState> states;
  summary.requests = schedule(items, stores, transport, budget, recorder, plan,
                              deadline, states);
  for (const Item& item : items) {
    printer.item_line("would record: " +
                      report::format_item_line(item.row, *item.outcome, 0));
    count(summary, *item.outcome);
  }
  return summary;
}

/// Records a real run's outcomes: the queue rows (compare-and-set on the
/// claim token), expired OAuth tokens, the records waiting rows need, the
/// log, and the export jobs' progress.
void record_run(db::Connection& connection, const Plan& plan,
                const queue::Claim& claim, const std::vector<Item>& items,
                const std::map<int, RunStore>& stores,
                const std::map<int, StoreState>& states, std::int64_t run_id,
                report::SyncSummary& summary, const report::Printer& printer) {
  std::vector<queue::Finished> finished;
  std::vector<queue::LogEntry> log;
  for (const auto& [id, reason] : claim.invalid) {
    printer.item_line(fmt::format("fila #{}: erro permanent: {}", id, reason));
    ++summary.errors;
  }
  for (const QueueRow& row : claim.exhausted) {
    ItemOutcome outcome = ItemOutcome::failed(
        OutcomeKind::permanent,
        fmt::format("given up after {} attempts without a recorded outcome",
                    row.attempts - 1));
    printer.item_line(report::format_item_line(row, outcome, 0));
    count(summary, outcome);
    log.push_back({row, std::move(outcome), 0});
  }
  for (const Item& item : items) {
    printer.item_line(report::format_item_line(
        item.row, *item.outcome, item.duration_ms, plan.max_attempts));
    count(summary, *item.outcome);
    finished.push_back({item.row, *item.outcome});
    log.push_back({item.row, *item.outcome, item.duration_ms});
  }
  queue::QueueRepository queue(connection, plan.max_attempts);
  queue::FinishResult result = queue.finish(claim.token, finished);
  summary.lost_lease = result.lost_lease;
  result.given_up.insert(result.given_up.end(), claim.exhausted.begin(),
                         claim.exhausted.end());
  count_export_failures(connection, result.given_up);
  for (const auto& [id, state] : states) {
    if (state.token_rejected) {
      integrations::expire_token(connection, stores.at(id).integration.id);
    }
  }
  // A record that waits for another one makes sure that one is coming.
  for (const Item& item : items) {
    if (item.outcome->kind != OutcomeKind::waiting) {
      continue;
    }
    for (const auto& [entity, id] : item.outcome->waiting_for) {
      queue.enqueue_needed(item.row.store_id, entity, id, item.row.priority);
    }
  }
  queue::SyncLogWriter(connection).write(log, run_id);
  refresh_export_jobs(connection);
}

/// What the pulls learned about each store joins what the pushes did: a
/// pause or an expired token replaces it, a pull that came back counts as
/// an answer (the store's probe).
void merge_pull_states(const EarlierPass& pulls,
                       std::map<int, StoreState>& states) {
  for (const auto& [id, state] : pulls.states) {
    if (stopped_by_pull(pulls, id) || state.token_rejected) {
      states[id] = state;
    } else {
      states[id].answered += state.answered;
    }
  }
}

/// The claim, less the stores a pull paused or stopped.
queue::Claim claim_after_pulls(queue::QueueRepository& queue, const Plan& plan,
                               const std::map<int, RunStore>& stores,
                               queue::Budget& budget, const EarlierPass& pulls,
                               const queue::ClaimOptions& options,
                               const report::Printer& printer) {
  queue::ClaimFilter filter =
      claim_filter(plan, stores, budget, options.run_id.value_or(0), printer);
  std::erase_if(filter.store_ids,
                [&](int id) { return stopped_by_pull(pulls, id); });
  if (filter.store_ids.empty()) {
    return {};  // an empty filter would mean every store
  }
  return queue.claim(filter, options);
}

/// Claims, runs and records one batch against the real CRMs.
runs::RunFinish real_run(db::Connection& connection,
                         const RunStores& run_stores, const Plan& plan,
                         const SyncOptions& options,
                         const util::Deadline& deadline, std::int64_t run_id,
                         report::SyncSummary& summary,
                         const report::Printer& printer) {
  const std::map<int, RunStore>& stores = run_stores.runnable;
  summary.run_id = run_id;
  summary.paused_stores =
      record_store_validation(connection, run_stores, printer);
  if (stores.empty()) {
    runs::RunFinish finish;
    finish.message = "no store could run (crm_status shows why)";
    return finish;
  }
  queue::QueueRepository queue(connection, plan.max_attempts);
  queue::RequestBudget budget(connection);
  http::CurlTransport transport(http::TransportOptions{
      .max_body_bytes = 4 * 1024 * 1024,
      .max_host_connections = plan.concurrency,
      .user_agent = "crm-sync/" + std::string(k_version)});
  EarlierPass pulls;
  const PullResult pulled = pull_mirrors(connection, stores, transport, budget,
                                         plan, deadline, pulls, summary);
  const queue::Claim claim = claim_after_pulls(
      queue, plan, stores, budget, pulls,
      queue::ClaimOptions{.limit = plan.limit,
                          .lease = options.deadline + k_lease_margin,
                          .run_id = run_id},
      printer);
  std::vector<Item> items = prepare_items(connection, stores, claim.rows);
  attach_mirror(connection, stores, pulled.fresh, items);
  records::RecordRepository records(connection);
  PushMemory pushed;
  DatabaseRecorder recorder(records, stores, &pushed);
  std::map<int, StoreState> states;
  summary.requests += schedule(items, stores, transport, budget, recorder, plan,
                               deadline, states, &pulls);
  merge_pull_states(pulls, states);
  record_run(connection, plan, claim, items, stores, states, run_id, summary,
             printer);
  pushed.write(connection);
  queue::SyncLogWriter(connection).write(pulled.log, run_id);
  summary.paused_stores +=
      record_store_pauses(connection, run_stores, states, printer);
  runs::RunFinish finish;
  if (summary.paused_stores > 0) {
    finish.message =
        fmt::format("{} store(s) paused or not run", summary.paused_stores);
  }
  finish.processed = summary.processed;
  finish.errors = summary.errors;
  finish.deferred = summary.deferred;
  return finish;
}

}  // namespace

namespace {

report::SyncSummary run_sync_unguarded(const Config& config,
                                       const config::Environment& environment,
                                       const SyncOptions& options,
                                       const report::Printer& printer) {
  const auto started = util::Clock::now();
  const util::Deadline deadline(options.deadline);
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(util::Clock::now() - started).count();
  };

  auto connection = db::Connection::open(config.db);
  if (options.dry_run == DryRun::yes) {
    const RunStores stores = load_stores(
        *connection, environment, options.store_id, Credentials::placeholder);
    report::SyncSummary summary =
        dry_run(*connection, stores, plan_run(stores.runnable, options),
                deadline, printer);
    summary.seconds = elapsed_seconds();
    return summary;
  }

  // Registered first: a run that fails while loading its stores leaves a
  // closed row with the reason too.
  report::SyncSummary summary;
  runs::RunRepository runs(*connection);
  runs::guarded_run(
      runs,
      runs::RunStart{.program = "crm_sync",
                     .store_id = options.store_id,
                     .host = config.host_name,
                     .deadline = options.deadline},
      [&](std::int64_t run_id) {
        const RunStores stores = load_stores(
            *connection, environment, options.store_id, Credentials::prepare);
        Plan plan = plan_run(stores.runnable, options);
        plan.max_attempts = config.max_attempts;
        runs::RunFinish finish = real_run(*connection, stores, plan, options,
                                          deadline, run_id, summary, printer);
        summary.seconds = elapsed_seconds();
        finish.duration_ms = static_cast<std::int64_t>(summary.seconds * 1000);
        finish.result_json = report::sync_json(summary);
        return finish;
      });
  if (options.metrics_file) {
    util::write_file_atomically(
        *options.metrics_file,
        report::sync_metrics(summary, util::unix_seconds_now()));
  }
  return summary;
}

}  // namespace

report::SyncSummary run_sync(const Config& config,
                             const config::Environment& environment,
                             const SyncOptions& options,
                             const report::Printer& printer) {
  try {
    return run_sync_unguarded(config, environment, options, printer);
  } catch (const std::exception&) {
    // A fatal end rewrites the metrics file too: stale figures of the last
    // good run would look healthy to a scraper.
    if (options.metrics_file) {
      util::write_file_atomically(
          *options.metrics_file,
          report::sync_metrics_failed(util::unix_seconds_now()));
    }
    throw;
  }
}

}  // namespace crm::sync
