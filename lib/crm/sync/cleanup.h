// crm_cleanup: deletes old finished queue rows and log rows in small chunks.
#pragma once

#include <cstdint>
#include <optional>

#include "crm/db/connection.h"

namespace crm::sync {

struct CleanupOptions {
  int days = 7;          ///< successful queue rows older than this
  int failed_days = 30;  ///< given-up queue rows older than this
  int log_days = 30;     ///< crm_sync_log rows older than this
  std::optional<int> store_id;
  bool dry_run = false;  ///< count only
  int chunk = 1000;      ///< rows per DELETE
};

struct CleanupResult {
  bool skipped = false;  ///< another crm_cleanup holds the lock
  std::int64_t succeeded_rows = 0;
  std::int64_t failed_rows = 0;
  std::int64_t log_rows = 0;
  [[nodiscard]] std::int64_t total() const {
    return succeeded_rows + failed_rows + log_rows;
  }
};

/// Deletes (or with dry_run counts) what is older than the cut-offs. Reads
/// candidate ids without locks, walking the primary key, and deletes each
/// chunk by id in its own short statement, so concurrent crm_sync claims wait
/// at most one chunk. Holds the named lock "crm_cleanup[:store]" throughout;
/// returns skipped = true if another run holds it.
CleanupResult run_cleanup(db::Connection& connection,
                          const CleanupOptions& options);

}  // namespace crm::sync
