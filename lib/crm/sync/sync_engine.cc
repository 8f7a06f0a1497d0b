#include "crm/sync/sync_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "crm/db/connection.h"
#include "crm/http/curl_transport.h"
#include "crm/integrations/integration_repository.h"
#include "crm/integrations/oauth_tokens.h"
#include "crm/providers/provider_factory.h"
#include "crm/queue/queue_repository.h"
#include "crm/queue/request_budget.h"
#include "crm/queue/sync_log_writer.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"
#include "crm/runs/run_repository.h"
#include "crm/sync/credentials.h"
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
  /// Request starts per second (configuracoes.requests_per_second): starts
  /// are spaced 1.1/N s apart so a provider's per-second limit is not hit.
  std::optional<int> per_second;
  util::Clock::time_point next_slot{};
  int granted = 0;  ///< requests reserved and not yet sent
  util::Clock::time_point grant_expires{};
  /// Set when the store answered 429, its budget header reached zero or its
  /// shared budget is spent: no further request goes to it in this run.
  std::optional<seconds> blocked_for;
  std::string blocked_reason;
  /// The CRM rejected the OAuth access token: expire it for the next run.
  bool token_rejected = false;
};

/// One claimed row on its way to an outcome.
struct Item {
  QueueRow row;
  WorkItem work;
  std::unique_ptr<providers::Exchange> exchange;
  std::optional<http::Request> pending;
  std::optional<ItemOutcome> outcome;
  std::optional<util::Clock::time_point> started;
  std::int64_t duration_ms = 0;
};

/// The outcome of an item not sent because its store asked us to stop.
ItemOutcome paused_by_store(const Store& store) {
  ItemOutcome deferred = ItemOutcome::failed(
      OutcomeKind::rate_limited, "not sent: " + store.blocked_reason);
  deferred.retry_after = store.blocked_for;
  return deferred;
}

/// (Re)starts an item's exchange: its first request, or an outcome decided
/// without HTTP (unsupported, a value that does not fit, waiting...).
void start_item(Item& item, const Store& store) {
  item.exchange = store.provider->start(item.work);
  providers::Step step = item.exchange->next(nullptr);
  if (auto* request = std::get_if<http::Request>(&step)) {
    item.pending = std::move(*request);
    item.outcome.reset();
  } else {
    item.outcome = std::get<ItemOutcome>(std::move(step));
  }
}

int int_setting(const json::Value& settings, std::string_view key, int fallback,
                int low, int high, int store_id) {
  const json::Value* value = settings.find(key);
  if (value == nullptr) {
    return fallback;
  }
  const auto number =
      value->is_number() ? util::parse_int(value->text()) : std::nullopt;
  if (!number || *number < low || *number > high) {
    throw FatalError(
        fmt::format("crm_integracoes: store {}: configuracoes: '{}' must be an "
                    "integer from {} to {}",
                    store_id, key, low, high));
  }
  return static_cast<int>(*number);
}

/// Loads and validates every store the run may touch, before anything is
/// written: a bad configuration must fail the run with nothing changed.
std::map<int, Store> load_stores(db::Connection& connection,
                                 const config::Environment& environment,
                                 std::optional<int> store_id, DryRun dry_run) {
  integrations::IntegrationRepository repository(connection, environment);
  std::vector<integrations::Integration> active =
      repository.load_active(store_id);
  if (active.empty()) {
    throw FatalError(
        store_id ? fmt::format("store {}: no active integration in "
                               "crm_integracoes",
                               *store_id)
                 : std::string("no active integration in crm_integracoes"));
  }
  std::map<int, Store> stores;
  for (auto& integration : active) {
    Store store;
    const int id = integration.store_id;
    const json::Value& settings = integration.settings;
    store.timeout = milliseconds(
        int_setting(settings, "timeout_ms", 15000, 100, 600000, id));
    store.connect_timeout = milliseconds(
        int_setting(settings, "connect_timeout_ms", 5000, 100, 60000, id));
    store.batch_size =
        int_setting(settings, "batch_size", k_default_limit, 1, 10000, id);
    store.concurrency =
        int_setting(settings, "concurrency", k_default_concurrency, 1, 256, id);
    store.per_minute =
        providers::default_requests_per_minute(integration.provider);
    if (settings.find("requests_per_minute") != nullptr) {
      store.per_minute =
          int_setting(settings, "requests_per_minute", 0, 1, 1000000, id);
    }
    store.per_second =
        providers::default_requests_per_second(integration.provider);
    if (settings.find("requests_per_second") != nullptr) {
      const int per_second =
          int_setting(settings, "requests_per_second", 0, 0, 1000, id);
      store.per_second =
          per_second == 0 ? std::nullopt : std::optional<int>(per_second);
    }
    store.mappings = records::mappings_for_store(settings, id);
    if (dry_run == DryRun::yes &&
        !integration.credentials.get("access_token")) {
      // A dry run sends nothing: no token refresh (a database write) either.
      integration.credentials.set("access_token", "dry-run");
    } else {
      prepare_credentials(connection, integration);
    }
    store.provider = providers::make_provider(integration);
    store.integration = std::move(integration);
    stores.emplace(id, std::move(store));
  }
  return stores;
}

using RecordMap =
    std::map<std::pair<int, Entity>, std::map<std::int64_t, LocalRecord>>;

/// The store's mapping of an entity with only the child tables its provider
/// sends (a provider that sends no lines never reads a lines table).
records::TableMapping mapping_for(const Store& store, Entity entity) {
  records::TableMapping mapping = store.mappings.at(entity);
  const std::vector<std::string> wanted = store.provider->children(entity);
  std::erase_if(mapping.children, [&wanted](
                                      const records::ChildMapping& child) {
    return std::find(wanted.begin(), wanted.end(), child.name) == wanted.end();
  });
  return mapping;
}

/// The local records of the claimed rows: one query per (store, entity)
/// and per child table.
RecordMap load_records(db::Connection& connection,
                       const std::map<int, Store>& stores,
                       const std::vector<QueueRow>& rows) {
  std::map<std::pair<int, Entity>, std::vector<std::int64_t>> wanted;
  for (const QueueRow& row : rows) {
    wanted[{row.store_id, row.entity}].push_back(row.record_id);
  }
  records::RecordRepository repository(connection);
  RecordMap loaded;
  for (const auto& [key, ids] : wanted) {
    const Store& store = stores.at(key.first);
    loaded[key] =
        repository.load_many(mapping_for(store, key.second), key.first, ids);
  }
  return loaded;
}

/// Calls `visit(target, local id text)` for each reference of a record.
template <typename Visit>
void for_each_reference(const Store& store, Entity entity,
                        const LocalRecord& record, const Visit& visit) {
  for (const providers::Reference& reference :
       store.provider->references(entity)) {
    if (reference.child.empty()) {
      if (const auto it = record.fields.find(reference.field);
          it != record.fields.end()) {
        visit(reference.target, it->second);
      }
      continue;
    }
    const auto rows = record.children.find(reference.child);
    if (rows == record.children.end()) continue;
    for (const auto& row : rows->second) {
      if (const auto it = row.find(reference.field); it != row.end()) {
        visit(reference.target, it->second);
      }
    }
  }
}

/// The records the loaded ones reference (a sale's customer and products),
/// without children: one query per (store, referenced entity).
RecordMap load_referenced(db::Connection& connection,
                          const std::map<int, Store>& stores,
                          const RecordMap& loaded) {
  std::map<std::pair<int, Entity>, std::vector<std::int64_t>> wanted;
  for (const auto& [key, records] : loaded) {
    const int store_id = key.first;  // a plain name: lambdas capture it
    const Store& store = stores.at(store_id);
    for (const auto& [id, record] : records) {
      for_each_reference(
          store, key.second, record,
          [&](Entity target, const std::optional<std::string>& value) {
            const auto local = value ? util::parse_int(*value) : std::nullopt;
            if (local) wanted[{store_id, target}].push_back(*local);
          });
    }
  }
  records::RecordRepository repository(connection);
  RecordMap referenced;
  for (auto& [key, ids] : wanted) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    records::TableMapping mapping =
        stores.at(key.first).mappings.at(key.second);
    mapping.children.clear();
    referenced[key] = repository.load_many(mapping, key.first, ids);
  }
  return referenced;
}

/// The referenced records one item needs.
std::map<RecordKey, LocalRecord> references_of(const Store& store,
                                               Entity entity,
                                               const LocalRecord& record,
                                               const RecordMap& referenced) {
  std::map<RecordKey, LocalRecord> out;
  for_each_reference(
      store, entity, record,
      [&](Entity target, const std::optional<std::string>& value) {
        const auto local = value ? util::parse_int(*value) : std::nullopt;
        if (!local) return;
        const auto table =
            referenced.find({store.integration.store_id, target});
        if (table == referenced.end()) return;
        const auto found = table->second.find(*local);
        if (found != table->second.end()) {
          out.emplace(RecordKey{target, *local}, found->second);
        }
      });
  return out;
}

/// Loads the rows' records (and what they reference) and starts each item:
/// a first request, or an outcome decided without HTTP.
std::vector<Item> prepare_items(db::Connection& connection,
                                const std::map<int, Store>& stores,
                                const std::vector<QueueRow>& rows) {
  RecordMap records = load_records(connection, stores, rows);
  const RecordMap referenced = load_referenced(connection, stores, records);
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
                      store.mappings.at(row.entity).table, row.record_id,
                      row.store_id));
    } else {
      item.work = WorkItem{
          row, record->second,
          references_of(store, row.entity, record->second, referenced)};
      start_item(item, store);
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
bool take_budget(Store& store, queue::RequestBudget& budget,
                 const Sendable& sendable) {
  if (!store.per_minute) {
    return true;
  }
  const auto now = util::Clock::now();
  if (store.granted == 0 || now >= store.grant_expires) {
    const queue::Grant grant =
        budget.reserve(store.integration.store_id, *store.per_minute,
                       std::min(sendable(), *store.per_minute));
    store.granted = grant.requests;
    store.grant_expires = now + grant.minute_left;
    if (grant.requests == 0) {
      store.blocked_for = grant.minute_left + seconds(1);
      store.blocked_reason = fmt::format(
          "the store's request budget of {}/min is spent for this minute",
          *store.per_minute);
      return false;
    }
  }
  --store.granted;
  return true;
}

int drive(std::vector<Item>& items, std::map<int, Store>& stores,
          records::RecordRepository& records, queue::RequestBudget& budget,
          int concurrency, const util::Deadline& deadline) {
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
  // An item waiting for a record that this batch sends to the CRM (a new
  // sale and its new customer) is parked until that item succeeds, then
  // restarted with the new external id: no minute lost. Exchanges decide
  // "waiting" when they start (the body is built before any request), so
  // parking happens here and on a restart, never on a response.
  using BatchKey = std::tuple<int, Entity, std::int64_t>;
  std::set<BatchKey>
      in_batch;  ///< records this run is still sending to the CRM
  for (const Item& item : items) {
    if (item.pending && item.row.direction == Direction::to_crm) {
      in_batch.insert(
          BatchKey{item.row.store_id, item.row.entity, item.row.record_id});
    }
  }
  std::map<BatchKey, std::vector<std::size_t>> parked;
  const auto park = [&](std::size_t index) {
    Item& item = items[index];
    if (!item.outcome || item.outcome->kind != OutcomeKind::waiting) return;
    for (const auto& [entity, id] : item.outcome->waiting_for) {
      const BatchKey key{item.row.store_id, entity, id};
      if (!in_batch.contains(key)) return;  // not coming in this run
    }
    for (const auto& [entity, id] : item.outcome->waiting_for) {
      parked[BatchKey{item.row.store_id, entity, id}].push_back(index);
    }
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    park(i);
  }
  const auto unpark = [&](const Item& done) {
    const BatchKey key{done.row.store_id, done.row.entity, done.row.record_id};
    in_batch.erase(key);
    const auto it = parked.find(key);
    if (it == parked.end()) return;
    const std::vector<std::size_t> waiting = std::move(it->second);
    parked.erase(it);
    for (const std::size_t index : waiting) {
      Item& item = items[index];
      const auto referenced =
          item.work.referenced.find({done.row.entity, done.row.record_id});
      if (referenced == item.work.referenced.end() ||
          done.outcome->kind != OutcomeKind::success ||
          !done.outcome->external_id) {
        continue;  // keeps its waiting outcome
      }
      referenced->second.external_id = done.outcome->external_id;
      if (!item.outcome || item.outcome->kind != OutcomeKind::waiting)
        continue;  // restarted already
      const bool still_waiting = std::any_of(
          item.outcome->waiting_for.begin(), item.outcome->waiting_for.end(),
          [&](const RecordKey& needed) {
            const auto found = item.work.referenced.find(needed);
            return found != item.work.referenced.end() &&
                   !found->second.external_id;
          });
      if (still_waiting) continue;
      start_item(item, stores.at(item.row.store_id));
      if (item.pending) {
        ready.push_back(index);
      } else {
        park(index);
      }
    }
  };
  int requests = 0;
  const auto record_outcome = [&](Item& item, ItemOutcome outcome) {
    Store& store = stores.at(item.row.store_id);
    // A CRM may echo a credential in its error body: it never reaches erro,
    // the log table or the terminal.
    for (const std::string& secret : store.integration.credentials.values()) {
      if (secret.size() >= 4)
        outcome.message = util::redact(std::move(outcome.message), secret);
    }
    if (outcome.kind == OutcomeKind::rate_limited && !store.blocked_for) {
      store.blocked_for = outcome.retry_after.value_or(seconds(60));
      store.blocked_reason = "the CRM answered 429 in this run";
    }
    try {
      if (outcome.kind == OutcomeKind::success && outcome.external_id &&
          (outcome.operation == Operation::create ||
           outcome.operation == Operation::link)) {
        records.save_external_id(store.mappings.at(item.row.entity),
                                 item.row.record_id, *outcome.external_id);
      }
      if (outcome.kind == OutcomeKind::success &&
          outcome.operation == Operation::fetch) {
        records.apply_remote(store.mappings.at(item.row.entity),
                             item.row.record_id, outcome.remote_fields);
      }
    } catch (const db::DbError& error) {
      // The local table refused the CRM's values (too long, NULL, duplicate
      // key...): that item fails for good; the run and the other items go on.
      // Anything else (the database gone) still ends the run.
      if (!error.is_data_error()) throw;
      const auto status = outcome.http_status;
      outcome = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("the local table refused the CRM's values: {}",
                      error.what()),
          status);
    }
    if (item.started) {
      item.duration_ms = std::chrono::duration_cast<milliseconds>(
                             util::Clock::now() - *item.started)
                             .count();
    }
    item.pending.reset();
    item.outcome = std::move(outcome);
    if (item.row.direction == Direction::to_crm) {
      unpark(item);
    }
  };

  while (true) {
    // Start what we may: up to `concurrency` in flight, nothing after the
    // deadline, nothing to a store that asked us to stop, and no faster than
    // a paced store's per-second rate (its items wait for their slot).
    std::vector<std::size_t> paced;
    std::optional<util::Clock::time_point> next_slot;
    while (transport.active() < static_cast<std::size_t>(concurrency) &&
           !ready.empty() && !deadline.passed()) {
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
      const auto now = util::Clock::now();
      if (store.per_second && !store.blocked_for && now < store.next_slot) {
        paced.push_back(index);
        next_slot =
            std::min(next_slot.value_or(store.next_slot), store.next_slot);
        continue;
      }
      const auto sendable = [&] {
        const auto waiting =
            std::count_if(ready.begin(), ready.end(), [&](std::size_t i) {
              return items[i].row.store_id == item.row.store_id;
            });
        return std::min(concurrency, static_cast<int>(waiting) + 1);
      };
      if (store.blocked_for || !take_budget(store, budget, sendable)) {
        record_outcome(item, paused_by_store(store));
        continue;
      }
      if (store.per_second) {
        // 10% above 1/N: the provider counts arrivals, and a request may
        // reach it later than it started here while the next one does not.
        store.next_slot =
            std::max(now, store.next_slot) +
            std::chrono::duration_cast<util::Clock::duration>(
                std::chrono::microseconds(1100000 / *store.per_second));
      }
      http::Request request = std::move(*item.pending);
      item.pending.reset();
      request.connect_timeout =
          std::min(store.connect_timeout, deadline.remaining());
      request.timeout = std::min(store.timeout, deadline.remaining());
      if (!item.started) {
        item.started = util::Clock::now();
      }
      transport.start(index, request);
      ++requests;
    }
    ready.insert(ready.begin(), paced.begin(), paced.end());
    const milliseconds until_slot =
        next_slot
            ? std::chrono::ceil<milliseconds>(*next_slot - util::Clock::now()) +
                  milliseconds(1)
            : milliseconds(1000);
    if (transport.active() == 0) {
      if (next_slot && !deadline.passed()) {
        transport.idle(
            until_slot);  // only paced items are left: wait for a slot
        continue;
      }
      break;  // nothing in flight: either all done or the deadline passed
    }
    for (http::Completion& completion :
         transport.wait(std::min(until_slot, milliseconds(1000)))) {
      Item& item = items[completion.tag];
      Store& store = stores.at(item.row.store_id);
      if (store.provider->credentials_expired(completion.response)) {
        store.token_rejected = true;
      }
      if (!store.blocked_for) {
        store.blocked_for =
            store.provider->budget_exhausted(completion.response);
        store.blocked_reason =
            "the CRM reported its request budget spent in this run";
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
        record_outcome(
            item, ItemOutcome::failed(OutcomeKind::released,
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
    case OutcomeKind::waiting:
      ++summary.deferred;
      break;
  }
}

report::SyncSummary dry_run(db::Connection& connection,
                            std::map<int, Store>& stores,
                            const queue::ClaimFilter& filter, int limit,
                            const report::Printer& printer) {
  queue::QueueRepository queue(connection);
  const std::vector<QueueRow> rows = queue.peek(filter, limit);
  std::vector<Item> items = prepare_items(connection, stores, rows);
  report::SyncSummary summary;
  summary.dry_run = true;
  for (Item& item : items) {
    if (item.pending) {
      const std::string body =
          item.pending->body.empty()
              ? std::string()
              : " " + util::truncate_utf8(item.pending->body, 300);
      printer.item_line(fmt::format(
          "{} #{} (loja {}, {}): would send {} {}{}", to_db(item.row.entity),
          item.row.record_id, item.row.store_id, to_db(item.row.direction),
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

report::SyncSummary run_sync(const Config& config,
                             const config::Environment& environment,
                             const SyncOptions& options,
                             const report::Printer& printer) {
  const auto started = util::Clock::now();
  const util::Deadline deadline(options.deadline);
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(util::Clock::now() - started).count();
  };

  auto connection = db::Connection::open(config.db);
  std::map<int, Store> stores =
      load_stores(*connection, environment, options.store_id, options.dry_run);

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
    report::SyncSummary summary =
        dry_run(*connection, stores, filter, limit, printer);
    summary.seconds = elapsed_seconds();
    return summary;
  }

  runs::RunRepository runs(*connection);
  const std::int64_t run_id =
      runs.start(runs::RunStart{.program = "crm_sync",
                                .store_id = options.store_id,
                                .host = config.host_name,
                                .deadline = options.deadline});

  queue::QueueRepository queue(*connection);
  const queue::Claim claim = queue.claim(
      filter, queue::ClaimOptions{.limit = limit,
                                  .lease = options.deadline + k_lease_margin,
                                  .run_id = run_id});

  std::vector<Item> items = prepare_items(*connection, stores, claim.rows);
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
    printer.item_line(
        report::format_item_line(item.row, *item.outcome, item.duration_ms));
    count(summary, *item.outcome);
    finished.push_back({item.row, *item.outcome});
    log.push_back({item.row, *item.outcome, item.duration_ms});
  }
  const queue::FinishResult result = queue.finish(claim.token, finished);
  for (const auto& [id, store] : stores) {
    if (store.token_rejected)
      integrations::expire_token(*connection, store.integration.id);
  }
  // A record that waits for another one makes sure that one is coming.
  for (const Item& item : items) {
    if (item.outcome->kind != OutcomeKind::waiting) continue;
    for (const auto& [entity, id] : item.outcome->waiting_for) {
      queue.enqueue_needed(item.row.store_id, entity, id, item.row.priority);
    }
  }
  summary.lost_lease = result.lost_lease;
  queue::SyncLogWriter(*connection).write(log, run_id);
  refresh_export_jobs(*connection);

  summary.seconds = elapsed_seconds();
  runs.finish(run_id, runs::RunFinish{
                          .status = runs::RunStatus::success,
                          .processed = summary.processed,
                          .errors = summary.errors,
                          .deferred = summary.deferred,
                          .duration_ms =
                              static_cast<std::int64_t>(summary.seconds * 1000),
                          .message = {},
                          .result_json = report::sync_json(summary)});
  if (options.metrics_file) {
    const double now = std::chrono::duration<double>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    util::write_file_atomically(*options.metrics_file,
                                report::sync_metrics(summary, now));
  }
  return summary;
}

}  // namespace crm::sync
