// crm_cleanup: deletes old finished queue rows and log rows in small chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crm/config/settings.h"

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

/// crm_cleanup's run: opens the database of `config`, registers the run in
/// crm_execucoes (not with dry_run), deletes (or with dry_run counts) what is
/// older than the cut-offs and closes the run row with cleanup_json(). Reads
/// candidate ids without locks, walking the primary key, and deletes each
/// chunk by id in its own short statement, so concurrent crm_sync claims wait
/// at most one chunk. Holds the named lock "crm_cleanup[:store]" throughout;
/// returns skipped = true (run row `aborted`) if another run holds it. Throws
/// FatalError when the database is unreachable or a statement fails.
CleanupResult run_cleanup(const Config& config, const CleanupOptions& options);

/// {"programa":"crm_cleanup","status":"ok"|"ignorado","removidos":N,...}
/// "[ts] Limpeza concluída: 5700 registros removidos" ("1 registro
/// removido"; "seriam removidos (dry-run)" with --dry-run).
std::string cleanup_line(const CleanupResult& result,
                         const CleanupOptions& options,
                         std::string_view timestamp);

std::string cleanup_json(const CleanupResult& result,
                         const CleanupOptions& options);

}  // namespace crm::sync
