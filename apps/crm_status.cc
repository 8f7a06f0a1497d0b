// crm_status: monitoring report, JSON, Prometheus and a --check plugin line.
#include <fmt/format.h>

#include "crm/cli/run_app.h"
#include "crm/db/connection.h"
#include "crm/report/status_report.h"
#include "crm/sync/status.h"
#include "crm/util/atomic_file.h"
#include "crm/util/time.h"

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
            "fix-stuck", "mark stuck runs as aborted");
      },
      [](cli::Args& args) {
        const auto& parsed = args.parsed;
        const bool check = parsed.count("check") > 0;
        report::CheckThresholds t;
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
        if (check) {
          args.on_fatal = [](const std::string& message) {
            fmt::print("CRM_SYNC UNKNOWN - {}\n", message);
            return 3;
          };
        }
        auto connection = db::Connection::open(args.config().db);
        if (parsed.count("fix-stuck")) {
          const int fixed = sync::abort_stuck_runs(*connection);
          args.printer.item_line(fmt::format(
              "{} execuções travadas marcadas como aborted", fixed));
        }
        const report::StatusData data = sync::gather_status(*connection);
        if (parsed.count("metrics-file")) {
          util::write_file_atomically(parsed["metrics-file"].as<std::string>(),
                                      report::format_status_prometheus(data));
        }
        if (check) {
          const report::CheckResult result = report::evaluate_check(data, t);
          fmt::print("{}\n", result.line);
          return static_cast<cli::ExitCode>(result.code);
        }
        if (parsed.count("prometheus")) {
          fmt::print("{}", report::format_status_prometheus(data));
        } else if (args.printer.mode() == report::OutputMode::json) {
          args.printer.result_json(report::format_status_json(data));
        } else if (!parsed.count("metrics-file") ||
                   args.printer.verbosity() != report::Verbosity::quiet) {
          fmt::print(
              "{}", report::format_status_text(data, util::timestamp_prefix()));
        }
        return cli::ExitCode::ok;
      });
}
