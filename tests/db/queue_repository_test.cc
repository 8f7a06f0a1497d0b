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

ClaimFilter filter_of(std::vector<int> stores,
                      std::optional<Entity> entity = std::nullopt) {
  ClaimFilter filter;
  filter.store_ids = std::move(stores);
  filter.entity = entity;
  return filter;
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
  const auto claim = queue.claim(filter_of({1}, {}), limit_of(4));
  CHECK(record_ids(claim.rows) == std::vector<long long>{4, 2, 3, 1});
  CHECK(claim.rows[0].attempts == 1);
  CHECK(scalar(*c,
               "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT "
               "NULL") == 4);
  // The fifth row is still claimable; the four others are leased.
  CHECK(record_ids(queue.claim(filter_of({1}, {}), limit_of(10)).rows) ==
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
  CHECK(record_ids(queue.peek(filter_of({2}, {}), 10)) ==
        std::vector<long long>{2});
  CHECK(record_ids(queue.peek(filter_of({1}, Entity::product), 10)) ==
        std::vector<long long>{3});
  CHECK(record_ids(queue.peek(filter_of({1, 2}, Entity::customer), 10)) ==
        std::vector<long long>{1, 2});
  // peek writes nothing
  CHECK(scalar(*c,
               "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT "
               "NULL") == 0);
}

namespace {

/// Every EXPLAIN row of `sql`: no filesort; each read of the queue through
/// `key` (the other rows are the JSON table, the derived table or the
/// primary key lookup).
void check_plan(crm::db::Connection& c, const std::string& sql,
                const crm::db::Params& params, const std::string& key) {
  const auto plan = c.query("EXPLAIN " + sql, params);
  REQUIRE(plan.size() >= 1);
  const std::size_t extra = plan.columns.size() - 1;
  for (const auto& row : plan.rows) {
    INFO(sql << " -> " << row.text(2) << " " << row.text(5) << " "
             << row.text(extra));
    CHECK(row.text(extra).find("filesort") == std::string::npos);
    if (row.text(5).starts_with("idx_")) CHECK(row.text(5) == key);
  }
}

void insert_many(crm::db::Connection& c, int stores, int rows) {
  c.execute_raw(fmt::format(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade, processado) SELECT 1 + seq % {}, ELT(1 + seq % 4, "
      "'cliente', 'produto', 'venda', 'atividade'), seq, 'ecletech_para_crm', "
      "seq % 11, seq % 3 = 0 FROM seq_1_to_{}",
      stores, rows));
  c.execute_raw("ANALYZE TABLE crm_sync_queue");
}

}  // namespace

TEST_CASE("the claim's seeks read their order off an index, never a filesort",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  // Enough rows of several stores that the optimizer has a real choice.
  insert_many(*c, 7, 5000);
  using crm::queue::Seek;
  for (const ClaimFilter& filter :
       {filter_of({3}, {}), filter_of({3}, Entity::sale)}) {
    for (const std::vector<Seek>& seeks :
         {std::vector<Seek>{{3, 5, 100, {}, 12}},
          std::vector<Seek>{{1, 10, 34, {}, 11},
                            {2, 10, 33, {7, 8}, 12},
                            {3, 10, 33, {}, std::nullopt}},
          // shares of one row: by primary key, with a seek for the rest
          std::vector<Seek>{
              {1, 10, 1, {}, 11}, {2, 10, 1, {}, 12}, {3, 10, 98, {}, 13}}}) {
      for (auto lock : {crm::queue::Lock::yes, crm::queue::Lock::no}) {
        check_plan(*c, crm::queue::claim_seek_sql(filter, seeks, lock),
                   crm::queue::claim_seek_params(filter, seeks),
                   "idx_claim_loja");
      }
    }
    crm::db::Params heads;
    if (filter.entity) heads.emplace_back("venda");
    heads.emplace_back(9LL);
    heads.emplace_back("[[1, 2147483647], [2, 5]]");
    check_plan(*c, crm::queue::store_heads_sql(filter, 1), heads,
               "idx_claim_loja");
  }
}

TEST_CASE("the stores with due rows are found with a loose index scan",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  insert_many(*c, 50, 20000);
  const auto plan = c->query("EXPLAIN " + crm::queue::due_stores_sql());
  REQUIRE(plan.size() == 1);
  const std::string extra = plan.rows[0].text(plan.columns.size() - 1);
  INFO(extra);
  CHECK(plan.rows[0].text(5) == "idx_due_loja");
  CHECK(extra.find("Using index for group-by") != std::string::npos);
  c->execute_raw(
      "UPDATE crm_sync_queue SET disponivel_em = NOW() + INTERVAL 1 HOUR "
      "WHERE id_loja = 4");
  std::set<long long> due;
  for (const auto& row : c->query(crm::queue::due_stores_sql()).rows) {
    due.insert(row.integer(0));
  }
  CHECK(due.size() == 49);
  CHECK(due.count(4) == 0);
}

namespace {

std::map<int, int> rows_per_store(const std::vector<crm::QueueRow>& rows) {
  std::map<int, int> counts;
  for (const auto& row : rows) ++counts[row.store_id];
  return counts;
}

/// `count` rows of `store` at `priority`, created `age` seconds ago, one
/// second apart (the first the oldest).
void queue_rows(crm::db::Connection& c, int store, int count, int priority,
                int age) {
  c.execute(fmt::format(
                "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, "
                "direcao, prioridade, criado_em) SELECT ?, 'cliente', "
                "{} + seq, 'ecletech_para_crm', ?, NOW() - INTERVAL ? SECOND + "
                "INTERVAL seq SECOND FROM seq_1_to_{}",
                store * 100000 + priority * 10000, count),
            {store, priority, age});
}

}  // namespace

TEST_CASE("a burst in one store does not starve another at the same priority",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 1000, 5, 5000);  // the burst, queued first
  queue_rows(*c, 2, 10, 5, 100);     // then ten changes of store 2
  QueueRepository queue(*c);
  const auto claim = queue.claim(filter_of({1, 2}, {}), limit_of(100));
  CHECK(rows_per_store(claim.rows) == std::map<int, int>{{1, 90}, {2, 10}});
  // Store 1's rows still come in its own order: its oldest first.
  long long previous = 0;
  for (const auto& row : claim.rows) {
    if (row.store_id != 1) continue;
    CHECK(row.record_id > previous);
    previous = row.record_id;
  }
  // Interleaved: the first two rows are one of each store.
  CHECK(claim.rows[0].store_id != claim.rows[1].store_id);
}

TEST_CASE("a store alone still fills the batch", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 1000, 0, 5000);
  QueueRepository queue(*c);
  CHECK(queue.claim(filter_of({1, 2, 3}, {}), limit_of(100)).rows.size() ==
        100);
  CHECK(queue.peek(filter_of({1}, {}), 100).size() == 100);
}

TEST_CASE("a higher priority goes first across stores, then shares evenly",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 200, 10, 1000);  // live changes, newer
  queue_rows(*c, 2, 500, 0, 5000);   // an export, older
  QueueRepository queue(*c);
  CHECK(rows_per_store(queue.peek(filter_of({1, 2}, {}), 100)) ==
        std::map<int, int>{{1, 100}});
  // A short batch of priority 10: the rest is shared at priority 0.
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 30, 10, 100);
  queue_rows(*c, 2, 500, 0, 5000);
  queue_rows(*c, 3, 500, 0, 4000);
  const auto claim = queue.claim(filter_of({1, 2, 3}, {}), limit_of(100));
  CHECK(rows_per_store(claim.rows) ==
        std::map<int, int>{{1, 30}, {2, 35}, {3, 35}});
  for (int i = 0; i < 30; ++i) CHECK(claim.rows[i].priority == 10);
  // Within a store: its higher priority first, then its lower.
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 3, 10, 100);
  queue_rows(*c, 1, 100, 0, 5000);
  queue_rows(*c, 2, 100, 0, 4000);
  CHECK(rows_per_store(queue.peek(filter_of({1, 2}, {}), 11)) ==
        std::map<int, int>{{1, 7}, {2, 4}});
}

TEST_CASE("a store capped by its budget takes at most its cap, 0 nothing",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 100, 0, 5000);
  queue_rows(*c, 2, 100, 0, 4000);
  QueueRepository queue(*c);
  ClaimFilter filter = filter_of({1, 2});
  filter.store_caps = {{1, 5}};
  CHECK(rows_per_store(queue.peek(filter, 100)) ==
        std::map<int, int>{{1, 5}, {2, 95}});
  filter.store_caps = {{1, 0}, {2, 20}};
  const auto claim = queue.claim(filter, limit_of(100));
  CHECK(rows_per_store(claim.rows) == std::map<int, int>{{2, 20}});
  CHECK(
      scalar(*c,
             "SELECT SUM(tentativas) FROM crm_sync_queue WHERE id_loja = 1") ==
      0);
}

TEST_CASE("more stores with due rows than the batch: runs rotate the window",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  for (int store = 1; store <= 5; ++store) queue_rows(*c, store, 3, 0, 100);
  QueueRepository queue(*c);
  std::set<int> seen;
  for (std::uint64_t run = 0; run < 3; ++run) {
    ClaimFilter filter = filter_of({1, 2, 3, 4, 5});
    filter.rotation = run;
    const auto rows = queue.peek(filter, 2);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].store_id != rows[1].store_id);
    for (const auto& row : rows) seen.insert(row.store_id);
  }
  CHECK(seen.size() == 5);  // three runs of two stores cover all five
}

TEST_CASE("store_shares tells each store's share and wait without claiming",
          "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  queue_rows(*c, 1, 1000, 5, 5000);
  queue_rows(*c, 2, 10, 5, 100);
  queue_rows(*c, 3, 10, 5, 100);
  c->execute_raw(
      "UPDATE crm_sync_queue SET disponivel_em = NOW() + INTERVAL 1 HOUR "
      "WHERE id_loja = 3");  // backing off: not due
  const auto shares =
      crm::queue::store_shares(*c, filter_of({1, 2, 3}, {}), 100);
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].store_id == 1);
  CHECK(shares[0].share == 90);
  CHECK(shares[0].next_priority == 5);
  CHECK(shares[0].next_wait.count() >= 4999);
  CHECK(shares[1].store_id == 2);
  CHECK(shares[1].share == 10);
  CHECK(shares[1].next_wait.count() >= 99);
  CHECK(shares[1].next_wait.count() < 4999);
  CHECK(scalar(*c,
               "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT "
               "NULL") == 0);
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
  const auto held = crm::queue::select_fair(*holder, filter_of({1}, {}), 100,
                                            crm::queue::Lock::yes);
  REQUIRE(held.size() == 100);
  QueueRepository other(*c);
  const auto claim = other.claim(filter_of({1}, {}), limit_of(100));
  holder->rollback();
  CHECK(claim.rows.size() == 100);
  std::set<long long> held_ids;
  for (const auto& row : held) held_ids.insert(row.integer(0));
  for (const auto& row : claim.rows) CHECK(held_ids.count(row.id) == 0);

  // And eight claimers at once split a queue of 151 stores (more than a
  // batch has rows: shares of one row, taken by primary key), with a burst
  // in one and several priorities, with no overlap.
  crm::testing::reset_tables(*c);
  c->execute_raw(
      "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, "
      "prioridade) "
      "SELECT IF(seq <= 1400, 1, 2 + seq % 150), 'cliente', seq, "
      "'ecletech_para_crm', seq % 3 * 5 FROM seq_1_to_2000");
  std::vector<std::vector<crm::QueueRow>> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto connection = crm::testing::connect();
      QueueRepository queue(*connection);
      ClaimFilter all;
      for (int store = 1; store <= 151; ++store) all.store_ids.push_back(store);
      for (int round = 0; round < 3; ++round) {
        auto claimed = queue.claim(all, limit_of(100));
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
  const auto claim = queue.claim(filter_of({1}, {}), limit_of(5));
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
    const auto claim = queue.claim(filter_of({1}, {}), limit_of(1));
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
  const auto first = queue.claim(filter_of({1}, {}), limit_of(1));
  c->execute_raw(
      "UPDATE crm_sync_queue SET disponivel_em = NOW()");  // lease expired
  const auto second = queue.claim(filter_of({1}, {}), limit_of(1));
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
  const auto claim = queue.claim(filter_of({1}, {}), limit_of(1));
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
  const auto claim = queue.claim(filter_of({1}, {}), limit_of(1));
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
  CHECK(queue.claim(filter_of({1}, {}), limit_of(1)).rows.size() == 1);
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
