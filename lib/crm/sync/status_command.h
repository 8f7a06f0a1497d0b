// crm_status's run: open, optionally fix stuck runs, gather, print.
#pragma once

#include <optional>
#include <string>

#include "crm/config/settings.h"
#include "crm/report/printer.h"
#include "crm/report/status_report.h"
#include "crm/sync/status_record.h"

namespace crm::sync {

/// What crm_status prints on stdout.
enum class StatusOutput {
  text,        ///< the screen (or JSON with --json)
  prometheus,  ///< Prometheus text exposition
  check,       ///< one monitoring-plugin line, its code as the exit code
};

struct StatusRequest {
  StatusOutput output = StatusOutput::text;
  report::CheckThresholds thresholds;  ///< for StatusOutput::check
  bool fix_stuck = false;              ///< mark stuck runs as aborted first
  /// Where to write the Prometheus text, atomically; nullopt: nowhere.
  std::optional<std::string> metrics_file;
  /// Where to write the status page (report::format_status_page),
  /// atomically; nullopt: nowhere.
  std::optional<std::string> html_file;
  /// --resume N: lift the store's pause (or invalid mark) now, make the rows
  /// its pause deferred due, print one line, and do nothing else.
  std::optional<int> resume_store;
  /// --record ENTITY ID [--loja N]: print that record's story (its queue
  /// rows, log rows, external id and the next run's action) and nothing else.
  std::optional<RecordQuery> record;
};

/// crm_status's run: opens the database of `config`; with fix_stuck marks
/// stuck runs as aborted (one verbose item line); reads what crm_status
/// shows; writes metrics_file and html_file when set; prints `output` (the
/// text screen is left out with --quiet when a file was written). When the
/// database cannot be read, the files say so before the error is thrown.
/// Returns the exit code: the check's (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN),
/// else 0. Throws FatalError when the database is unreachable or a query or the
/// write fails.
int report_status(const Config& config, const StatusRequest& request,
                  const report::Printer& printer);

}  // namespace crm::sync
