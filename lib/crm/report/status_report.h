// crm_status's data and its formats: the screen, JSON, Prometheus, --check.
#pragma once

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
};

/// Minutes to drain the queue at the last hour's rate; nullopt if no rate.
std::optional<std::int64_t> drain_minutes(const StatusData& data);

/// The one-screen report.
std::string format_status_text(const StatusData& data,
                               const std::string& timestamp);
/// One JSON object.
std::string format_status_json(const StatusData& data);
/// Prometheus text exposition format.
std::string format_status_prometheus(const StatusData& data);

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
