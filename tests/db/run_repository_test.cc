#include "crm/runs/run_repository.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "support/db_fixture.h"

using crm::runs::RunFinish;
using crm::runs::RunStart;
using crm::runs::RunStatus;

namespace {
std::string run_row(crm::db::Connection& c) {
  const auto rows = c.query(
      "SELECT CONCAT_WS('|', status, processados, IFNULL(mensagem, '-'), "
      "finalizado_em IS NOT NULL) FROM crm_execucoes");
  REQUIRE(rows.rows.size() == 1);
  return rows.rows[0].text(0);
}
}  // namespace

TEST_CASE("a guarded run is closed with the body's result", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  crm::runs::RunRepository runs(*c);
  crm::runs::guarded_run(runs, RunStart{"crm_sync", 1, "host", {}},
                         [](std::int64_t) {
                           RunFinish finish;
                           finish.processed = 7;
                           return finish;
                         });
  CHECK(run_row(*c) == "success|7|-|1");
}

TEST_CASE(
    "a run that throws after registering is closed as an error with "
    "the exception's text, made valid UTF-8",
    "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  crm::runs::RunRepository runs(*c);
  CHECK_THROWS_WITH(
      crm::runs::guarded_run(runs, RunStart{"crm_sync", {}, "host", {}},
                             [](std::int64_t) -> RunFinish {
                               throw std::runtime_error("lost \xFF here");
                             }),
      "lost \xFF here");
  CHECK(run_row(*c) == "error|0|lost \\xFF here|1");
}
