// crm_status: monitoring report, JSON, Prometheus and a --check plugin line.
#include "crm/cli/check_options.h"
#include "crm/cli/run_app.h"
#include "crm/core/errors.h"
#include "crm/report/status_report.h"
#include "crm/sync/status_command.h"

int main(int argc, char** argv) {
  using namespace crm;
  return cli::run_app(
      "crm_status",
      "Shows the queue, failures, runs and jobs; checks them for monitoring.",
      argc, argv,
      [](cxxopts::Options& options) {
        options.add_options("Status")(
            "prometheus", "print Prometheus text exposition format")(
            "metrics-file", "write the Prometheus text here, atomically",
            cxxopts::value<std::string>(),
            "PATH")("html", "write the status page here, atomically",
                    cxxopts::value<std::string>(),
                    "FILE")("fix-stuck", "mark stuck runs as aborted")(
            "resume", "lift store N's pause now", cxxopts::value<std::string>(),
            "N")("record",
                 "the story of one record: --record ENTITY ID [--loja N]",
                 cxxopts::value<std::string>(),
                 "ENTITY")("record-id", "the ID of --record",
                           cxxopts::value<std::vector<std::string>>(),
                           "ID")("loja", "the store of --record",
                                 cxxopts::value<std::string>(), "N");
        cli::add_check_options(options);
        options.parse_positional({"record-id"});
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        sync::StatusRequest request;
        request.output = parsed.count("check") ? sync::StatusOutput::check
                         : parsed.count("prometheus")
                             ? sync::StatusOutput::prometheus
                             : sync::StatusOutput::text;
        request.thresholds = cli::check_thresholds(parsed);
        request.fix_stuck = parsed.count("fix-stuck") > 0;
        request.resume_store = cli::int_option(parsed, "resume", 1, 2147483647);
        if (!parsed.count("record") && parsed.count("record-id")) {
          throw UsageError(
              "unexpected argument '" +
              parsed["record-id"].as<std::vector<std::string>>().front() + "'");
        }
        if (parsed.count("record")) {
          const auto ids = cli::record_ids_option(parsed, "record-id");
          if (ids.size() != 1) {
            throw UsageError(
                "--record: expected ENTITY ID, e.g. --record cliente 123");
          }
          request.record = sync::RecordQuery{
              *cli::entity_option(parsed, "record"), ids.front(),
              cli::int_option(parsed, "loja", 1, 2147483647)};
        }
        if (parsed.count("html")) {
          request.html_file = parsed["html"].as<std::string>();
        }
        if (parsed.count("metrics-file")) {
          request.metrics_file = parsed["metrics-file"].as<std::string>();
        }
        return static_cast<cli::ExitCode>(
            sync::report_status(args.config(), request, args.printer));
      },
      cli::MonitoringPlugin{"--check"});
}
