// crm_enqueue: manual one-off enqueue, and --retry-failed.
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/core/errors.h"
#include "crm/sync/enqueue.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_enqueue", "Enqueues records for crm_sync, or puts failed rows back.",
      argc, argv,
      [](cxxopts::Options& options) {
        options.add_options("Enqueue")("loja", "store",
                                       cxxopts::value<std::string>(), "N")(
            "entity", "cliente, produto, venda or atividade",
            cxxopts::value<std::string>(),
            "E")("id",
                 "local record id (repeat, or a comma list); with several "
                 "--entity, the ids after each",
                 cxxopts::value<std::vector<std::string>>(),
                 "ID")("direction",
                       "to_crm (ecletech_para_crm, default) or from_crm "
                       "(crm_para_ecletech)",
                       cxxopts::value<std::string>(), "D")(
            "priority", "priority (default 5)", cxxopts::value<std::string>(),
            "P")("retry-failed",
                 "put given-up rows back in the queue (filters: --loja, "
                 "--entity, --since)")(
            "since", "with --retry-failed: failures since this time",
            cxxopts::value<std::string>(), "T");
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        const int priority =
            cli::int_option(parsed, "priority", -1000000, 1000000).value_or(5);
        const auto store = cli::int_option(parsed, "loja", 1, 2147483647);
        if (parsed.count("retry-failed")) {
          if (parsed.count("id") || parsed.count("entity") > 1)
            throw UsageError("--retry-failed takes no --id, one --entity");
          const sync::RetryRequest request{
              store, cli::entity_option(parsed, "entity"),
              cli::datetime_option(parsed, "since"), priority};
          const int count = sync::retry_failed(args.config(), request);
          args.printer.result_line(
              sync::retry_line(count, args.printer.timestamp_prefix()));
          args.printer.result_json(sync::retry_json(count));
          return cli::ExitCode::ok;
        }
        sync::EnqueueRequest request{
            store.value_or(0), cli::entity_ids_option(parsed, "entity", "id"),
            cli::direction_option(parsed, "direction")
                .value_or(Direction::to_crm),
            priority};
        if (!store || request.records.empty()) {
          throw UsageError(
              "needs --loja, --entity and --id (or --retry-failed)");
        }
        if (parsed.count("since"))
          throw UsageError("--since needs --retry-failed");
        const auto enqueued = sync::enqueue_records(args.config(), request);
        args.printer.result_line(sync::format_enqueue_line(
            enqueued, request, args.printer.timestamp_prefix()));
        args.printer.result_json(sync::enqueue_json(enqueued));
        return cli::ExitCode::ok;
      });
}
