#include "crm/queue/queue_repository.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "crm/core/work_item.h"
#include "support/db_fixture.h"

namespace {

using crm::Direction;
using crm::Entity;
using crm::ItemOutcome;
using crm::OutcomeKind;
using crm::queue::ClaimFilter;
using crm::queue::ClaimOptions;
using crm::queue::QueueRepository;

void insert(crm::db::Connection& c, int store, const char* entity, int record,
            int priority, const char* created = "2026-01-01 00:00:00") {
  c.execute(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade, "
      "criado_em) VALUES (?, ?, ?, 'ecletech_para_crm', ?, ?)",
      {store, entity, record, priority, created});
}

std::vector<long long> record_ids(const std::vector<crm::QueueRow>& rows) {
  std::vector<long long> ids;
  for (const auto& row : rows) ids.push_back(row.record_id);
  return ids;
}

ClaimOptions limit_of(int limit) {
  ClaimOptions options;
  options.limit = limit;
  return options;
}

long long scalar(crm::db::Connection& c, const std::string& sql) {
  return c.query(sql).rows.at(0).integer(0);
}

}  // namespace

TEST_CASE("claim takes rows by priority, then age, then id, up to the limit",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert(*c, 1, "cliente", 1, 0, "2026-01-01 00:00:03");
  insert(*c, 1, "cliente", 2, 10, "2026-01-01 00:00:05");
  insert(*c, 1, "cliente", 3, 5, "2026-01-01 00:00:01");
  insert(*c, 1, "cliente", 4, 10, "2026-01-01 00:00:04");
  insert(*c, 1, "cliente", 5, 0,
         "2026-01-01 00:00:03");  // same age as 1, later id
  QueueRepository queue(*c);
  const auto claim = queue.claim(ClaimFilter{{1}, {}}, limit_of(4));
  CHECK(record_ids(claim.rows) == std::vector<long long>{4, 2, 3, 1});
  CHECK(claim.rows[0].attempts == 1);
  CHECK(scalar(*c,
               "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT "
               "NULL") == 4);
  // The fifth row is still claimable; the four others are leased.
  CHECK(record_ids(queue.claim(ClaimFilter{{1}, {}}, limit_of(10)).rows) ==
        std::vector<long long>{5});
}

TEST_CASE("claim filters by store and entity and skips rows not yet due",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert(*c, 1, "cliente", 1, 0);
  insert(*c, 2, "cliente", 2, 0);
  insert(*c, 1, "produto", 3, 0);
  insert(*c, 1, "cliente", 4, 0);
  c->execute_raw(
      "UPDATE crm_sync_queue SET disponivel_em = NOW() + INTERVAL 1 HOUR "
      "WHERE id_registro = 4");
  QueueRepository queue(*c);
  CHECK(record_ids(queue.peek(ClaimFilter{{2}, {}}, 10)) ==
        std::vector<long long>{2});
  CHECK(record_ids(queue.peek(ClaimFilter{{1}, Entity::product}, 10)) ==
        std::vector<long long>{3});
  CHECK(record_ids(queue.peek(ClaimFilter{{1, 2}, Entity::customer}, 10)) ==
        std::vector<long long>{1, 2});
  // peek writes nothing
  CHECK(scalar(*c,
               "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT "
               "NULL") == 0);
}

TEST_CASE("the claim query reads its order off an index, never a filesort",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  // Enough rows of several stores that the optimizer has a real choice.
  c->execute_raw(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade, "
      "processado) SELECT seq % 7, ELT(1 + seq % 4, 'cliente', 'produto', "
      "'venda', "
      "'atividade'), seq, 'ecletech_para_crm', seq % 11, seq % 3 = 0 FROM "
      "seq_1_to_5000");
  c->execute_raw("ANALYZE TABLE crm_sync_queue");
  for (const ClaimFilter& filter :
       {ClaimFilter{{3}, {}}, ClaimFilter{{1, 2, 3}, {}},
        ClaimFilter{{3}, Entity::sale},
        ClaimFilter{{1, 2, 3, 4, 5, 6}, Entity::customer}}) {
    const auto sql = "EXPLAIN " + crm::queue::claim_select_sql(filter, true);
    const auto plan =
        c->query(sql, crm::queue::claim_select_params(filter, 100));
    REQUIRE(plan.size() == 1);
    const std::size_t extra = plan.columns.size() - 1;
    INFO(sql << " -> " << plan.rows[0].text(extra));
    CHECK(plan.rows[0].text(extra).find("filesort") == std::string::npos);
    CHECK(plan.rows[0].text(5).starts_with("idx_claim"));  // the key column
  }
}

TEST_CASE("overlapping claims never return the same row and do not starve",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  c->execute_raw(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade) "
      "SELECT 1, 'cliente', seq, 'ecletech_para_crm', seq % 5 FROM "
      "seq_1_to_2000");
  // While one claim transaction holds its 100 row locks, another claims.
  auto holder = crm::testing::connect();
  holder->execute_raw("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
  holder->begin();
  const auto held =
      holder->query(crm::queue::claim_select_sql(ClaimFilter{{1}, {}}, true),
                    crm::queue::claim_select_params(ClaimFilter{{1}, {}}, 100));
  REQUIRE(held.size() == 100);
  QueueRepository other(*c);
  const auto claim = other.claim(ClaimFilter{{1}, {}}, limit_of(100));
  holder->rollback();
  CHECK(claim.rows.size() == 100);
  std::set<long long> held_ids;
  for (const auto& row : held.rows) held_ids.insert(row.integer(0));
  for (const auto& row : claim.rows) CHECK(held_ids.count(row.id) == 0);

  // And eight claimers at once split the queue with no overlap.
  crm::testing::reset_tables(*c);
  c->execute_raw(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade) "
      "SELECT 1, 'cliente', seq, 'ecletech_para_crm', 0 FROM seq_1_to_2000");
  std::vector<std::vector<crm::QueueRow>> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto connection = crm::testing::connect();
      QueueRepository queue(*connection);
      for (int round = 0; round < 3; ++round) {
        auto claimed = queue.claim(ClaimFilter{{1}, {}}, limit_of(100));
        results[i].insert(results[i].end(), claimed.rows.begin(),
                          claimed.rows.end());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<long long> seen;
  std::size_t total = 0;
  for (const auto& rows : results) {
    for (const auto& row : rows) {
      seen.insert(row.id);
      ++total;
    }
  }
  CHECK(total == seen.size());
  CHECK(total == 2000);
}

TEST_CASE("finish records each outcome kind as the spec says", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  for (int i = 1; i <= 5; ++i) insert(*c, 1, "cliente", i, 0);
  c->execute_raw(
      "UPDATE crm_sync_queue SET erro = 'old failure' WHERE id_registro = 1");
  QueueRepository queue(*c);
  const auto claim = queue.claim(ClaimFilter{{1}, {}}, limit_of(5));
  REQUIRE(claim.rows.size() == 5);
  std::vector<crm::queue::Finished> finished;
  auto rate_limited = ItemOutcome::failed(OutcomeKind::rate_limited, "429");
  rate_limited.retry_after = std::chrono::seconds(120);
  const std::vector<ItemOutcome> outcomes = {
      ItemOutcome::succeeded(crm::Operation::create, "ok", "55"),
      ItemOutcome::failed(OutcomeKind::transient, "HTTP 503"),
      ItemOutcome::failed(OutcomeKind::permanent, "HTTP 422: bad e-mail"),
      rate_limited, ItemOutcome::failed(OutcomeKind::released, "deadline")};
  for (std::size_t i = 0; i < 5; ++i)
    finished.push_back({claim.rows[i], outcomes[i]});
  const auto result = queue.finish(claim.token, finished);
  CHECK(result.recorded == 5);
  CHECK(result.lost_lease == 0);

  const auto row = [&](int record) {
    return c
        ->query(
            "SELECT processado, erro, tentativas, claim_token IS NULL, "
            "TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue "
            "WHERE id_registro = ?",
            {record})
        .rows.at(0);
  };
  CHECK(row(1).integer(0) == 1);  // success clears the old error
  CHECK(row(1).is_null(1));
  CHECK(row(2).integer(0) == 0);  // transient: pending, backing off 60 s
  CHECK(row(2).text(1) == "HTTP 503");
  CHECK(row(2).integer(4) >= 55);
  CHECK(row(3).integer(0) == 1);  // permanent: given up at once
  CHECK(row(3).text(1) == "HTTP 422: bad e-mail");
  CHECK(row(4).integer(2) == 0);  // rate limited: attempt given back
  CHECK(row(4).integer(4) >= 115);
  CHECK(row(5).integer(2) == 0);  // released: attempt given back, due now
  CHECK(row(5).integer(4) <= 0);
  for (int i = 1; i <= 5; ++i) CHECK(row(i).integer(3) == 1);
}

TEST_CASE(
    "a transient failure is given up on the last attempt, keeping the error",
    "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert(*c, 1, "cliente", 1, 0);
  QueueRepository queue(*c);
  for (int attempt = 1; attempt <= crm::k_max_attempts; ++attempt) {
    c->execute_raw("UPDATE crm_sync_queue SET disponivel_em = NOW()");
    const auto claim = queue.claim(ClaimFilter{{1}, {}}, limit_of(1));
    REQUIRE(claim.rows.size() == 1);
    CHECK(claim.rows[0].attempts == attempt);
    queue.finish(claim.token,
                 {{claim.rows[0],
                   ItemOutcome::failed(OutcomeKind::transient,
                                       fmt::format("timeout {}", attempt))}});
  }
  const auto row =
      c->query("SELECT processado, erro, tentativas FROM crm_sync_queue")
          .rows[0];
  CHECK(row.integer(0) == 1);
  CHECK(row.text(1) == fmt::format("timeout {}", crm::k_max_attempts));
  CHECK(row.integer(2) == crm::k_max_attempts);
}

TEST_CASE("finish after the lease was taken over changes nothing", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert(*c, 1, "cliente", 1, 0);
  QueueRepository queue(*c);
  const auto first = queue.claim(ClaimFilter{{1}, {}}, limit_of(1));
  c->execute_raw(
      "UPDATE crm_sync_queue SET disponivel_em = NOW()");  // lease expired
  const auto second = queue.claim(ClaimFilter{{1}, {}}, limit_of(1));
  REQUIRE(second.rows.size() == 1);
  CHECK(second.rows[0].attempts == 2);
  const auto late = queue.finish(
      first.token,
      {{first.rows[0], ItemOutcome::failed(OutcomeKind::permanent, "stale")}});
  CHECK(late.lost_lease == 1);
  CHECK(scalar(*c, "SELECT processado FROM crm_sync_queue") == 0);
  queue.finish(
      second.token,
      {{second.rows[0], ItemOutcome::succeeded(crm::Operation::create, "ok")}});
  CHECK(
      scalar(*c, "SELECT processado FROM crm_sync_queue WHERE erro IS NULL") ==
      1);
}

TEST_CASE(
    "a row claimed three times without an outcome is given up at the next "
    "claim",
    "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert(*c, 1, "cliente", 1, 0);
  c->execute_raw("UPDATE crm_sync_queue SET tentativas = " +
                 std::to_string(crm::k_max_attempts));
  QueueRepository queue(*c);
  const auto claim = queue.claim(ClaimFilter{{1}, {}}, limit_of(1));
  CHECK(claim.rows.empty());
  REQUIRE(claim.exhausted.size() == 1);
  const auto row =
      c->query("SELECT processado, erro FROM crm_sync_queue").rows[0];
  CHECK(row.integer(0) == 1);
  CHECK(row.text(1).starts_with(
      fmt::format("given up after {} attempts", crm::k_max_attempts)));
}

TEST_CASE("enqueue keeps one pending row per key and raises its priority",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  QueueRepository queue(*c);
  const auto id = queue.enqueue(1, Entity::customer, 9, Direction::to_crm, 0);
  CHECK(queue.enqueue(1, Entity::customer, 9, Direction::to_crm, 10) == id);
  CHECK(queue.enqueue(1, Entity::customer, 9, Direction::to_crm, 5) == id);
  CHECK(scalar(*c, "SELECT COUNT(*) FROM crm_sync_queue") == 1);
  CHECK(scalar(*c, "SELECT prioridade FROM crm_sync_queue") == 10);
  // Other direction, store or entity: separate rows.
  queue.enqueue(1, Entity::customer, 9, Direction::from_crm, 0);
  queue.enqueue(2, Entity::customer, 9, Direction::to_crm, 0);
  queue.enqueue(1, Entity::product, 9, Direction::to_crm, 0);
  CHECK(scalar(*c, "SELECT COUNT(*) FROM crm_sync_queue") == 4);
  // Once finished, the same key may be queued again.
  c->execute_raw("UPDATE crm_sync_queue SET processado = 1");
  CHECK(queue.enqueue(1, Entity::customer, 9, Direction::to_crm, 0) != id);
}

TEST_CASE("a change enqueued while the row is processed keeps it pending",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  QueueRepository queue(*c);
  queue.enqueue(1, Entity::customer, 9, Direction::to_crm, 0);
  const auto claim = queue.claim(ClaimFilter{{1}, {}}, limit_of(1));
  queue.enqueue(1, Entity::customer, 9, Direction::to_crm,
                5);  // the record changed
  const auto result = queue.finish(
      claim.token,
      {{claim.rows[0], ItemOutcome::succeeded(crm::Operation::update, "ok")}});
  CHECK(result.requeued == 1);
  const auto row =
      c->query("SELECT processado, tentativas, prioridade FROM crm_sync_queue")
          .rows[0];
  CHECK(row.integer(0) == 0);
  CHECK(row.integer(1) == 0);
  CHECK(row.integer(2) == 5);
  CHECK(queue.claim(ClaimFilter{{1}, {}}, limit_of(1)).rows.size() == 1);
}

TEST_CASE("concurrent enqueuers of one key leave exactly one pending row",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([i] {
      auto connection = crm::testing::connect();
      QueueRepository queue(*connection);
      for (int n = 0; n < 50; ++n) {
        queue.enqueue(1, Entity::customer, n % 5, Direction::to_crm, i);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(scalar(*c, "SELECT COUNT(*) FROM crm_sync_queue") == 5);
  CHECK(scalar(*c, "SELECT MIN(prioridade) FROM crm_sync_queue") == 7);
}
