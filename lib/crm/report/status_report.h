// crm_status's data and its formats: the screen, JSON, Prometheus, --check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm::report {

struct PendingGroup {
  std::string entity;
  std::string direction;
  std::int64_t pending = 0;
  std::int64_t due = 0;  ///< pending and not backing off or leased
};

struct ProgramStatus {
  std::string program;
  std::string last_started;  ///< "YYYY-MM-DD HH:MM:SS"
  std::string last_status;   ///< running | success | error | aborted
  std::int64_t total_runs = 0;
  /// Minutes since the last successful run; nullopt if never.
  std::optional<std::int64_t> minutes_since_success;
  /// Unix time the last successful run finished; nullopt if never.
  std::optional<std::int64_t> last_success_unix;
};

struct StuckRun {
  std::int64_t id = 0;
  std::string program;
  std::string host;
  std::int64_t pid = 0;
  std::string started;
};

struct JobStatus {
  std::int64_t id = 0;
  std::string kind;  ///< exportacao | importacao
  int store_id = 0;
  std::string entity;
  std::string status;  ///< pendente | processando | concluido | erro
  int progress = 0;    ///< 0-100
  std::optional<std::int64_t> total;
  std::int64_t processed = 0;
  std::int64_t failed = 0;  ///< rows given up (export) or records refused
  std::string message;      ///< crm_fila.erro; empty when none
};

/// A store out of service (crm_lojas_estado).
struct StoreOutOfService {
  int store_id = 0;
  std::string state;  ///< pausada | invalida
  std::string reason;
  std::string since;  ///< "YYYY-MM-DD HH:MM:SS"
  /// Seconds until the next probe (paused stores; 0 when due).
  std::optional<std::int64_t> next_probe_seconds;
  int pauses = 0;
};

/// Pending rows of one store and entity.
struct EntityBacklog {
  std::string entity;
  std::int64_t pending = 0;
  std::int64_t due = 0;  ///< pending and not backing off or leased
};

/// A store's mirror of one CRM entity (crm_espelho, crm_espelho_estado) and
/// what its pulls did in the last hour (crm_sync_log), by the database clock.
struct MirrorReport {
  std::string entity;
  std::int64_t records = 0;  ///< rows in crm_espelho
  /// Seconds since the mirror last held every CRM record (completo_em) and
  /// since the last pull, whether it reached its end, stopped at its page
  /// limit or failed (leitura_em); nullopt: never.
  std::optional<std::int64_t> complete_age_seconds;
  std::optional<std::int64_t> pull_age_seconds;
  /// The change filter's value for the next pull (cursor_alteracao).
  std::optional<std::string> cursor;
  /// A pull stopped at its page limit and resumes there (cursor_pagina).
  bool pull_under_way = false;
  std::string error;  ///< the last pull's failure; empty when it succeeded
  /// CRM changes written locally and fields edited on both sides in the
  /// last hour, and the last conflict's message (empty when none).
  std::int64_t pulled_1h = 0;
  std::int64_t conflicts_1h = 0;
  std::string last_conflict;
};

/// One store as the screen shows it: its state, backlog, recent throughput
/// and what its drain estimate is made of.
struct StoreReport {
  int store_id = 0;
  /// ok | pausada | invalida (crm_lojas_estado) | desativada (only inactive
  /// integrations) | sem_integracao (rows queued for a store without one).
  std::string state = "ok";
  std::string reason;  ///< why it is not ok; empty when ok
  /// Seconds until the next probe of a paused store (0 when due).
  std::optional<std::int64_t> next_probe_seconds;
  std::vector<EntityBacklog> backlog;
  std::int64_t pending = 0;
  /// Age of the store's oldest pending row.
  std::optional<std::int64_t> oldest_pending_seconds;
  /// How long the row that has been due the longest has waited since it
  /// became due (nullopt: no row is due).
  std::optional<std::int64_t> oldest_due_wait_seconds;
  /// Rows finished (succeeded or given up) in the last 10 minutes, the
  /// given-up ones among them, and the distinct minutes they finished in.
  std::int64_t finished_10m = 0;
  std::int64_t given_up_10m = 0;
  std::int64_t active_minutes_10m = 0;
  /// The store's request budget per minute and pacing per second (its
  /// configuracoes over its provider's documented limits; nullopt: none).
  std::optional<int> per_minute;
  std::optional<int> per_second;
  /// HTTP requests per finished item observed in the last 10 minutes;
  /// nullopt when nothing was observed (the estimate then assumes 1).
  std::optional<double> requests_per_item;
  /// Where requests_per_item comes from: "orcamento" (the store's requests
  /// counted in crm_orcamento over its crm_sync_log rows), "execucoes" (all
  /// crm_sync runs' requests over their items: no budget rows for the
  /// store) or "" (nothing observed).
  std::string requests_per_item_basis;
  /// Rows the next `crm_sync` claim (StatusData::claim_limit rows over every
  /// store) would take from it now: 0 when nothing of it is due, when it is
  /// out of service (paused until its probe, invalid, disabled, without an
  /// integration), when its budget for this minute is spent, or when other
  /// stores' higher priorities fill the batch.
  int claim_share = 0;
  /// The priority of its next due row in claim order and how long that row
  /// has been queued; nullopt when the claim would not look at it.
  std::optional<int> next_priority;
  std::optional<std::int64_t> next_wait_seconds;
  /// Its CRM mirror, one entry per mirrored entity (empty: no mirror).
  std::vector<MirrorReport> mirror;
};

/// A failure reason (the `erro` text with numbers and ids replaced by N) of
/// one store and entity.
struct FailureGroup {
  int store_id = 0;
  std::string entity;
  std::int64_t given_up = 0;  ///< given up in the last 24 hours
  std::int64_t retrying = 0;  ///< pending, failed and backing off
  std::string first_seen;     ///< "YYYY-MM-DD HH:MM:SS"
  std::string last_seen;
  /// A few local ids of the group, newest first.
  std::vector<std::int64_t> examples;
};

struct FailureReason {
  std::string reason;
  std::int64_t total = 0;  ///< given_up + retrying over its groups
  std::vector<FailureGroup> groups;
};

/// A run of crm_execucoes.
struct RunRecord {
  std::int64_t id = 0;
  std::string program;
  std::optional<int> store_id;
  std::string host;
  std::string status;  ///< running | success | error | aborted
  std::string started;
  std::string finished;  ///< empty while running
  std::int64_t processed = 0;
  std::int64_t errors = 0;
  std::int64_t deferred = 0;
  std::string message;
};

struct StatusData {
  std::vector<PendingGroup> pending;
  std::int64_t pending_total = 0;
  std::optional<std::int64_t> oldest_pending_seconds;
  std::int64_t processed_today = 0;
  std::int64_t failures_24h = 0;
  std::int64_t failures_1h = 0;
  std::optional<double> success_rate_24h;  ///< percent of finished rows
  std::optional<double> average_latency_ms_24h;
  /// Successful items per minute over the last hour.
  double rate_per_minute = 0;
  std::vector<ProgramStatus> programs;
  std::vector<StuckRun> stuck;
  std::vector<JobStatus> jobs;
  /// Stores paused or not run because their configuration does not validate.
  std::vector<StoreOutOfService> stores_out;
  /// Things an operator should fix (e.g. plain-text credentials).
  std::vector<std::string> warnings;
  /// Every store with an integration, a state or pending rows.
  std::vector<StoreReport> stores;
  /// Rows finished in the last 10 minutes (all stores) and the distinct
  /// minutes they finished in.
  std::int64_t finished_10m = 0;
  std::int64_t active_minutes_10m = 0;
  /// Failure reasons, most frequent first (at most k_failure_reasons).
  std::vector<FailureReason> failures;
  /// The last runs, newest first, and older fatal or aborted ones of the
  /// last 24 hours.
  std::vector<RunRecord> runs;
  /// The rows of the claim the stores' shares are taken from: a `crm_sync`
  /// run without --loja and --limit.
  int claim_limit = 100;
};

/// How many failure reasons and examples per group crm_status shows.
inline constexpr std::size_t k_failure_reasons = 10;
inline constexpr std::size_t k_failure_examples = 3;

/// A drain estimate and what it rests on.
struct DrainEstimate {
  std::optional<std::int64_t> minutes;  ///< nullopt: nothing to go on
  /// "vazia" (nothing pending), "observado" (the rows finished per active
  /// minute in the last 10 minutes), "orcamento" (nothing finished lately:
  /// the most the budget and pacing allow, so a lower bound) or "".
  std::string basis;
};

/// Rows finished per active minute in the last 10 minutes (0 when none).
[[nodiscard]] double observed_rate(std::int64_t finished,
                                   std::int64_t active_minutes);

/// The most items a minute the store's limits allow: its budget per minute
/// and its pacing (starts spaced 1.1/N s apart for the 50 s of a run at the
/// default --deadline), over the requests per item observed (1 when none).
/// nullopt when the store has neither limit.
[[nodiscard]] std::optional<double> capacity_per_minute(
    const StoreReport& store);

/// The store's drain estimate: from its observed rate, else from its
/// capacity.
[[nodiscard]] DrainEstimate drain_estimate(const StoreReport& store);

/// Minutes to drain the whole queue at the rate observed over the active
/// minutes of the last 10 (0 when nothing is pending; nullopt if no rate).
std::optional<std::int64_t> drain_minutes(const StatusData& data);

/// The one-screen report.
std::string format_status_text(const StatusData& data,
                               const std::string& timestamp);
/// One JSON object.
std::string format_status_json(const StatusData& data);
/// Prometheus text exposition format, `crm_sync_up 1` first.
std::string format_status_prometheus(const StatusData& data);
/// What the metrics file says when crm_status could not read the database:
/// `crm_sync_up 0` and the Unix time of the failure, so that a scraper
/// sees the failure instead of the last good figures.
std::string format_status_down_prometheus(double now_unix_seconds);

struct CheckThresholds {
  std::int64_t warn_oldest_minutes = 30;
  std::int64_t crit_oldest_minutes = 120;
  std::int64_t warn_failures_1h = 10;
  std::int64_t crit_failures_1h = 50;
  std::int64_t warn_since_success_minutes = 10;
  std::int64_t crit_since_success_minutes = 30;
  std::int64_t warn_stuck = 1;
  std::int64_t crit_stuck = 3;
};

struct CheckResult {
  int code = 0;  ///< 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
  std::string line;
};

/// A monitoring-plugin line ("CRM_SYNC WARNING - ... | perfdata") and code.
CheckResult evaluate_check(const StatusData& data,
                           const CheckThresholds& thresholds);

/// The plugin's answer when it cannot check: "CRM_SYNC UNKNOWN - <message>"
/// (line breaks in the message become spaces) and code 3.
CheckResult unknown_check(std::string_view message);

}  // namespace crm::report
