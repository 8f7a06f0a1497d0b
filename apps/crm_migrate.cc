// crm_migrate: applies pending migrations; --status lists them.
#include "crm/cli/run_app.h"
#include "crm/sync/migrate.h"

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
        sync::MigrateOptions options;
        options.action = args.parsed.count("status")
                             ? sync::MigrateAction::status
                             : sync::MigrateAction::apply;
        options.with_demo_tables = args.parsed.count("with-demo-tables") > 0;
        options.drop_triggers = args.parsed.count("drop-triggers") > 0;
        options.with_triggers = args.parsed.count("with-triggers") > 0;
        sync::run_migrate(args.config(), options, args.printer);
        return cli::ExitCode::ok;
      });
}
