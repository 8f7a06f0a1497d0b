#include "crm/sync/status_details.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "crm/json/json.h"
#include "crm/providers/provider_factory.h"
#include "crm/queue/fair_claim.h"
#include "crm/queue/request_budget.h"
#include "crm/sync/status_mirror.h"

namespace crm::sync {
namespace {

using Stores = std::map<int, report::StoreReport>;

report::StoreReport& store_of(Stores& stores, int store_id) {
  report::StoreReport& store = stores[store_id];
  store.store_id = store_id;
  return store;
}

/// A non-negative integer setting of configuracoes, if it has one.
std::optional<int> integer_setting(const std::optional<json::Value>& settings,
                                   std::string_view key) {
  if (!settings || !settings->is_object()) return std::nullopt;
  const json::Value* value = settings->find(key);
  if (!value || !value->is_number()) return std::nullopt;
  const std::string& text = value->text();
  if (text.empty() || text.find_first_not_of("0123456789") != text.npos ||
      text.size() > 9) {
    return std::nullopt;
  }
  return std::stoi(text);
}

/// Each store's integration: disabled when it has only inactive ones; the
/// active one's limits (configuracoes over the provider's documented ones).
/// Returns the stores that have an integration row.
std::set<int> add_integrations(db::Connection& c, Stores& stores) {
  std::set<int> configured;
  for (const db::Row& row :
       c.query("SELECT id_loja, MAX(ativo), MAX(IF(ativo = 1, provider, "
               "NULL)), MAX(IF(ativo = 1, configuracoes, NULL)) "
               "FROM crm_integracoes GROUP BY id_loja")
           .rows) {
    report::StoreReport& store =
        store_of(stores, static_cast<int>(row.integer(0)));
    configured.insert(store.store_id);
    if (row.integer(1) == 0) {
      store.state = "desativada";
      store.reason = "no active integration in crm_integracoes";
      continue;
    }
    const std::optional<json::Value> settings =
        row.is_null(3) ? std::nullopt : json::parse(row.text(3));
    const providers::RateLimits documented =
        providers::documented_rate_limits(row.text(2));
    const auto per_minute = integer_setting(settings, "requests_per_minute");
    const auto per_second = integer_setting(settings, "requests_per_second");
    store.per_minute = per_minute ? per_minute : documented.per_minute;
    store.per_second = per_second ? per_second : documented.per_second;
    if (store.per_second == 0) store.per_second.reset();
  }
  return configured;
}

/// Pending rows per store and entity, the oldest one, and the longest wait
/// of a due row since it became due.
void add_backlog(db::Connection& c, Stores& stores) {
  for (const db::Row& row :
       c.query("SELECT id_loja, entidade, COUNT(*), SUM(disponivel_em <= "
               "NOW()), TIMESTAMPDIFF(SECOND, MIN(criado_em), NOW()), "
               "MAX(IF(disponivel_em <= NOW(), TIMESTAMPDIFF(SECOND, "
               "GREATEST(criado_em, disponivel_em), NOW()), NULL)) "
               "FROM crm_sync_queue WHERE processado = 0 "
               "GROUP BY id_loja, entidade ORDER BY id_loja, entidade")
           .rows) {
    report::StoreReport& store =
        store_of(stores, static_cast<int>(row.integer(0)));
    store.backlog.push_back({row.text(1), row.integer(2), row.integer(3)});
    store.pending += row.integer(2);
    const std::int64_t oldest = row.integer(4);
    store.oldest_pending_seconds =
        std::max(store.oldest_pending_seconds.value_or(0), oldest);
    if (!row.is_null(5)) {
      store.oldest_due_wait_seconds =
          std::max(store.oldest_due_wait_seconds.value_or(0), row.integer(5));
    }
  }
}

constexpr const char* k_finished_10m =
    " FROM crm_sync_queue WHERE processado = 1 AND processado_em >= NOW() - "
    "INTERVAL 10 MINUTE";
constexpr const char* k_minute_of_finish =
    "COUNT(DISTINCT DATE_FORMAT(processado_em, '%Y-%m-%d %H:%i'))";

/// Rows finished in the last 10 minutes and the minutes they finished in,
/// per store and for the whole queue.
void add_throughput(db::Connection& c, Stores& stores,
                    report::StatusData& data) {
  for (const db::Row& row :
       c.query(fmt::format("SELECT id_loja, COUNT(*), SUM(erro IS NOT NULL), "
                           "{}{} GROUP BY id_loja",
                           k_minute_of_finish, k_finished_10m))
           .rows) {
    report::StoreReport& store =
        store_of(stores, static_cast<int>(row.integer(0)));
    store.finished_10m = row.integer(1);
    store.given_up_10m = row.integer(2);
    store.active_minutes_10m = row.integer(3);
  }
  const db::Row all = c.query(fmt::format("SELECT COUNT(*), {}{}",
                                          k_minute_of_finish, k_finished_10m))
                          .rows.at(0);
  data.finished_10m = all.integer(0);
  data.active_minutes_10m = all.integer(1);
}

/// Requests per finished item over the last 10 calendar minutes: the
/// store's budget reservations over its log rows, else every crm_sync run's
/// requests over its items.
void add_requests_per_item(db::Connection& c, Stores& stores) {
  const db::Row runs =
      c.query(
           "SELECT SUM(CAST(JSON_VALUE(resultado, '$.requisicoes') AS "
           "SIGNED)), "
           "SUM(processados + erros) FROM crm_execucoes "
           "WHERE programa = 'crm_sync' AND resultado IS NOT NULL "
           "AND iniciado_em >= NOW() - INTERVAL 10 MINUTE")
          .rows.at(0);
  std::optional<double> overall;
  if (runs.integer(1) > 0) {
    overall = static_cast<double>(runs.integer(0)) /
              static_cast<double>(runs.integer(1));
  }
  for (const db::Row& row :
       c.query("SELECT l.id_loja, l.itens, b.usadas FROM (SELECT id_loja, "
               "COUNT(*) AS itens FROM crm_sync_log WHERE criado_em >= "
               "DATE_FORMAT(NOW() - INTERVAL 9 MINUTE, '%Y-%m-%d %H:%i:00') "
               "GROUP BY id_loja) l LEFT JOIN (SELECT id_loja, SUM(usadas) AS "
               "usadas FROM crm_orcamento WHERE minuto >= DATE_FORMAT(NOW() - "
               "INTERVAL 9 MINUTE, '%Y-%m-%d %H:%i:00') GROUP BY id_loja) b "
               "ON b.id_loja = l.id_loja")
           .rows) {
    report::StoreReport& store =
        store_of(stores, static_cast<int>(row.integer(0)));
    if (!row.is_null(2)) {
      store.requests_per_item = static_cast<double>(row.integer(2)) /
                                static_cast<double>(row.integer(1));
      store.requests_per_item_basis = "orcamento";
    } else if (overall) {
      store.requests_per_item = overall;
      store.requests_per_item_basis = "execucoes";
    }
  }
}

/// Whether the next crm_sync run claims the store's rows: an active,
/// valid integration, or a pause whose probe is due.
bool claimed_by_next_run(const report::StoreReport& store) {
  return store.state == "ok" ||
         (store.state == "pausada" && store.next_probe_seconds == 0);
}

/// Each store's share of the next claim of data.claim_limit rows, as the
/// fair claim would take it now (each store capped by the requests its
/// budget has left this minute), without locking or writing anything.
void add_claim_shares(db::Connection& c, report::StatusData& data) {
  queue::ClaimFilter filter;
  std::map<int, int> per_minute;
  for (const report::StoreReport& store : data.stores) {
    if (!claimed_by_next_run(store)) {
      continue;
    }
    filter.store_ids.push_back(store.store_id);
    if (store.per_minute) {
      per_minute[store.store_id] = *store.per_minute;
    }
  }
  if (filter.store_ids.empty()) {
    return;  // an empty filter would read every store
  }
  filter.store_caps = queue::RequestBudget(c).left(per_minute);
  for (const queue::StoreShare& share :
       queue::store_shares(c, filter, data.claim_limit)) {
    for (report::StoreReport& store : data.stores) {
      if (store.store_id == share.store_id) {
        store.claim_share = share.share;
        store.next_priority = share.next_priority;
        store.next_wait_seconds = share.next_wait.count();
      }
    }
  }
}

}  // namespace

void add_store_reports(db::Connection& c, report::StatusData& data) {
  Stores stores;
  const std::set<int> configured = add_integrations(c, stores);
  add_backlog(c, stores);
  add_throughput(c, stores, data);
  add_requests_per_item(c, stores);
  for (auto& [id, mirror] : read_mirrors(c)) {
    store_of(stores, id).mirror = std::move(mirror);
  }
  for (const report::StoreOutOfService& out : data.stores_out) {
    report::StoreReport& store = store_of(stores, out.store_id);
    store.state = out.state;
    store.reason = out.reason;
    store.next_probe_seconds = out.next_probe_seconds;
  }
  for (auto& [id, store] : stores) {
    if (!configured.contains(id) && store.state == "ok") {
      store.state = "sem_integracao";
      store.reason = "no integration in crm_integracoes";
    }
    data.stores.push_back(std::move(store));
  }
  add_claim_shares(c, data);
}

namespace {

/// Replaced by N in a failure reason: UUIDs, hexadecimal ids of 8 or more
/// characters with a digit and a letter, and runs of digits (not the status
/// after "HTTP "). Bound as parameters: no SQL escaping of backslashes.
constexpr const char* k_uuid =
    "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    "[0-9A-Fa-f]{12}";
constexpr const char* k_hex_id =
    "(?<![0-9A-Za-z])(?=[0-9A-Fa-f]*[0-9])(?=[0-9A-Fa-f]*[A-Fa-f])"
    "[0-9A-Fa-f]{8,}(?![0-9A-Za-z])";
constexpr const char* k_digits = "(?<!HTTP )(?<![0-9])[0-9]+";

report::FailureGroup failure_group(const db::Row& row) {
  report::FailureGroup group;
  group.store_id = static_cast<int>(row.integer(1));
  group.entity = row.text(2);
  group.given_up = row.integer(3);
  group.retrying = row.integer(4);
  group.first_seen = row.text(5);
  group.last_seen = row.text(6);
  const std::string ids = row.text(7);
  std::size_t start = 0;
  while (start < ids.size() &&
         group.examples.size() < report::k_failure_examples) {
    const std::size_t comma = std::min(ids.find(',', start), ids.size());
    group.examples.push_back(std::stoll(ids.substr(start, comma - start)));
    start = comma + 1;
  }
  return group;
}

}  // namespace

void add_failure_reasons(db::Connection& c, report::StatusData& data) {
  std::map<std::string, report::FailureReason> reasons;
  for (const db::Row& row :
       c.query(
            "SELECT reason, id_loja, entidade, SUM(processado = 1), "
            "SUM(processado = 0), DATE_FORMAT(MIN(visto), '%Y-%m-%d "
            "%H:%i:%s'), DATE_FORMAT(MAX(visto), '%Y-%m-%d %H:%i:%s'), "
            "GROUP_CONCAT(id_registro ORDER BY visto DESC, id DESC) "
            "FROM (SELECT REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE("
            "LEFT(erro, 300), ?, 'N'), ?, 'N'), ?, 'N') AS reason, id_loja, "
            "entidade, id_registro, id, processado, COALESCE(processado_em, "
            "atualizado_em, criado_em) AS visto FROM crm_sync_queue "
            "WHERE erro IS NOT NULL AND ((processado = 1 AND processado_em >= "
            "NOW() - INTERVAL 24 HOUR) OR (processado = 0 AND erro NOT LIKE "
            "'waiting:%'))) f GROUP BY reason, id_loja, entidade "
            "ORDER BY id_loja, entidade",
            {k_uuid, k_hex_id, k_digits})
           .rows) {
    report::FailureReason& reason = reasons[row.text(0)];
    reason.reason = row.text(0);
    reason.groups.push_back(failure_group(row));
    reason.total +=
        reason.groups.back().given_up + reason.groups.back().retrying;
  }
  for (auto& [text, reason] : reasons) {
    data.failures.push_back(std::move(reason));
  }
  std::stable_sort(
      data.failures.begin(), data.failures.end(),
      [](const report::FailureReason& a, const report::FailureReason& b) {
        return a.total > b.total;
      });
  if (data.failures.size() > report::k_failure_reasons) {
    data.failures.resize(report::k_failure_reasons);
  }
}

void add_recent_runs(db::Connection& c, report::StatusData& data) {
  constexpr const char* k_columns =
      "SELECT id, programa, id_loja, host, status, DATE_FORMAT(iniciado_em, "
      "'%Y-%m-%d %H:%i:%s'), IFNULL(DATE_FORMAT(finalizado_em, '%Y-%m-%d "
      "%H:%i:%s'), ''), processados, erros, adiados, "
      "IFNULL(LEFT(mensagem, 300), '') FROM crm_execucoes";
  for (const db::Row& row :
       c.query(fmt::format(
                   "({0} ORDER BY id DESC LIMIT 10) UNION ({0} WHERE status "
                   "IN ('error', 'aborted') AND iniciado_em >= NOW() - "
                   "INTERVAL 24 HOUR ORDER BY id DESC LIMIT 10) "
                   "ORDER BY id DESC",
                   k_columns))
           .rows) {
    report::RunRecord run;
    run.id = row.integer(0);
    run.program = row.text(1);
    if (!row.is_null(2)) run.store_id = static_cast<int>(row.integer(2));
    run.host = row.text(3);
    run.status = row.text(4);
    run.started = row.text(5);
    run.finished = row.text(6);
    run.processed = row.integer(7);
    run.errors = row.integer(8);
    run.deferred = row.integer(9);
    run.message = row.text(10);
    data.runs.push_back(std::move(run));
  }
}

}  // namespace crm::sync
