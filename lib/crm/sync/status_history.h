// crm_status --html's queries: the last 24 hours of the queue and the runs.
#pragma once

#include "crm/db/connection.h"
#include "crm/report/status_page.h"

namespace crm::sync {

/// Reads the last 24 hours, by the database clock, in one snapshot: per hour
/// the rows pending at its end (rebuilt from crm_sync_queue's created and
/// finished times, exact while crm_cleanup keeps finished rows for more
/// than a day) and the rows that succeeded or were given up in it; the runs
/// of crm_execucoes per program and 10-minute slot, and the last 50 runs
/// that ended in error or were aborted.
report::StatusHistory gather_history(db::Connection& connection);

}  // namespace crm::sync
