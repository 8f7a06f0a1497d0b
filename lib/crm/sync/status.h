// crm_status's queries.
#pragma once

#include "crm/db/connection.h"
#include "crm/report/status_report.h"

namespace crm::sync {

/// Runs after the deadline by this much count as stuck.
inline constexpr int k_stuck_after_minutes = 5;

/// Reads everything crm_status shows, in one consistent snapshot.
report::StatusData gather_status(db::Connection& connection);

/// Marks stuck runs (still `running` k_stuck_after_minutes after their
/// deadline) as `aborted`; returns how many.
int abort_stuck_runs(db::Connection& connection);

}  // namespace crm::sync
