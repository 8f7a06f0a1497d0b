#include "crm/report/status_mirror.h"

#include <fmt/format.h>

#include <string_view>

namespace crm::report {
namespace {

json::Value integer(std::int64_t value) {
  return json::Value::number(static_cast<long long>(value));
}

json::Value optional_integer(const std::optional<std::int64_t>& value) {
  return value ? integer(*value) : json::Value();
}

json::Value text_or_null(const std::string& text) {
  return text.empty() ? json::Value() : json::Value::string(text);
}

/// One mirror's first line after "Loja N entidade: ".
std::string mirror_line(const MirrorReport& mirror) {
  std::string out = fmt::format(
      "{} registros; {}; {}; ", mirror.records,
      mirror.complete_age_seconds
          ? "completo " + age_text(mirror.complete_age_seconds)
          : std::string("nunca completo"),
      mirror.pull_age_seconds ? "lido " + age_text(mirror.pull_age_seconds)
                              : std::string("nunca lido"));
  out += mirror.cursor ? "cursor " + *mirror.cursor
                       : std::string("sem cursor (a próxima leitura lê tudo)");
  if (mirror.pull_under_way) {
    out += "; leitura em andamento (retoma da página salva)";
  }
  out += fmt::format("; última hora: {} alterações puxadas, {} conflitos",
                     mirror.pulled_1h, mirror.conflicts_1h);
  return out;
}

/// A Prometheus label value: \ " and line breaks escaped.
std::string label(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

/// One gauge: its header, then a sample per store and entity that has it.
template <typename Value>
void add_mirror_gauge(std::string& out, const StatusData& data,
                      std::string_view name, std::string_view help,
                      Value value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  for (const StoreReport& store : data.stores) {
    for (const MirrorReport& mirror : store.mirror) {
      if (const std::optional<std::int64_t> figure = value(mirror)) {
        out += fmt::format("{}{{loja=\"{}\",entidade=\"{}\"}} {}\n", name,
                           store.store_id, label(mirror.entity), *figure);
      }
    }
  }
}

}  // namespace

std::string age_text(const std::optional<std::int64_t>& seconds) {
  if (!seconds) return "nunca";
  return *seconds < 120 ? fmt::format("há {} s", *seconds)
                        : fmt::format("há {} min", *seconds / 60);
}

std::string mirror_text(const StatusData& data) {
  std::string out;
  for (const StoreReport& store : data.stores) {
    for (const MirrorReport& mirror : store.mirror) {
      out += fmt::format("  Loja {} {}: {}\n", store.store_id, mirror.entity,
                         mirror_line(mirror));
      if (!mirror.error.empty()) {
        out += "    a última leitura falhou: " + mirror.error + "\n";
      }
      if (!mirror.last_conflict.empty()) {
        out += "    último conflito: " + mirror.last_conflict + "\n";
      }
    }
  }
  return out.empty() ? out : "\nEspelho do CRM:\n" + out;
}

json::Value mirror_json(const StoreReport& store) {
  json::Value entities = json::Value::array();
  for (const MirrorReport& mirror : store.mirror) {
    json::Value item = json::Value::object();
    item.set("entidade", json::Value::string(mirror.entity));
    item.set("registros", integer(mirror.records));
    item.set("desde_completo_s", optional_integer(mirror.complete_age_seconds));
    item.set("desde_leitura_s", optional_integer(mirror.pull_age_seconds));
    item.set("cursor_alteracao", mirror.cursor
                                     ? json::Value::string(*mirror.cursor)
                                     : json::Value());
    item.set("leitura_em_andamento",
             json::Value::boolean(mirror.pull_under_way));
    item.set("erro", text_or_null(mirror.error));
    item.set("alteracoes_puxadas_1h", integer(mirror.pulled_1h));
    item.set("conflitos_1h", integer(mirror.conflicts_1h));
    item.set("ultimo_conflito", text_or_null(mirror.last_conflict));
    entities.push_back(std::move(item));
  }
  return entities;
}

std::string mirror_metrics(const StatusData& data) {
  using Figure = std::optional<std::int64_t>;
  std::string out;
  add_mirror_gauge(out, data, "crm_mirror_records",
                   "CRM records in each store's mirror (crm_espelho).",
                   [](const MirrorReport& m) -> Figure { return m.records; });
  add_mirror_gauge(
      out, data, "crm_mirror_complete_age_seconds",
      "Time since the mirror last held every CRM record (absent: never).",
      [](const MirrorReport& m) { return m.complete_age_seconds; });
  add_mirror_gauge(out, data, "crm_mirror_pull_age_seconds",
                   "Time since the last pull of the CRM, complete or not "
                   "(absent: never).",
                   [](const MirrorReport& m) { return m.pull_age_seconds; });
  add_mirror_gauge(
      out, data, "crm_mirror_pull_under_way",
      "1 while a pull cut by its page limit resumes from a saved page.",
      [](const MirrorReport& m) -> Figure { return m.pull_under_way ? 1 : 0; });
  add_mirror_gauge(
      out, data, "crm_mirror_pull_failed", "1 when the last pull failed.",
      [](const MirrorReport& m) -> Figure { return m.error.empty() ? 0 : 1; });
  add_mirror_gauge(out, data, "crm_mirror_pulled_changes_1h",
                   "CRM changes written to local tables in the last hour.",
                   [](const MirrorReport& m) -> Figure { return m.pulled_1h; });
  add_mirror_gauge(
      out, data, "crm_mirror_conflicts_1h",
      "Fields edited on both sides in the last hour (resolved by policy).",
      [](const MirrorReport& m) -> Figure { return m.conflicts_1h; });
  return out;
}

}  // namespace crm::report
