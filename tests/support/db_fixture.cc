#include "support/db_fixture.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <stdexcept>

#include "crm/db/migrator.h"
#include "crm/util/strings.h"

namespace crm::testing {
namespace {

DbSettings load_settings() {
  std::ifstream in(CRM_TEST_DB_ENV_FILE);
  if (!in) {
    throw std::runtime_error(fmt::format(
        "{} not found: start the test database (ctest runs db.start first)",
        CRM_TEST_DB_ENV_FILE));
  }
  DbSettings settings;
  std::string line;
  while (std::getline(in, line)) {
    const auto equals = line.find('=');
    if (!line.starts_with("export ") || equals == std::string::npos) continue;
    const std::string key = line.substr(7, equals - 7);
    const std::string value = line.substr(equals + 1);
    if (key == "CRM_DB_HOST") settings.host = value;
    if (key == "CRM_DB_PORT")
      settings.port = static_cast<int>(*util::parse_int(value));
    if (key == "CRM_DB_USER") settings.user = value;
    if (key == "CRM_DB_PASSWORD") settings.password = value;
  }
  settings.name = fmt::format("crm_test_{}", ::getpid());
  return settings;
}

}  // namespace

const DbSettings& test_db_settings() {
  static const DbSettings settings = [] {
    DbSettings s = load_settings();
    DbSettings admin = s;
    admin.name = "";
    auto connection = db::Connection::open(admin);
    connection->execute_raw(
        fmt::format("DROP DATABASE IF EXISTS `{}`", s.name));
    connection->execute_raw(fmt::format(
        "CREATE DATABASE `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        s.name));
    auto migrated = db::Connection::open(s);
    db::Migrator(*migrated, std::string(CRM_SOURCE_DIR) + "/migrations",
                 db::MigrationSet::core_and_demo)
        .apply_pending();
    return s;
  }();
  return settings;
}

std::unique_ptr<db::Connection> connect() {
  return db::Connection::open(test_db_settings());
}

void reset_tables(db::Connection& connection) {
  for (const char* table :
       {"crm_sync_queue", "crm_sync_log", "crm_integracoes", "crm_execucoes",
        "crm_fila", "clientes", "produtos", "vendas", "atividades"}) {
    connection.execute_raw(fmt::format("DELETE FROM {}", table));
  }
}

}  // namespace crm::testing
