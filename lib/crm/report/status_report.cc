#include "crm/report/status_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crm/json/json.h"
#include "crm/report/status_mirror.h"
#include "crm/report/status_sections.h"

namespace crm::report {
namespace {

std::string optional_number(const std::optional<double>& value, int decimals) {
  return value ? fmt::format("{:.{}f}", *value, decimals) : std::string("null");
}

std::string optional_int(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("null");
}

std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::optional<std::int64_t> since_crm_sync_success(const StatusData& data) {
  for (const ProgramStatus& program : data.programs) {
    if (program.program == "crm_sync") return program.minutes_since_success;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> drain_minutes(const StatusData& data) {
  if (data.pending_total == 0) return 0;
  const double rate = observed_rate(data.finished_10m, data.active_minutes_10m);
  if (rate <= 0) return std::nullopt;
  return static_cast<std::int64_t>(
      std::ceil(static_cast<double>(data.pending_total) / rate));
}

namespace {

/// The long jobs, one line each, with their failures when there are any.
std::string jobs_text(const StatusData& data) {
  if (data.jobs.empty()) {
    return {};
  }
  std::string out = "\nJobs:\n";
  for (const JobStatus& job : data.jobs) {
    out += fmt::format(
        "  #{} {} {} loja {}: {} {}% ({}/{}){}{}\n", job.id, job.kind,
        job.entity, job.store_id, job.status, job.progress, job.processed,
        job.total ? std::to_string(*job.total) : "?",
        job.failed > 0 ? fmt::format(", {} falhas", job.failed) : std::string(),
        job.message.empty() ? "" : " - " + job.message);
  }
  return out;
}

/// A paragraph per store out of service, with what to do about it.
std::string stores_out_text(const StatusData& data) {
  std::string out;
  for (const StoreOutOfService& store : data.stores_out) {
    out += fmt::format(
        "\nLoja {} {} desde {}: {}{}\n", store.store_id, store.state,
        store.since, store.reason,
        store.next_probe_seconds
            ? fmt::format(" (próxima sonda em {} s; crm_status --resume {})",
                          *store.next_probe_seconds, store.store_id)
            : std::string(" (corrija crm_integracoes; verificada a cada "
                          "execução)"));
  }
  return out;
}

}  // namespace

std::string format_status_text(const StatusData& data,
                               const std::string& timestamp) {
  std::string out = fmt::format("{} crm-sync status\n\n", timestamp);
  out += fmt::format("Fila: {} pendentes", data.pending_total);
  if (data.oldest_pending_seconds) {
    out += fmt::format(", mais antigo há {} min",
                       *data.oldest_pending_seconds / 60);
  }
  const auto drain = drain_minutes(data);
  out += drain ? fmt::format(
                     ", esvazia em ~{} min ({:.1f}/min em {} min ativos dos "
                     "últimos 10)\n",
                     *drain,
                     observed_rate(data.finished_10m, data.active_minutes_10m),
                     data.active_minutes_10m)
               : std::string(", sem processamento nos últimos 10 min\n");
  for (const PendingGroup& group : data.pending) {
    out += fmt::format("  {:<10} {:<18} {:>8} pendentes ({} prontos)\n",
                       group.entity, group.direction, group.pending, group.due);
  }
  out += fmt::format(
      "\nHoje: {} processados | Falhas 24h: {} (1h: {}) | Taxa de sucesso 24h: "
      "{} | "
      "Latência média 24h: {}\n",
      data.processed_today, data.failures_24h, data.failures_1h,
      data.success_rate_24h ? fmt::format("{:.2f}%", *data.success_rate_24h)
                            : "-",
      data.average_latency_ms_24h
          ? fmt::format("{:.0f} ms", *data.average_latency_ms_24h)
          : "-");
  out += "\nProgramas:\n";
  if (data.programs.empty()) out += "  (nenhuma execução registrada)\n";
  for (const ProgramStatus& program : data.programs) {
    out += fmt::format(
        "  {:<14} última {} ({}), {} execuções, último sucesso {}\n",
        program.program, program.last_started, program.last_status,
        program.total_runs,
        program.minutes_since_success
            ? fmt::format("há {} min", *program.minutes_since_success)
            : std::string("nunca"));
  }
  if (!data.stuck.empty()) {
    out += fmt::format("\nExecuções travadas ({}):\n", data.stuck.size());
    for (const StuckRun& run : data.stuck) {
      out += fmt::format("  #{} {} em {} pid {}, iniciada {}\n", run.id,
                         run.program, run.host, run.pid, run.started);
    }
  }
  out += runs_text(data);
  out += jobs_text(data);
  out += stores_text(data);
  out += mirror_text(data);
  out += failures_text(data);
  out += stores_out_text(data);
  for (const std::string& warning : data.warnings) {
    out += fmt::format("\nAVISO: {}\n", warning);
  }
  return out;
}

namespace {

/// "por_entidade": pending and due rows per entity and direction.
json::Value pending_groups_json(const StatusData& data) {
  json::Value groups = json::Value::array();
  for (const PendingGroup& group : data.pending) {
    json::Value item = json::Value::object();
    item.set("entidade", json::Value::string(group.entity));
    item.set("direcao", json::Value::string(group.direction));
    item.set("pendentes",
             json::Value::number(static_cast<long long>(group.pending)));
    item.set("prontos", json::Value::number(static_cast<long long>(group.due)));
    groups.push_back(std::move(item));
  }
  return groups;
}

/// "programas": each program's last run and time since its last success.
json::Value programs_json(const StatusData& data) {
  json::Value programs = json::Value::array();
  for (const ProgramStatus& program : data.programs) {
    json::Value item = json::Value::object();
    item.set("programa", json::Value::string(program.program));
    item.set("ultima_execucao", json::Value::string(program.last_started));
    item.set("ultimo_status", json::Value::string(program.last_status));
    item.set("execucoes",
             json::Value::number(static_cast<long long>(program.total_runs)));
    item.set(
        "minutos_desde_sucesso",
        json::Value::number_text(optional_int(program.minutes_since_success)));
    programs.push_back(std::move(item));
  }
  return programs;
}

/// "travadas": runs still marked running long after their deadline.
json::Value stuck_runs_json(const StatusData& data) {
  json::Value stuck = json::Value::array();
  for (const StuckRun& run : data.stuck) {
    json::Value item = json::Value::object();
    item.set("id", json::Value::number(static_cast<long long>(run.id)));
    item.set("programa", json::Value::string(run.program));
    item.set("host", json::Value::string(run.host));
    item.set("pid", json::Value::number(static_cast<long long>(run.pid)));
    item.set("iniciado_em", json::Value::string(run.started));
    stuck.push_back(std::move(item));
  }
  return stuck;
}

/// "lojas_fora": stores paused or not run, with the reason.
json::Value stores_out_json(const StatusData& data) {
  json::Value stores = json::Value::array();
  for (const StoreOutOfService& store : data.stores_out) {
    json::Value item = json::Value::object();
    item.set("id_loja",
             json::Value::number(static_cast<long long>(store.store_id)));
    item.set("estado", json::Value::string(store.state));
    item.set("motivo", json::Value::string(store.reason));
    item.set("desde", json::Value::string(store.since));
    item.set("proxima_sonda_s",
             json::Value::number_text(optional_int(store.next_probe_seconds)));
    item.set("pausas_seguidas",
             json::Value::number(static_cast<long long>(store.pauses)));
    stores.push_back(std::move(item));
  }
  return stores;
}

/// "jobs": the long jobs in crm_fila and their progress.
json::Value jobs_json(const StatusData& data) {
  json::Value jobs = json::Value::array();
  for (const JobStatus& job : data.jobs) {
    json::Value item = json::Value::object();
    item.set("id", json::Value::number(static_cast<long long>(job.id)));
    item.set("tipo", json::Value::string(job.kind));
    item.set("id_loja",
             json::Value::number(static_cast<long long>(job.store_id)));
    item.set("entidade", json::Value::string(job.entity));
    item.set("status", json::Value::string(job.status));
    item.set("progresso",
             json::Value::number(static_cast<long long>(job.progress)));
    item.set("total", json::Value::number_text(optional_int(job.total)));
    item.set("processados",
             json::Value::number(static_cast<long long>(job.processed)));
    item.set("falhas", json::Value::number(static_cast<long long>(job.failed)));
    item.set("mensagem", json::Value::string(job.message));
    jobs.push_back(std::move(item));
  }
  return jobs;
}

void add_gauge_header(std::string& out, std::string_view name,
                      std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

/// Queue size, age and outcomes.
std::string queue_metrics(const StatusData& data) {
  std::string out;
  add_gauge_header(out, "crm_sync_up",
                   "1 when crm_status read the database, 0 when it could not.");
  out += "crm_sync_up 1\n";
  add_gauge_header(out, "crm_queue_pending",
                   "Pending queue rows by entity and direction.");
  for (const PendingGroup& group : data.pending) {
    out +=
        fmt::format("crm_queue_pending{{entidade=\"{}\",direcao=\"{}\"}} {}\n",
                    label(group.entity), label(group.direction), group.pending);
  }
  add_gauge_header(out, "crm_queue_oldest_pending_seconds",
                   "Age of the oldest pending row.");
  out += fmt::format("crm_queue_oldest_pending_seconds {}\n",
                     data.oldest_pending_seconds.value_or(0));
  add_gauge_header(out, "crm_processed_today", "Rows that succeeded today.");
  out += fmt::format("crm_processed_today {}\n", data.processed_today);
  add_gauge_header(out, "crm_failures_24h",
                   "Rows given up in the last 24 hours.");
  out += fmt::format("crm_failures_24h {}\n", data.failures_24h);
  add_gauge_header(out, "crm_failures_1h", "Rows given up in the last hour.");
  out += fmt::format("crm_failures_1h {}\n", data.failures_1h);
  return out;
}

/// Success ratio, latency and throughput, in base units.
std::string quality_metrics(const StatusData& data) {
  std::string out;
  if (data.success_rate_24h) {
    add_gauge_header(out, "crm_success_ratio_24h",
                     "Share of the rows finished in 24 h that succeeded.");
    out += fmt::format("crm_success_ratio_24h {:.4f}\n",
                       *data.success_rate_24h / 100.0);
  }
  if (data.average_latency_ms_24h) {
    add_gauge_header(out, "crm_item_duration_average_seconds_24h",
                     "Average item duration in the last 24 hours.");
    out += fmt::format("crm_item_duration_average_seconds_24h {:.4f}\n",
                       *data.average_latency_ms_24h / 1000.0);
  }
  add_gauge_header(out, "crm_items_succeeded_per_second",
                   "Successful items per second over the last hour.");
  out += fmt::format("crm_items_succeeded_per_second {:.4f}\n",
                     data.rate_per_minute / 60.0);
  return out;
}

/// Programs and stuck runs.
std::string program_metrics(const StatusData& data) {
  std::string out;
  add_gauge_header(out, "crm_last_success_timestamp_seconds",
                   "Unix time each program last finished successfully.");
  for (const ProgramStatus& program : data.programs) {
    if (program.last_success_unix) {
      out += fmt::format(
          "crm_last_success_timestamp_seconds{{programa=\"{}\"}} {}\n",
          label(program.program), *program.last_success_unix);
    }
  }
  add_gauge_header(out, "crm_runs_recorded",
                   "Runs of each program recorded in crm_execucoes.");
  for (const ProgramStatus& program : data.programs) {
    out += fmt::format("crm_runs_recorded{{programa=\"{}\"}} {}\n",
                       label(program.program), program.total_runs);
  }
  add_gauge_header(out, "crm_stuck_runs",
                   "Runs still marked running long after their deadline.");
  out += fmt::format("crm_stuck_runs {}\n", data.stuck.size());
  return out;
}

/// Long jobs and stores, labelled by store.
std::string store_metrics(const StatusData& data) {
  std::string out;
  add_gauge_header(out, "crm_job_progress_ratio",
                   "Progress of long jobs, 0 to 1.");
  for (const JobStatus& job : data.jobs) {
    out += fmt::format(
        "crm_job_progress_ratio{{id=\"{}\",tipo=\"{}\",loja=\"{}\","
        "entidade=\"{}\"}} {:.2f}\n",
        job.id, label(job.kind), job.store_id, label(job.entity),
        job.progress / 100.0);
  }
  add_gauge_header(out, "crm_store_out_of_service",
                   "1 for a store paused or not run (estado: pausada, "
                   "invalida).");
  for (const StoreOutOfService& store : data.stores_out) {
    out +=
        fmt::format("crm_store_out_of_service{{loja=\"{}\",estado=\"{}\"}} 1\n",
                    store.store_id, label(store.state));
  }
  add_gauge_header(out, "crm_store_pending", "Pending queue rows per store.");
  for (const StoreReport& store : data.stores) {
    out += fmt::format("crm_store_pending{{loja=\"{}\"}} {}\n", store.store_id,
                       store.pending);
  }
  add_gauge_header(out, "crm_store_drain_estimate_seconds",
                   "Time to drain each store's backlog at its observed rate "
                   "(or at its budget when nothing finished lately).");
  for (const StoreReport& store : data.stores) {
    if (const auto minutes = drain_estimate(store).minutes) {
      out += fmt::format("crm_store_drain_estimate_seconds{{loja=\"{}\"}} {}\n",
                         store.store_id, *minutes * 60);
    }
  }
  return out;
}

}  // namespace

std::string format_status_json(const StatusData& data) {
  json::Value out = json::Value::object();
  out.set("programa", json::Value::string("crm_status"));
  out.set("pendentes",
          json::Value::number(static_cast<long long>(data.pending_total)));
  out.set("pendente_mais_antigo_s",
          data.oldest_pending_seconds
              ? json::Value::number(
                    static_cast<long long>(*data.oldest_pending_seconds))
              : json::Value());
  out.set("por_entidade", pending_groups_json(data));
  out.set("processados_hoje",
          json::Value::number(static_cast<long long>(data.processed_today)));
  out.set("falhas_24h",
          json::Value::number(static_cast<long long>(data.failures_24h)));
  out.set("falhas_1h",
          json::Value::number(static_cast<long long>(data.failures_1h)));
  out.set("taxa_sucesso_24h",
          json::Value::number_text(optional_number(data.success_rate_24h, 2)));
  out.set("latencia_media_ms_24h", json::Value::number_text(optional_number(
                                       data.average_latency_ms_24h, 1)));
  out.set("itens_por_minuto", json::Value::number_text(
                                  fmt::format("{:.2f}", data.rate_per_minute)));
  out.set("minutos_para_esvaziar",
          json::Value::number_text(optional_int(drain_minutes(data))));
  out.set("concluidos_10min",
          json::Value::number(static_cast<long long>(data.finished_10m)));
  out.set("minutos_ativos_10min",
          json::Value::number(static_cast<long long>(data.active_minutes_10m)));
  out.set("programas", programs_json(data));
  out.set("lote_proximo",
          json::Value::number(static_cast<long long>(data.claim_limit)));
  out.set("lojas", stores_json(data));
  out.set("falhas_por_motivo", failures_json(data));
  out.set("execucoes", runs_json(data));
  out.set("travadas", stuck_runs_json(data));
  out.set("jobs", jobs_json(data));
  out.set("lojas_fora", stores_out_json(data));
  json::Value warnings = json::Value::array();
  for (const std::string& warning : data.warnings)
    warnings.push_back(json::Value::string(warning));
  out.set("avisos", std::move(warnings));
  return json::dump(out);
}

std::string format_status_prometheus(const StatusData& data) {
  return queue_metrics(data) + quality_metrics(data) + program_metrics(data) +
         store_metrics(data) + mirror_metrics(data);
}

std::string format_status_down_prometheus(double now_unix_seconds) {
  std::string out;
  add_gauge_header(out, "crm_sync_up",
                   "1 when crm_status read the database, 0 when it could not.");
  out += "crm_sync_up 0\n";
  add_gauge_header(out, "crm_sync_down_since_timestamp_seconds",
                   "Unix time crm_status last failed to read the database.");
  out += fmt::format("crm_sync_down_since_timestamp_seconds {:.0f}\n",
                     now_unix_seconds);
  return out;
}

CheckResult evaluate_check(const StatusData& data, const CheckThresholds& t) {
  int code = 0;
  std::vector<std::string> problems;
  const auto judge = [&](std::int64_t value, std::int64_t warn,
                         std::int64_t crit, const std::string& what) {
    if (value >= crit) {
      code = 2;
      problems.push_back(what + " (crit " + std::to_string(crit) + ")");
    } else if (value >= warn) {
      code = std::max(code, 1);
      problems.push_back(what + " (warn " + std::to_string(warn) + ")");
    }
  };
  const std::int64_t oldest_minutes =
      data.oldest_pending_seconds.value_or(0) / 60;
  judge(oldest_minutes, t.warn_oldest_minutes, t.crit_oldest_minutes,
        fmt::format("oldest pending {} min", oldest_minutes));
  judge(data.failures_1h, t.warn_failures_1h, t.crit_failures_1h,
        fmt::format("{} failures in 1 h", data.failures_1h));
  const auto since = since_crm_sync_success(data);
  if (since) {
    judge(*since, t.warn_since_success_minutes, t.crit_since_success_minutes,
          fmt::format("last crm_sync success {} min ago", *since));
  } else if (data.pending_total > 0) {
    code = 2;
    problems.push_back("crm_sync never succeeded and rows are pending");
  }
  judge(static_cast<std::int64_t>(data.stuck.size()), t.warn_stuck,
        t.crit_stuck, fmt::format("{} stuck runs", data.stuck.size()));
  // A paused store waits for its probe (WARNING); one whose configuration
  // does not validate needs a person (CRITICAL).
  for (const StoreOutOfService& store : data.stores_out) {
    code = std::max(code, store.state == "invalida" ? 2 : 1);
    problems.push_back(fmt::format("store {} {}: {}", store.store_id,
                                   store.state, store.reason));
  }
  static constexpr const char* k_names[] = {"OK", "WARNING", "CRITICAL",
                                            "UNKNOWN"};
  std::string text;
  if (problems.empty()) {
    text = fmt::format("{} pending, oldest {} min, {} failures in 1 h",
                       data.pending_total, oldest_minutes, data.failures_1h);
  } else {
    for (const auto& problem : problems)
      text += (text.empty() ? "" : ", ") + problem;
  }
  const std::string perfdata = fmt::format(
      "pending={} oldest_pending_s={} failures_1h={} since_success_min={} "
      "stuck={}",
      data.pending_total, data.oldest_pending_seconds.value_or(0),
      data.failures_1h, since ? std::to_string(*since) : "U",
      data.stuck.size());
  return {code,
          fmt::format("CRM_SYNC {} - {} | {}", k_names[code], text, perfdata)};
}

CheckResult unknown_check(std::string_view message) {
  std::string line = fmt::format("CRM_SYNC UNKNOWN - {}", message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return {3, line};
}

}  // namespace crm::report
