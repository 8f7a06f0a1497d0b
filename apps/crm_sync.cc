// crm_sync: the every-minute worker (SPEC section 3).
#include <cstdio>

#include "crm/cli/run_app.h"
#include "crm/core/errors.h"
#include "crm/report/run_summary.h"
#include "crm/sync/profile_command.h"
#include "crm/sync/sync_engine.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_sync",
      "Claims due rows of crm_sync_queue and syncs them with the CRM.", argc,
      argv,
      [](cxxopts::Options& options) {
        options.add_options("Sync")("loja", "only this store",
                                    cxxopts::value<std::string>(), "N")(
            "entity", "only cliente, produto, venda or atividade",
            cxxopts::value<std::string>(),
            "E")("limit",
                 "rows to claim (default: the store's batch_size, else 100)",
                 cxxopts::value<std::string>(), "N")(
            "batch-size", "alias of --limit", cxxopts::value<std::string>(),
            "N")("concurrency",
                 "requests in flight (default: the stores' setting, else 10)",
                 cxxopts::value<std::string>(), "N")(
            "deadline", "seconds after which no request starts (default 50)",
            cxxopts::value<std::string>(), "S")(
            "dry-run", "show what would be sent; no HTTP, no database writes")(
            "metrics-file", "write Prometheus metrics here, atomically",
            cxxopts::value<std::string>(), "PATH");
        options.add_options("Profile")(
            "print-profile",
            "print the store's effective profile (--loja N) or a provider's "
            "built-in one (--provider P) as JSON, and exit")(
            "provider",
            "with --print-profile: gestaoclick, pipedrive, bling, "
            "activecampaign or generic",
            cxxopts::value<std::string>(),
            "P")("markdown",
                 "with --print-profile: the field-key tables of "
                 "docs/providers/ instead of JSON");
      },
      [](cli::Args& args) {
        if (args.parsed.count("print-profile")) {
          sync::ProfileQuery query;
          query.store_id = cli::int_option(args.parsed, "loja", 1, 2147483647);
          if (args.parsed.count("provider")) {
            query.provider = args.parsed["provider"].as<std::string>();
          }
          if (query.store_id.has_value() == !query.provider.empty()) {
            throw UsageError("--print-profile needs --loja N or --provider P");
          }
          query.markdown = args.parsed.count("markdown") > 0;
          const std::string text =
              sync::describe_profile(query.store_id ? args.config() : Config{},
                                     args.environment, query);
          std::fputs((text + "\n").c_str(), stdout);
          return cli::ExitCode::ok;
        }
        sync::SyncOptions options;
        options.store_id = cli::int_option(args.parsed, "loja", 1, 2147483647);
        options.entity = cli::entity_option(args.parsed, "entity");
        options.limit = cli::int_option(args.parsed, "limit", 1, 10000);
        if (!options.limit) {
          options.limit = cli::int_option(args.parsed, "batch-size", 1, 10000);
        }
        options.concurrency =
            cli::int_option(args.parsed, "concurrency", 1, 256);
        options.deadline = std::chrono::seconds(
            cli::int_option(args.parsed, "deadline", 1, 3600).value_or(50));
        options.dry_run =
            args.parsed.count("dry-run") ? sync::DryRun::yes : sync::DryRun::no;
        if (args.parsed.count("metrics-file")) {
          options.metrics_file = args.parsed["metrics-file"].as<std::string>();
        }
        const report::SyncSummary summary = sync::run_sync(
            args.config(), args.environment, options, args.printer);
        args.printer.result_line(
            report::format_sync_line(summary, args.printer.timestamp_prefix()));
        args.printer.result_json(report::sync_json(summary));
        return cli::ExitCode::ok;
      });
}
