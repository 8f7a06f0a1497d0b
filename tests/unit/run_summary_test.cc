#include "crm/report/run_summary.h"

#include <catch2/catch.hpp>

#include "crm/json/json.h"

using crm::report::SyncSummary;

TEST_CASE("the summary line starts with the seed's exact format", "[unit]") {
  SyncSummary summary;
  summary.processed = 98;
  summary.errors = 2;
  summary.seconds = 1.42;
  CHECK(crm::report::format_sync_line(summary, "[2026-11-23 10:00:01]") ==
        "[2026-11-23 10:00:01] Processados: 98 | Erros: 2 | Tempo: 1.42s | "
        "Taxa: 69.01 req/s | Adiados: 0");
  SyncSummary idle;
  CHECK(crm::report::format_sync_line(idle, "[t]") ==
        "[t] Processados: 0 | Erros: 0 | Tempo: 0.00s | Taxa: 0.00 req/s | "
        "Adiados: 0");
}

TEST_CASE("the JSON summary parses back with the same counts", "[unit]") {
  SyncSummary summary;
  summary.processed = 3;
  summary.errors = 1;
  summary.deferred = 4;
  summary.run_id = 77;
  const auto parsed = crm::json::parse(crm::report::sync_json(summary));
  REQUIRE(parsed.has_value());
  CHECK(parsed->find("processados")->text() == "3");
  CHECK(parsed->find("erros")->text() == "1");
  CHECK(parsed->find("adiados")->text() == "4");
  CHECK(parsed->find("id_execucao")->text() == "77");
  CHECK(parsed->find("dry_run")->as_bool() == false);
}

TEST_CASE("the mirror's changes and conflicts end the line when there are any",
          "[unit]") {
  SyncSummary summary;
  summary.mirror_records = 40;
  summary.mirror_changes = 3;
  CHECK(crm::report::format_sync_line(summary, "[t]") ==
        "[t] Processados: 0 | Erros: 0 | Tempo: 0.00s | Taxa: 0.00 req/s | "
        "Adiados: 0 | Do CRM: 3");
  summary.mirror_conflicts = 2;
  summary.paused_stores = 1;
  CHECK(crm::report::format_sync_line(summary, "[t]") ==
        "[t] Processados: 0 | Erros: 0 | Tempo: 0.00s | Taxa: 0.00 req/s | "
        "Adiados: 0 | Do CRM: 3 (2 conflitos) | Lojas pausadas: 1");
  const auto parsed = crm::json::parse(crm::report::sync_json(summary));
  REQUIRE(parsed.has_value());
  const auto* mirror = parsed->find("espelho");
  REQUIRE(mirror != nullptr);
  CHECK(mirror->find("lidos")->text() == "40");
  CHECK(mirror->find("alteracoes")->text() == "3");
  CHECK(mirror->find("conflitos")->text() == "2");
}

TEST_CASE("item lines say what happened to each row", "[unit]") {
  crm::QueueRow row;
  row.record_id = 12;
  row.store_id = 1;
  row.attempts = 2;
  CHECK(crm::report::format_item_line(
            row,
            crm::ItemOutcome::succeeded(crm::Operation::create, "ok", "55"),
            34) ==
        "cliente #12 (loja 1, ecletech_para_crm): sucesso create "
        "external_id=55 (34 ms)");
  CHECK(crm::report::format_item_line(
            row,
            crm::ItemOutcome::failed(crm::OutcomeKind::transient, "HTTP 503"),
            0) ==
        "cliente #12 (loja 1, ecletech_para_crm): erro transient attempt 2/10: "
        "HTTP 503");
}
