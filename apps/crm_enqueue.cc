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
            "E")("id", "local record id (repeat, or a comma list)",
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
        const std::optional<Entity> entity =
            cli::entity_option(parsed, "entity");
        const auto store = cli::int_option(parsed, "loja", 1, 2147483647);
        if (parsed.count("retry-failed")) {
          if (parsed.count("id"))
            throw UsageError("--retry-failed does not take --id");
          const sync::RetryRequest request{
              store, entity, cli::datetime_option(parsed, "since"), priority};
          const int count = sync::retry_failed(args.config(), request);
          args.printer.result_line(
              fmt::format("{} Reenfileirados: {} registros que falharam",
                          args.printer.timestamp_prefix(), count));
          args.printer.result_json(sync::retry_json(count));
          return cli::ExitCode::ok;
        }
        if (!store || !entity || !parsed.count("id")) {
          throw UsageError(
              "needs --loja, --entity and --id (or --retry-failed)");
        }
        if (parsed.count("since"))
          throw UsageError("--since needs --retry-failed");
        sync::EnqueueRequest request{*store,
                                     *entity,
                                     {},
                                     cli::direction_option(parsed, "direction")
                                         .value_or(Direction::to_crm),
                                     priority};
        request.record_ids = cli::record_ids_option(parsed, "id");
        const int count = sync::enqueue_records(args.config(), request);
        args.printer.result_line(fmt::format(
            "{} Enfileirados: {} {} (loja {}, {}, prioridade {})",
            args.printer.timestamp_prefix(), count, plural(request.entity),
            request.store_id, to_db(request.direction), priority));
        args.printer.result_json(sync::enqueue_json(count));
        return cli::ExitCode::ok;
      });
}
