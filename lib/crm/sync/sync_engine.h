// crm_sync's logic: the only layer that joins the database, HTTP and providers.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "crm/config/config_loader.h"
#include "crm/config/settings.h"
#include "crm/core/entity.h"
#include "crm/report/printer.h"
#include "crm/report/run_summary.h"

namespace crm::sync {

enum class DryRun { no, yes };

struct SyncOptions {
  std::optional<int> store_id;
  std::optional<Entity> entity;
  /// Rows to claim; nullopt: the store's `batch_size` setting, else 100.
  std::optional<int> limit;
  /// Requests in flight; nullopt: the largest `concurrency` setting, else 10.
  std::optional<int> concurrency;
  /// No request starts after this; the lease is this plus 60 s.
  std::chrono::seconds deadline{50};
  DryRun dry_run = DryRun::no;
  std::optional<std::string> metrics_file;
};

/// One run of crm_sync: claims due rows, processes them concurrently until
/// the deadline, records every outcome and returns the counts. Prints one
/// line per item through `printer` when verbose. Throws FatalError (exit 1)
/// before changing anything when the database is unreachable or a store's
/// integration is missing or malformed; a database lost mid-run also throws,
/// and the claimed rows become due again when their lease expires.
report::SyncSummary run_sync(const Config& config,
                             const config::Environment& environment,
                             const SyncOptions& options,
                             const report::Printer& printer);

}  // namespace crm::sync
