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

namespace crm::sync {

std::string enqueue_json(int enqueued) {
  return fmt::format(
      "{{\"programa\":\"crm_enqueue\",\"status\":\"ok\",\"enfileirados\":{}}}",
      enqueued);
}

std::string retry_json(int requeued) {
  return fmt::format(
      "{{\"programa\":\"crm_enqueue\",\"status\":\"ok\",\"reenfileirados\":{}}"
      "}",
      requeued);
}

int enqueue_records(const Config& config, const EnqueueRequest& request) {
  const auto open_connection = db::Connection::open(config.db);
  db::Connection& connection = *open_connection;
  const config::Environment no_environment;
  integrations::IntegrationRepository integrations(connection, no_environment);
  const auto settings = integrations.load_settings(request.store_id);
  const auto mappings = records::mappings_for_store(
      settings.value_or(json::Value::object()), request.store_id);
  const records::TableMapping& mapping = mappings.at(request.entity);

  std::vector<std::int64_t> ids = request.record_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto found = records::RecordRepository(connection)
                         .load_many(mapping, request.store_id, ids);
  std::vector<std::int64_t> missing;
  for (auto id : ids) {
    if (!found.contains(id)) {
      missing.push_back(id);
    }
  }
  if (!missing.empty()) {
    throw FatalError(fmt::format("unknown {} id(s) in {} for loja {}: {}",
                                 to_db(request.entity), mapping.table,
                                 request.store_id, fmt::join(missing, ", ")));
  }
  queue::QueueRepository queue(connection);
  db::with_transaction(connection, [&] {
    for (auto id : ids) {
      queue.enqueue(request.store_id, request.entity, id, request.direction,
                    request.priority);
    }
  });
  return static_cast<int>(ids.size());
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

}  // namespace crm::sync
