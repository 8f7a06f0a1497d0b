#include "crm/report/run_summary.h"

#include <fmt/format.h>

namespace crm::report {

double rate(const SyncSummary& summary) {
  return summary.seconds > 0 ? summary.processed / summary.seconds : 0.0;
}

std::string format_sync_line(const SyncSummary& summary,
                             std::string_view timestamp) {
  return fmt::format(
      "{} Processados: {} | Erros: {} | Tempo: {:.2f}s | Taxa: {:.2f} req/s"
      " | Adiados: {}{}{}{}",
      timestamp, summary.processed, summary.errors, summary.seconds,
      rate(summary), summary.deferred,
      summary.mirror_changes > 0 || summary.mirror_conflicts > 0
          ? fmt::format(
                " | Do CRM: {}{}", summary.mirror_changes,
                summary.mirror_conflicts > 0
                    ? fmt::format(" ({} conflitos)", summary.mirror_conflicts)
                    : std::string())
          : std::string(),
      summary.paused_stores > 0
          ? fmt::format(" | Lojas pausadas: {}", summary.paused_stores)
          : std::string(),
      summary.dry_run ? " | dry-run" : "");
}

std::string sync_json(const SyncSummary& summary) {
  return fmt::format(
      "{{\"programa\":\"crm_sync\",\"status\":\"ok\",\"processados\":{},"
      "\"erros\":{},"
      "\"adiados\":{},\"requisicoes\":{},\"lease_perdido\":{},\"tempo_s\":{:."
      "3f},"
      "\"taxa\":{:.2f},\"lojas_pausadas\":{},\"dry_run\":{},\"id_execucao\":{},"
      "\"espelho\":{{\"lidos\":{},\"alteracoes\":{},\"conflitos\":{}}}}}",
      summary.processed, summary.errors, summary.deferred, summary.requests,
      summary.lost_lease, summary.seconds, rate(summary), summary.paused_stores,
      summary.dry_run,
      summary.run_id ? std::to_string(*summary.run_id) : "null",
      summary.mirror_records, summary.mirror_changes, summary.mirror_conflicts);
}

namespace {

void add_gauge(std::string& out, std::string_view name, std::string_view help,
               double value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name,
                     name, value);
}

constexpr std::string_view k_ok_help =
    "1 when the last run completed, 0 when it ended fatally.";
constexpr std::string_view k_time_help = "Unix time the last run finished.";

}  // namespace

std::string sync_metrics_failed(double finished_unix_seconds) {
  std::string out;
  add_gauge(out, "crm_sync_last_run_ok", k_ok_help, 0);
  add_gauge(out, "crm_sync_last_run_timestamp_seconds", k_time_help,
            finished_unix_seconds);
  return out;
}

std::string sync_metrics(const SyncSummary& summary,
                         double finished_unix_seconds) {
  std::string out;
  const auto gauge = [&](std::string_view name, std::string_view help,
                         double value) { add_gauge(out, name, help, value); };
  gauge("crm_sync_last_run_ok", k_ok_help, 1);
  gauge("crm_sync_last_run_processed", "Items that succeeded in the last run.",
        summary.processed);
  gauge("crm_sync_last_run_errors", "Items that failed in the last run.",
        summary.errors);
  gauge("crm_sync_last_run_deferred",
        "Items rate limited or released in the last run.", summary.deferred);
  gauge("crm_sync_last_run_requests", "HTTP requests sent in the last run.",
        summary.requests);
  gauge("crm_sync_last_run_duration_seconds", "Wall time of the last run.",
        summary.seconds);
  gauge("crm_sync_last_run_paused_stores",
        "Stores paused or not runnable in the last run.",
        summary.paused_stores);
  gauge("crm_sync_last_run_timestamp_seconds", k_time_help,
        finished_unix_seconds);
  return out;
}

std::string format_item_line(const QueueRow& row, const ItemOutcome& outcome,
                             std::int64_t duration_ms, int max_attempts) {
  const std::string head =
      fmt::format("{} #{} (loja {}, {}):", to_db(row.entity), row.record_id,
                  row.store_id, to_db(row.direction));
  switch (outcome.kind) {
    case OutcomeKind::success:
      return fmt::format(
          "{} sucesso {}{} ({} ms){}", head, to_db(outcome.operation),
          outcome.external_id ? " external_id=" + *outcome.external_id : "",
          duration_ms,
          outcome.operation == Operation::skip ? ": " + outcome.message : "");
    case OutcomeKind::transient:
      return fmt::format("{} erro transient attempt {}/{}: {}", head,
                         row.attempts, max_attempts, outcome.message);
    case OutcomeKind::permanent:
      return fmt::format("{} erro permanent: {}", head, outcome.message);
    case OutcomeKind::rate_limited:
      // "rate limited" only for a 429: a rejected token or a paused store
      // is deferred the same way, and its message says why.
      return fmt::format("{} adiado{}, retry in {} s: {}", head,
                         outcome.http_status == 429 ? " rate limited" : "",
                         outcome.retry_after ? outcome.retry_after->count() : 0,
                         outcome.message);
    case OutcomeKind::released:
    case OutcomeKind::waiting:
      return fmt::format("{} adiado: {}", head, outcome.message);
  }
  return head;
}

}  // namespace crm::report
