#include "crm/integrations/integration_repository.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <fstream>

#include "crm/core/errors.h"
#include "crm/util/strings.h"

namespace crm::integrations {
namespace {

std::string read_secret_file(const std::string& where,
                             const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw FatalError(fmt::format("{}: file '{}' not found", where, path));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw FatalError(fmt::format(
        "{}: file '{}' is readable by group or others (chmod 600 it)", where,
        path));
  }
  std::ifstream in(path);
  std::string secret;
  if (!in || !std::getline(in, secret)) {
    throw FatalError(fmt::format("{}: cannot read file '{}'", where, path));
  }
  return std::string(util::trim(secret));
}

std::string resolve(const std::string& where, const json::Value& value,
                    const config::Environment& environment) {
  if (value.is_string() || value.is_number()) {
    return value.text();
  }
  if (value.is_object()) {
    if (const json::Value* env = value.find("env"); env && env->is_string()) {
      const auto it = environment.find(env->text());
      if (it == environment.end() || it->second.empty()) {
        throw FatalError(fmt::format("{}: environment variable {} is not set",
                                     where, env->text()));
      }
      return it->second;
    }
    if (const json::Value* file = value.find("file");
        file && file->is_string()) {
      return read_secret_file(where, file->text());
    }
  }
  throw FatalError(fmt::format(
      "{}: expected a string, {{\"env\": \"VAR\"}} or {{\"file\": \"/path\"}}",
      where));
}

json::Value parse_object(const std::string& where,
                         const std::optional<std::string>& text) {
  if (!text || util::trim(*text).empty()) {
    return json::Value::object();
  }
  std::string error;
  auto value = json::parse(*text, &error);
  if (!value) {
    throw FatalError(fmt::format("{}: invalid JSON: {}", where, error));
  }
  if (!value->is_object()) {
    throw FatalError(fmt::format("{}: must be a JSON object", where));
  }
  return std::move(*value);
}

}  // namespace

db::Rows IntegrationRepository::active_rows(std::optional<int> store_id) {
  std::string sql =
      "SELECT id, id_loja, provider, base_url, credenciais, configuracoes "
      "FROM crm_integracoes WHERE ativo = 1";
  db::Params params;
  if (store_id) {
    sql += " AND id_loja = ?";
    params.emplace_back(*store_id);
  }
  sql += " ORDER BY id_loja";
  return m_connection.query(sql, params);
}

std::vector<LoadedIntegration> IntegrationRepository::load_each(
    std::optional<int> store_id) {
  std::vector<LoadedIntegration> result;
  for (const db::Row& row : active_rows(store_id).rows) {
    LoadedIntegration loaded;
    loaded.store_id = static_cast<int>(row.integer(1));
    try {
      loaded.integration = integration_from_row(row);
    } catch (const FatalError& error) {
      loaded.error = error.what();
    }
    result.push_back(std::move(loaded));
  }
  return result;
}

std::optional<Integration> IntegrationRepository::load_without_secrets(
    int store_id) {
  const db::Rows rows = active_rows(store_id);
  if (rows.empty()) return std::nullopt;
  return integration_from_row(rows.rows[0], false);
}

Integration IntegrationRepository::integration_from_row(
    const db::Row& row, bool resolve_credentials) {
  Integration integration;
  integration.id = static_cast<int>(row.integer(0));
  integration.store_id = static_cast<int>(row.integer(1));
  integration.provider = row.text(2);
  integration.base_url = row.text(3);
  const std::string where =
      fmt::format("crm_integracoes: store {}", integration.store_id);
  const json::Value credentials =
      parse_object(where + ": credenciais", row.get(4));
  for (const auto& [key, value] : credentials.members()) {
    if (!resolve_credentials) continue;
    integration.credentials.set(
        key, resolve(fmt::format("{}: credential '{}'", where, key), value,
                     m_environment));
  }
  integration.settings = parse_object(where + ": configuracoes", row.get(5));
  if (!integration.base_url.starts_with("http://") &&
      !integration.base_url.starts_with("https://")) {
    throw FatalError(
        fmt::format("{}: base_url must start with http:// or https://", where));
  }
  return integration;
}

std::vector<Integration> IntegrationRepository::load_active(
    std::optional<int> store_id) {
  std::vector<Integration> result;
  for (LoadedIntegration& loaded : load_each(store_id)) {
    if (loaded.error) {
      throw FatalError(*loaded.error);
    }
    result.push_back(std::move(*loaded.integration));
  }
  return result;
}

std::optional<json::Value> IntegrationRepository::load_settings(int store_id) {
  const db::Rows rows = m_connection.query(
      "SELECT configuracoes FROM crm_integracoes WHERE ativo = 1 AND id_loja = "
      "?",
      {store_id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return parse_object(
      fmt::format("crm_integracoes: store {}: configuracoes", store_id),
      rows.rows[0].get(0));
}

}  // namespace crm::integrations
