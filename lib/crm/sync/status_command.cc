#include "crm/sync/status_command.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/db/connection.h"
#include "crm/integrations/store_state.h"
#include "crm/report/status_page.h"
#include "crm/sync/status.h"
#include "crm/sync/status_history.h"
#include "crm/util/atomic_file.h"
#include "crm/util/time.h"

namespace crm::sync {

namespace {

/// Opens the database; a failure rewrites the metrics file with
/// crm_sync_up 0 and the page with the error first (a stale file would say
/// all is well), then goes on as the fatal error it is.
std::unique_ptr<db::Connection> open_database(const Config& config,
                                              const StatusRequest& request,
                                              const report::Printer& printer) {
  try {
    return db::Connection::open(config.db);
  } catch (const FatalError& error) {
    if (request.html_file) {
      util::write_file_atomically(
          *request.html_file, report::format_status_page_down(
                                  printer.timestamp_prefix(), error.what()));
    }
    if (request.metrics_file) {
      util::write_file_atomically(
          *request.metrics_file,
          report::format_status_down_prometheus(util::unix_seconds_now()));
    }
    throw;
  }
}

/// The metrics file and the status page, when asked for.
void write_files(db::Connection& connection, const report::StatusData& data,
                 const StatusRequest& request, const report::Printer& printer) {
  if (request.metrics_file) {
    util::write_file_atomically(*request.metrics_file,
                                report::format_status_prometheus(data));
  }
  if (request.html_file) {
    util::write_file_atomically(
        *request.html_file,
        report::format_status_page(data, gather_history(connection),
                                   printer.timestamp_prefix()));
  }
}

}  // namespace

int report_status(const Config& config, const StatusRequest& request,
                  const report::Printer& printer) {
  auto connection = open_database(config, request, printer);
  if (request.resume_store) {
    const std::int64_t rows =
        integrations::StoreStates(*connection).resume(*request.resume_store);
    printer.result_line(
        fmt::format("{} Loja {} retomada: {} para a próxima execução",
                    printer.timestamp_prefix(), *request.resume_store,
                    rows == 1 ? std::string("1 linha liberada")
                              : fmt::format("{} linhas liberadas", rows)));
    return 0;
  }
  if (request.record) {
    const report::RecordStory story =
        read_record_story(*connection, *request.record, config.max_attempts);
    if (printer.mode() == report::OutputMode::json) {
      printer.result_json(report::format_record_json(story));
    } else {
      fmt::print("{}",
                 report::format_record_text(story, printer.timestamp_prefix()));
    }
    return 0;
  }
  if (request.fix_stuck) {
    const int fixed = abort_stuck_runs(*connection);
    printer.item_line(
        fixed == 1 ? std::string("1 execução travada marcada como aborted")
                   : fmt::format("{} execuções travadas marcadas como aborted",
                                 fixed));
  }
  const report::StatusData data = gather_status(*connection);
  write_files(*connection, data, request, printer);
  switch (request.output) {
    case StatusOutput::check: {
      const report::CheckResult result =
          report::evaluate_check(data, request.thresholds);
      fmt::print("{}\n", result.line);
      return result.code;
    }
    case StatusOutput::prometheus:
      fmt::print("{}", report::format_status_prometheus(data));
      return 0;
    case StatusOutput::text:
      if (printer.mode() == report::OutputMode::json) {
        printer.result_json(report::format_status_json(data));
      } else if ((!request.metrics_file && !request.html_file) ||
                 printer.verbosity() != report::Verbosity::quiet) {
        fmt::print(
            "{}", report::format_status_text(data, printer.timestamp_prefix()));
      }
      return 0;
  }
  return 0;
}

}  // namespace crm::sync
