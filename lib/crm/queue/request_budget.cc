#include "crm/queue/request_budget.h"

#include <algorithm>

namespace crm::queue {
namespace {
constexpr const char* k_minute = "DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:00')";
}  // namespace

Grant RequestBudget::reserve(int store_id, int per_minute, int wanted) {
  return db::with_transaction(m_connection, [&] {
    m_connection.execute(
        std::string(
            "INSERT IGNORE INTO crm_orcamento (id_loja, minuto) VALUES (?, ") +
            k_minute + ")",
        {store_id});
    const db::Row row =
        m_connection
            .query(std::string(
                       "SELECT usadas, 60 - SECOND(NOW()) FROM crm_orcamento "
                       "WHERE id_loja = ? AND minuto = ") +
                       k_minute + " FOR UPDATE",
                   {store_id})
            .rows.at(0);
    Grant grant;
    grant.minute_left = std::chrono::seconds(row.integer(1));
    grant.requests = std::clamp<int>(
        per_minute - static_cast<int>(row.integer(0)), 0, wanted);
    if (grant.requests > 0) {
      m_connection.execute(
          std::string("UPDATE crm_orcamento SET usadas = usadas + ? "
                      "WHERE id_loja = ? AND minuto = ") +
              k_minute,
          {grant.requests, store_id});
    }
    return grant;
  });
}

void RequestBudget::give_back(int store_id, int unused) {
  if (unused <= 0) return;
  m_connection.execute(
      std::string("UPDATE crm_orcamento SET usadas = GREATEST(usadas - ?, 0) "
                  "WHERE id_loja = ? AND minuto = ") +
          k_minute,
      {unused, store_id});
}

std::map<int, int> RequestBudget::left(const std::map<int, int>& per_minute) {
  std::map<int, int> out = per_minute;
  if (per_minute.empty()) {
    return out;
  }
  db::Params params;
  for (const auto& [store_id, limit] : per_minute) {
    params.emplace_back(store_id);
  }
  const db::Rows rows = m_connection.query(
      std::string("SELECT id_loja, usadas FROM crm_orcamento WHERE minuto = ") +
          k_minute + " AND id_loja IN (" + db::placeholders(params.size()) +
          ")",
      params);
  for (const db::Row& row : rows.rows) {
    int& left = out.at(static_cast<int>(row.integer(0)));
    left = std::max(0, left - static_cast<int>(row.integer(1)));
  }
  return out;
}

}  // namespace crm::queue
