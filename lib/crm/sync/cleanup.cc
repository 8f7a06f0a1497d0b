#include "crm/sync/cleanup.h"

#include <fmt/format.h>

#include <chrono>

#include "crm/db/connection.h"
#include "crm/db/named_lock.h"
#include "crm/runs/run_repository.h"
#include "crm/util/strings.h"
#include "crm/util/time.h"

namespace crm::sync {
namespace {

/// Walks `table`'s primary key from the start, deleting rows matching
/// `condition` (with `params`) `chunk` at a time. Returns the count deleted.
std::int64_t delete_in_chunks(db::Connection& connection,
                              const std::string& table,
                              const std::string& condition,
                              const db::Params& params, int chunk) {
  std::int64_t deleted = 0;
  long long after = 0;
  while (true) {
    db::Params select_params = params;
    select_params.emplace_back(after);
    select_params.emplace_back(chunk);
    const db::Rows ids = connection.query(
        fmt::format(
            "SELECT id FROM {} FORCE INDEX (PRIMARY) WHERE {} AND id > ? "
            "ORDER BY id LIMIT ?",
            table, condition),
        select_params);
    if (ids.empty()) {
      return deleted;
    }
    db::Params delete_params = params;
    for (const db::Row& row : ids.rows) {
      delete_params.emplace_back(static_cast<long long>(row.integer(0)));
    }
    after = ids.rows.back().integer(0);
    // The condition is checked again: a row is deleted only if it still
    // matches.
    deleted += static_cast<std::int64_t>(connection.execute(
        fmt::format("DELETE FROM {} WHERE {} AND id IN ({})", table, condition,
                    db::placeholders(ids.size())),
        delete_params));
  }
}

std::int64_t count(db::Connection& connection, const std::string& table,
                   const std::string& condition, const db::Params& params) {
  return connection
      .query(fmt::format("SELECT COUNT(*) FROM {} WHERE {}", table, condition),
             params)
      .rows.at(0)
      .integer(0);
}

/// Deletes (or with dry_run counts) what is older than the cut-offs, under
/// the named lock; skipped = true if another run holds it.
CleanupResult clean_up(db::Connection& connection,
                       const CleanupOptions& options) {
  CleanupResult result;
  const std::string lock_name =
      options.store_id ? fmt::format("crm_cleanup:{}", *options.store_id)
                       : "crm_cleanup";
  const auto lock = db::NamedLock::try_acquire(connection, lock_name,
                                               std::chrono::seconds(0));
  if (!lock) {
    result.skipped = true;
    return result;
  }
  // Cut-offs from the database clock, fixed once for the whole run.
  const db::Row cutoffs =
      connection
          .query(
              "SELECT NOW() - INTERVAL ? DAY, NOW() - INTERVAL ? DAY, NOW() - "
              "INTERVAL ? DAY",
              {options.days, options.failed_days, options.log_days})
          .rows.at(0);
  std::string store_condition;
  db::Params store_params;
  if (options.store_id) {
    store_condition = " AND id_loja = ?";
    store_params.emplace_back(*options.store_id);
  }
  const auto with_store = [&](db::Params params) {
    params.insert(params.end(), store_params.begin(), store_params.end());
    return params;
  };
  const std::string succeeded =
      "processado = 1 AND erro IS NULL AND processado_em < ?" + store_condition;
  const std::string failed =
      "processado = 1 AND erro IS NOT NULL AND processado_em < ?" +
      store_condition;
  const std::string log = "criado_em < ?" + store_condition;
  const db::Params succeeded_params = with_store({cutoffs.text(0)});
  const db::Params failed_params = with_store({cutoffs.text(1)});
  const db::Params log_params = with_store({cutoffs.text(2)});

  if (options.dry_run) {
    result.succeeded_rows =
        count(connection, "crm_sync_queue", succeeded, succeeded_params);
    result.failed_rows =
        count(connection, "crm_sync_queue", failed, failed_params);
    result.log_rows = count(connection, "crm_sync_log", log, log_params);
    return result;
  }
  result.succeeded_rows = delete_in_chunks(
      connection, "crm_sync_queue", succeeded, succeeded_params, options.chunk);
  result.failed_rows = delete_in_chunks(connection, "crm_sync_queue", failed,
                                        failed_params, options.chunk);
  result.log_rows = delete_in_chunks(connection, "crm_sync_log", log,
                                     log_params, options.chunk);
  return result;
}

}  // namespace

CleanupResult run_cleanup(const Config& config, const CleanupOptions& options) {
  auto connection = db::Connection::open(config.db);
  if (options.dry_run) {
    return clean_up(*connection, options);
  }
  runs::RunRepository runs(*connection);
  CleanupResult result;
  runs::guarded_run(
      runs,
      runs::RunStart{"crm_cleanup", options.store_id, config.host_name, {}},
      [&](std::int64_t) {
        result = clean_up(*connection, options);
        runs::RunFinish finish;
        finish.status = result.skipped ? runs::RunStatus::aborted
                                       : runs::RunStatus::success;
        finish.processed = static_cast<int>(result.total());
        if (result.skipped) {
          finish.message = "skipped: another crm_cleanup holds the lock";
        }
        finish.result_json = cleanup_json(result, options);
        return finish;
      });
  return result;
}

std::string cleanup_line(const CleanupResult& result,
                         const CleanupOptions& options,
                         std::string_view timestamp) {
  const std::int64_t total = result.total();
  const std::string removed =
      util::agree("removid", total, util::Gender::masculine);
  return fmt::format("{} Limpeza concluída: {} {}", timestamp,
                     util::counted(total, "registro", "registros"),
                     options.dry_run
                         ? fmt::format("{} {} (dry-run)",
                                       total == 1 ? "seria" : "seriam", removed)
                         : removed);
}

std::string cleanup_json(const CleanupResult& result,
                         const CleanupOptions& options) {
  return fmt::format(
      "{{\"programa\":\"crm_cleanup\",\"status\":\"{}\",\"removidos\":{},"
      "\"fila\":{},"
      "\"falhas\":{},\"log\":{},\"dry_run\":{}}}",
      result.skipped ? "ignorado" : "ok", result.total(), result.succeeded_rows,
      result.failed_rows, result.log_rows, options.dry_run);
}

}  // namespace crm::sync
