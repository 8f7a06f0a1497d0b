#include "crm/sync/status_history.h"

#include <algorithm>

namespace crm::sync {
namespace {

constexpr int k_hours = 24;

/// Hours since a time, from 0 (the last hour) to 24 (more than a day).
constexpr const char* k_created_hour =
    "LEAST(24, FLOOR(TIMESTAMPDIFF(SECOND, criado_em, NOW()) / 3600))";

/// The labels of the hours (their end, database clock), oldest first.
void add_hour_labels(db::Connection& c, report::StatusHistory& history) {
  history.hours.assign(k_hours, report::HourBucket{});
  for (const db::Row& row :
       c.query("WITH RECURSIVE h (n) AS (SELECT 0 UNION ALL SELECT n + 1 "
               "FROM h WHERE n < 23) SELECT n, DATE_FORMAT(NOW() - INTERVAL "
               "n HOUR, '%H:%i') FROM h")
           .rows) {
    history.hours.at(k_hours - 1 - static_cast<std::size_t>(row.integer(0)))
        .label = row.text(1);
  }
}

/// Pending at the end of the hour j hours ago = pending now, less the rows
/// still pending that were created since, plus the rows finished since
/// that had been created by then. One pass over the rows created or
/// finished in 24 hours, grouped by those hours.
void add_queue_hours(db::Connection& c, report::StatusHistory& history) {
  std::vector<std::int64_t> change(k_hours, 0);
  std::int64_t pending_now = 0;
  for (const db::Row& row :
       c.query(std::string("SELECT 0, ") + k_created_hour +
               ", NULL, 0, COUNT(*) FROM crm_sync_queue WHERE processado = 0 "
               "GROUP BY 2 UNION ALL SELECT 1, " +
               k_created_hour +
               ", FLOOR(TIMESTAMPDIFF(SECOND, processado_em, NOW()) / 3600), "
               "erro IS NOT NULL, COUNT(*) FROM crm_sync_queue WHERE "
               "processado = 1 AND processado_em > NOW() - INTERVAL 24 HOUR "
               "GROUP BY 2, 3, 4")
           .rows) {
    // clamped: a clock step can put a time in the future
    const auto created = std::clamp(static_cast<int>(row.integer(1)), 0, 24);
    const std::int64_t rows = row.integer(4);
    if (row.integer(0) == 0) {
      pending_now += rows;
      // counted at the end of the hours j > created (before it was created)
      for (int j = created + 1; j < k_hours; ++j) change[j] -= rows;
      continue;
    }
    const auto finished = std::clamp(static_cast<int>(row.integer(2)), 0, 23);
    // pending at the ends of the hours finished < j <= created
    for (int j = finished + 1; j <= std::min(created, k_hours - 1); ++j) {
      change[j] += rows;
    }
    report::HourBucket& hour = history.hours.at(k_hours - 1 - finished);
    (row.integer(3) == 0 ? hour.succeeded : hour.given_up) += rows;
  }
  for (int j = 0; j < k_hours; ++j) {
    history.hours.at(k_hours - 1 - j).pending_at_end = pending_now + change[j];
  }
}

void add_runs(db::Connection& c, report::StatusHistory& history) {
  for (const db::Row& row :
       c.query(
            "SELECT programa, LEAST(143, FLOOR(TIMESTAMPDIFF(SECOND, "
            "iniciado_em, NOW()) / 600)) AS s, SUM(status = 'success'), "
            "SUM(status IN ('error', 'aborted')), SUM(status = "
            "'running') FROM crm_execucoes WHERE iniciado_em > NOW() - "
            "INTERVAL 24 HOUR GROUP BY programa, s ORDER BY programa, s DESC")
           .rows) {
    history.run_slots.push_back(report::RunSlot{
        row.text(0), report::k_run_slots - 1 - static_cast<int>(row.integer(1)),
        row.integer(2), row.integer(3), row.integer(4)});
  }
  for (const db::Row& row :
       c.query("SELECT id, programa, status, DATE_FORMAT(iniciado_em, "
               "'%Y-%m-%d %H:%i:%s'), TIMESTAMPDIFF(SECOND, iniciado_em, "
               "NOW()), IFNULL(LEFT(mensagem, 300), '') FROM crm_execucoes "
               "WHERE status IN ('error', 'aborted') AND iniciado_em > NOW() - "
               "INTERVAL 24 HOUR ORDER BY id DESC LIMIT 50")
           .rows) {
    history.failed_runs.push_back(
        report::FailedRun{row.integer(0), row.text(1), row.text(2), row.text(3),
                          row.integer(4), row.text(5)});
  }
}

}  // namespace

report::StatusHistory gather_history(db::Connection& c) {
  report::StatusHistory history;
  db::with_transaction(
      c,
      [&] {
        history = report::StatusHistory{};
        add_hour_labels(c, history);
        add_queue_hours(c, history);
        add_runs(c, history);
      },
      db::Isolation::repeatable_read);
  return history;
}

}  // namespace crm::sync
