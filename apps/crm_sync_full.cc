// crm_sync_full: enqueue every record of a store (export), or --import.
#include "crm/cli/run_app.h"
#include "crm/sync/full_sync_command.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_sync_full",
      "Enqueues every record of a store (export), or imports from the CRM.",
      argc, argv,
      [](cxxopts::Options& options) {
        options.add_options("Full sync")("loja", "store (required)",
                                         cxxopts::value<std::string>(), "N")(
            "entity",
            "cliente, produto, venda, atividade, or all for an export "
            "(required)",
            cxxopts::value<std::string>(),
            "E")("priority", "queue priority (default 0)",
                 cxxopts::value<std::string>(),
                 "P")("direction", "to_crm (default) or from_crm",
                      cxxopts::value<std::string>(),
                      "D")("only-new", "only records without an external id")(
            "since", "only records changed since T",
            cxxopts::value<std::string>(),
            "T")("dry-run", "count only, enqueue nothing")(
            "import",
            "start or continue the import job (CRM -> local) instead")(
            "pages", "with --import: pages per run (default 5)",
            cxxopts::value<std::string>());
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        const auto store = cli::int_option(parsed, "loja", 1, 2147483647);
        if (!store || !parsed.count("entity"))
          throw UsageError("needs --loja and --entity");
        const std::string entity = parsed["entity"].as<std::string>();
        const auto one = parse_entity(entity);
        if (!one && (entity != "all" || parsed.count("import"))) {
          throw UsageError(
              "--entity: expected cliente, produto, venda, atividade" +
              std::string(parsed.count("import") ? "" : " or all") + ", got '" +
              entity + "'");
        }
        // Every option is checked before the database is opened.
        if (parsed.count("import")) {
          const sync::ImportOptions options{
              *store, *one,
              cli::int_option(parsed, "pages", 1, 1000).value_or(5)};
          sync::FullSyncDatabase(args.config())
              .import(args.environment, options, args.printer);
          return cli::ExitCode::ok;
        }
        sync::FullSyncOptions options;
        options.store_id = *store;
        options.entities = one ? std::vector<Entity>{*one}
                               : std::vector<Entity>(k_all_entities.begin(),
                                                     k_all_entities.end());
        options.priority =
            cli::int_option(parsed, "priority", -1000000, 1000000).value_or(0);
        options.direction = cli::direction_option(parsed, "direction")
                                .value_or(Direction::to_crm);
        options.only_new = parsed.count("only-new") > 0;
        options.since = cli::datetime_option(parsed, "since");
        options.dry_run = parsed.count("dry-run") > 0;
        sync::FullSyncDatabase database(args.config());
        database.export_all(options, args.printer);
        return cli::ExitCode::ok;
      });
}
