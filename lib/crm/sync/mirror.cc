#include "crm/sync/mirror.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <tuple>

#include "crm/providers/field_compare.h"
#include "crm/queue/fair_claim.h"
#include "crm/records/record_repository.h"
#include "crm/sync/mirror_merge.h"
#include "crm/sync/recorders.h"
#include "crm/util/strings.h"
#include "crm/util/time.h"

namespace crm::sync {
namespace {

using providers::FieldMap;

/// GestaoClick writes its times without a zone, in Brasilia time.
constexpr int k_zoneless_offset_minutes = -180;

/// One store's pull of one entity: pages of the change list (or of the
/// whole list, for a scan), each partial row read whole where the rows are
/// partial and the pull is incremental, until the last page or the run's
/// page limit. Only complete pages count: a failure or the deadline keeps
/// what the pages before it brought, and the next run resumes after them.
class PullExchange final : public providers::Exchange {
 public:
  PullExchange(const providers::Provider& provider, Entity entity,
               std::optional<std::string> since,
               std::optional<std::string> cursor, int max_pages)
      : m_provider(provider),
        m_entity(entity),
        m_since(std::move(since)),
        m_cursor(std::move(cursor)),
        m_max_pages(max_pages) {}

  providers::Step next(const http::Response* previous) override {
    if (previous == nullptr) {
      return m_provider.changes_page(m_entity, m_since, m_cursor);
    }
    if (!m_first) m_first = *previous;
    if (m_reading) {
      return after_read(*previous);
    }
    auto read = m_provider.read_page(m_entity, m_cursor, *previous);
    if (auto* failed = std::get_if<ItemOutcome>(&read)) {
      return std::move(*failed);
    }
    m_page = std::get<providers::Page>(std::move(read));
    // Rows are partial (Bling): an incremental pull reads each changed one
    // whole; a first full read keeps the partial rows (their keys are
    // there) rather than one request per record of the account.
    if (m_since && m_provider.partial_list_rows(m_entity) &&
        !m_page.records.empty()) {
      m_reading = true;
      m_read = 0;
      return m_provider.record_request(m_entity, m_page.records[0].external_id);
    }
    return page_done();
  }

  [[nodiscard]] const std::vector<providers::RemoteRecord>& records() const {
    return m_records;
  }
  /// True when the last page was read: the pull reached its end.
  [[nodiscard]] bool finished() const { return m_finished; }
  /// The page the next run starts from (nullopt: the first): the cursor
  /// moves only once a page is complete.
  [[nodiscard]] const std::optional<std::string>& resume() const {
    return m_cursor;
  }
  [[nodiscard]] const std::optional<http::Response>& first_response() const {
    return m_first;
  }

 private:
  providers::Step after_read(const http::Response& response) {
    auto& row = m_page.records[m_read];
    auto whole = m_provider.read_record(m_entity, row.external_id, response);
    if (auto* failed = std::get_if<ItemOutcome>(&whole)) {
      return std::move(*failed);
    }
    row = std::get<providers::RemoteRecord>(std::move(whole));
    if (++m_read < m_page.records.size()) {
      return m_provider.record_request(m_entity,
                                       m_page.records[m_read].external_id);
    }
    m_reading = false;
    return page_done();
  }

  providers::Step page_done() {
    for (auto& record : m_page.records) m_records.push_back(std::move(record));
    ++m_pages;
    m_cursor = m_page.next_cursor;
    if (!m_cursor) {
      m_finished = true;
    } else if (m_pages < m_max_pages) {
      return m_provider.changes_page(m_entity, m_since, m_cursor);
    }
    return ItemOutcome::succeeded(
        Operation::none,
        fmt::format("mirror: {} CRM records read", m_records.size()));
  }

  const providers::Provider& m_provider;
  Entity m_entity;
  std::optional<std::string> m_since;
  std::optional<std::string> m_cursor;
  int m_max_pages;
  int m_pages = 0;
  providers::Page m_page;
  bool m_reading = false;
  std::size_t m_read = 0;
  bool m_finished = false;
  std::vector<providers::RemoteRecord> m_records;
  std::optional<http::Response> m_first;
};

/// The latest of two CRM update times in the same format.
std::optional<std::string> latest_of(const std::optional<std::string>& a,
                                     const std::optional<std::string>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

std::optional<std::int64_t> crm_seconds(
    const std::optional<std::string>& text) {
  return text ? util::parse_crm_time(*text, k_zoneless_offset_minutes)
              : std::nullopt;
}

std::string shown(const std::optional<std::string>& value) {
  return value ? "'" + util::truncate_utf8(*value, 200) + "'" : "NULL";
}

/// One pull's local effects, in one transaction.
class PullApplier {
 public:
  PullApplier(db::Connection& connection, const RunStore& store, int store_id,
              Entity entity, PullResult& result)
      : m_store(store),
        m_store_id(store_id),
        m_entity(entity),
        m_mapping(store.mappings.at(entity)),
        m_records(connection),
        m_mirror(connection),
        m_result(result) {
    m_mapping.children.clear();
    for (const providers::Reference& reference :
         store.provider->references(entity)) {
      if (reference.child.empty()) m_references.insert(reference.field);
    }
  }

  void apply(const std::vector<providers::RemoteRecord>& pulled) {
    std::vector<std::string> ids;
    for (const auto& remote : pulled) ids.push_back(remote.external_id);
    const auto known = m_mirror.load(m_store_id, m_entity, ids);
    const auto linked = m_records.find_linked(m_mapping, m_store_id, ids);
    std::vector<std::int64_t> local_ids;
    for (const auto& [id, link] : linked) local_ids.push_back(link.first);
    const auto locals = m_records.load_many(m_mapping, m_store_id, local_ids);
    for (const auto& remote : pulled) {
      const auto base = known.find(remote.external_id);
      const auto link = linked.find(remote.external_id);
      const LocalRecord* local = nullptr;
      if (link != linked.end()) {
        const auto found = locals.find(link->second.first);
        if (found != locals.end()) local = &found->second;
      }
      apply_one(remote, base == known.end() ? nullptr : &base->second, local,
                link == linked.end() ? std::nullopt : link->second.second);
    }
    // A copy only from a whole record read now: a partial row (a first
    // read of Bling's lists) may hide edits to what the store does not
    // map, so an older copy is dropped with it.
    m_mirror.upsert_many(m_store_id, m_entity, m_rows, false);
  }

 private:
  void apply_one(const providers::RemoteRecord& remote,
                 const records::MirrorRow* base, const LocalRecord* local,
                 std::optional<std::int64_t> local_time) {
    ++m_result.records;
    records::MirrorRow row;
    row.record.external_id = remote.external_id;
    row.record.fields = providers::to_map(remote.fields);
    row.record.copy = remote.copy;
    row.updated_at = remote.updated_at;
    row.origin = remote.partial ? "parcial" : "leitura";
    // The same as the mirror knew it (this store's own write coming back, a
    // page read again): nothing reaches the local table.
    const bool unchanged =
        base && providers::same_fields(base->record.fields, row.record.fields);
    if (!unchanged && base && local && !local->deleted) {
      merge(remote, *base, *local, local_time);
    }
    m_rows.push_back(std::move(row));
  }

  void merge(const providers::RemoteRecord& remote,
             const records::MirrorRow& base, const LocalRecord& local,
             std::optional<std::int64_t> local_time) {
    providers::FieldValues changes;
    const auto crm_time = crm_seconds(remote.updated_at);
    for (const auto& [field, crm] : remote.fields) {
      const auto current = local.fields.find(field);
      if (current == local.fields.end()) continue;  // not mapped locally
      if (m_references.contains(field)) continue;   // a CRM id, not local
      FieldSides sides;
      if (const auto known = base.record.fields.find(field);
          known != base.record.fields.end()) {
        sides.base = known->second;
      } else if (base.origin != "parcial") {
        // The mirror knows the record whole: a field it lacks was empty
        // (a read skips absent paths, a request leaves empty fields out).
        sides.base = std::optional<std::string>();
      }
      sides.crm = crm;
      sides.local = current->second;
      sides.crm_time = crm_time;
      sides.local_time = local_time;
      const integrations::FieldOwner owner =
          m_store.settings.mirror.owner_of(to_db(m_entity), field);
      const FieldChange change = decide_field(sides, owner);
      if (change.conflict) {
        log_conflict(local, remote, field, sides, owner, change);
      }
      if (change.action == FieldChange::Action::take_crm) {
        changes.emplace_back(field, crm);
      }
    }
    if (changes.empty()) return;
    try {
      m_records.apply_remote(m_mapping, local.id, changes);
    } catch (const db::DbError& error) {
      if (!error.is_data_error()) throw;
      log(local.id, remote.external_id,
          ItemOutcome::failed(
              OutcomeKind::permanent,
              fmt::format("mirror: the local table refused CRM record {}'s "
                          "values: {}",
                          remote.external_id, error.what())));
      return;
    }
    ++m_result.changes;
    std::string names;
    for (const auto& [field, value] : changes) {
      names += (names.empty() ? "" : ", ") + field;
    }
    log(local.id, remote.external_id,
        ItemOutcome::succeeded(Operation::pull,
                               "pulled from CRM (mirror): " + names,
                               remote.external_id));
  }

  void log_conflict(const LocalRecord& local,
                    const providers::RemoteRecord& remote,
                    const std::string& field, const FieldSides& sides,
                    integrations::FieldOwner owner, const FieldChange& change) {
    ++m_result.conflicts;
    const auto column = records::column_of(m_mapping, field);
    log(local.id, remote.external_id,
        ItemOutcome::succeeded(
            Operation::conflict,
            fmt::format(
                "conflict on '{}' ({}.{}): local {} vs CRM {} (was {}; CRM "
                "edited {}, local {}); owner {}: {}",
                field, m_mapping.table, column.value_or(field),
                shown(sides.local), shown(sides.crm),
                sides.base ? shown(*sides.base) : "unknown",
                remote.updated_at.value_or("at an unknown time"),
                sides.local_time ? "at a known time" : "at an unknown time",
                integrations::to_string(owner),
                change.action == FieldChange::Action::take_crm
                    ? "took the CRM's value"
                    : "kept the local value (it goes to the CRM)"),
            remote.external_id));
  }

  void log(std::int64_t local_id, const std::string& external_id,
           ItemOutcome outcome) {
    QueueRow row;
    row.store_id = m_store_id;
    row.entity = m_entity;
    row.record_id = local_id;
    row.direction = Direction::from_crm;
    outcome.message = storable_message(m_store, std::move(outcome.message));
    outcome.external_id = external_id;
    m_result.log.push_back({row, std::move(outcome), 0});
  }

  const RunStore& m_store;
  int m_store_id;
  Entity m_entity;
  records::TableMapping m_mapping;
  records::RecordRepository m_records;
  records::MirrorRepository m_mirror;
  /// Fields holding another record's id (an activity's customer).
  std::set<std::string> m_references;
  std::vector<records::MirrorRow> m_rows;  ///< written at the end, in bulk
  PullResult& m_result;
};

/// The cursor after a pull: a finished cycle starts the next one from the
/// latest update time seen (or the CRM's clock when the cycle began); an
/// unfinished one resumes at its page.
records::MirrorState next_state(const RunStore& store, Entity entity,
                                const records::MirrorState& before,
                                const PullExchange& pull) {
  records::MirrorState after = before;
  const bool new_cycle = !before.page_cursor;
  const std::optional<std::string> clock =
      pull.first_response()
          ? store.provider->clock_since(entity, *pull.first_response())
          : std::nullopt;
  std::optional<std::string> seen;
  for (const auto& remote : pull.records()) {
    seen = latest_of(seen, remote.updated_at);
  }
  if (store.provider->rows_carry_update_time(entity)) {
    after.latest = latest_of(new_cycle ? std::nullopt : before.latest, seen);
  } else if (new_cycle) {
    after.latest = clock;
  }
  after.page_cursor = pull.resume();
  if (pull.finished()) {
    if (!after.latest) {
      after.latest = clock;  // no record in the whole cycle: the CRM's clock
    }
    if (store.provider->has_change_filter(entity) && after.latest) {
      after.since = after.latest;
    }
    after.latest.reset();
  }
  return after;
}

std::vector<std::string> unique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

/// The key a lookup field matches on in the mirror (e-mail, SKU, the
/// document's digits); nullptr for a field the mirror keeps no key of.
template <typename Keys>
auto key_of(Keys& keys, const std::string& field) -> decltype(&keys.email) {
  if (field == "email") return &keys.email;
  if (field == "sku") return &keys.sku;
  if (is_document_field(field)) return &keys.document;
  return nullptr;
}

/// A record's keys, only those its lookups search by.
records::MirrorKeys lookup_keys(const std::vector<std::string>& fields,
                                const LocalRecord& record) {
  const records::MirrorKeys all = records::mirror_keys(record.fields);
  records::MirrorKeys keys;
  for (const std::string& field : fields) {
    if (std::string* key = key_of(keys, field)) *key = *key_of(all, field);
  }
  return keys;
}

/// The match of a record without a CRM id among the candidates (each with
/// its keys), by the entity's lookup fields in order (document before
/// e-mail, as the lookups would ask); the lowest CRM id when several share
/// the key.
std::optional<MirrorRecord> match_of(
    const std::vector<std::string>& lookup_fields,
    const records::MirrorKeys& mine,
    const std::vector<std::pair<records::MirrorKeys, const MirrorRecord*>>&
        candidates) {
  for (const std::string& field : lookup_fields) {
    const std::string* key = key_of(mine, field);
    if (key == nullptr || key->empty()) continue;
    for (const auto& [theirs, record] : candidates) {
      if (*key_of(theirs, field) == *key) return *record;
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_mirrored(const RunStore& store, Entity entity) {
  return entity == Entity::customer || entity == Entity::product ||
         (entity == Entity::activity &&
          store.provider->has_change_filter(entity));
}

bool mirror_enabled(const RunStore& store) {
  return store.settings.mirror.enabled.value_or(store.provider->name() !=
                                                "generic");
}

namespace {

/// Where the API has no change filter, the pull is a scan: due when its
/// interval passed or one is under way, and the mirror is fresh without it
/// while the last scan is trusted. False when no pull is due.
bool plan_scan(const RunStore& store, Entity entity,
               records::MirrorState& state, MirrorPulls& pulls) {
  if (store.provider->has_change_filter(entity)) return true;
  const auto& settings = store.settings.mirror;
  if (state.scan_age && settings.trust.count() > 0 &&
      *state.scan_age <= settings.trust.count() && !state.page_cursor) {
    pulls.fresh.insert({store.integration.store_id, entity});
  }
  state.since.reset();
  return !state.scan_age || state.page_cursor ||
         *state.scan_age >= settings.scan_interval.count();
}

/// The stores to pull for, at most `max_stores`: those with due rows first
/// (their pushes want a fresh mirror), then the longest since their last
/// pull (never pulled first), so consecutive runs cover every store.
std::vector<int> pull_order(
    db::Connection& connection, const std::map<int, RunStore>& stores,
    const std::map<std::pair<int, Entity>, records::MirrorState>& states,
    std::size_t max_stores) {
  std::set<int> due;
  for (const db::Row& row :
       connection.query_unprepared(queue::due_stores_sql()).rows) {
    due.insert(static_cast<int>(row.integer(0)));
  }
  // Each store's last pull, over its entities (never pulled: the oldest).
  std::map<int, std::int64_t> ages;
  for (const auto& [key, state] : states) {
    if (state.pull_age) {
      const auto [it, added] = ages.emplace(key.first, *state.pull_age);
      if (!added) it->second = std::min(it->second, *state.pull_age);
    }
  }
  // Sort key: (not due, seconds since the last pull, negated: the oldest
  // first).
  std::vector<std::tuple<bool, std::int64_t, int>> order;
  for (const auto& [id, store] : stores) {
    if (!mirror_enabled(store)) continue;
    const auto age = ages.find(id);
    order.emplace_back(!due.contains(id),
                       age == ages.end()
                           ? -std::numeric_limits<std::int64_t>::max()
                           : -age->second,
                       id);
  }
  std::sort(order.begin(), order.end());
  std::vector<int> chosen;
  for (const auto& entry : order) {
    if (chosen.size() >= max_stores) break;
    chosen.push_back(std::get<2>(entry));
  }
  return chosen;
}

}  // namespace

MirrorPulls plan_pulls(db::Connection& connection,
                       const std::map<int, RunStore>& stores,
                       std::size_t max_stores) {
  MirrorPulls pulls;
  std::vector<int> ids;
  for (const auto& [id, store] : stores) ids.push_back(id);
  const auto states = records::MirrorRepository(connection).states(ids);
  for (const int id : pull_order(connection, stores, states, max_stores)) {
    const RunStore& store = stores.at(id);
    for (const auto& [entity, mapping] : store.mappings) {
      if (!is_mirrored(store, entity) || store.unavailable.contains(entity)) {
        continue;
      }
      const auto found = states.find({id, entity});
      records::MirrorState state =
          found == states.end() ? records::MirrorState{} : found->second;
      if (!plan_scan(store, entity, state, pulls)) continue;
      Item item;
      item.row.store_id = id;
      item.row.entity = entity;
      item.row.direction = Direction::from_crm;
      item.exchange = std::make_unique<PullExchange>(
          *store.provider, entity, state.since, state.page_cursor,
          store.settings.mirror.pages_per_run);
      item.preset = true;
      pulls.items.push_back(std::move(item));
      pulls.states.push_back(std::move(state));
    }
  }
  return pulls;
}

PullResult apply_pulls(db::Connection& connection,
                       const std::map<int, RunStore>& stores,
                       MirrorPulls& pulls) {
  PullResult result;
  result.fresh = pulls.fresh;
  records::MirrorRepository mirror(connection);
  for (std::size_t i = 0; i < pulls.items.size(); ++i) {
    const Item& item = pulls.items[i];
    const int store_id = item.row.store_id;
    const Entity entity = item.row.entity;
    const RunStore& store = stores.at(store_id);
    const auto& pull = static_cast<const PullExchange&>(*item.exchange);
    const records::MirrorState after =
        next_state(store, entity, pulls.states[i], pull);
    const bool failed =
        item.outcome && item.outcome->kind != OutcomeKind::success;
    db::with_transaction(connection, [&] {
      PullApplier(connection, store, store_id, entity, result)
          .apply(pull.records());
      // A pull that read every page holds every record; for a change
      // filter only once a first full read did.
      const bool complete =
          pull.finished() && (!store.provider->has_change_filter(entity) ||
                              !pulls.states[i].since.has_value() ||
                              pulls.states[i].complete_age.has_value());
      mirror.save_state(store_id, entity, after, complete,
                        complete && !store.provider->has_change_filter(entity),
                        failed
                            ? std::optional<std::string>(item.outcome->message)
                            : std::nullopt);
      // A scan just completed is as fresh as a pull, if scans are trusted.
      if (complete && (store.provider->has_change_filter(entity) ||
                       store.settings.mirror.trust.count() > 0)) {
        result.fresh.insert({store_id, entity});
      }
    });
  }
  return result;
}

namespace {

/// The mirror's view of each item of one store and entity: two queries,
/// by CRM id and by match key.
void attach_group(records::MirrorRepository& mirror, const RunStore& store,
                  const MirrorKey& key, bool is_fresh,
                  const std::vector<Item*>& group) {
  const auto lookups = store.provider->lookup_fields(key.second);
  // The mirror answers a lookup only if it keeps a key for every field the
  // lookups search by (a store may look up by a phone or a code): otherwise
  // its "no match" is not a clear one, and the CRM is asked.
  const bool answers_lookups =
      is_fresh &&
      std::all_of(lookups.begin(), lookups.end(), [](const std::string& f) {
        const records::MirrorKeys none;
        return key_of(none, f) != nullptr;
      });
  std::vector<std::string> ids, emails, documents, skus;
  std::vector<records::MirrorKeys> keys(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    const LocalRecord& record = *group[i]->work.record;
    if (record.external_id) {
      ids.push_back(*record.external_id);
    } else if (answers_lookups) {
      keys[i] = lookup_keys(lookups, record);
      emails.push_back(keys[i].email);
      documents.push_back(keys[i].document);
      skus.push_back(keys[i].sku);
    }
  }
  const auto by_id = mirror.load(key.first, key.second, unique(ids));
  const auto by_key = mirror.find_by_keys(key.first, key.second, unique(emails),
                                          unique(documents), unique(skus));
  std::vector<std::pair<records::MirrorKeys, const MirrorRecord*>> candidates;
  for (const auto& [id, row] : by_key) {
    candidates.emplace_back(records::mirror_keys(row.record.fields),
                            &row.record);
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    MirrorView view;
    const LocalRecord& record = *group[i]->work.record;
    if (record.external_id) {
      view.fresh = is_fresh;
      if (const auto it = by_id.find(*record.external_id); it != by_id.end()) {
        view.record = it->second.record;
      }
    } else if (answers_lookups) {
      view.fresh = true;
      view.record = match_of(lookups, keys[i], candidates);
    }
    group[i]->work.mirror = std::move(view);
  }
}

}  // namespace

void attach_mirror(db::Connection& connection,
                   const std::map<int, RunStore>& stores,
                   const std::set<MirrorKey>& fresh, std::vector<Item>& items) {
  std::map<MirrorKey, std::vector<Item*>> groups;
  for (Item& item : items) {
    const auto store = stores.find(item.row.store_id);
    if (item.outcome || item.row.direction != Direction::to_crm ||
        store == stores.end() || !is_mirrored(store->second, item.row.entity) ||
        !mirror_enabled(store->second) || !item.work.record) {
      continue;
    }
    groups[{item.row.store_id, item.row.entity}].push_back(&item);
  }
  records::MirrorRepository mirror(connection);
  for (const auto& [key, group] : groups) {
    attach_group(mirror, stores.at(key.first), key, fresh.contains(key), group);
  }
}

void PushMemory::add(const QueueRow& row, const ItemOutcome& outcome) {
  if (outcome.mirror_forget) {
    m_forget.emplace_back(row, *outcome.mirror_forget);
  }
  if (outcome.kind != OutcomeKind::success || !outcome.mirror_fields ||
      !outcome.external_id) {
    return;
  }
  records::MirrorRow mirrored;
  mirrored.record.external_id = *outcome.external_id;
  mirrored.record.fields = providers::to_map(*outcome.mirror_fields);
  mirrored.record.copy = outcome.mirror_copy;
  mirrored.origin = "envio";
  // A create leaves no copy (the CRM filled fields it was not sent); an
  // update that did not replace the record keeps the one the mirror had.
  m_rows[Key{row.store_id, row.entity, outcome.operation != Operation::create}]
      .push_back(std::move(mirrored));
}

void PushMemory::write(db::Connection& connection) {
  records::MirrorRepository mirror(connection);
  for (const auto& [key, rows] : m_rows) {
    mirror.upsert_many(key.store_id, key.entity, rows, key.keep_copy);
  }
  for (const auto& [row, external_id] : m_forget) {
    mirror.remove(row.store_id, row.entity, external_id);
  }
  m_rows.clear();
  m_forget.clear();
}

}  // namespace crm::sync
