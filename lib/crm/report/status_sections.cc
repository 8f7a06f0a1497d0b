#include "crm/report/status_sections.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "crm/report/status_mirror.h"

namespace crm::report {
namespace {

/// A run at the default --deadline starts requests for this long.
constexpr double k_run_seconds = 50.0;

json::Value integer(std::int64_t value) {
  return json::Value::number(static_cast<long long>(value));
}

json::Value optional_integer(const std::optional<std::int64_t>& value) {
  return value ? integer(*value) : json::Value();
}

json::Value optional_decimal(const std::optional<double>& value) {
  return value ? json::Value::number_text(fmt::format("{:.2f}", *value))
               : json::Value();
}

std::string minutes_text(std::int64_t seconds) {
  return seconds < 120 ? fmt::format("{} s", seconds)
                       : fmt::format("{} min", seconds / 60);
}

}  // namespace

double observed_rate(std::int64_t finished, std::int64_t active_minutes) {
  if (finished <= 0 || active_minutes <= 0) return 0;
  return static_cast<double>(finished) / static_cast<double>(active_minutes);
}

std::optional<double> capacity_per_minute(const StoreReport& store) {
  std::optional<double> requests;
  if (store.per_minute) requests = *store.per_minute;
  if (store.per_second && *store.per_second > 0) {
    const double paced = k_run_seconds * *store.per_second / 1.1;
    requests = requests ? std::min(*requests, paced) : paced;
  }
  if (!requests) return std::nullopt;
  const double per_item = store.requests_per_item.value_or(1.0);
  return *requests / std::max(per_item, 1.0);
}

DrainEstimate drain_estimate(const StoreReport& store) {
  if (store.pending == 0) return {0, "vazia"};
  const double rate =
      observed_rate(store.finished_10m, store.active_minutes_10m);
  const auto minutes = [&](double per_minute) {
    return static_cast<std::int64_t>(
        std::ceil(static_cast<double>(store.pending) / per_minute));
  };
  if (rate > 0) return {minutes(rate), "observado"};
  const auto capacity = capacity_per_minute(store);
  if (capacity && *capacity > 0) return {minutes(*capacity), "orcamento"};
  return {std::nullopt, ""};
}

namespace {

std::string state_text(const StoreReport& store) {
  if (store.state == "ok") return "ok";
  std::string out = store.state;
  if (!store.reason.empty()) out += ": " + store.reason;
  if (store.next_probe_seconds) {
    out += fmt::format(" (próxima sonda em {} s; crm_status --resume {})",
                       *store.next_probe_seconds, store.store_id);
  }
  return out;
}

std::string backlog_text(const StoreReport& store) {
  std::string out = fmt::format("{} pendentes", store.pending);
  std::string parts;
  for (const EntityBacklog& entity : store.backlog) {
    parts += fmt::format("{}{} {} ({} prontos)", parts.empty() ? "" : ", ",
                         entity.entity, entity.pending, entity.due);
  }
  if (!parts.empty()) out += ": " + parts;
  if (store.oldest_due_wait_seconds) {
    out += fmt::format("; o pronto mais antigo espera há {}",
                       minutes_text(*store.oldest_due_wait_seconds));
  }
  return out;
}

std::string limits_text(const StoreReport& store) {
  std::string out = fmt::format(
      "orçamento {}/min, {}",
      store.per_minute ? std::to_string(*store.per_minute) : "sem limite",
      store.per_second ? fmt::format("{}/s", *store.per_second)
                       : std::string("sem ritmo por segundo"));
  if (store.requests_per_item) {
    out += fmt::format(", {:.2f} requisições/item ({})",
                       *store.requests_per_item, store.requests_per_item_basis);
  } else {
    out += ", requisições/item não observadas (conta 1)";
  }
  if (const auto capacity = capacity_per_minute(store)) {
    out += fmt::format(", teto {:.1f} itens/min", *capacity);
  }
  return out;
}

std::string drain_text(const StoreReport& store) {
  const DrainEstimate drain = drain_estimate(store);
  if (drain.basis == "vazia") return "fila vazia";
  if (drain.basis == "observado") {
    return fmt::format("esvazia em ~{} min no ritmo observado", *drain.minutes);
  }
  if (drain.basis == "orcamento") {
    return fmt::format("esvazia em não menos de ~{} min (pelo orçamento)",
                       *drain.minutes);
  }
  return "sem estimativa (nada processado e sem limites)";
}

}  // namespace

std::string stores_text(const StatusData& data) {
  if (data.stores.empty()) return {};
  std::string out = "\nLojas:\n";
  for (const StoreReport& store : data.stores) {
    out += fmt::format("  Loja {} {}; {}{}\n", store.store_id,
                       state_text(store), backlog_text(store),
                       store.pending > 0
                           ? fmt::format("; próximo lote: {} de {}",
                                         store.claim_share, data.claim_limit)
                           : std::string());
    out += fmt::format(
        "    últimos 10 min: {} concluídos ({} desistidos) em {} min ativos = "
        "{:.1f}/min; {}; {}\n",
        store.finished_10m, store.given_up_10m, store.active_minutes_10m,
        observed_rate(store.finished_10m, store.active_minutes_10m),
        limits_text(store), drain_text(store));
  }
  return out;
}

std::string failures_text(const StatusData& data) {
  if (data.failures.empty()) return {};
  std::string out =
      "\nFalhas por motivo (24h desistidas, e em nova tentativa):\n";
  for (const FailureReason& reason : data.failures) {
    out += fmt::format("  {:>6}  {}\n", reason.total, reason.reason);
    for (const FailureGroup& group : reason.groups) {
      out += fmt::format(
          "          loja {} {}: {} desistidas, {} tentando; de {} a {}; "
          "ex.: {}\n",
          group.store_id, group.entity, group.given_up, group.retrying,
          group.first_seen, group.last_seen, fmt::join(group.examples, ", "));
    }
  }
  return out;
}

std::string runs_text(const StatusData& data) {
  if (data.runs.empty()) return {};
  std::string out = "\nExecuções recentes:\n";
  for (const RunRecord& run : data.runs) {
    out += fmt::format(
        "  #{} {}{} {} {} em {}: {} processados, {} erros, {} adiados{}\n",
        run.id, run.program,
        run.store_id ? fmt::format(" loja {}", *run.store_id) : std::string(),
        run.started, run.status, run.host, run.processed, run.errors,
        run.deferred, run.message.empty() ? "" : " - " + run.message);
  }
  return out;
}

namespace {

json::Value backlog_json(const StoreReport& store) {
  json::Value entities = json::Value::array();
  for (const EntityBacklog& entity : store.backlog) {
    json::Value item = json::Value::object();
    item.set("entidade", json::Value::string(entity.entity));
    item.set("pendentes", integer(entity.pending));
    item.set("prontos", integer(entity.due));
    entities.push_back(std::move(item));
  }
  return entities;
}

json::Value store_json(const StoreReport& store) {
  json::Value item = json::Value::object();
  item.set("id_loja", integer(store.store_id));
  item.set("estado", json::Value::string(store.state));
  item.set("motivo", json::Value::string(store.reason));
  item.set("proxima_sonda_s", optional_integer(store.next_probe_seconds));
  item.set("pendentes", integer(store.pending));
  item.set("por_entidade", backlog_json(store));
  item.set("pendente_mais_antigo_s",
           optional_integer(store.oldest_pending_seconds));
  item.set("pronto_mais_antigo_espera_s",
           optional_integer(store.oldest_due_wait_seconds));
  item.set("parte_proximo_lote", integer(store.claim_share));
  item.set("proxima_prioridade",
           store.next_priority ? integer(*store.next_priority) : json::Value());
  item.set("proxima_espera_s", optional_integer(store.next_wait_seconds));
  item.set("concluidos_10min", integer(store.finished_10m));
  item.set("desistidos_10min", integer(store.given_up_10m));
  item.set("minutos_ativos_10min", integer(store.active_minutes_10m));
  item.set("ritmo_por_minuto",
           optional_decimal(
               observed_rate(store.finished_10m, store.active_minutes_10m)));
  item.set("orcamento_por_minuto",
           store.per_minute ? integer(*store.per_minute) : json::Value());
  item.set("por_segundo",
           store.per_second ? integer(*store.per_second) : json::Value());
  item.set("requisicoes_por_item", optional_decimal(store.requests_per_item));
  item.set("requisicoes_por_item_base",
           json::Value::string(store.requests_per_item_basis));
  item.set("teto_por_minuto", optional_decimal(capacity_per_minute(store)));
  const DrainEstimate drain = drain_estimate(store);
  item.set("minutos_para_esvaziar", optional_integer(drain.minutes));
  item.set("base_estimativa", json::Value::string(drain.basis));
  item.set("espelho", mirror_json(store));
  return item;
}

json::Value failure_group_json(const FailureGroup& group) {
  json::Value item = json::Value::object();
  item.set("id_loja", integer(group.store_id));
  item.set("entidade", json::Value::string(group.entity));
  item.set("desistidas", integer(group.given_up));
  item.set("tentando", integer(group.retrying));
  item.set("primeira", json::Value::string(group.first_seen));
  item.set("ultima", json::Value::string(group.last_seen));
  json::Value examples = json::Value::array();
  for (const std::int64_t id : group.examples) {
    json::Value example = json::Value::object();
    example.set("entidade", json::Value::string(group.entity));
    example.set("id_registro", integer(id));
    examples.push_back(std::move(example));
  }
  item.set("exemplos", std::move(examples));
  return item;
}

}  // namespace

json::Value stores_json(const StatusData& data) {
  json::Value stores = json::Value::array();
  for (const StoreReport& store : data.stores) {
    stores.push_back(store_json(store));
  }
  return stores;
}

json::Value failures_json(const StatusData& data) {
  json::Value reasons = json::Value::array();
  for (const FailureReason& reason : data.failures) {
    json::Value item = json::Value::object();
    item.set("motivo", json::Value::string(reason.reason));
    item.set("total", integer(reason.total));
    json::Value groups = json::Value::array();
    for (const FailureGroup& group : reason.groups) {
      groups.push_back(failure_group_json(group));
    }
    item.set("grupos", std::move(groups));
    reasons.push_back(std::move(item));
  }
  return reasons;
}

json::Value runs_json(const StatusData& data) {
  json::Value runs = json::Value::array();
  for (const RunRecord& run : data.runs) {
    json::Value item = json::Value::object();
    item.set("id", integer(run.id));
    item.set("programa", json::Value::string(run.program));
    item.set("id_loja", run.store_id ? integer(*run.store_id) : json::Value());
    item.set("host", json::Value::string(run.host));
    item.set("status", json::Value::string(run.status));
    item.set("iniciado_em", json::Value::string(run.started));
    item.set("finalizado_em", run.finished.empty()
                                  ? json::Value()
                                  : json::Value::string(run.finished));
    item.set("processados", integer(run.processed));
    item.set("erros", integer(run.errors));
    item.set("adiados", integer(run.deferred));
    item.set("mensagem", json::Value::string(run.message));
    runs.push_back(std::move(item));
  }
  return runs;
}

}  // namespace crm::report
