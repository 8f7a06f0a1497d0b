// crm_migrate: applies pending migrations; --status lists them.
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/db/connection.h"
#include "crm/db/migrator.h"
#include "crm/json/json.h"
#include "crm/sync/triggers.h"
#include "crm/util/time.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_migrate",
      "Applies the pending migrations in order (schema_migrations).", argc,
      argv,
      [](cxxopts::Options& options) {
        options.add_options("Migrate")(
            "status", "list every migration and whether it is applied")(
            "migrations-dir",
            "directory of NNN_*.sql files (default: "
            "$CRM_MIGRATIONS_DIR, else the installed copy)",
            cxxopts::value<std::string>(),
            "DIR")("with-demo-tables",
                   "also create the demo's local tables "
                   "(clientes, produtos, vendas, atividades)")(
            "with-triggers",
            "(re)create triggers that enqueue INSERT (priority 10) and "
            "UPDATE (priority 5) of every active store's mapped tables")(
            "drop-triggers", "drop the triggers --with-triggers created");
      },
      [](cli::Args& args) {
        if (args.parsed.count("migrations-dir")) {
          args.m_overrides["migrations_dir"] =
              args.parsed["migrations-dir"].as<std::string>();
        }
        const Config& config = args.config();
        auto connection = db::Connection::open(config.db);
        db::Migrator migrator(*connection, config.migrations_dir,
                              args.parsed.count("with-demo-tables")
                                  ? db::MigrationSet::core_and_demo
                                  : db::MigrationSet::core);
        if (args.parsed.count("status")) {
          const auto statuses = migrator.status();
          if (args.printer.mode() == report::OutputMode::human &&
              args.printer.verbosity() != report::Verbosity::quiet) {
            fmt::print("{}", db::format_status_lines(statuses));
          }
          args.printer.result_json(db::status_json(statuses));
          return cli::ExitCode::ok;
        }
        const auto applied = migrator.apply_pending();
        for (const auto& version : applied) {
          args.printer.item_line("aplicada " + version);
        }
        args.printer.result_line(fmt::format("{} Migrações aplicadas: {}",
                                             util::timestamp_prefix(),
                                             applied.size()));
        if (args.parsed.count("drop-triggers")) {
          const int dropped = sync::drop_triggers(*connection);
          args.printer.result_line(fmt::format(
              "{} Triggers removidos: {}", util::timestamp_prefix(), dropped));
        }
        if (args.parsed.count("with-triggers")) {
          const auto installed = sync::install_triggers(*connection);
          for (const auto& name : installed)
            args.printer.item_line("trigger " + name);
          args.printer.result_line(fmt::format("{} Triggers instalados: {}",
                                               util::timestamp_prefix(),
                                               installed.size()));
        }
        json::Value list = json::Value::array();
        for (const auto& version : applied) {
          list.push_back(json::Value::string(version));
        }
        args.printer.result_json(
            fmt::format("{{\"programa\":\"crm_migrate\",\"status\":\"ok\","
                        "\"aplicadas\":{}}}",
                        json::dump(list)));
        return cli::ExitCode::ok;
      });
}
