#include "crm/db/migrator.h"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/db_fixture.h"

namespace {

using crm::db::Connection;

std::unique_ptr<Connection> fresh_database(const std::string& suffix) {
  crm::DbSettings settings = crm::testing::test_db_settings();
  const std::string name = fmt::format("{}_{}", settings.name, suffix);
  settings.name = "";
  auto admin = Connection::open(settings);
  admin->execute_raw(fmt::format("DROP DATABASE IF EXISTS `{}`", name));
  admin->execute_raw(
      fmt::format("CREATE DATABASE `{}` CHARACTER SET utf8mb4", name));
  settings.name = name;
  return Connection::open(settings);
}

const std::string k_migrations = std::string(CRM_SOURCE_DIR) + "/migrations";

}  // namespace

TEST_CASE("migrator applies every migration once and records it", "[db]") {
  auto connection = fresh_database("fresh");
  crm::db::Migrator migrator(*connection, k_migrations,
                             crm::db::MigrationSet::core);
  const auto applied = migrator.apply_pending();
  REQUIRE(applied.size() >= 6);
  CHECK(applied.front() == "001_crm_sync_queue");
  for (const auto& status : migrator.status()) {
    CHECK(status.applied_at.has_value());
  }
  CHECK(migrator.apply_pending().empty());
  // Demo tables are separate and opt-in.
  CHECK(connection->query("SHOW TABLES LIKE 'clientes'").empty());
}

TEST_CASE("status of a new database writes nothing and lists all pending",
          "[db]") {
  auto connection = fresh_database("status_only");
  crm::db::Migrator migrator(*connection, k_migrations,
                             crm::db::MigrationSet::core);
  CHECK_FALSE(migrator.has_table());
  const auto statuses = migrator.status();
  REQUIRE(statuses.size() >= 6);
  for (const auto& status : statuses) {
    CHECK_FALSE(status.applied_at.has_value());
  }
  CHECK(connection->query("SHOW TABLES").empty());
  migrator.apply_pending();
  CHECK(migrator.has_table());
}

TEST_CASE("migrator upgrades a seed 000 queue in place without losing a row",
          "[db]") {
  auto connection = fresh_database("upgrade");
  // The application's table exactly as seed 000 creates it, latin1 like an
  // old server default, holding pending, done and duplicate pending rows.
  connection->execute_raw(R"(CREATE TABLE crm_sync_queue (
      id INT AUTO_INCREMENT PRIMARY KEY, id_loja INT NOT NULL,
      entidade ENUM('cliente','produto','venda','atividade') NOT NULL,
      id_registro INT NOT NULL,
      direcao ENUM('ecletech_para_crm','crm_para_ecletech') NOT NULL,
      prioridade INT DEFAULT 0, tentativas INT DEFAULT 0, processado TINYINT(1) DEFAULT 0,
      erro TEXT NULL, criado_em TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      processado_em TIMESTAMP NULL,
      INDEX idx_processar (processado, id_loja, prioridade DESC, criado_em ASC),
      INDEX idx_entidade (entidade, id_registro)) ENGINE=InnoDB DEFAULT CHARSET=latin1)");
  connection->execute_raw(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade, "
      "tentativas, processado, erro) VALUES "
      "(1,'cliente',5,'ecletech_para_crm',0,0,0,NULL),"
      "(1,'cliente',5,'ecletech_para_crm',10,1,0,'timeout'),"
      "(1,'produto',6,'ecletech_para_crm',3,0,0,NULL),"
      "(2,'venda',7,'crm_para_ecletech',0,3,1,'HTTP 422'),"
      "(2,'venda',8,'ecletech_para_crm',0,1,1,NULL)");

  crm::db::Migrator(*connection, k_migrations, crm::db::MigrationSet::core)
      .apply_pending();

  CHECK(connection->query("SELECT COUNT(*) FROM crm_sync_queue")
            .rows[0]
            .integer(0) == 5);
  // The duplicate pending pair became one pending row with the higher
  // priority; the other is closed with a note, not deleted.
  const auto pending = connection->query(
      "SELECT id, prioridade FROM crm_sync_queue WHERE processado = 0 AND "
      "id_registro = 5");
  REQUIRE(pending.size() == 1);
  CHECK(pending.rows[0].integer(0) == 1);
  CHECK(pending.rows[0].integer(1) == 10);
  CHECK(connection->query("SELECT erro FROM crm_sync_queue WHERE id = 2")
            .rows[0]
            .text(0) ==
        "duplicate pending row merged into #1 by migration 002");
  // Finished rows keep their meaning.
  CHECK(connection->query("SELECT erro FROM crm_sync_queue WHERE id = 4")
            .rows[0]
            .text(0) == "HTTP 422");
  // And the table is utf8mb4 now.
  CHECK(
      connection
          ->query("SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE "
                  "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'crm_sync_queue'")
          .rows[0]
          .text(0)
          .starts_with("utf8mb4"));
}

TEST_CASE("a failing migration names the file and statement and stops",
          "[db]") {
  auto connection = fresh_database("broken");
  const std::string dir =
      fmt::format("/tmp/crm-broken-migrations-{}", ::getpid());
  std::system(fmt::format("rm -rf {0} && mkdir -p {0}", dir).c_str());
  std::system(
      fmt::format("printf 'CREATE TABLE a (x INT);\\n' > {}/001_ok.sql", dir)
          .c_str());
  std::system(
      fmt::format(
          "printf 'CREATE TABLE b (x INT);\\nNOT SQL;\\n' > {}/002_bad.sql",
          dir)
          .c_str());
  crm::db::Migrator migrator(*connection, dir, crm::db::MigrationSet::core);
  REQUIRE_THROWS_WITH(
      migrator.apply_pending(),
      Catch::StartsWith("migration 002_bad: statement 2: database:"));
  const auto status = migrator.status();
  CHECK(status[0].applied_at.has_value());
  CHECK_FALSE(status[1].applied_at.has_value());
  std::system(fmt::format("rm -rf {}", dir).c_str());
}

TEST_CASE("migrator refuses a directory without migrations", "[db]") {
  auto connection = crm::testing::connect();
  REQUIRE_THROWS_WITH(crm::db::Migrator(*connection, "/nonexistent",
                                        crm::db::MigrationSet::core),
                      Catch::Contains("no NNN_*.sql files"));
}
