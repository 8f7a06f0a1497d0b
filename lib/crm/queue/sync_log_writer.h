// crm_sync_log: one row per processed item, written in batches.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"
#include "crm/db/connection.h"

namespace crm::queue {

struct LogEntry {
  QueueRow row;
  ItemOutcome outcome;
  std::int64_t duration_ms = 0;
};

class SyncLogWriter {
 public:
  explicit SyncLogWriter(db::Connection& connection)
      : m_connection(connection) {}
  /// Inserts all entries with multi-row INSERTs of up to 200 rows each.
  /// Outcomes that are not results (rate_limited, released) are skipped.
  void write(const std::vector<LogEntry>& entries,
             std::optional<std::int64_t> run_id);

 private:
  db::Connection& m_connection;
};

}  // namespace crm::queue
