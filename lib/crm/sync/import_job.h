// crm_sync_full --import: a resumable CRM -> local import job (seed 001).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "crm/config/config_loader.h"
#include "crm/core/entity.h"
#include "crm/db/connection.h"

namespace crm::sync {

struct ImportOptions {
  int store_id = 0;
  Entity entity = Entity::customer;
  int max_pages = 5;  ///< pages fetched per run; the next run continues
  std::chrono::seconds deadline{50};
};

struct ImportResult {
  bool skipped = false;  ///< another crm_sync_full holds the store's lock
  std::int64_t job_id = 0;
  int pages = 0;  ///< fetched in this run
  std::int64_t created = 0, updated = 0, linked = 0, failed = 0;  ///< this run
  /// Records found by external id whose mapped values did not change.
  std::int64_t unchanged = 0;
  /// The last record the local table refused: its CRM id and why.
  std::optional<std::string> last_failure;
  bool finished = false;  ///< the provider has no more pages
  bool rate_limited = false;
  std::optional<std::string> stopped_by;  ///< why a page could not be read
};

/// Continues the store's open import job for `entity` (or starts one): fetches
/// up to max_pages pages from the provider, and for each CRM record updates
/// the local record with that external id, else links one with the same
/// e-mail, document or SKU, else creates one. The cursor and counts are saved
/// in crm_fila after every page, so a killed run loses at most one page of
/// progress and never duplicates a local record (the external id is matched
/// first). A record whose values the local table rejects (NOT NULL, UNIQUE,
/// too long) counts as failed; a deadlock or lock wait timeout retries the
/// whole page (up to 3 times, then FatalError with the cursor unmoved).
ImportResult run_import(db::Connection& connection,
                        const config::Environment& environment,
                        const ImportOptions& options);

}  // namespace crm::sync
