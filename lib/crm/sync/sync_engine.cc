#include "crm/sync/sync_engine.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "crm/db/connection.h"
#include "crm/http/curl_transport.h"
#include "crm/integrations/integration_repository.h"
#include "crm/providers/provider_factory.h"
#include "crm/queue/queue_repository.h"
#include "crm/queue/request_budget.h"
#include "crm/queue/sync_log_writer.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"
#include "crm/runs/run_repository.h"
#include "crm/sync/full_sync.h"
#include "crm/util/atomic_file.h"
#include "crm/util/strings.h"
#include "crm/util/time.h"
#include "crm/version.h"

namespace crm::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int k_default_limit = 100;
constexpr int k_default_concurrency = 10;
constexpr seconds k_lease_margin{60};
/// No request starts with less time than this (or its timeout) left.
constexpr milliseconds k_min_request_time{1000};

/// Everything a run needs to know about one store.
struct Store {
  integrations::Integration integration;
  std::unique_ptr<providers::Provider> provider;
  std::map<Entity, records::TableMapping> mappings;
  milliseconds timeout{15000};
  milliseconds connect_timeout{5000};
  int batch_size = k_default_limit;
  int concurrency = k_default_concurrency;
  /// Shared request budget per minute (configuracoes.requests_per_minute).
  std::optional<int> per_minute;
  int granted = 0;  ///< requests reserved and not yet sent
  util::Clock::time_point grant_expires{};
  /// Set when the store answered 429, its budget header reached zero or its
  /// shared budget is spent: no further request goes to it in this run.
  std::optional<seconds> blocked_for;
  std::string blocked_reason;
};

/// One claimed row on its way to an outcome.
struct Item {
  QueueRow row;
  std::unique_ptr<providers::Exchange> exchange;
  std::optional<http::Request> pending;
  std::optional<ItemOutcome> outcome;
  std::optional<util::Clock::time_point> started;
  std::int64_t duration_ms = 0;
};

/// The outcome of an item not sent because its store asked us to stop.
ItemOutcome paused_by_store(const Store& store) {
  ItemOutcome deferred = ItemOutcome::failed(OutcomeKind::rate_limited,
                                             "not sent: " + store.blocked_reason);
  deferred.retry_after = store.blocked_for;
  return deferred;
}

int int_setting(const json::Value& settings, std::string_view key, int fallback,
                int low, int high, int store_id) {
  const json::Value* value = settings.find(key);
  if (value == nullptr) {
    return fallback;
  }
  const auto number = value->is_number() ? util::parse_int(value->text()) : std::nullopt;
  if (!number || *number < low || *number > high) {
    throw FatalError(fmt::format(
        "crm_integracoes: store {}: configuracoes: '{}' must be an integer from {} to {}",
        store_id, key, low, high));
  }
  return static_cast<int>(*number);
}

/// Loads and validates every store the run may touch, before anything is
/// written: a bad configuration must fail the run with nothing changed.
std::map<int, Store> load_stores(db::Connection& connection,
                                 const config::Environment& environment,
                                 std::optional<int> store_id) {
  integrations::IntegrationRepository repository(connection, environment);
  std::vector<integrations::Integration> active = repository.load_active(store_id);
  if (active.empty()) {
    throw FatalError(store_id ? fmt::format("store {}: no active integration in "
                                            "crm_integracoes",
                                            *store_id)
                              : std::string("no active integration in crm_integracoes"));
  }
  std::map<int, Store> stores;
  for (auto& integration : active) {
    Store store;
    const int id = integration.store_id;
    const json::Value& settings = integration.settings;
    store.timeout = milliseconds(int_setting(settings, "timeout_ms", 15000, 100, 600000, id));
    store.connect_timeout =
        milliseconds(int_setting(settings, "connect_timeout_ms", 5000, 100, 60000, id));
    store.batch_size = int_setting(settings, "batch_size", k_default_limit, 1, 10000, id);
    store.concurrency =
        int_setting(settings, "concurrency", k_default_concurrency, 1, 256, id);
    store.per_minute = providers::default_requests_per_minute(integration.provider);
    if (settings.find("requests_per_minute") != nullptr) {
      store.per_minute = int_setting(settings, "requests_per_minute", 0, 1, 1000000, id);
    }
    store.mappings = records::mappings_for_store(settings, id);
    store.provider = providers::make_provider(integration);
    store.integration = std::move(integration);
    stores.emplace(id, std::move(store));
  }
  return stores;
}

/// The local records of the claimed rows: one query per (store, entity).
std::map<std::pair<int, Entity>, std::map<std::int64_t, LocalRecord>> load_records(
    db::Connection& connection, const std::map<int, Store>& stores,
    const std::vector<QueueRow>& rows) {
  std::map<std::pair<int, Entity>, std::vector<std::int64_t>> wanted;
  for (const QueueRow& row : rows) {
    wanted[{row.store_id, row.entity}].push_back(row.record_id);
  }
  records::RecordRepository repository(connection);
  std::map<std::pair<int, Entity>, std::map<std::int64_t, LocalRecord>> loaded;
  for (const auto& [key, ids] : wanted) {
    const Store& store = stores.at(key.first);
    loaded[key] = repository.load_many(store.mappings.at(key.second), key.first, ids);
  }
  return loaded;
}

/// Starts each item: a first request, or an outcome decided without HTTP.
std::vector<Item> prepare_items(
    const std::map<int, Store>& stores, const std::vector<QueueRow>& rows,
    std::map<std::pair<int, Entity>, std::map<std::int64_t, LocalRecord>>& records) {
  std::vector<Item> items;
  items.reserve(rows.size());
  for (const QueueRow& row : rows) {
    Item item;
    item.row = row;
    const Store& store = stores.at(row.store_id);
    auto& found = records[{row.store_id, row.entity}];
    const auto record = found.find(row.record_id);
    if (record == found.end()) {
      item.outcome = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("local record not found: {} id {} (loja {})",
                      store.mappings.at(row.entity).table, row.record_id, row.store_id));
    } else {
      item.exchange = store.provider->start(WorkItem{row, record->second});
      providers::Step step = item.exchange->next(nullptr);
      if (auto* request = std::get_if<http::Request>(&step)) {
        item.pending = std::move(*request);
      } else {
        item.outcome = std::get<ItemOutcome>(std::move(step));
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

/// Drives every pending request through one multi handle until all items
/// have outcomes or the deadline passes. Creates are saved at once.
/// Makes sure the store may send one more request under its shared budget,
/// reserving a chunk from the database when its grant is used up or expired.
/// Returns false (and blocks the store) when the minute's budget is spent.
/// `sendable()` is what the store can still send in this run; it is asked
/// only when reserving (it walks the ready queue): reserving more would hold
/// budget other hosts could use until this run gives it back.
template <typename Sendable>
bool take_budget(Store& store, queue::RequestBudget& budget, const Sendable& sendable) {
  if (!store.per_minute) {
    return true;
  }
  const auto now = util::Clock::now();
  if (store.granted == 0 || now >= store.grant_expires) {
    const queue::Grant grant = budget.reserve(store.integration.store_id, *store.per_minute,
                                              std::min(sendable(), *store.per_minute));
    store.granted = grant.requests;
    store.grant_expires = now + grant.minute_left;
    if (grant.requests == 0) {
      store.blocked_for = grant.minute_left + seconds(1);
      store.blocked_reason = fmt::format(
          "the store's request budget of {}/min is spent for this minute", *store.per_minute);
      return false;
    }
  }
  --store.granted;
  return true;
}

int drive(std::vector<Item>& items, std::map<int, Store>& stores,
          records::RecordRepository& records, queue::RequestBudget& budget, int concurrency,
          const util::Deadline& deadline) {
  http::CurlTransport transport(http::TransportOptions{
      .max_body_bytes = 4 * 1024 * 1024,
      .max_host_connections = concurrency,
      .user_agent = "crm-sync/" + std::string(k_version)});
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].pending) {
      ready.push_back(i);
    }
  }
  int requests = 0;
  const auto record_outcome = [&](Item& item, ItemOutcome outcome) {
    Store& store = stores.at(item.row.store_id);
    // A CRM may echo a credential in its error body: it never reaches erro,
    // the log table or the terminal.
    for (const std::string& secret : store.integration.credentials.values()) {
      if (secret.size() >= 4) outcome.message = util::redact(std::move(outcome.message), secret);
    }
    if (outcome.kind == OutcomeKind::rate_limited && !store.blocked_for) {
      store.blocked_for = outcome.retry_after.value_or(seconds(60));
      store.blocked_reason = "the CRM answered 429 in this run";
    }
    try {
      if (outcome.kind == OutcomeKind::success && outcome.external_id &&
          (outcome.operation == Operation::create || outcome.operation == Operation::link)) {
        records.save_external_id(store.mappings.at(item.row.entity), item.row.record_id,
                                 *outcome.external_id);
      }
      if (outcome.kind == OutcomeKind::success && outcome.operation == Operation::fetch) {
        records.apply_remote(store.mappings.at(item.row.entity), item.row.record_id,
                             outcome.remote_fields);
      }
    } catch (const db::DbError& error) {
      // The local table refused the CRM's values (too long, NULL, duplicate
      // key...): that item fails for good; the run and the other items go on.
      // Anything else (the database gone) still ends the run.
      if (!error.is_data_error()) throw;
      const auto status = outcome.http_status;
      outcome = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("the local table refused the CRM's values: {}", error.what()), status);
    }
    if (item.started) {
      item.duration_ms = std::chrono::duration_cast<milliseconds>(
                             util::Clock::now() - *item.started)
                             .count();
    }
    item.pending.reset();
    item.outcome = std::move(outcome);
  };

  while (true) {
    // Start what we may: up to `concurrency` in flight, nothing after the
    // deadline, nothing to a store that asked us to stop.
    while (transport.active() < static_cast<std::size_t>(concurrency) && !ready.empty() &&
           !deadline.passed()) {
      const std::size_t index = ready.front();
      ready.pop_front();
      Item& item = items[index];
      Store& store = stores.at(item.row.store_id);
      // A request that cannot finish before the deadline would only cost an
      // attempt: leave it unstarted (released, attempt given back).
      if (deadline.remaining() < std::min(store.timeout, k_min_request_time)) {
        ready.push_front(index);
        break;
      }
      const auto sendable = [&] {
        const auto waiting = std::count_if(ready.begin(), ready.end(), [&](std::size_t i) {
          return items[i].row.store_id == item.row.store_id;
        });
        return std::min(concurrency, static_cast<int>(waiting) + 1);
      };
      if (store.blocked_for || !take_budget(store, budget, sendable)) {
        record_outcome(item, paused_by_store(store));
        continue;
      }
      http::Request request = std::move(*item.pending);
      item.pending.reset();
      request.connect_timeout = std::min(store.connect_timeout, deadline.remaining());
      request.timeout = std::min(store.timeout, deadline.remaining());
      if (!item.started) {
        item.started = util::Clock::now();
      }
      transport.start(index, request);
      ++requests;
    }
    if (transport.active() == 0) {
      break;  // nothing in flight: either all done or the deadline passed
    }
    for (http::Completion& completion : transport.wait(milliseconds(1000))) {
      Item& item = items[completion.tag];
      Store& store = stores.at(item.row.store_id);
      if (!store.blocked_for) {
        store.blocked_for = store.provider->budget_exhausted(completion.response);
        store.blocked_reason = "the CRM reported its request budget spent in this run";
      }
      providers::Step step = item.exchange->next(&completion.response);
      if (auto* request = std::get_if<http::Request>(&step)) {
        item.pending = std::move(*request);
        ready.push_front(completion.tag);  // finish started items first
      } else {
        record_outcome(item, std::get<ItemOutcome>(std::move(step)));
      }
    }
  }
  for (auto& [id, store] : stores) {
    if (store.granted > 0 && util::Clock::now() < store.grant_expires) {
      budget.give_back(id, store.granted);
    }
  }
  // Whatever is left never got its (next) request out before the deadline.
  for (Item& item : items) {
    if (!item.outcome) {
      const Store& store = stores.at(item.row.store_id);
      if (store.blocked_for) {
        record_outcome(item, paused_by_store(store));
      } else {
        record_outcome(item, ItemOutcome::failed(OutcomeKind::released,
                                                 "not started before the run's deadline"));
      }
    }
  }
  return requests;
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
      ++summary.deferred;
      break;
  }
}

report::SyncSummary dry_run(db::Connection& connection, std::map<int, Store>& stores,
                            const queue::ClaimFilter& filter, int limit,
                            const report::Printer& printer) {
  queue::QueueRepository queue(connection);
  const std::vector<QueueRow> rows = queue.peek(filter, limit);
  auto records = load_records(connection, stores, rows);
  std::vector<Item> items = prepare_items(stores, rows, records);
  report::SyncSummary summary;
  summary.dry_run = true;
  for (Item& item : items) {
    if (item.pending) {
      const std::string body = item.pending->body.empty()
                                   ? std::string()
                                   : " " + util::truncate_utf8(item.pending->body, 300);
      printer.item_line(fmt::format("{} #{} (loja {}, {}): would send {} {}{}",
                                    to_db(item.row.entity), item.row.record_id,
                                    item.row.store_id, to_db(item.row.direction),
                                    item.pending->method, item.pending->url, body));
      ++summary.processed;
    } else {
      printer.item_line("would record: " +
                        report::format_item_line(item.row, *item.outcome, 0));
      count(summary, *item.outcome);
    }
  }
  return summary;
}

}  // namespace

report::SyncSummary run_sync(const Config& config, const config::Environment& environment,
                             const SyncOptions& options, const report::Printer& printer) {
  const auto started = util::Clock::now();
  const util::Deadline deadline(options.deadline);
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(util::Clock::now() - started).count();
  };

  auto connection = db::Connection::open(config.db);
  std::map<int, Store> stores = load_stores(*connection, environment, options.store_id);

  queue::ClaimFilter filter;
  filter.entity = options.entity;
  int limit = options.limit.value_or(k_default_limit);
  int concurrency = 1;
  for (const auto& [id, store] : stores) {
    filter.store_ids.push_back(id);
    concurrency = std::max(concurrency, store.concurrency);
  }
  if (!options.limit && options.store_id) {
    limit = stores.begin()->second.batch_size;
  }
  concurrency = options.concurrency.value_or(concurrency);

  if (options.dry_run == DryRun::yes) {
    report::SyncSummary summary = dry_run(*connection, stores, filter, limit, printer);
    summary.seconds = elapsed_seconds();
    return summary;
  }

  runs::RunRepository runs(*connection);
  const std::int64_t run_id = runs.start(runs::RunStart{
      .program = "crm_sync",
      .store_id = options.store_id,
      .host = config.host_name,
      .deadline = options.deadline});

  queue::QueueRepository queue(*connection);
  const queue::Claim claim = queue.claim(
      filter, queue::ClaimOptions{.limit = limit,
                                  .lease = options.deadline + k_lease_margin,
                                  .run_id = run_id});

  auto records = load_records(*connection, stores, claim.rows);
  std::vector<Item> items = prepare_items(stores, claim.rows, records);
  records::RecordRepository record_repository(*connection);
  queue::RequestBudget budget(*connection);

  report::SyncSummary summary;
  summary.run_id = run_id;
  summary.requests =
      drive(items, stores, record_repository, budget, concurrency, deadline);

  std::vector<queue::Finished> finished;
  std::vector<queue::LogEntry> log;
  for (const QueueRow& row : claim.exhausted) {
    ItemOutcome outcome = ItemOutcome::failed(
        OutcomeKind::permanent,
        fmt::format("given up after {} attempts without a recorded outcome",
                    row.attempts - 1));
    printer.item_line(report::format_item_line(row, outcome, 0));
    count(summary, outcome);
    log.push_back({row, std::move(outcome), 0});
  }
  for (Item& item : items) {
    printer.item_line(report::format_item_line(item.row, *item.outcome, item.duration_ms));
    count(summary, *item.outcome);
    finished.push_back({item.row, *item.outcome});
    log.push_back({item.row, *item.outcome, item.duration_ms});
  }
  const queue::FinishResult result = queue.finish(claim.token, finished);
  summary.lost_lease = result.lost_lease;
  queue::SyncLogWriter(*connection).write(log, run_id);
  refresh_export_jobs(*connection);

  summary.seconds = elapsed_seconds();
  runs.finish(run_id, runs::RunFinish{
                          .status = runs::RunStatus::success,
                          .processed = summary.processed,
                          .errors = summary.errors,
                          .deferred = summary.deferred,
                          .duration_ms = static_cast<std::int64_t>(summary.seconds * 1000),
                          .message = {},
                          .result_json = report::sync_json(summary)});
  if (options.metrics_file) {
    const double now = std::chrono::duration<double>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    util::write_file_atomically(*options.metrics_file, report::sync_metrics(summary, now));
  }
  return summary;
}

}  // namespace crm::sync
