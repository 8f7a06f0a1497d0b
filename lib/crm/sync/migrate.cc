#include "crm/sync/migrate.h"

#include <fmt/format.h>

#include "crm/db/connection.h"
#include "crm/db/migrator.h"
#include "crm/json/json.h"
#include "crm/sync/triggers.h"

namespace crm::sync {

void run_migrate(const Config& config, const MigrateOptions& options,
                 const report::Printer& printer) {
  auto connection = db::Connection::open(config.db);
  db::Migrator migrator(*connection, config.migrations_dir,
                        options.with_demo_tables
                            ? db::MigrationSet::core_and_demo
                            : db::MigrationSet::core);
  if (options.action == MigrateAction::status) {
    const auto statuses = migrator.status();
    if (printer.mode() == report::OutputMode::human &&
        printer.verbosity() != report::Verbosity::quiet) {
      if (!migrator.has_table()) {
        fmt::print("no schema_migrations table yet: all pending\n");
      }
      fmt::print("{}", db::format_status_lines(statuses));
    }
    printer.result_json(db::status_json(statuses));
    return;
  }
  const auto applied = migrator.apply_pending();
  for (const auto& version : applied) {
    printer.item_line("aplicada " + version);
  }
  printer.result_line(fmt::format("{} Migrações aplicadas: {}",
                                  printer.timestamp_prefix(), applied.size()));
  if (options.drop_triggers) {
    const int dropped = drop_triggers(*connection);
    printer.result_line(fmt::format("{} Triggers removidos: {}",
                                    printer.timestamp_prefix(), dropped));
  }
  if (options.with_triggers) {
    const auto installed = install_triggers(*connection);
    for (const auto& name : installed) {
      printer.item_line("trigger " + name);
    }
    printer.result_line(fmt::format("{} Triggers instalados: {}",
                                    printer.timestamp_prefix(),
                                    installed.size()));
  }
  json::Value list = json::Value::array();
  for (const auto& version : applied) {
    list.push_back(json::Value::string(version));
  }
  printer.result_json(fmt::format(
      "{{\"programa\":\"crm_migrate\",\"status\":\"ok\",\"aplicadas\":{}}}",
      json::dump(list)));
}

}  // namespace crm::sync
