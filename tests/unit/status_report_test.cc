#include "crm/report/status_report.h"

#include <catch2/catch.hpp>

#include "crm/json/json.h"

using crm::report::capacity_per_minute;
using crm::report::drain_estimate;
using crm::report::StoreReport;

namespace {

StoreReport store_with(std::int64_t pending, std::int64_t finished,
                       std::int64_t active_minutes) {
  StoreReport store;
  store.pending = pending;
  store.finished_10m = finished;
  store.active_minutes_10m = active_minutes;
  return store;
}

}  // namespace

TEST_CASE(
    "the drain estimate divides the backlog by the rate per active minute",
    "[unit]") {
  // 800 rows at 100 a minute: 8 minutes, however long the queue sat idle
  // before (the rate is per minute that finished rows, not per hour).
  const auto drain = drain_estimate(store_with(800, 300, 3));
  CHECK(drain.minutes == 8);
  CHECK(drain.basis == "observado");
  CHECK(drain_estimate(store_with(0, 0, 0)).minutes == 0);
  CHECK(drain_estimate(store_with(0, 0, 0)).basis == "vazia");
}

TEST_CASE("without a recent rate the estimate comes from the budget and pacing",
          "[unit]") {
  StoreReport store = store_with(900, 0, 0);
  CHECK_FALSE(drain_estimate(store).minutes.has_value());
  store.per_minute = 180;
  store.per_second = 3;  // 50 s * 3 / 1.1 = 136.4 requests a minute
  store.requests_per_item = 2.0;
  REQUIRE(capacity_per_minute(store).has_value());
  CHECK(*capacity_per_minute(store) == Approx(68.18).epsilon(0.001));
  const auto drain = drain_estimate(store);
  CHECK(drain.minutes == 14);  // 900 / 68.18, rounded up
  CHECK(drain.basis == "orcamento");
  store.per_second.reset();  // the budget alone: 180 / 2 = 90 a minute
  CHECK(*capacity_per_minute(store) == Approx(90.0));
}

namespace {

/// Store 1 mirrors customers (complete, read, a conflict) and products (a
/// pull under way that failed, never complete); store 2 has no mirror.
crm::report::StatusData data_with_mirrors() {
  crm::report::StatusData data;
  StoreReport store;
  store.store_id = 1;
  crm::report::MirrorReport customers;
  customers.entity = "cliente";
  customers.records = 1520;
  customers.complete_age_seconds = 3 * 3600;
  customers.pull_age_seconds = 45;
  customers.cursor = "2026-11-30T03:49:00Z";
  customers.pulled_1h = 4;
  customers.conflicts_1h = 1;
  customers.last_conflict =
      "conflict on 'name' (clientes.nome): local 'Ana Local' vs CRM \"Ana\"";
  store.mirror.push_back(customers);
  crm::report::MirrorReport products;
  products.entity = "produto";
  products.records = 80;
  products.pull_age_seconds = 300;
  products.pull_under_way = true;
  products.error = "GET /products: HTTP 503";
  store.mirror.push_back(products);
  data.stores.push_back(store);
  StoreReport plain;
  plain.store_id = 2;
  data.stores.push_back(plain);
  return data;
}

}  // namespace

TEST_CASE("the screen shows each store's mirror in a section of its own",
          "[unit]") {
  const std::string text =
      crm::report::format_status_text(data_with_mirrors(), "[now]");
  CHECK(text.find(
            "\nEspelho do CRM:\n"
            "  Loja 1 cliente: 1520 registros; completo há 180 min; lido há "
            "45 s; cursor 2026-11-30T03:49:00Z; última hora: 4 alterações "
            "puxadas, 1 conflitos\n"
            "    último conflito: conflict on 'name' (clientes.nome): local "
            "'Ana Local' vs CRM \"Ana\"\n"
            "  Loja 1 produto: 80 registros; nunca completo; lido há 5 min; "
            "sem cursor (a próxima leitura lê tudo); leitura em andamento "
            "(retoma da página salva); última hora: 0 alterações puxadas, 0 "
            "conflitos\n"
            "    a última leitura falhou: GET /products: HTTP 503\n") !=
        std::string::npos);
  CHECK(text.find("Loja 2 cliente") == std::string::npos);
  crm::report::StatusData none = data_with_mirrors();
  none.stores[0].mirror.clear();
  CHECK(crm::report::format_status_text(none, "[now]").find("Espelho") ==
        std::string::npos);
}

TEST_CASE("the JSON gives each store an \"espelho\" array", "[unit]") {
  const auto json =
      crm::json::parse(crm::report::format_status_json(data_with_mirrors()));
  REQUIRE(json);
  const crm::json::Value& stores = *json->find("lojas");
  const crm::json::Value& mirror = *stores.items().at(0).find("espelho");
  REQUIRE(mirror.items().size() == 2);
  const crm::json::Value& customers = mirror.items().at(0);
  CHECK(crm::json::dump(customers) ==
        R"({"entidade":"cliente","registros":1520,"desde_completo_s":10800,)"
        R"("desde_leitura_s":45,"cursor_alteracao":"2026-11-30T03:49:00Z",)"
        R"("leitura_em_andamento":false,"erro":null,)"
        R"("alteracoes_puxadas_1h":4,"conflitos_1h":1,"ultimo_conflito":)"
        R"("conflict on 'name' (clientes.nome): local 'Ana Local' vs CRM )"
        R"(\"Ana\""})");
  const crm::json::Value& products = mirror.items().at(1);
  CHECK(products.find("desde_completo_s")->is_null());
  CHECK(products.find("cursor_alteracao")->is_null());
  CHECK(products.find("ultimo_conflito")->is_null());
  CHECK(products.find("erro")->text() == "GET /products: HTTP 503");
  CHECK(stores.items().at(1).find("espelho")->items().empty());
}

TEST_CASE("the mirror's gauges have a sample per store and entity", "[unit]") {
  const std::string metrics =
      crm::report::format_status_prometheus(data_with_mirrors());
  for (const char* line : {
           "crm_mirror_records{loja=\"1\",entidade=\"cliente\"} 1520\n",
           "crm_mirror_records{loja=\"1\",entidade=\"produto\"} 80\n",
           "crm_mirror_complete_age_seconds{loja=\"1\",entidade=\"cliente\"} "
           "10800\n",
           "crm_mirror_pull_age_seconds{loja=\"1\",entidade=\"produto\"} 300\n",
           "crm_mirror_pull_under_way{loja=\"1\",entidade=\"produto\"} 1\n",
           "crm_mirror_pull_failed{loja=\"1\",entidade=\"cliente\"} 0\n",
           "crm_mirror_pull_failed{loja=\"1\",entidade=\"produto\"} 1\n",
           "crm_mirror_pulled_changes_1h{loja=\"1\",entidade=\"cliente\"} 4\n",
           "crm_mirror_conflicts_1h{loja=\"1\",entidade=\"cliente\"} 1\n",
           "# TYPE crm_mirror_conflicts_1h gauge\n",
       }) {
    CHECK(metrics.find(line) != std::string::npos);
  }
  // Never complete: no sample rather than a made-up age.
  CHECK(metrics.find("crm_mirror_complete_age_seconds{loja=\"1\",entidade="
                     "\"produto\"}") == std::string::npos);
  CHECK(metrics.find("{loja=\"2\",entidade=") == std::string::npos);
}
