#include "crm/sync/run_setup.h"

#include <fmt/format.h>

#include <algorithm>

#include "crm/core/errors.h"
#include "crm/providers/provider_factory.h"
#include "crm/records/record_repository.h"
#include "crm/records/schema_check.h"
#include "crm/sync/credentials.h"
#include "crm/util/strings.h"

namespace crm::sync {
namespace {

/// The scheduler's limits: the store's settings over its provider's
/// documented ones.
StoreLimits limits_of(const providers::Provider& provider,
                      const integrations::StoreSettings& settings) {
  const providers::RateLimits documented = provider.rate_limits();
  StoreLimits limits;
  limits.timeout = settings.timeout;
  limits.connect_timeout = settings.connect_timeout;
  limits.per_minute = settings.requests_per_minute
                          ? settings.requests_per_minute
                          : documented.per_minute;
  limits.per_second = settings.requests_per_second
                          ? settings.requests_per_second
                          : documented.per_second;
  if (limits.per_second == 0) {
    limits.per_second.reset();
  }
  return limits;
}

using RecordMap =
    std::map<std::pair<int, Entity>, std::map<std::int64_t, LocalRecord>>;

/// The store's mapping of an entity with only the child tables its provider
/// sends (a provider that sends no lines never reads a lines table).
records::TableMapping mapping_for(const RunStore& store, Entity entity) {
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
                       const std::map<int, RunStore>& stores,
                       const std::vector<QueueRow>& rows) {
  std::map<std::pair<int, Entity>, std::vector<std::int64_t>> wanted;
  for (const QueueRow& row : rows) {
    wanted[{row.store_id, row.entity}].push_back(row.record_id);
  }
  records::RecordRepository repository(connection);
  RecordMap loaded;
  for (const auto& [key, ids] : wanted) {
    const RunStore& store = stores.at(key.first);
    if (store.unavailable.contains(key.second)) {
      continue;  // no table: prepare_items fails these rows
    }
    loaded[key] =
        repository.load_many(mapping_for(store, key.second), key.first, ids);
  }
  return loaded;
}

/// Calls `visit(target, local id text)` for each reference of a record.
template <typename Visit>
void for_each_reference(const RunStore& store, Entity entity,
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

/// Where each logical field of `mapping` lives ("vendas.data_venda"; a
/// child's field keyed "lines.description").
std::map<std::string, std::string> column_names(
    const records::TableMapping& mapping) {
  std::map<std::string, std::string> out;
  for (const auto& [field, column] : mapping.columns) {
    out[field] = mapping.table + "." + column;
  }
  for (const records::ChildMapping& child : mapping.children) {
    for (const auto& [field, column] : child.columns) {
      out[child.name + "." + field] = child.table + "." + column;
    }
  }
  return out;
}

/// Marks the referenced records without an external id whose last queue
/// row to the CRM was given up, with nothing newer queued: what references
/// them can never go out.
void mark_given_up(db::Connection& connection, int store_id, Entity entity,
                   std::map<std::int64_t, LocalRecord>& records) {
  std::string ids;
  for (const auto& [id, record] : records) {
    if (!record.external_id)
      ids += (ids.empty() ? "" : ",") + std::to_string(id);
  }
  if (ids.empty()) return;
  const db::Rows rows = connection.query(
      "SELECT q.id_registro, q.erro FROM crm_sync_queue q WHERE q.id_loja = ? "
      "AND q.entidade = ? AND q.direcao = 'ecletech_para_crm' AND "
      "q.processado = 1 AND q.erro IS NOT NULL AND q.id_registro IN (" +
          ids +
          ") AND NOT EXISTS (SELECT 1 FROM crm_sync_queue n WHERE n.id_loja = "
          "q.id_loja AND n.entidade = q.entidade AND n.id_registro = "
          "q.id_registro AND n.direcao = q.direcao AND n.id > q.id)",
      {store_id, std::string(to_db(entity))});
  for (const db::Row& row : rows.rows) {
    const auto found = records.find(row.integer(0));
    if (found != records.end()) found->second.given_up = row.text(1);
  }
}

/// The records the loaded ones reference (a sale's customer and products),
/// without children: one query per (store, referenced entity).
RecordMap load_referenced(db::Connection& connection,
                          const std::map<int, RunStore>& stores,
                          const RecordMap& loaded) {
  std::map<std::pair<int, Entity>, std::vector<std::int64_t>> wanted;
  for (const auto& [key, records] : loaded) {
    const int store_id = key.first;  // a plain name: lambdas capture it
    const RunStore& store = stores.at(store_id);
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
    if (stores.at(key.first).unavailable.contains(key.second)) {
      continue;  // no table: the item waits for a record that cannot come
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    records::TableMapping mapping =
        stores.at(key.first).mappings.at(key.second);
    mapping.children.clear();
    referenced[key] = repository.load_many(mapping, key.first, ids);
    mark_given_up(connection, key.first, key.second, referenced[key]);
  }
  return referenced;
}

/// The referenced records one item needs.
std::map<RecordKey, LocalRecord> references_of(const RunStore& store,
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

}  // namespace

namespace {

/// One store, validated: throws FatalError naming the store and the key.
RunStore load_store(db::Connection& connection,
                    integrations::Integration integration,
                    Credentials credentials) {
  RunStore store;
  const int id = integration.store_id;
  store.settings = integrations::parse_store_settings(integration.settings, id);
  store.mappings = records::mappings_for_store(integration.settings, id);
  std::optional<TimePoint> token_call;
  if (credentials == Credentials::placeholder &&
      !integration.credentials.get("access_token")) {
    // A dry run sends nothing: no token refresh (a database write) either.
    integration.credentials.set("access_token", "dry-run");
  } else {
    token_call = prepare_credentials(connection, integration);
  }
  store.provider = providers::make_provider(integration);
  store.limits = limits_of(*store.provider, store.settings);
  if (token_call) store.limits.earlier_requests.push_back(*token_call);
  std::map<Entity, records::TableMapping> read;
  for (const auto& [entity, mapping] : store.mappings) {
    read.emplace(entity, mapping_for(store, entity));
  }
  records::SchemaCheck schema = records::check_schema(connection, read, id);
  if (schema.problem) {
    throw FatalError(*schema.problem);
  }
  store.unavailable = std::move(schema.missing_tables);
  for (Entity entity : k_all_entities) {
    if (!store.mappings.contains(entity)) {
      store.unavailable[entity] = records::disabled_message(id, entity);
    }
  }
  store.integration = std::move(integration);
  return store;
}

}  // namespace

RunStores load_stores(db::Connection& connection,
                      const config::Environment& environment,
                      std::optional<int> store_id, Credentials credentials) {
  integrations::IntegrationRepository repository(connection, environment);
  std::vector<integrations::LoadedIntegration> active =
      repository.load_each(store_id);
  if (active.empty()) {
    throw FatalError(
        store_id
            ? fmt::format("store {}: no active integration in crm_integracoes",
                          *store_id)
            : std::string("no active integration in crm_integracoes"));
  }
  const std::map<int, integrations::StoreStatus> states =
      integrations::StoreStates(connection).load();
  RunStores stores;
  for (auto& loaded : active) {
    const int id = loaded.store_id;
    const auto state = states.find(id);
    const integrations::StoreStatus status =
        state == states.end() ? integrations::StoreStatus{} : state->second;
    if (status.health == integrations::StoreHealth::paused &&
        !status.probe_due) {
      stores.paused[id] = status.reason;
      continue;
    }
    if (loaded.error) {
      stores.invalid[id] = *loaded.error;
      continue;
    }
    try {
      RunStore store =
          load_store(connection, std::move(*loaded.integration), credentials);
      store.status = status;
      store.limits.probe = status.health == integrations::StoreHealth::paused;
      store.limits.pause_for = integrations::pause_duration(
          status.health == integrations::StoreHealth::paused ? status.pauses + 1
                                                             : 1);
      stores.runnable.emplace(id, std::move(store));
    } catch (const FatalError& error) {
      stores.invalid[id] = error.what();
    }
  }
  return stores;
}

std::vector<Item> prepare_items(db::Connection& connection,
                                const std::map<int, RunStore>& stores,
                                const std::vector<QueueRow>& rows) {
  RecordMap records = load_records(connection, stores, rows);
  const RecordMap referenced = load_referenced(connection, stores, records);
  std::vector<Item> items;
  items.reserve(rows.size());
  for (const QueueRow& row : rows) {
    Item item;
    item.row = row;
    const RunStore& store = stores.at(row.store_id);
    auto& found = records[{row.store_id, row.entity}];
    const auto record = found.find(row.record_id);
    if (const auto missing = store.unavailable.find(row.entity);
        missing != store.unavailable.end()) {
      item.outcome =
          ItemOutcome::failed(OutcomeKind::permanent, missing->second);
    } else if (record == found.end()) {
      item.outcome = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("local record not found: {} id {} (loja {})",
                      store.mappings.at(row.entity).table, row.record_id,
                      row.store_id));
    } else {
      item.work =
          WorkItem{row, record->second,
                   references_of(store, row.entity, record->second, referenced),
                   column_names(store.mappings.at(row.entity)), std::nullopt};
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace crm::sync
