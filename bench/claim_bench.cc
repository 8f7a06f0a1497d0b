// Times QueueRepository::claim (the real code path) on whatever queue the
// database holds: N claims of `limit` rows from stores 1..S, each rolled back
// by releasing the rows again so every claim sees the same queue. Prints
// median and p99 in ms. `old` times the claim before issue #16 instead (one
// SELECT over every store in global priority order, kept here verbatim as
// the baseline) in the same transaction shape.
//
//   claim_bench ROUNDS LIMIT [STORES] [new|old]
//   claim_bench wait QUIET_STORE BACKLOG_STORE LIMIT
//
// `wait` tells in how many runs of LIMIT rows a quiet store's one due row is
// claimed while another store has a backlog at the same priority: the fair
// claim is run until it takes the row (each run's rows are released), the
// old claim's runs are counted from the rows ahead of it in its order.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "crm/config/config_loader.h"
#include "crm/db/connection.h"
#include "crm/queue/queue_repository.h"

namespace {

using crm::db::Connection;

std::vector<int> stores_up_to(int count) {
  std::vector<int> stores;
  for (int store = 1; store <= count; ++store) stores.push_back(store);
  return stores;
}

std::string old_claim_sql(const std::vector<int>& stores) {
  const bool one_store = stores.size() == 1;
  return fmt::format(
      "SELECT id FROM crm_sync_queue FORCE INDEX ({}) WHERE processado = 0 "
      "AND {} AND disponivel_em <= NOW() ORDER BY prioridade DESC, criado_em "
      "ASC, id ASC LIMIT ? FOR UPDATE SKIP LOCKED",
      one_store ? "idx_claim_loja" : "idx_claim",
      one_store ? std::string("id_loja = ?")
                : fmt::format("id_loja IN ({})",
                              crm::db::placeholders(stores.size())));
}

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point started) {
  return std::chrono::duration<double, std::milli>(Clock::now() - started)
      .count();
}

/// The old claim: SELECT ... FOR UPDATE SKIP LOCKED, stamp, commit (timed,
/// into `ms`), then the rows released again. Returns the rows claimed.
std::size_t old_claim(Connection& connection, const std::vector<int>& stores,
                      int limit, double& ms) {
  const auto started = Clock::now();
  crm::db::Params params(stores.begin(), stores.end());
  params.emplace_back(limit);
  crm::db::Params ids;
  crm::db::with_transaction(
      connection,
      [&] {
        ids.clear();
        for (const auto& row :
             connection.query(old_claim_sql(stores), params).rows) {
          ids.emplace_back(row.integer(0));
        }
        if (!ids.empty()) {
          connection.execute(
              fmt::format("UPDATE crm_sync_queue SET claim_token = 'bench', "
                          "tentativas = tentativas + 1, disponivel_em = NOW() "
                          "+ INTERVAL 110 SECOND WHERE id IN ({})",
                          crm::db::placeholders(ids.size())),
              ids);
        }
      },
      crm::db::Isolation::read_committed);
  ms = ms_since(started);
  if (ids.empty()) {
    return 0;
  }
  return connection.execute(
      fmt::format("UPDATE crm_sync_queue SET claim_token = NULL, tentativas = "
                  "tentativas - 1, disponivel_em = NOW() WHERE id IN ({})",
                  crm::db::placeholders(ids.size())),
      ids);
}

/// The fair claim through QueueRepository (timed, into `ms`), then the rows
/// released again. Returns the rows claimed.
std::size_t new_claim(crm::queue::QueueRepository& queue,
                      const std::vector<int>& stores, int limit, int round,
                      double& ms) {
  crm::queue::ClaimFilter filter;
  filter.store_ids = stores;
  filter.rotation = static_cast<std::uint64_t>(round);
  crm::queue::ClaimOptions options;
  options.limit = limit;
  const auto started = Clock::now();
  const auto claim = queue.claim(filter, options);
  ms = ms_since(started);
  std::vector<crm::queue::Finished> release;
  for (const auto& row : claim.rows) {
    release.push_back(
        {row, crm::ItemOutcome::failed(crm::OutcomeKind::released, "bench")});
  }
  queue.finish(claim.token, release);
  return claim.rows.size();
}

int time_claims(Connection& connection, int rounds, int limit, int stores,
                bool old) {
  crm::queue::QueueRepository queue(connection);
  const std::vector<int> ids = stores_up_to(stores);
  std::vector<double> ms;
  std::size_t claimed = 0;
  for (int i = 0; i < rounds; ++i) {
    double claim_ms = 0;
    claimed += old ? old_claim(connection, ids, limit, claim_ms)
                   : new_claim(queue, ids, limit, i, claim_ms);
    ms.push_back(claim_ms);
  }
  std::sort(ms.begin(), ms.end());
  fmt::print(
      "claims {} rows/claim {:.0f} median_ms {:.2f} p99_ms {:.2f} max_ms "
      "{:.2f} ({} claim, {} stores)\n",
      rounds, static_cast<double>(claimed) / rounds, ms[ms.size() / 2],
      ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], ms.back(),
      old ? "old" : "fair", stores);
  return 0;
}

int quiet_store_wait(Connection& connection, int quiet, int backlog,
                     int limit) {
  crm::queue::QueueRepository queue(connection);
  crm::queue::ClaimFilter filter;
  filter.store_ids = {backlog, quiet};
  crm::queue::ClaimOptions options;
  options.limit = limit;
  int runs = 0;
  for (bool found = false; !found && runs < 1000;) {
    ++runs;
    const auto claim = queue.claim(filter, options);
    std::vector<crm::queue::Finished> release;
    for (const auto& row : claim.rows) {
      found = found || row.store_id == quiet;
      release.push_back(
          {row, crm::ItemOutcome::failed(crm::OutcomeKind::released, "bench")});
    }
    queue.finish(claim.token, release);
  }
  const auto ahead =
      connection
          .query(
              "SELECT COUNT(*) FROM crm_sync_queue q JOIN crm_sync_queue t ON "
              "t.id = (SELECT MIN(id) FROM crm_sync_queue WHERE id_loja = ? "
              "AND processado = 0) WHERE q.processado = 0 AND q.id_loja IN "
              "(?, ?) AND q.disponivel_em <= NOW() AND (q.prioridade > "
              "t.prioridade OR (q.prioridade = t.prioridade AND (q.criado_em "
              "< t.criado_em OR (q.criado_em = t.criado_em AND q.id < "
              "t.id))))",
              {quiet, backlog, quiet})
          .rows.at(0)
          .integer(0);
  fmt::print(
      "quiet store {} with store {}'s backlog, runs of {}: fair claim {} "
      "run(s); old claim {} rows ahead -> {} runs\n",
      quiet, backlog, limit, runs, ahead, ahead / limit + 1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto number = [&](std::size_t i, int otherwise) {
    return args.size() > i ? std::stoi(args[i]) : otherwise;
  };
  const crm::Config config =
      crm::config::load_config(crm::config::process_environment(), {});
  auto connection = crm::db::Connection::open(config.db);
  if (!args.empty() && args[0] == "wait") {
    return quiet_store_wait(*connection, number(1, 1001), number(2, 1),
                            number(3, 100));
  }
  return time_claims(*connection, number(0, 50), number(1, 100), number(2, 1),
                     args.size() > 3 && args[3] == "old");
}
