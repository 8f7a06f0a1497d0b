#include "crm/queue/queue_repository.h"

#include <fmt/format.h>

#include "crm/queue/backoff.h"
#include "crm/util/strings.h"

namespace crm::queue {
namespace {

constexpr std::size_t k_max_error_bytes = 2000;

QueueRow to_queue_row(const db::Row& row) {
  QueueRow out;
  out.id = row.integer(0);
  out.store_id = static_cast<int>(row.integer(1));
  out.entity = parse_entity(row.text(2)).value_or(Entity::customer);
  out.record_id = row.integer(3);
  out.direction = parse_direction(row.text(4)).value_or(Direction::to_crm);
  out.priority = static_cast<int>(row.integer(5));
  out.attempts = static_cast<int>(row.integer(6));
  out.changes = static_cast<int>(row.integer(7));
  return out;
}

/// Why a row cannot be worked on at all (an unknown entidade or direcao),
/// or nullopt.
std::optional<std::string> invalid_row(const db::Row& row) {
  if (!parse_entity(row.text(2))) {
    return fmt::format(
        "invalid queue row: entidade '{}' is not cliente, produto, venda or "
        "atividade",
        util::safe_text(row.text(2), 40));
  }
  if (!parse_direction(row.text(4))) {
    return fmt::format(
        "invalid queue row: direcao '{}' is not ecletech_para_crm or "
        "crm_para_ecletech",
        util::safe_text(row.text(4), 40));
  }
  return std::nullopt;
}

/// Done unless an enqueue merged into the row while we worked on it
/// (`alteracoes` moved): then it stays pending, attempts reset.
std::uint64_t finish_success(db::Connection& connection,
                             const std::string& token, const Finished& item,
                             FinishResult& result) {
  const auto id = static_cast<long long>(item.row.id);
  const db::Rows current = connection.query(
      "SELECT alteracoes FROM crm_sync_queue WHERE id = ? AND "
      "claim_token = ? FOR UPDATE",
      {id, token});
  if (current.empty()) {
    return 0;
  }
  const bool requeue = current.rows[0].integer(0) != item.row.changes;
  if (requeue) {
    ++result.requeued;
    return connection.execute(
        "UPDATE crm_sync_queue SET erro = NULL, claim_token = NULL, "
        "tentativas = 0, disponivel_em = NOW() WHERE id = ?",
        {id});
  }
  return connection.execute(
      "UPDATE crm_sync_queue SET processado = 1, processado_em = "
      "NOW(), "
      "erro = NULL, claim_token = NULL WHERE id = ?",
      {id});
}

/// Closes the row with `error` (permanent, or transient at its last attempt).
std::uint64_t give_up(db::Connection& connection, const std::string& token,
                      long long id, const std::string& error) {
  return connection.execute(
      "UPDATE crm_sync_queue SET processado = 1, processado_em = "
      "NOW(), "
      "erro = ?, claim_token = NULL WHERE id = ? AND claim_token = ?",
      {error, id, token});
}

/// Backs off: due again after backoff_after(attempts).
std::uint64_t finish_transient(db::Connection& connection,
                               const std::string& token, const Finished& item,
                               const std::string& error) {
  const auto id = static_cast<long long>(item.row.id);
  return connection.execute(
      "UPDATE crm_sync_queue SET erro = ?, claim_token = NULL, "
      "disponivel_em = NOW() + INTERVAL ? SECOND "
      "WHERE id = ? AND claim_token = ?",
      {error, static_cast<long long>(backoff_after(item.row.attempts).count()),
       id, token});
}

/// Not an attempt; `erro` says what it waits for.
std::uint64_t finish_waiting(db::Connection& connection,
                             const std::string& token, const Finished& item,
                             const std::string& error) {
  return connection.execute(
      "UPDATE crm_sync_queue SET tentativas = GREATEST(tentativas - 1, "
      "0), "
      "erro = ?, claim_token = NULL, disponivel_em = NOW() + INTERVAL "
      "? SECOND "
      "WHERE id = ? AND claim_token = ?",
      {error,
       static_cast<long long>(
           item.outcome.retry_after ? item.outcome.retry_after->count() : 60),
       static_cast<long long>(item.row.id), token});
}

/// Rate-limited or released: the attempt is given back, due after the
/// outcome's retry_after (now when none).
std::uint64_t give_attempt_back(db::Connection& connection,
                                const std::string& token,
                                const Finished& item) {
  const long long delay =
      item.outcome.retry_after ? item.outcome.retry_after->count() : 0;
  return connection.execute(
      "UPDATE crm_sync_queue SET tentativas = GREATEST(tentativas - 1, "
      "0), "
      "claim_token = NULL, disponivel_em = NOW() + INTERVAL ? SECOND "
      "WHERE id = ? AND claim_token = ?",
      {delay, static_cast<long long>(item.row.id), token});
}

/// Records one item's outcome on its row if the claim is still ours; the
/// number of rows changed (0: another run took the lease over).
std::uint64_t record_finished(db::Connection& connection,
                              const std::string& token, const Finished& item,
                              FinishResult& result, int max_attempts) {
  const std::string error =
      util::safe_text(item.outcome.message, k_max_error_bytes);
  switch (item.outcome.kind) {
    case OutcomeKind::success:
      return finish_success(connection, token, item, result);
    case OutcomeKind::transient:
      if (item.row.attempts < max_attempts) {
        return finish_transient(connection, token, item, error);
      }
      [[fallthrough]];  // its last attempt: given up
    case OutcomeKind::permanent: {
      const std::uint64_t changed = give_up(
          connection, token, static_cast<long long>(item.row.id), error);
      if (changed == 1) {
        result.given_up.push_back(item.row);
      }
      return changed;
    }
    case OutcomeKind::waiting:
      return finish_waiting(connection, token, item, error);
    case OutcomeKind::rate_limited:
    case OutcomeKind::released:
      return give_attempt_back(connection, token, item);
  }
  return 0;
}

/// Within the claim's transaction: stamps the rows taken (token, run,
/// attempt, lease) and gives up the invalid and exhausted ones.
void stamp_claim(db::Connection& connection, const Claim& claim,
                 const ClaimOptions& options) {
  if (!claim.rows.empty()) {
    db::Params params = {
        claim.token,
        options.run_id ? db::Value(*options.run_id) : db::Value(nullptr),
        static_cast<long long>(options.lease.count())};
    for (const QueueRow& row : claim.rows) {
      params.emplace_back(static_cast<long long>(row.id));
    }
    connection.execute(
        fmt::format(
            "UPDATE crm_sync_queue SET claim_token = ?, id_execucao = ?, "
            "tentativas = tentativas + 1, "
            "disponivel_em = NOW() + INTERVAL ? SECOND WHERE id IN ({})",
            db::placeholders(claim.rows.size())),
        params);
  }
  for (const auto& [id, reason] : claim.invalid) {
    connection.execute(
        "UPDATE crm_sync_queue SET processado = 1, processado_em = NOW(), "
        "erro = ?, claim_token = NULL WHERE id = ?",
        {reason, static_cast<long long>(id)});
  }
  for (const QueueRow& row : claim.exhausted) {
    connection.execute(
        "UPDATE crm_sync_queue SET processado = 1, processado_em = NOW(), "
        "claim_token = NULL, erro = CONCAT('given up after ', tentativas, "
        "' attempts; last: ', COALESCE(erro, "
        "'no outcome recorded (the run did not finish)')) WHERE id = ?",
        {static_cast<long long>(row.id)});
  }
}

}  // namespace

Claim QueueRepository::claim(const ClaimFilter& filter,
                             const ClaimOptions& options) {
  Claim claim;
  claim.token = util::random_hex(16);
  if (filter.store_ids.empty() || options.limit <= 0) {
    return claim;
  }
  // READ COMMITTED (every attempt): rows the scan rejects (not due) are
  // unlocked at once instead of being held until commit.
  db::with_transaction(
      m_connection,
      [&] {
        claim.rows.clear();
        claim.exhausted.clear();
        claim.invalid.clear();
        const std::vector<db::Row> rows =
            select_fair(m_connection, filter, options.limit, Lock::yes);
        if (rows.empty()) {
          return;
        }
        for (const db::Row& row : rows) {
          if (auto reason = invalid_row(row)) {
            claim.invalid.emplace_back(row.integer(0), std::move(*reason));
            continue;
          }
          QueueRow queue_row = to_queue_row(row);
          // The attempt of this claim counts now, so a record that kills the
          // program cannot loop forever.
          queue_row.attempts += 1;
          if (queue_row.attempts > m_max_attempts) {
            claim.exhausted.push_back(queue_row);
          } else {
            claim.rows.push_back(queue_row);
          }
        }
        stamp_claim(m_connection, claim, options);
      },
      db::Isolation::read_committed);
  return claim;
}

std::vector<QueueRow> QueueRepository::peek(const ClaimFilter& filter,
                                            int limit) {
  std::vector<QueueRow> rows;
  if (filter.store_ids.empty() || limit <= 0) {
    return rows;
  }
  for (const db::Row& row :
       select_fair(m_connection, filter, limit, Lock::no)) {
    if (invalid_row(row)) {
      continue;  // a real run gives it up
    }
    QueueRow queue_row = to_queue_row(row);
    queue_row.attempts += 1;
    rows.push_back(queue_row);
  }
  return rows;
}

FinishResult QueueRepository::finish(const std::string& token,
                                     const std::vector<Finished>& items) {
  FinishResult result;
  if (items.empty()) {
    return result;
  }
  db::with_transaction(m_connection, [&] {
    result = FinishResult{};
    for (const Finished& item : items) {
      if (record_finished(m_connection, token, item, result, m_max_attempts) ==
          1) {
        ++result.recorded;
      } else {
        ++result.lost_lease;
      }
    }
  });
  return result;
}

std::int64_t QueueRepository::enqueue(int store_id, Entity entity,
                                      std::int64_t record_id,
                                      Direction direction, int priority) {
  m_connection.execute(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
      "id = LAST_INSERT_ID(id), prioridade = GREATEST(prioridade, "
      "VALUES(prioridade)), alteracoes = alteracoes + 1",
      {store_id, std::string(to_db(entity)), static_cast<long long>(record_id),
       std::string(to_db(direction)), priority});
  return static_cast<std::int64_t>(m_connection.last_insert_id());
}

bool QueueRepository::enqueue_needed(int store_id, Entity entity,
                                     std::int64_t record_id, int priority) {
  const std::string direction(to_db(Direction::to_crm));
  const std::string entity_name(to_db(entity));
  return m_connection.execute(
             "INSERT IGNORE INTO crm_sync_queue (id_loja, entidade, "
             "id_registro, direcao, "
             "prioridade) SELECT ?, ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS "
             "(SELECT 1 FROM "
             "crm_sync_queue WHERE id_loja = ? AND entidade = ? AND "
             "id_registro = ? AND "
             "direcao = ?)",
             {store_id, entity_name, static_cast<long long>(record_id),
              direction, priority, store_id, entity_name,
              static_cast<long long>(record_id), direction}) == 1;
}

}  // namespace crm::queue
