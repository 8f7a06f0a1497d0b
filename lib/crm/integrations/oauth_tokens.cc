#include "crm/integrations/oauth_tokens.h"

namespace crm::integrations {

std::optional<StoredToken> load_token(db::Connection& connection,
                                      int integration_id, int margin_seconds) {
  const db::Rows rows = connection.query(
      "SELECT access_token, refresh_token, refresh_token_inicial, "
      "expira_em > NOW() + INTERVAL ? SECOND FROM crm_oauth_tokens WHERE "
      "id_integracao = ?",
      {margin_seconds, integration_id});
  if (rows.rows.empty()) return std::nullopt;
  const db::Row& row = rows.rows.front();
  return StoredToken{row.get(0).value_or(""), row.get(1).value_or(""),
                     row.get(2).value_or(""), row.integer(3) == 1};
}

void save_token(db::Connection& connection, int integration_id,
                const std::string& access_token,
                const std::string& refresh_token,
                const std::string& initial_refresh_token,
                std::int64_t expires_in_seconds) {
  connection.execute(
      "INSERT INTO crm_oauth_tokens (id_integracao, access_token, "
      "refresh_token, "
      "refresh_token_inicial, expira_em) VALUES (?, ?, ?, ?, NOW() + INTERVAL "
      "? SECOND) "
      "ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), "
      "refresh_token = VALUES(refresh_token), "
      "refresh_token_inicial = VALUES(refresh_token_inicial), expira_em = "
      "VALUES(expira_em)",
      {integration_id, access_token, refresh_token, initial_refresh_token,
       static_cast<long long>(expires_in_seconds)});
}

void expire_token(db::Connection& connection, int integration_id) {
  connection.execute(
      "UPDATE crm_oauth_tokens SET expira_em = NOW() WHERE id_integracao = ?",
      {integration_id});
}

}  // namespace crm::integrations
