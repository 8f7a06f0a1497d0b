#include "crm/sync/full_sync.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <tuple>

#include "crm/config/config_loader.h"
#include "crm/db/named_lock.h"
#include "crm/integrations/integration_repository.h"
#include "crm/integrations/store_settings.h"
#include "crm/records/table_mapping.h"
#include "crm/runs/run_repository.h"
#include "crm/util/time.h"

namespace crm::sync {
namespace {

struct Selection {
  std::string from_where;  ///< "FROM `t` WHERE ..."
  db::Params params;
};

Selection select_records(const records::TableMapping& mapping,
                         const FullSyncOptions& options) {
  Selection selection;
  std::vector<std::string> conditions;
  if (mapping.store_column) {
    conditions.push_back(db::quote_identifier(*mapping.store_column) + " = ?");
    selection.params.emplace_back(options.store_id);
  }
  if (mapping.deleted_column) {
    conditions.push_back(db::quote_identifier(*mapping.deleted_column) +
                         " IS NULL");
  }
  if (options.only_new) {
    const std::string column = db::quote_identifier(mapping.external_id_column);
    conditions.push_back(fmt::format("({0} IS NULL OR {0} = '')", column));
  }
  if (options.since) {
    if (!mapping.updated_column) {
      throw FatalError(
          fmt::format("--since: table {} has no updated column (set "
                      "configuracoes.tables.<entity>."
                      "updated_column)",
                      mapping.table));
    }
    conditions.push_back(db::quote_identifier(*mapping.updated_column) +
                         " >= ?");
    selection.params.emplace_back(*options.since);
  }
  selection.from_where = "FROM " + db::quote_identifier(mapping.table);
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    selection.from_where += (i == 0 ? " WHERE " : " AND ") + conditions[i];
  }
  return selection;
}

std::int64_t pending_count(db::Connection& connection, int store_id,
                           Entity entity, Direction direction) {
  return connection
      .query(
          "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0 AND "
          "id_loja = ? "
          "AND entidade = ? AND direcao = ?",
          {store_id, to_db(entity), to_db(direction)})
      .rows.at(0)
      .integer(0);
}

}  // namespace

std::int64_t FullSyncResult::total() const {
  std::int64_t sum = 0;
  for (const auto& entity : entities) sum += entity.records;
  return sum;
}

std::int64_t FullSyncResult::estimated_minutes() const {
  if (backlog <= 0) return 0;
  return static_cast<std::int64_t>(
      std::ceil(static_cast<double>(backlog) / std::max(1, rows_per_minute)));
}

namespace {
FullSyncResult enqueue_all(db::Connection& connection,
                           const FullSyncOptions& options,
                           const json::Value& settings);

/// The `configuracoes` of the store's active integration; FatalError when it
/// has none (its records would be queued for a CRM nobody configured).
json::Value active_settings(db::Connection& connection, int store_id) {
  const config::Environment no_environment;
  auto settings =
      integrations::IntegrationRepository(connection, no_environment)
          .load_settings(store_id);
  if (!settings) {
    throw FatalError(fmt::format(
        "store {}: no active integration in crm_integracoes", store_id));
  }
  return std::move(*settings);
}
}  // namespace

FullSyncResult run_full_sync(db::Connection& connection,
                             const FullSyncOptions& options,
                             const std::string& host) {
  // Checked before the run is registered, like crm_sync's stores.
  const json::Value settings = active_settings(connection, options.store_id);
  if (options.dry_run) {
    return enqueue_all(connection, options, settings);
  }
  runs::RunRepository runs(connection);
  FullSyncResult result;
  runs::guarded_run(
      runs, runs::RunStart{"crm_sync_full", options.store_id, host, {}},
      [&](std::int64_t) {
        result = enqueue_all(connection, options, settings);
        runs::RunFinish finish;
        finish.status = result.skipped ? runs::RunStatus::aborted
                                       : runs::RunStatus::success;
        finish.processed = static_cast<int>(result.total());
        if (result.skipped) {
          finish.message = "skipped: another crm_sync_full holds the lock";
        }
        return finish;
      });
  return result;
}

namespace {

std::int64_t count_selected(db::Connection& connection,
                            const Selection& selection) {
  return connection
      .query("SELECT COUNT(*) " + selection.from_where, selection.params)
      .rows.at(0)
      .integer(0);
}

/// Enqueues every selected record not pending yet and raises the priority
/// of those that are, in one transaction.
void enqueue_selection(db::Connection& connection,
                       const FullSyncOptions& options, Entity entity,
                       const records::TableMapping& mapping,
                       const Selection& selection) {
  // One statement for the whole table. READ COMMITTED: the source rows are
  // read, not locked, so the application keeps writing meanwhile.
  const std::string id_column = db::quote_identifier(mapping.id_column);
  // Qualified: inside the NOT EXISTS a bare `id` would be crm_sync_queue.id.
  const std::string outer_id =
      db::quote_identifier(mapping.table) + "." + id_column;
  const db::Params key = {options.store_id, to_db(entity),
                          to_db(options.direction)};
  db::with_transaction(
      connection,
      [&] {
        // Only keys not pending yet: the anti-join walks uq_pendente, where
        // letting 1,000,000 inserts hit the duplicate-key path took over 60 s.
        // ON DUPLICATE KEY still settles a race with a concurrent enqueue.
        db::Params params = key;
        params.emplace_back(options.priority);
        params.insert(params.end(), selection.params.begin(),
                      selection.params.end());
        params.insert(params.end(), key.begin(), key.end());
        connection.execute(
            fmt::format(
                "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, "
                "direcao, "
                "prioridade) SELECT ?, ?, {0}, ?, ? {1}{2} NOT EXISTS (SELECT "
                "1 "
                "FROM "
                "crm_sync_queue q WHERE q.id_loja = ? AND q.entidade = ? AND "
                "q.id_registro = {0} AND q.direcao = ? AND q.pendente = 1) "
                "ON DUPLICATE KEY UPDATE prioridade = "
                "GREATEST(crm_sync_queue.prioridade, VALUES(prioridade))",
                outer_id, selection.from_where,
                selection.from_where.find(" WHERE ") == std::string::npos
                    ? " WHERE"
                    : " AND"),
            params);
        // Pending rows of these records keep the higher of the two priorities.
        db::Params raise = {options.priority};
        raise.insert(raise.end(), key.begin(), key.end());
        raise.emplace_back(options.priority);
        raise.insert(raise.end(), selection.params.begin(),
                     selection.params.end());
        connection.execute(
            fmt::format("UPDATE crm_sync_queue SET prioridade = ? "
                        "WHERE processado = 0 AND "
                        "id_loja = ? AND entidade = ? AND direcao "
                        "= ? AND prioridade < ? AND "
                        "id_registro IN (SELECT {} {})",
                        id_column, selection.from_where),
            raise);
      },
      db::Isolation::read_committed);
}

/// The crm_fila job that follows an entity's export; its id.
std::int64_t insert_export_job(db::Connection& connection,
                               const FullSyncOptions& options, Entity entity,
                               std::int64_t records) {
  connection.execute(
      "INSERT INTO crm_fila (tipo, id_loja, entidade, direcao, prioridade, "
      "status, total) "
      "VALUES ('exportacao', ?, ?, ?, ?, 'processando', ?)",
      {options.store_id, to_db(entity), to_db(options.direction),
       options.priority, static_cast<long long>(records)});
  return static_cast<std::int64_t>(connection.last_insert_id());
}

/// One entity's export; with dry_run only counts what it would enqueue.
EntityExport export_entity(db::Connection& connection,
                           const FullSyncOptions& options, Entity entity,
                           const records::TableMapping& mapping) {
  const Selection selection = select_records(mapping, options);
  EntityExport exported;
  exported.entity = entity;
  if (options.dry_run) {
    exported.records = count_selected(connection, selection);
    return exported;
  }
  const std::int64_t before =
      pending_count(connection, options.store_id, entity, options.direction);
  enqueue_selection(connection, options, entity, mapping, selection);
  exported.records = count_selected(connection, selection);
  exported.new_rows = std::max<std::int64_t>(
      0,
      pending_count(connection, options.store_id, entity, options.direction) -
          before);
  exported.job_id =
      insert_export_job(connection, options, entity, exported.records);
  return exported;
}

/// Pending rows of the store at this priority or above.
std::int64_t queue_backlog(db::Connection& connection,
                           const FullSyncOptions& options) {
  return connection
      .query(
          "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0 AND "
          "id_loja = ? AND prioridade >= ?",
          {options.store_id, options.priority})
      .rows.at(0)
      .integer(0);
}

FullSyncResult enqueue_all(db::Connection& connection,
                           const FullSyncOptions& options,
                           const json::Value& settings) {
  FullSyncResult result;
  const auto lock = try_lock_full_sync(connection, options.store_id);
  if (!lock) {
    result.skipped = true;
    return result;
  }
  const auto mappings = records::mappings_for_store(settings, options.store_id);
  result.rows_per_minute =
      integrations::parse_store_settings(settings, options.store_id).batch_size;

  for (Entity entity : options.entities) {
    const auto mapped = mappings.find(entity);
    if (mapped == mappings.end()) {
      if (options.entities.size() == 1) {
        throw FatalError(records::disabled_message(options.store_id, entity));
      }
      continue;  // --entity all: this store has no such entity
    }
    result.entities.push_back(
        export_entity(connection, options, entity, mapped->second));
  }
  result.backlog = queue_backlog(connection, options);
  if (options.dry_run) {
    result.backlog += result.total();
  }
  refresh_export_jobs(connection);
  return result;
}

}  // namespace

std::unique_ptr<db::NamedLock> try_lock_full_sync(db::Connection& connection,
                                                  int store_id) {
  return db::NamedLock::try_acquire(connection,
                                    fmt::format("crm_sync_full:{}", store_id),
                                    std::chrono::seconds(0));
}

void count_export_failures(db::Connection& connection,
                           const std::vector<QueueRow>& given_up) {
  std::map<std::tuple<int, Entity, Direction>, long long> counts;
  for (const QueueRow& row : given_up) {
    ++counts[{row.store_id, row.entity, row.direction}];
  }
  for (const auto& [key, count] : counts) {
    const auto& [store, entity, direction] = key;
    connection.execute(
        "UPDATE crm_fila SET falhas = falhas + ? WHERE tipo = 'exportacao' "
        "AND status IN ('pendente', 'processando') AND id_loja = ? AND "
        "entidade = ? AND direcao = ?",
        {count, store, std::string(to_db(entity)),
         std::string(to_db(direction))});
  }
}

int refresh_export_jobs(db::Connection& connection) {
  // Left to right: processados first, then the fields computed from it.
  return static_cast<int>(connection.execute(
      "UPDATE crm_fila f SET f.processados = GREATEST(0, f.total - ("
      "SELECT COUNT(*) FROM crm_sync_queue q WHERE q.processado = 0 AND "
      "q.id_loja = f.id_loja "
      "AND q.entidade = f.entidade AND q.direcao = f.direcao AND q.criado_em "
      "<= f.criado_em)), "
      "f.progresso = IF(f.total > 0, LEAST(100, FLOOR(100 * f.processados / "
      "f.total)), 100), "
      "f.concluido_em = IF(f.processados >= f.total, NOW(), NULL), "
      "f.status = IF(f.processados >= f.total, 'concluido', 'processando') "
      "WHERE f.tipo = 'exportacao' AND f.status IN ('pendente', "
      "'processando')"));
}

}  // namespace crm::sync
