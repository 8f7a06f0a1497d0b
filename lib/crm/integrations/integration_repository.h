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

  /// The `configuracoes` of a store's active integration, without resolving
  /// credentials (for programs that only need the table mapping); nullopt
  /// when the store has none. Throws FatalError on malformed JSON.
  [[nodiscard]] std::optional<json::Value> load_settings(int store_id);

 private:
  db::Connection& m_connection;
  const config::Environment& m_environment;
};

}  // namespace crm::integrations
