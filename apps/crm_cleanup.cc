// crm_cleanup: removes old finished queue rows and log rows, in small chunks.
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/db/connection.h"
#include "crm/runs/run_repository.h"
#include "crm/sync/cleanup.h"
#include "crm/util/time.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_cleanup",
      "Deletes finished queue rows and log rows older than the cut-offs.", argc,
      argv,
      [](cxxopts::Options& options) {
        options.add_options("Cleanup")(
            "days", "successful queue rows older than D days (default 7)",
            cxxopts::value<std::string>(), "D")(
            "failed-days", "given-up queue rows older than D days (default 30)",
            cxxopts::value<std::string>(),
            "D")("log-days", "crm_sync_log rows older than D days (default 30)",
                 cxxopts::value<std::string>(),
                 "D")("loja", "only this store", cxxopts::value<std::string>(),
                      "N")("dry-run", "count only, delete nothing");
      },
      [](cli::Args& args) {
        sync::CleanupOptions options;
        options.days =
            cli::int_option(args.parsed, "days", 0, 36500).value_or(7);
        options.failed_days =
            cli::int_option(args.parsed, "failed-days", 0, 36500).value_or(30);
        options.log_days =
            cli::int_option(args.parsed, "log-days", 0, 36500).value_or(30);
        options.store_id = cli::int_option(args.parsed, "loja", 1, 2147483647);
        options.dry_run = args.parsed.count("dry-run") > 0;
        const auto started = util::Clock::now();
        auto connection = db::Connection::open(args.config().db);
        runs::RunRepository runs(*connection);
        std::optional<std::int64_t> run_id;
        if (!options.dry_run) {
          run_id = runs.start(
              {"crm_cleanup", options.store_id, args.config().host_name, {}});
        }
        const sync::CleanupResult result =
            sync::run_cleanup(*connection, options);
        const std::string json = fmt::format(
            "{{\"programa\":\"crm_cleanup\",\"status\":\"{}\",\"removidos\":{},"
            "\"fila\":{},"
            "\"falhas\":{},\"log\":{},\"dry_run\":{}}}",
            result.skipped ? "ignorado" : "ok", result.total(),
            result.succeeded_rows, result.failed_rows, result.log_rows,
            options.dry_run);
        if (run_id) {
          runs.finish(
              *run_id,
              {result.skipped ? runs::RunStatus::aborted
                              : runs::RunStatus::success,
               static_cast<int>(result.total()), 0, 0,
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   util::Clock::now() - started)
                   .count(),
               result.skipped ? "skipped: another crm_cleanup holds the lock"
                              : "",
               json});
        }
        if (result.skipped) {
          args.printer.result_line(
              fmt::format("{} Limpeza ignorada: outra execução de crm_cleanup "
                          "está em andamento",
                          util::timestamp_prefix()));
        } else {
          args.printer.item_line(fmt::format(
              "fila (sucesso): {} | fila (falhas): {} | log: {}",
              result.succeeded_rows, result.failed_rows, result.log_rows));
          args.printer.result_line(fmt::format(
              "{} Limpeza concluída: {} registros {}", util::timestamp_prefix(),
              result.total(),
              options.dry_run ? "seriam removidos (dry-run)" : "removidos"));
        }
        args.printer.result_json(json);
        return cli::ExitCode::ok;
      });
}
