// What a crm_sync run did, and its fixed output formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"

namespace crm::report {

struct SyncSummary {
  int processed = 0;   ///< succeeded (the seed's "Processados")
  int errors = 0;      ///< transient + permanent failures ("Erros")
  int deferred = 0;    ///< rate limited or released at the deadline ("Adiados")
  int requests = 0;    ///< HTTP requests sent
  int lost_lease = 0;  ///< outcomes not recorded: another run owned the row
  /// Stores not run (paused, or a configuration that does not validate) or
  /// paused by this run ("Lojas pausadas", shown when not 0).
  int paused_stores = 0;
  double seconds = 0;
  bool dry_run = false;
  std::optional<std::int64_t> run_id;
  /// The mirror's pulls (issue #14): CRM records read, local records
  /// changed from the CRM, fields edited on both sides ("Do CRM: N", shown
  /// when not 0, with " (N conflitos)").
  int mirror_records = 0;
  int mirror_changes = 0;
  int mirror_conflicts = 0;
};

/// Successful items per second, as the seed computes it (0 when no time).
double rate(const SyncSummary& summary);

/// "[ts] Processados: N | Erros: N | Tempo: X.XXs | Taxa: Y.YY req/s |
/// Adiados: N", then " | Lojas pausadas: N" when some are (dry runs say so
/// at the end).
std::string format_sync_line(const SyncSummary& summary,
                             std::string_view timestamp);

/// The same as one JSON object.
std::string sync_json(const SyncSummary& summary);

/// The metrics file of a run that ended fatally (the database unreachable,
/// a bad configuration): `crm_sync_last_run_ok 0` and the time, so that a
/// scraper sees the failure instead of the last good run's figures.
std::string sync_metrics_failed(double finished_unix_seconds);

/// Prometheus text exposition of the run (--metrics-file), with
/// `crm_sync_last_run_ok 1`.
std::string sync_metrics(const SyncSummary& summary,
                         double finished_unix_seconds);

/// --verbose: "cliente #12 (loja 1, ecletech_para_crm): sucesso create
/// external_id=55 (34 ms)" or "... erro transient attempt 1/3: <message>".
std::string format_item_line(const QueueRow& row, const ItemOutcome& outcome,
                             std::int64_t duration_ms,
                             int max_attempts = k_max_attempts);

}  // namespace crm::report
