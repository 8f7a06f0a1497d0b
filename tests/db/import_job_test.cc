#include "crm/sync/import_job.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "crm/http/curl_transport.h"
#include "support/db_fixture.h"
#include "support/fake_process.h"

TEST_CASE("an import page that waits out a lock is retried whole, not lost",
          "[db]") {
  auto connection = crm::testing::connect();
  crm::testing::reset_tables(*connection);
  crm::testing::FakeCrmProcess fake(0);
  crm::http::Request seed;
  seed.method = "POST";
  seed.url = fake.base_url() + "/_records/clientes";
  seed.body =
      R"([{"nome": "A", "email": "a@x.com"}, {"nome": "B", "email": "b@x.com"},
          {"nome": "C", "email": "c@x.com"}])";
  REQUIRE(crm::http::perform(seed).status / 100 == 2);
  connection->execute(
      "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, "
      "configuracoes) VALUES (1, 'generic', ?, '{\"token\": \"test-token\"}', "
      "'{\"page_size\": 10}')",
      {fake.base_url() + "/api"});

  // Another session holds the insert gap of clientes for 1.5 s; the import
  // waits at most 1 s for a lock, so its first attempt at the page times out.
  auto holder = crm::testing::connect();
  holder->begin();
  (void)holder->query("SELECT id FROM clientes FOR UPDATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    holder->rollback();
  });
  connection->execute_raw("SET SESSION innodb_lock_wait_timeout = 1");
  const auto result = crm::sync::run_import(
      *connection, {},
      crm::sync::ImportOptions{1, crm::Entity::customer, 1,
                               std::chrono::seconds(30)});
  release.join();

  INFO(result.stopped_by.value_or("-"));
  CHECK(result.failed == 0);
  CHECK(result.created == 3);
  CHECK(result.finished);
  CHECK(connection->query("SELECT COUNT(*) FROM clientes").rows[0].integer(0) ==
        3);
  CHECK(connection
            ->query("SELECT CONCAT(status, '|', criados, '|', falhas) FROM "
                    "crm_fila")
            .rows[0]
            .text(0) == "concluido|3|0");
}
