// The SVG charts of crm_status --html, drawn on the server: no script.
#pragma once

#include <string>

#include "crm/report/status_page.h"
#include "crm/report/status_report.h"

namespace crm::report {

/// Rows pending at the end of each hour: a line with one
/// <circle class="point" data-hour data-pending> per hour.
[[nodiscard]] std::string backlog_chart(const StatusHistory& history);

/// Rows finished per hour: one <g class="bar" data-hour data-succeeded
/// data-given-up> per hour, succeeded and given up stacked.
[[nodiscard]] std::string throughput_chart(const StatusHistory& history);

/// One <g class="reason" data-reason data-total> bar per failure reason;
/// an empty string when there is none.
[[nodiscard]] std::string failures_chart(const StatusData& data);

/// One lane per program over 24 hours: a <rect class="slot" data-program
/// data-slot data-success data-failed data-running> per 10 minutes with
/// runs, and a <g class="failed-run" data-id data-status> marker per run
/// that ended in error or was aborted.
[[nodiscard]] std::string runs_timeline(const StatusHistory& history);

}  // namespace crm::report
