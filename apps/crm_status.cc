// crm_status: monitoring report, JSON, Prometheus and a --check plugin line.
#include "crm/cli/run_app.h"
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
            "PATH")("check",
                    "print one monitoring-plugin line; exit 0 OK, 1 WARNING, 2 "
                    "CRITICAL, "
                    "3 UNKNOWN")("warn-oldest-minutes",
                                 "oldest pending row (default 30)",
                                 cxxopts::value<std::string>())(
            "crit-oldest-minutes", "(default 120)",
            cxxopts::value<std::string>())(
            "warn-failures-1h", "rows given up in the last hour (default 10)",
            cxxopts::value<std::string>())("crit-failures-1h", "(default 50)",
                                           cxxopts::value<std::string>())(
            "warn-since-success-minutes",
            "since crm_sync last succeeded (default 10)",
            cxxopts::value<std::string>())("crit-since-success-minutes",
                                           "(default 30)",
                                           cxxopts::value<std::string>())(
            "warn-stuck", "stuck runs (default 1)",
            cxxopts::value<std::string>())("crit-stuck", "(default 3)",
                                           cxxopts::value<std::string>())(
            "fix-stuck", "mark stuck runs as aborted")(
            "resume", "lift store N's pause now", cxxopts::value<std::string>(),
            "N");
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        sync::StatusRequest request;
        request.output = parsed.count("check") ? sync::StatusOutput::check
                         : parsed.count("prometheus")
                             ? sync::StatusOutput::prometheus
                             : sync::StatusOutput::text;
        report::CheckThresholds& t = request.thresholds;
        const auto threshold = [&](const char* name, std::int64_t& field) {
          field = cli::int_option(parsed, name, 0, 100000000)
                      .value_or(static_cast<int>(field));
        };
        threshold("warn-oldest-minutes", t.warn_oldest_minutes);
        threshold("crit-oldest-minutes", t.crit_oldest_minutes);
        threshold("warn-failures-1h", t.warn_failures_1h);
        threshold("crit-failures-1h", t.crit_failures_1h);
        threshold("warn-since-success-minutes", t.warn_since_success_minutes);
        threshold("crit-since-success-minutes", t.crit_since_success_minutes);
        threshold("warn-stuck", t.warn_stuck);
        threshold("crit-stuck", t.crit_stuck);
        request.fix_stuck = parsed.count("fix-stuck") > 0;
        request.resume_store = cli::int_option(parsed, "resume", 1, 2147483647);
        if (parsed.count("metrics-file")) {
          request.metrics_file = parsed["metrics-file"].as<std::string>();
        }
        return static_cast<cli::ExitCode>(
            sync::report_status(args.config(), request, args.printer));
      },
      cli::MonitoringPlugin{"--check"});
}
