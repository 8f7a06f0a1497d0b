// crm_sync_full (export): enqueue every record of a store, set-based.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crm/core/entity.h"
#include "crm/core/work_item.h"
#include "crm/db/connection.h"
#include "crm/db/named_lock.h"

namespace crm::sync {

struct FullSyncOptions {
  int store_id = 0;
  std::vector<Entity> entities;
  Direction direction = Direction::to_crm;
  int priority = 0;
  bool only_new = false;             ///< records without an external id
  std::optional<std::string> since;  ///< records changed since (updated column)
  bool dry_run = false;              ///< count only
};

struct EntityExport {
  Entity entity = Entity::customer;
  std::int64_t records = 0;   ///< records matched (now pending, or would be)
  std::int64_t new_rows = 0;  ///< of which were not pending before
  std::optional<std::int64_t> job_id;
};

struct FullSyncResult {
  bool skipped = false;  ///< another crm_sync_full holds the store's lock
  std::vector<EntityExport> entities;
  /// Pending rows of the store that will be claimed before or with the last
  /// of these (priority >= ours), and the rows per minute the store is served.
  std::int64_t backlog = 0;
  int rows_per_minute = 100;
  [[nodiscard]] std::int64_t total() const;
  [[nodiscard]] std::int64_t estimated_minutes() const;
};

/// Enqueues with one INSERT ... SELECT per entity (READ COMMITTED, so the
/// local tables are not locked) that respects the pending de-duplication:
/// an existing pending row keeps the higher priority. Soft-deleted records
/// are skipped. Records an export job per entity in crm_fila. Throws
/// FatalError, before anything is written, when the store has no active
/// integration in crm_integracoes, and when --since is asked of a table
/// without an updated column.
/// Outside a dry run, the run is recorded in crm_execucoes with `host`.
FullSyncResult run_full_sync(db::Connection& connection,
                             const FullSyncOptions& options,
                             const std::string& host);

/// The named lock that keeps crm_sync_full (export and import alike) to one
/// run per store across hosts; nullptr when another run holds it.
[[nodiscard]] std::unique_ptr<db::NamedLock> try_lock_full_sync(
    db::Connection& connection, int store_id);

/// Updates progress of open export jobs from what is still pending; called
/// at the end of every crm_sync run. Returns the open jobs it looked at.
int refresh_export_jobs(db::Connection& connection);

/// Adds rows a run gave up to the `falhas` of the open export jobs of their
/// store, entity and direction (rows given up while a job is open count
/// against it), so a job never shows 100% with 0 failures when rows failed.
void count_export_failures(db::Connection& connection,
                           const std::vector<QueueRow>& given_up);

}  // namespace crm::sync
