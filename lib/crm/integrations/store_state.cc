#include "crm/integrations/store_state.h"

#include <algorithm>

#include "crm/util/strings.h"

namespace crm::integrations {
namespace {

StoreHealth health_from_db(const std::string& text) {
  if (text == "pausada") return StoreHealth::paused;
  if (text == "invalida") return StoreHealth::invalid;
  return StoreHealth::ok;
}

}  // namespace

std::chrono::seconds pause_duration(int pauses) {
  const int exponent = std::clamp(pauses - 1, 0, 6);
  return std::chrono::seconds(std::min(60LL << exponent, 3600LL));
}

std::map<int, StoreStatus> StoreStates::load() {
  std::map<int, StoreStatus> states;
  const db::Rows rows = m_connection.query(
      "SELECT id_loja, estado, IFNULL(motivo, ''), pausas_seguidas, "
      "estado = 'pausada' AND (proxima_sonda IS NULL OR proxima_sonda <= "
      "NOW()) FROM crm_lojas_estado");
  for (const db::Row& row : rows.rows) {
    StoreStatus status;
    status.health = health_from_db(row.text(1));
    status.reason = row.text(2);
    status.pauses = static_cast<int>(row.integer(3));
    status.probe_due = row.integer(4) != 0;
    states.emplace(static_cast<int>(row.integer(0)), std::move(status));
  }
  return states;
}

namespace {

/// A reason fit for a utf8mb4 TEXT column whatever produced it.
std::string storable(const std::string& reason) {
  return util::safe_text(reason, 2000);
}

}  // namespace

bool StoreStates::pause(int store_id, const std::string& reason) {
  // Runs on several hosts may pause one store at once: an upsert race is a
  // deadlock, which with_transaction retries.
  return db::with_transaction(m_connection,
                              [&] { return pause_once(store_id, reason); });
}

bool StoreStates::pause_once(int store_id, const std::string& reason) {
  const db::Rows before = m_connection.query(
      "SELECT estado, pausas_seguidas FROM crm_lojas_estado WHERE id_loja = ?",
      {store_id});
  const bool was_paused =
      !before.empty() && before.rows[0].text(0) == "pausada";
  const int pauses =
      (was_paused ? static_cast<int>(before.rows[0].integer(1)) : 0) + 1;
  m_connection.execute(
      "INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde, "
      "proxima_sonda, pausas_seguidas) VALUES (?, 'pausada', ?, NOW(), NOW() + "
      "INTERVAL ? SECOND, ?) ON DUPLICATE KEY UPDATE desde = IF(estado = "
      "'pausada', desde, NOW()), estado = 'pausada', motivo = VALUES(motivo), "
      "proxima_sonda = VALUES(proxima_sonda), pausas_seguidas = "
      "VALUES(pausas_seguidas)",
      {store_id, storable(reason),
       static_cast<long long>(pause_duration(pauses).count()), pauses});
  return !was_paused;
}

bool StoreStates::invalidate(int store_id, const std::string& reason) {
  return db::with_transaction(
      m_connection, [&] { return invalidate_once(store_id, reason); });
}

bool StoreStates::invalidate_once(int store_id, const std::string& reason) {
  const db::Rows before = m_connection.query(
      "SELECT estado, IFNULL(motivo, '') FROM crm_lojas_estado WHERE id_loja "
      "= ?",
      {store_id});
  const bool same = !before.empty() && before.rows[0].text(0) == "invalida" &&
                    before.rows[0].text(1) == storable(reason);
  m_connection.execute(
      "INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde) VALUES "
      "(?, 'invalida', ?, NOW()) ON DUPLICATE KEY UPDATE desde = IF(estado = "
      "'invalida', desde, NOW()), estado = 'invalida', motivo = "
      "VALUES(motivo), proxima_sonda = NULL, pausas_seguidas = 0",
      {store_id, storable(reason)});
  return !same;
}

bool StoreStates::clear(int store_id) {
  return m_connection.execute(
             "UPDATE crm_lojas_estado SET estado = 'ok', motivo = NULL, desde "
             "= NULL, proxima_sonda = NULL, pausas_seguidas = 0 WHERE "
             "id_loja = ? AND estado <> 'ok'",
             {store_id}) > 0;
}

std::int64_t StoreStates::resume(int store_id) {
  clear(store_id);
  return static_cast<std::int64_t>(m_connection.execute(
      "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE id_loja = ? AND "
      "processado = 0 AND disponivel_em > NOW() AND claim_token IS NULL",
      {store_id}));
}

}  // namespace crm::integrations
