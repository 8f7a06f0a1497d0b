#include "crm/sync/status.h"

#include <fmt/format.h>

#include "crm/json/json.h"
#include "crm/sync/status_details.h"

namespace crm::sync {
namespace {

constexpr const char* k_stuck_condition =
    "status = 'running' AND ((prazo_em IS NOT NULL AND prazo_em < NOW() - "
    "INTERVAL 5 MINUTE) "
    "OR (prazo_em IS NULL AND iniciado_em < NOW() - INTERVAL 6 HOUR))";

std::optional<double> optional_double(const db::Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return std::stod(row.text(i));
}

/// Pending rows per entity and direction, and the oldest one's age.
void add_pending(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query(
            "SELECT entidade, direcao, COUNT(*), SUM(disponivel_em <= NOW()) "
            "FROM crm_sync_queue WHERE processado = 0 GROUP BY entidade, "
            "direcao "
            "ORDER BY entidade, direcao")
           .rows) {
    data.pending.push_back(
        {row.text(0), row.text(1), row.integer(2), row.integer(3)});
    data.pending_total += row.integer(2);
  }
  const db::Row oldest = c.query(
                              "SELECT TIMESTAMPDIFF(SECOND, MIN(criado_em), "
                              "NOW()) FROM crm_sync_queue "
                              "WHERE processado = 0")
                             .rows.at(0);
  if (!oldest.is_null(0)) data.oldest_pending_seconds = oldest.integer(0);
}

/// Outcomes of the last 24 hours, the hour's rate and the average latency.
void add_finished(db::Connection& c, report::StatusData& data) {
  // Today's start is always within the last 24 hours, so one range scan
  // over idx_limpeza (processado, processado_em) serves every figure.
  const db::Row finished =
      c.query(
           "SELECT SUM(erro IS NULL AND processado_em >= CURDATE()), "
           "SUM(erro IS NOT NULL), "
           "SUM(erro IS NOT NULL AND processado_em >= NOW() - INTERVAL 1 "
           "HOUR), COUNT(*), "
           "SUM(erro IS NULL), SUM(erro IS NULL AND processado_em >= NOW() - "
           "INTERVAL 1 HOUR) "
           "FROM crm_sync_queue WHERE processado = 1 "
           "AND processado_em >= NOW() - INTERVAL 24 HOUR")
          .rows.at(0);
  data.processed_today = finished.integer(0);
  data.failures_24h = finished.integer(1);
  data.failures_1h = finished.integer(2);
  if (finished.integer(3) > 0) {
    data.success_rate_24h = 100.0 * static_cast<double>(finished.integer(4)) /
                            static_cast<double>(finished.integer(3));
  }
  data.rate_per_minute = static_cast<double>(finished.integer(5)) / 60.0;

  data.average_latency_ms_24h =
      optional_double(c.query("SELECT AVG(duracao_ms) FROM crm_sync_log "
                              "WHERE criado_em >= NOW() - INTERVAL 24 HOUR")
                          .rows.at(0),
                      0);
}

/// Each program's last run and minutes since its last success.
void add_programs(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query("SELECT e.programa, DATE_FORMAT(e.iniciado_em, '%Y-%m-%d "
               "%H:%i:%s'), e.status, "
               "s.total, TIMESTAMPDIFF(MINUTE, s.last_success, NOW()), "
               "CAST(FLOOR(UNIX_TIMESTAMP(s.last_success)) AS SIGNED) "
               "FROM crm_execucoes e JOIN (SELECT programa, MAX(id) AS "
               "last_id, COUNT(*) AS total, "
               "MAX(IF(status = 'success', finalizado_em, NULL)) AS "
               "last_success "
               "FROM crm_execucoes GROUP BY programa) s ON e.id = s.last_id "
               "ORDER BY e.programa")
           .rows) {
    report::ProgramStatus program{row.text(0),    row.text(1),  row.text(2),
                                  row.integer(3), std::nullopt, std::nullopt};
    if (!row.is_null(4)) program.minutes_since_success = row.integer(4);
    if (!row.is_null(5)) program.last_success_unix = row.integer(5);
    data.programs.push_back(std::move(program));
  }
}

/// Runs still marked running long after their deadline.
void add_stuck_runs(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query(std::string("SELECT id, programa, host, pid, "
                           "DATE_FORMAT(iniciado_em, '%Y-%m-%d %H:%i:%s') "
                           "FROM crm_execucoes "
                           "WHERE ") +
               k_stuck_condition + " ORDER BY id")
           .rows) {
    data.stuck.push_back({row.integer(0), row.text(1), row.text(2),
                          row.integer(3), row.text(4)});
  }
}

/// The long jobs of crm_fila that are open or changed in 24 hours.
void add_jobs(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query("SELECT id, tipo, id_loja, entidade, status, progresso, "
               "total, processados, falhas, IFNULL(LEFT(erro, 300), '') "
               "FROM crm_fila WHERE status IN ('pendente', 'processando') OR "
               "atualizado_em >= NOW() - INTERVAL 24 HOUR OR criado_em >= "
               "NOW() - INTERVAL 24 HOUR "
               "ORDER BY id DESC LIMIT 20")
           .rows) {
    report::JobStatus job{
        row.integer(0), row.text(1),    static_cast<int>(row.integer(2)),
        row.text(3),    row.text(4),    static_cast<int>(row.integer(5)),
        std::nullopt,   row.integer(7), row.integer(8),
        row.text(9)};
    if (!row.is_null(6)) job.total = row.integer(6);
    data.jobs.push_back(std::move(job));
  }
}

/// A warning per credential stored in plain text in crm_integracoes.
void add_credential_warnings(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query("SELECT id_loja, credenciais FROM crm_integracoes WHERE ativo "
               "= 1 ORDER BY id_loja")
           .rows) {
    const auto credentials = json::parse(row.text(1));
    if (!credentials || !credentials->is_object()) continue;
    for (const auto& [key, value] : credentials->members()) {
      if (value.is_string()) {
        data.warnings.push_back(
            fmt::format("store {}: credential '{}' is stored in plain text in "
                        "crm_integracoes "
                        "(use {{\"env\": \"VAR\"}} or {{\"file\": \"/path\"}})",
                        row.integer(0), key));
      }
    }
  }
}

/// The stores paused or not run (crm_lojas_estado).
void add_stores_out(db::Connection& c, report::StatusData& data) {
  for (const db::Row& row :
       c.query("SELECT id_loja, estado, IFNULL(motivo, ''), "
               "IFNULL(DATE_FORMAT(desde, '%Y-%m-%d %H:%i:%s'), ''), "
               "IF(estado = 'pausada', GREATEST(0, TIMESTAMPDIFF(SECOND, "
               "NOW(), proxima_sonda)), NULL), pausas_seguidas FROM "
               "crm_lojas_estado WHERE estado <> 'ok' ORDER BY id_loja")
           .rows) {
    report::StoreOutOfService store;
    store.store_id = static_cast<int>(row.integer(0));
    store.state = row.text(1);
    store.reason = row.text(2);
    store.since = row.text(3);
    if (!row.is_null(4)) store.next_probe_seconds = row.integer(4);
    store.pauses = static_cast<int>(row.integer(5));
    data.stores_out.push_back(std::move(store));
  }
}

}  // namespace

report::StatusData gather_status(db::Connection& c) {
  report::StatusData data;
  // One snapshot for every figure.
  db::with_transaction(
      c,
      [&] {
        data = report::StatusData{};
        add_pending(c, data);
        add_finished(c, data);
        add_programs(c, data);
        add_stuck_runs(c, data);
        add_jobs(c, data);
        add_stores_out(c, data);
        add_store_reports(c, data);
        add_failure_reasons(c, data);
        add_recent_runs(c, data);
        add_credential_warnings(c, data);
      },
      db::Isolation::repeatable_read);
  return data;
}

int abort_stuck_runs(db::Connection& connection) {
  return static_cast<int>(connection.execute(
      std::string(
          "UPDATE crm_execucoes SET status = 'aborted', finalizado_em = "
          "NOW(3), "
          "mensagem = 'marked aborted by crm_status --fix-stuck' WHERE ") +
      k_stuck_condition));
}

}  // namespace crm::sync
