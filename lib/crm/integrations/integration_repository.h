// crm_integracoes: which provider each store uses, with what credentials.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crm/config/config_loader.h"
#include "crm/db/connection.h"
#include "crm/integrations/integration.h"
#include "crm/json/json.h"

namespace crm::integrations {

/// Reads crm_integracoes.
/// One active integration as read: the integration, or why it cannot be
/// used (malformed JSON, an unresolvable credential, a bad base_url).
struct LoadedIntegration {
  int store_id = 0;
  std::optional<Integration> integration;
  std::optional<std::string> error;
};

class IntegrationRepository {
 public:
  IntegrationRepository(db::Connection& connection,
                        const config::Environment& environment)
      : m_connection(connection), m_environment(environment) {}

  /// The active integrations, of one store or of all. Credentials are
  /// resolved: a value may be the secret, {"env": "VAR"} or {"file": "/path"}
  /// (a file readable by group or others is refused). Throws FatalError
  /// naming the store on malformed JSON or an unresolvable credential.
  [[nodiscard]] std::vector<Integration> load_active(
      std::optional<int> store_id);

  /// Like load_active, but one store's problem does not stop the others:
  /// each row comes back with its integration or its error.
  [[nodiscard]] std::vector<LoadedIntegration> load_each(
      std::optional<int> store_id);

  /// A store's active integration with its credentials left unresolved
  /// (empty): for showing its configuration on a machine that need not hold
  /// its secrets (crm_sync --print-profile). nullopt when the store has none.
  /// Throws FatalError naming the store on malformed JSON or base_url.
  [[nodiscard]] std::optional<Integration> load_without_secrets(int store_id);

  /// The `configuracoes` of a store's active integration, without resolving
  /// credentials (for programs that only need the table mapping); nullopt
  /// when the store has none. Throws FatalError on malformed JSON.
  [[nodiscard]] std::optional<json::Value> load_settings(int store_id);

 private:
  /// Throws FatalError naming the store and what is wrong.
  Integration integration_from_row(const db::Row& row,
                                   bool resolve_credentials = true);
  db::Rows active_rows(std::optional<int> store_id);

  db::Connection& m_connection;
  const config::Environment& m_environment;
};

}  // namespace crm::integrations
