#include "crm/sync/profile_command.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/db/connection.h"
#include "crm/integrations/integration_repository.h"
#include "crm/json/json.h"
#include "crm/providers/profile_description.h"
#include "crm/providers/provider_factory.h"
#include "crm/records/table_mapping.h"

namespace crm::sync {
namespace {

json::Value columns_of(
    const std::vector<std::pair<std::string, std::string>>& columns) {
  json::Value out = json::Value::object();
  for (const auto& [field, column] : columns) {
    out.set(field, json::Value::string(column));
  }
  return out;
}

/// The local side: per entity its table and {logical field: column}, in the
/// vocabulary of configuracoes.tables (null: disabled).
json::Value describe_tables(const json::Value& settings, int store_id) {
  const auto mappings = records::mappings_for_store(settings, store_id);
  json::Value out = json::Value::object();
  for (const Entity entity : k_all_entities) {
    const auto it = mappings.find(entity);
    if (it == mappings.end()) {
      out.set(std::string(to_db(entity)), json::Value());
      continue;
    }
    json::Value table = json::Value::object();
    table.set("table", json::Value::string(it->second.table));
    table.set("columns", columns_of(it->second.columns));
    json::Value children = json::Value::object();
    for (const records::ChildMapping& child : it->second.children) {
      json::Value one = json::Value::object();
      one.set("table", json::Value::string(child.table));
      one.set("columns", columns_of(child.columns));
      children.set(child.name, std::move(one));
    }
    if (!it->second.children.empty())
      table.set("children", std::move(children));
    out.set(std::string(to_db(entity)), std::move(table));
  }
  return out;
}

}  // namespace

std::string describe_profile(const Config& config,
                             const config::Environment& environment,
                             const ProfileQuery& query) {
  providers::Profile profile;
  json::Value settings = json::Value::object();
  int store_id = 0;
  if (query.store_id) {
    const auto connection = db::Connection::open(config.db);
    integrations::IntegrationRepository repository(*connection, environment);
    const auto integration = repository.load_without_secrets(*query.store_id);
    if (!integration) {
      throw FatalError(
          fmt::format("store {} has no active integration in crm_integracoes",
                      *query.store_id));
    }
    profile = providers::effective_profile(*integration);
    settings = integration->settings;
    store_id = *query.store_id;
  } else {
    profile = providers::default_profile(query.provider);
  }
  if (query.markdown) return providers::profile_markdown(profile);
  json::Value out = providers::describe_profile(profile);
  out.set("tables", describe_tables(settings, store_id));
  return json::dump_pretty(out);
}

}  // namespace crm::sync
