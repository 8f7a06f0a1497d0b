#include "crm/sync/enqueue.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "crm/config/config_loader.h"
#include "crm/db/connection.h"
#include "crm/integrations/integration_repository.h"
#include "crm/queue/queue_repository.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"
#include "crm/util/strings.h"

namespace crm::sync {

std::string enqueue_json(const std::vector<EntityIds>& enqueued) {
  std::size_t total = 0;
  for (const EntityIds& entity : enqueued) total += entity.ids.size();
  return fmt::format(
      "{{\"programa\":\"crm_enqueue\",\"status\":\"ok\",\"enfileirados\":{}}}",
      total);
}

std::string format_enqueue_line(const std::vector<EntityIds>& enqueued,
                                const EnqueueRequest& request,
                                std::string_view timestamp_prefix) {
  std::string counts;
  for (const EntityIds& entity : enqueued) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ",
                          entity.ids.size(), plural(entity.entity));
  }
  return fmt::format("{} Enfileirados: {} (loja {}, {}, prioridade {})",
                     timestamp_prefix, counts, request.store_id,
                     to_db(request.direction), request.priority);
}

std::string retry_json(int requeued) {
  return fmt::format(
      "{{\"programa\":\"crm_enqueue\",\"status\":\"ok\",\"reenfileirados\":{}}"
      "}",
      requeued);
}

namespace {

/// `group`'s distinct ids, ascending; FatalError listing those that do not
/// exist in the store's mapped table.
std::vector<std::int64_t> existing_ids(
    db::Connection& connection,
    const std::map<Entity, records::TableMapping>& mappings, int store_id,
    const EntityIds& group) {
  const auto mapped = mappings.find(group.entity);
  if (mapped == mappings.end()) {
    throw FatalError(records::disabled_message(store_id, group.entity));
  }
  const records::TableMapping& mapping = mapped->second;
  std::vector<std::int64_t> ids = group.ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto found =
      records::RecordRepository(connection).load_many(mapping, store_id, ids);
  std::vector<std::int64_t> missing;
  for (auto id : ids) {
    if (!found.contains(id)) {
      missing.push_back(id);
    }
  }
  if (!missing.empty()) {
    throw FatalError(fmt::format("unknown {} id(s) in {} for loja {}: {}",
                                 to_db(group.entity), mapping.table, store_id,
                                 fmt::join(missing, ", ")));
  }
  return ids;
}

}  // namespace

std::vector<EntityIds> enqueue_records(const Config& config,
                                       const EnqueueRequest& request) {
  const auto open_connection = db::Connection::open(config.db);
  db::Connection& connection = *open_connection;
  const config::Environment no_environment;
  integrations::IntegrationRepository integrations(connection, no_environment);
  const auto settings = integrations.load_settings(request.store_id);
  const auto mappings = records::mappings_for_store(
      settings.value_or(json::Value::object()), request.store_id);

  std::vector<EntityIds> enqueued;
  for (const EntityIds& group : request.records) {
    enqueued.push_back({group.entity, existing_ids(connection, mappings,
                                                   request.store_id, group)});
  }
  queue::QueueRepository queue(connection);
  db::with_transaction(connection, [&] {
    for (const EntityIds& group : enqueued) {
      for (auto id : group.ids) {
        queue.enqueue(request.store_id, group.entity, id, request.direction,
                      request.priority);
      }
    }
  });
  return enqueued;
}

int retry_failed(const Config& config, const RetryRequest& request) {
  const auto open_connection = db::Connection::open(config.db);
  db::Connection& connection = *open_connection;
  std::string where =
      "q.processado = 1 AND q.erro IS NOT NULL AND NOT EXISTS ("
      "SELECT 1 FROM crm_sync_queue n WHERE n.id_loja = q.id_loja AND "
      "n.entidade = q.entidade AND n.id_registro = q.id_registro AND "
      "n.direcao = q.direcao AND n.id > q.id AND "
      "(n.processado = 0 OR n.erro IS NULL))";
  db::Params params;
  if (request.store_id) {
    where += " AND q.id_loja = ?";
    params.emplace_back(*request.store_id);
  }
  if (request.entity) {
    where += " AND q.entidade = ?";
    params.emplace_back(to_db(*request.entity));
  }
  if (request.since) {
    where += " AND q.processado_em >= ?";
    params.emplace_back(*request.since);
  }
  return db::with_transaction(connection, [&] {
    // Materialise the keys first: MariaDB cannot read the table it inserts
    // into within one INSERT ... SELECT with a correlated NOT EXISTS.
    const db::Rows keys = connection.query(
        "SELECT DISTINCT q.id_loja, q.entidade, q.id_registro, q.direcao "
        "FROM crm_sync_queue q WHERE " +
            where,
        params);
    queue::QueueRepository queue(connection);
    for (const db::Row& key : keys.rows) {
      queue.enqueue(static_cast<int>(key.integer(0)),
                    *parse_entity(key.text(1)), key.integer(2),
                    *parse_direction(key.text(3)), request.priority);
    }
    return static_cast<int>(keys.size());
  });
}

std::string retry_line(int requeued, std::string_view timestamp) {
  return fmt::format("{} Reenfileirados: {} {}", timestamp,
                     util::counted(requeued, "registro", "registros"),
                     requeued == 1 ? "que falhou" : "que falharam");
}

}  // namespace crm::sync
