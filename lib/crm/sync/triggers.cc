#include "crm/sync/triggers.h"

#include <fmt/format.h>

#include <map>

#include "crm/config/config_loader.h"
#include "crm/integrations/integration_repository.h"
#include "crm/records/table_mapping.h"

namespace crm::sync {
namespace {

struct TableTrigger {
  Entity entity;
  records::TableMapping mapping;
  std::optional<int> fixed_store;  ///< set for tables without a store column
};

std::string trigger_name(const std::string& table, const char* suffix) {
  return fmt::format("crm_sync_{}_{}", table.substr(0, 50), suffix);
}

std::string enqueue_statement(const TableTrigger& t, int priority) {
  const std::string store =
      t.fixed_store ? std::to_string(*t.fixed_store)
                    : "NEW." + db::quote_identifier(*t.mapping.store_column);
  return fmt::format(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade) "
      "VALUES ({}, '{}', NEW.{}, 'ecletech_para_crm', {}) ON DUPLICATE KEY "
      "UPDATE "
      "prioridade = GREATEST(prioridade, VALUES(prioridade)), alteracoes = "
      "alteracoes + 1",
      store, to_db(t.entity), db::quote_identifier(t.mapping.id_column),
      priority);
}

}  // namespace

std::vector<std::string> trigger_statements(db::Connection& connection) {
  const config::Environment no_environment;
  integrations::IntegrationRepository integrations(connection, no_environment);
  std::map<std::string, TableTrigger> tables;
  for (const db::Row& row : connection
                                .query("SELECT id_loja FROM crm_integracoes "
                                       "WHERE ativo = 1 ORDER BY id_loja")
                                .rows) {
    const int store = static_cast<int>(row.integer(0));
    const auto settings = integrations.load_settings(store);
    for (auto& [entity, mapping] : records::mappings_for_store(
             settings.value_or(json::Value::object()), store)) {
      const auto existing = tables.find(mapping.table);
      if (existing != tables.end()) {
        if (!mapping.store_column || existing->second.fixed_store) {
          throw FatalError(
              fmt::format("triggers: table {} has no store column but is "
                          "mapped by more than one store",
                          mapping.table));
        }
        continue;
      }
      TableTrigger trigger{entity, mapping, std::nullopt};
      if (!mapping.store_column) trigger.fixed_store = store;
      tables.emplace(mapping.table, std::move(trigger));
    }
  }
  std::vector<std::string> statements;
  for (const auto& [table, t] : tables) {
    std::string changed;
    const auto compare = [&](const std::string& column) {
      const std::string quoted = db::quote_identifier(column);
      changed += fmt::format("{}NEW.{} <=> OLD.{}",
                             changed.empty() ? "" : " AND ", quoted, quoted);
    };
    for (const auto& [field, column] : t.mapping.columns) compare(column);
    if (t.mapping.deleted_column) compare(*t.mapping.deleted_column);
    const std::string quoted_table = db::quote_identifier(table);
    const std::string insert_name = trigger_name(table, "ai");
    const std::string update_name = trigger_name(table, "au");
    statements.push_back(fmt::format("DROP TRIGGER IF EXISTS {}",
                                     db::quote_identifier(insert_name)));
    statements.push_back(fmt::format("DROP TRIGGER IF EXISTS {}",
                                     db::quote_identifier(update_name)));
    statements.push_back(
        fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH ROW BEGIN "
                    "IF @crm_sync_applying IS NULL THEN {}; END IF; END",
                    db::quote_identifier(insert_name), quoted_table,
                    enqueue_statement(t, 10)));
    statements.push_back(fmt::format(
        "CREATE TRIGGER {} AFTER UPDATE ON {} FOR EACH ROW BEGIN "
        "IF @crm_sync_applying IS NULL AND NOT ({}) THEN {}; END IF; END",
        db::quote_identifier(update_name), quoted_table,
        changed.empty() ? "TRUE" : changed, enqueue_statement(t, 5)));
  }
  return statements;
}

std::vector<std::string> install_triggers(db::Connection& connection) {
  std::vector<std::string> names;
  for (const std::string& statement : trigger_statements(connection)) {
    connection.execute_raw(statement);
    if (statement.starts_with("CREATE TRIGGER ")) {
      const auto start = statement.find('`') + 1;
      names.push_back(
          statement.substr(start, statement.find('`', start) - start));
    }
  }
  return names;
}

int drop_triggers(db::Connection& connection) {
  const db::Rows triggers = connection.query(
      "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE "
      "TRIGGER_SCHEMA = DATABASE() "
      "AND TRIGGER_NAME LIKE 'crm\\_sync\\_%'");
  for (const db::Row& row : triggers.rows) {
    connection.execute_raw("DROP TRIGGER IF EXISTS " +
                           db::quote_identifier(row.text(0)));
  }
  return static_cast<int>(triggers.size());
}

}  // namespace crm::sync
