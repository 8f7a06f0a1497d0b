// crm_cleanup: removes old finished queue rows and log rows, in small chunks.
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/sync/cleanup.h"

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
        const sync::CleanupResult result =
            sync::run_cleanup(args.config(), options);
        if (result.skipped) {
          args.printer.result_line(
              fmt::format("{} Limpeza ignorada: outra execução de crm_cleanup "
                          "está em andamento",
                          args.printer.timestamp_prefix()));
        } else {
          args.printer.item_line(fmt::format(
              "fila (sucesso): {} | fila (falhas): {} | log: {}",
              result.succeeded_rows, result.failed_rows, result.log_rows));
          args.printer.result_line(sync::cleanup_line(
              result, options, args.printer.timestamp_prefix()));
        }
        args.printer.result_json(sync::cleanup_json(result, options));
        return cli::ExitCode::ok;
      });
}
