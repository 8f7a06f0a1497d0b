// crm_sync_full: enqueue every record of a store (export).
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/db/connection.h"
#include "crm/runs/run_repository.h"
#include "crm/sync/enqueue.h"
#include "crm/sync/full_sync.h"
#include "crm/util/time.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_sync_full", "Enqueues every record of an entity of a store, at low priority.", argc,
      argv,
      [](cxxopts::Options& options) {
        options.add_options("Full sync")
            ("loja", "store (required)", cxxopts::value<std::string>(), "N")
            ("entity", "cliente, produto, venda, atividade or all (required)",
             cxxopts::value<std::string>(), "E")
            ("priority", "queue priority (default 0: behind live changes)",
             cxxopts::value<std::string>(), "P")
            ("direction", "to_crm (default) or from_crm", cxxopts::value<std::string>(), "D")
            ("only-new", "only records without an external id")
            ("since", "only records changed since this time", cxxopts::value<std::string>(), "T")
            ("dry-run", "count only, enqueue nothing");
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        sync::FullSyncOptions options;
        const auto store = cli::int_option(parsed, "loja", 1, 2147483647);
        if (!store || !parsed.count("entity")) throw UsageError("needs --loja and --entity");
        options.store_id = *store;
        const std::string entity = parsed["entity"].as<std::string>();
        if (entity == "all") {
          options.entities.assign(k_all_entities.begin(), k_all_entities.end());
        } else if (const auto one = parse_entity(entity)) {
          options.entities = {*one};
        } else {
          throw UsageError("--entity: expected cliente, produto, venda, atividade or all, got '" +
                           entity + "'");
        }
        options.priority = cli::int_option(parsed, "priority", -1000000, 1000000).value_or(0);
        if (parsed.count("direction")) {
          const auto direction = parse_direction(parsed["direction"].as<std::string>());
          if (!direction) throw UsageError("--direction: expected to_crm or from_crm");
          options.direction = *direction;
        }
        options.only_new = parsed.count("only-new") > 0;
        if (parsed.count("since")) {
          options.since = sync::parse_since("--since", parsed["since"].as<std::string>());
        }
        options.dry_run = parsed.count("dry-run") > 0;
        const auto started = util::Clock::now();
        auto connection = db::Connection::open(args.config().db);
        runs::RunRepository runs(*connection);
        std::optional<std::int64_t> run_id;
        if (!options.dry_run) {
          run_id = runs.start({"crm_sync_full", options.store_id, args.config().host_name, {}});
        }
        const sync::FullSyncResult result = sync::run_full_sync(*connection, options);
        std::string counts;
        for (const auto& exported : result.entities) {
          counts += fmt::format("{}\"{}\":{}", counts.empty() ? "" : ",", to_db(exported.entity),
                                exported.records);
        }
        const std::string json = fmt::format(
            "{{\"programa\":\"crm_sync_full\",\"status\":\"{}\",\"enfileirados\":{},"
            "\"por_entidade\":{{{}}},\"backlog\":{},\"minutos_estimados\":{},\"dry_run\":{}}}",
            result.skipped ? "ignorado" : "ok", result.total(), counts, result.backlog,
            result.estimated_minutes(), options.dry_run);
        if (run_id) {
          runs.finish(*run_id,
                      {result.skipped ? runs::RunStatus::aborted : runs::RunStatus::success,
                       static_cast<int>(result.total()), 0, 0,
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           util::Clock::now() - started).count(),
                       result.skipped ? "skipped: another crm_sync_full holds the lock" : "",
                       json});
        }
        if (result.skipped) {
          args.printer.result_line(fmt::format(
              "{} Sincronização completa ignorada: outra execução para a loja {} está em andamento",
              util::timestamp_prefix(), options.store_id));
        } else {
          for (const auto& exported : result.entities) {
            args.printer.item_line(fmt::format("{}: {} registros ({} novos na fila)",
                                               plural(exported.entity), exported.records,
                                               exported.new_rows));
          }
          const std::string what = options.entities.size() == 1
                                       ? std::string(plural(options.entities.front()))
                                       : "registros";
          args.printer.result_line(fmt::format(
              "{} Sincronização completa: {} {} {}\nTempo estimado: ~{} minutos",
              util::timestamp_prefix(), result.total(), what,
              options.dry_run ? "seriam enfileirados (dry-run)" : "enfileirados",
              result.estimated_minutes()));
        }
        args.printer.result_json(json);
        return cli::ExitCode::ok;
      });
}
