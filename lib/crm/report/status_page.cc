#include "crm/report/status_page.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crm/report/status_charts.h"
#include "crm/report/status_mirror.h"
#include "crm/util/strings.h"

namespace crm::report {
namespace {

/// Inline style only: the Content-Security-Policy below forbids every
/// fetch, so the page works from a file, offline or behind any proxy.
constexpr const char* k_head = R"(<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta http-equiv="refresh" content="60">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crm-sync status</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
.bad { color: #c62828; } .warn { color: #b26a00; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .grid { stroke: #e0e0e0; } svg .axis, svg .label { font-size: 11px; fill: #555; }
svg .label { fill: #222; }
</style>
</head>
<body>
)";

/// Seconds under two minutes, else whole minutes (as the screen shows).
std::string duration_text(std::int64_t seconds) {
  return seconds < 120 ? fmt::format("{} s", seconds)
                       : fmt::format("{} min", seconds / 60);
}

std::string cell(std::string_view text) {
  return "<td>" + html_escape(text) + "</td>";
}
std::string number_cell(std::int64_t value) {
  return fmt::format("<td class=\"n\">{}</td>", value);
}
std::string header_row(std::initializer_list<std::string_view> names) {
  std::string out = "<tr>";
  for (std::string_view name : names) {
    out += "<th>" + html_escape(name) + "</th>";
  }
  return out + "</tr>\n";
}

std::string card(std::string_view title, std::string_view value,
                 std::string_view css_class = "") {
  return fmt::format("<div class=\"card\">{}<b class=\"{}\">{}</b></div>\n",
                     html_escape(title), css_class, html_escape(value));
}

/// The figures at the top of the screen, as cards.
std::string summary_cards(const StatusData& data) {
  const auto drain = drain_minutes(data);
  std::string out = "<div class=\"cards\" id=\"summary\">\n";
  out += card("Pendentes", std::to_string(data.pending_total));
  out += card("Mais antigo",
              data.oldest_pending_seconds
                  ? fmt::format("{} min", *data.oldest_pending_seconds / 60)
                  : std::string("-"));
  out += card("Esvazia em",
              drain ? fmt::format("~{} min", *drain) : std::string("-"));
  out += card("Processados hoje", std::to_string(data.processed_today));
  out += card("Falhas 24h (1h)",
              fmt::format("{} ({})", data.failures_24h, data.failures_1h),
              data.failures_1h > 0 ? "bad" : "");
  out +=
      card("Sucesso 24h", data.success_rate_24h
                              ? fmt::format("{:.2f}%", *data.success_rate_24h)
                              : std::string("-"));
  out += card("Travadas", std::to_string(data.stuck.size()),
              data.stuck.empty() ? "" : "bad");
  return out + "</div>\n";
}

/// One row per store: its state, backlog, share and estimate.
std::string stores_table(const StatusData& data) {
  if (data.stores.empty()) {
    return {};
  }
  std::string out = "<h2>Lojas</h2>\n<table id=\"stores\">\n";
  out += header_row({"loja", "estado", "pendentes", "prontos",
                     "pronto mais antigo espera", "próximo lote",
                     "concluídos 10 min", "esvazia em"});
  for (const StoreReport& store : data.stores) {
    std::int64_t due = 0;
    for (const EntityBacklog& entity : store.backlog) {
      due += entity.due;
    }
    const DrainEstimate drain = drain_estimate(store);
    out += fmt::format("<tr data-store=\"{}\">", store.store_id);
    out += number_cell(store.store_id);
    out += cell(store.reason.empty() ? store.state
                                     : store.state + ": " + store.reason);
    out += number_cell(store.pending) + number_cell(due);
    out += cell(store.oldest_due_wait_seconds
                    ? duration_text(*store.oldest_due_wait_seconds)
                    : std::string("-"));
    out += cell(fmt::format("{} de {}", store.claim_share, data.claim_limit));
    out += number_cell(store.finished_10m);
    out += cell(drain.minutes
                    ? fmt::format("~{} min ({})", *drain.minutes, drain.basis)
                    : std::string("-"));
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

/// One row per store and mirrored entity: records, ages, cursor, the last
/// hour's pulls and conflicts, the last pull's error, the last conflict.
std::string mirror_table(const StatusData& data) {
  std::string rows;
  for (const StoreReport& store : data.stores) {
    for (const MirrorReport& mirror : store.mirror) {
      rows += fmt::format("<tr data-store=\"{}\" data-entity=\"{}\">",
                          store.store_id, html_escape(mirror.entity));
      rows += number_cell(store.store_id) + cell(mirror.entity) +
              number_cell(mirror.records) +
              cell(age_text(mirror.complete_age_seconds)) +
              cell(age_text(mirror.pull_age_seconds)) +
              cell(mirror.cursor.value_or("-")) +
              cell(mirror.pull_under_way ? "sim" : "não") +
              number_cell(mirror.pulled_1h) + number_cell(mirror.conflicts_1h);
      rows += fmt::format("<td class=\"{}\">{}</td>",
                          mirror.error.empty() ? "" : "bad",
                          html_escape(mirror.error));
      rows += cell(mirror.last_conflict);
      rows += "</tr>\n";
    }
  }
  if (rows.empty()) {
    return {};
  }
  return "<h2>Espelho do CRM</h2>\n<table id=\"mirror\">\n" +
         header_row({"loja", "entidade", "registros", "completo",
                     "última leitura", "cursor", "leitura em andamento",
                     "alterações puxadas 1h", "conflitos 1h",
                     "erro da última leitura", "último conflito"}) +
         rows + "</table>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  const std::string valid = util::valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {

/// Each reason with its groups by store and entity.
std::string failures_table(const StatusData& data) {
  if (data.failures.empty()) {
    return {};
  }
  std::string out = "<table id=\"failures\">\n";
  out += header_row({"total", "motivo", "loja", "entidade", "desistidas",
                     "tentando", "de", "a", "ex."});
  for (const FailureReason& reason : data.failures) {
    for (const FailureGroup& group : reason.groups) {
      out += "<tr>" + number_cell(reason.total) + cell(reason.reason) +
             number_cell(group.store_id) + cell(group.entity) +
             number_cell(group.given_up) + number_cell(group.retrying) +
             cell(group.first_seen) + cell(group.last_seen) +
             cell(fmt::format("{}", fmt::join(group.examples, ", "))) +
             "</tr>\n";
    }
  }
  return out + "</table>\n";
}

/// The last runs, fatal ones included, with their messages.
std::string runs_table(const StatusData& data) {
  if (data.runs.empty()) {
    return {};
  }
  std::string out = "<table id=\"runs\">\n";
  out += header_row({"#", "programa", "loja", "iniciada", "status", "host",
                     "processados", "erros", "adiados", "mensagem"});
  for (const RunRecord& run : data.runs) {
    out += fmt::format("<tr data-status=\"{}\">", html_escape(run.status));
    out += number_cell(run.id) + cell(run.program) +
           cell(run.store_id ? std::to_string(*run.store_id) : "") +
           cell(run.started);
    out += fmt::format(
        "<td class=\"{}\">{}</td>",
        run.status == "error" || run.status == "aborted" ? "bad" : "",
        html_escape(run.status));
    out += cell(run.host) + number_cell(run.processed) +
           number_cell(run.errors) + number_cell(run.deferred) +
           cell(run.message) + "</tr>\n";
  }
  return out + "</table>\n";
}

/// Each program's last run, and the long jobs with their progress.
std::string programs_and_jobs(const StatusData& data) {
  std::string out = "<h2>Programas</h2>\n<table id=\"programs\">\n";
  out += header_row(
      {"programa", "última", "status", "execuções", "último sucesso"});
  for (const ProgramStatus& program : data.programs) {
    out += "<tr>" + cell(program.program) + cell(program.last_started) +
           cell(program.last_status) + number_cell(program.total_runs) +
           cell(program.minutes_since_success
                    ? fmt::format("há {} min", *program.minutes_since_success)
                    : std::string("nunca")) +
           "</tr>\n";
  }
  out += "</table>\n";
  if (data.jobs.empty()) {
    return out;
  }
  out += "<h2>Jobs</h2>\n<table id=\"jobs\">\n";
  out += header_row({"#", "tipo", "entidade", "loja", "status", "progresso",
                     "processados", "total", "falhas", "mensagem"});
  for (const JobStatus& job : data.jobs) {
    out += "<tr>" + number_cell(job.id) + cell(job.kind) + cell(job.entity) +
           number_cell(job.store_id) + cell(job.status) +
           cell(fmt::format("{}%", job.progress)) + number_cell(job.processed) +
           cell(job.total ? std::to_string(*job.total) : "?") +
           number_cell(job.failed) + cell(job.message) + "</tr>\n";
  }
  return out + "</table>\n";
}

/// Stuck runs, stores out of service and warnings, as one list.
std::string attention_list(const StatusData& data) {
  std::vector<std::string> items;
  for (const StuckRun& run : data.stuck) {
    items.push_back(
        fmt::format("execução travada #{} {} em {} pid {}, "
                    "iniciada {}",
                    run.id, run.program, run.host, run.pid, run.started));
  }
  for (const StoreOutOfService& store : data.stores_out) {
    items.push_back(fmt::format("loja {} {} desde {}: {}", store.store_id,
                                store.state, store.since, store.reason));
  }
  items.insert(items.end(), data.warnings.begin(), data.warnings.end());
  if (items.empty()) {
    return {};
  }
  std::string out = "<h2>Atenção</h2>\n<ul id=\"attention\">\n";
  for (const std::string& item : items) {
    out += "<li class=\"warn\">" + html_escape(item) + "</li>\n";
  }
  return out + "</ul>\n";
}

}  // namespace

std::string format_status_page(const StatusData& data,
                               const StatusHistory& history,
                               const std::string& timestamp) {
  std::string out = k_head;
  out += "<h1>crm-sync status <small>" + html_escape(timestamp) +
         "</small></h1>\n";
  out += summary_cards(data);
  out += attention_list(data);
  out += "<h2>Fila: pendentes ao fim de cada hora (24 h)</h2>\n";
  out += backlog_chart(history);
  out += "<h2>Concluídos por hora (24 h): com sucesso e desistidos</h2>\n";
  out += throughput_chart(history);
  out += stores_table(data);
  out += mirror_table(data);
  if (!data.failures.empty()) {
    out += "<h2>Falhas por motivo (24h desistidas, e em nova tentativa)</h2>\n";
    out += failures_chart(data) + failures_table(data);
  }
  out += "<h2>Execuções (24 h)</h2>\n" + runs_timeline(history);
  out += runs_table(data);
  out += programs_and_jobs(data);
  return out + "</body>\n</html>\n";
}

std::string format_status_page_down(const std::string& timestamp,
                                    std::string_view message) {
  std::string out = k_head;
  out += "<h1>crm-sync status <small>" + html_escape(timestamp) +
         "</small></h1>\n";
  out +=
      "<p id=\"down\" class=\"bad\">crm_status could not read the "
      "database: " +
      html_escape(message) + "</p>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace crm::report
