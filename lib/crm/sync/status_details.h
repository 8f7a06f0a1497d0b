// crm_status's per-store, failure and run queries.
#pragma once

#include "crm/db/connection.h"
#include "crm/report/status_report.h"

namespace crm::sync {

/// Fills data.stores (state, backlog, last 10 minutes' throughput, limits,
/// requests per item, CRM mirror) and the queue-wide 10-minute figures. Reads
/// data.stores_out, so it runs after the stores out of service are read.
void add_store_reports(db::Connection& connection, report::StatusData& data);

/// Fills data.failures: the given-up rows of the last 24 hours and the
/// pending rows backing off after a failure, grouped by their `erro` with
/// runs of digits (and hexadecimal ids) replaced by N ("HTTP 422" keeps its
/// status), most frequent reason first.
void add_failure_reasons(db::Connection& connection, report::StatusData& data);

/// Fills data.runs: the last 10 runs of crm_execucoes and the error or
/// aborted ones of the last 24 hours before them (up to 10).
void add_recent_runs(db::Connection& connection, report::StatusData& data);

}  // namespace crm::sync
