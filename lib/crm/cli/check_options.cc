#include "crm/cli/check_options.h"

#include "crm/cli/run_app.h"

namespace crm::cli {

void add_check_options(cxxopts::Options& options) {
  const auto number = [] { return cxxopts::value<std::string>(); };
  options.add_options("Status")(
      "check",
      "print one monitoring-plugin line; exit 0 OK, 1 WARNING, 2 CRITICAL, "
      "3 UNKNOWN")("warn-oldest-minutes", "oldest pending row (default 30)",
                   number())("crit-oldest-minutes", "(default 120)", number())(
      "warn-failures-1h", "rows given up in the last hour (default 10)",
      number())("crit-failures-1h", "(default 50)", number())(
      "warn-since-success-minutes",
      "since crm_sync last succeeded (default 10)",
      number())("crit-since-success-minutes", "(default 30)", number())(
      "warn-stuck", "stuck runs (default 1)", number())(
      "crit-stuck", "(default 3)", number());
}

report::CheckThresholds check_thresholds(const cxxopts::ParseResult& parsed) {
  report::CheckThresholds t;
  const auto threshold = [&](const char* name, std::int64_t& field) {
    field = int_option(parsed, name, 0, 100000000)
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
  return t;
}

}  // namespace crm::cli
