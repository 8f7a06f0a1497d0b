#include "crm/sync/full_sync_command.h"

#include <fmt/format.h>

#include "crm/runs/run_repository.h"
#include "crm/sync/full_sync_output.h"
#include "crm/util/strings.h"

namespace crm::sync {

FullSyncDatabase::FullSyncDatabase(const Config& config)
    : m_config(config), m_connection(db::Connection::open(config.db)) {}

void FullSyncDatabase::import(const config::Environment& environment,
                              const ImportOptions& options,
                              const report::Printer& printer) {
  // An import is a run like any other: it leaves a crm_execucoes row.
  runs::RunRepository runs(*m_connection);
  ImportResult result;
  runs::guarded_run(
      runs,
      runs::RunStart{"crm_sync_full", options.store_id, m_config.host_name,
                     options.deadline},
      [&](std::int64_t) {
        result = run_import(*m_connection, environment, options);
        runs::RunFinish finish;
        finish.status = result.skipped ? runs::RunStatus::aborted
                                       : runs::RunStatus::success;
        finish.processed =
            static_cast<int>(result.created + result.updated + result.linked);
        finish.errors = static_cast<int>(result.failed);
        finish.message =
            result.skipped
                ? "skipped: another crm_sync_full holds the lock"
                : fmt::format("import {}{}", to_db(options.entity),
                              result.stopped_by ? ": " + *result.stopped_by
                                                : std::string());
        finish.result_json = import_json(result);
        return finish;
      });
  printer.result_line(
      format_import_line(result, options.entity, printer.timestamp_prefix()));
  printer.result_json(import_json(result));
}

void FullSyncDatabase::export_all(const FullSyncOptions& options,
                                  const report::Printer& printer) {
  const FullSyncResult result =
      run_full_sync(*m_connection, options, m_config.host_name);
  for (const auto& exported : result.entities) {
    printer.item_line(
        fmt::format("{}: {} ({} na fila)", plural(exported.entity),
                    util::counted(exported.records, "registro", "registros"),
                    util::counted(exported.new_rows, "novo", "novos")));
  }
  printer.result_line(
      format_full_sync_lines(result, options, printer.timestamp_prefix()));
  printer.result_json(full_sync_json(result, options));
}

}  // namespace crm::sync
