// crm_status --html: one self-contained HTML page (no script, no network at
// view time) with the screen's figures and SVG charts of the last 24 hours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crm/report/status_report.h"

namespace crm::report {

/// One hour of the last 24, by the database clock.
struct HourBucket {
  std::string label;                ///< "HH:MM", the hour's end
  std::int64_t pending_at_end = 0;  ///< rows pending at the hour's end
  std::int64_t succeeded = 0;       ///< rows that succeeded in the hour
  std::int64_t given_up = 0;        ///< rows given up in the hour
};

/// The runs of one program that started in one 10-minute slot.
struct RunSlot {
  std::string program;
  int slot = 0;  ///< 0 the oldest of k_run_slots, k_run_slots - 1 the newest
  std::int64_t success = 0;
  std::int64_t failed = 0;  ///< error or aborted
  std::int64_t running = 0;
};

/// A run of the last 24 hours that ended in error or was aborted.
struct FailedRun {
  std::int64_t id = 0;
  std::string program;
  std::string status;  ///< error | aborted
  std::string started;
  std::int64_t age_seconds = 0;  ///< since it started
  std::string message;
};

/// 10-minute slots in the runs' timeline (24 hours).
inline constexpr int k_run_slots = 144;

/// What the page shows beyond StatusData: the last 24 hours.
struct StatusHistory {
  /// 24 buckets, oldest first; the last one ends now.
  std::vector<HourBucket> hours;
  std::vector<RunSlot> run_slots;
  std::vector<FailedRun> failed_runs;  ///< newest first
};

/// `text` fit for HTML text and attribute values: invalid UTF-8 bytes as
/// \xHH (util::valid_utf8), then & < > " ' as character references.
[[nodiscard]] std::string html_escape(std::string_view text);

/// The whole page: summary, charts (backlog and throughput per hour,
/// failures by reason, runs on a timeline), then the stores, failures,
/// runs, programs and jobs as tables. Every database text is escaped; each
/// chart element carries its figures in data-* attributes and a <title>.
[[nodiscard]] std::string format_status_page(const StatusData& data,
                                             const StatusHistory& history,
                                             const std::string& timestamp);

/// The page written when the database cannot be read: says so, and when,
/// instead of leaving the last good page in place.
[[nodiscard]] std::string format_status_page_down(const std::string& timestamp,
                                                  std::string_view message);

}  // namespace crm::report
