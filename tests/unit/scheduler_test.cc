// The scheduler on a scripted transport and virtual time: pacing, budget,
// parking, the deadline rule and a 429 pausing one store. No sleeps, no
// network, no database.
#include "crm/sync/scheduler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "crm/http/scripted_transport.h"
#include "crm/queue/budget.h"

using crm::Entity;
using crm::ItemOutcome;
using crm::LocalRecord;
using crm::Operation;
using crm::OutcomeKind;
using crm::QueueRow;
using crm::WorkItem;
using crm::http::Request;
using crm::http::Response;
using crm::http::ScriptedTransport;
using crm::sync::Item;
using crm::sync::Scheduler;
using crm::sync::SchedulerOptions;
using crm::sync::StoreLimits;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

/// One POST per record to http://crm/<store>/<entity>/<id>; a sale first
/// needs its customer's external id (it waits for it) and sends it in the
/// body. 2xx: created with id "x<id>"; 429: rate limited (Retry-After);
/// 5xx or no answer: transient; other: permanent.
class TestExchange final : public crm::providers::Exchange {
 public:
  explicit TestExchange(WorkItem work) : m_work(std::move(work)) {}

  crm::providers::Step next(const Response* previous) override {
    if (previous == nullptr) {
      return first();
    }
    const std::string id = std::to_string(m_work.row.record_id);
    if (previous->status == 429) {
      ItemOutcome limited = ItemOutcome::failed(OutcomeKind::rate_limited,
                                                "429", previous->status);
      limited.retry_after = seconds(std::stoi(
          previous->header("retry-after").value_or(std::string("60"))));
      return limited;
    }
    if (previous->status / 100 != 2) {
      const bool transient = previous->status == 0 || previous->status >= 500;
      return ItemOutcome::failed(
          transient ? OutcomeKind::transient : OutcomeKind::permanent, "failed",
          previous->status);
    }
    return ItemOutcome::succeeded(Operation::create, "created", "x" + id);
  }

 private:
  crm::providers::Step first() {
    if (m_work.record->deleted) {  // decided without a request
      return ItemOutcome::succeeded(Operation::skip, "skipped");
    }
    Request request;
    request.method = "POST";
    request.url = "http://crm/" + std::to_string(m_work.row.store_id) + "/" +
                  std::string(crm::to_db(m_work.row.entity)) + "/" +
                  std::to_string(m_work.row.record_id);
    for (const auto& [key, record] : m_work.referenced) {
      if (!record.external_id) {
        ItemOutcome waiting =
            ItemOutcome::failed(OutcomeKind::waiting, "waits for its customer");
        waiting.waiting_for.push_back(key);
        return waiting;
      }
      request.body = "customer=" + *record.external_id;
    }
    return request;
  }

  WorkItem m_work;
};

class TestProvider final : public crm::providers::Provider {
 public:
  std::string_view name() const override { return "test"; }
  std::unique_ptr<crm::providers::Exchange> start(
      const WorkItem& item) const override {
    return std::make_unique<TestExchange>(item);
  }
  std::optional<seconds> budget_exhausted(
      const Response& response) const override {
    if (response.header("x-remaining") == "0") {
      return seconds(7);
    }
    return std::nullopt;
  }
  std::optional<seconds> rate_limited_for(
      const Response& response) const override {
    if (response.status != 429) return std::nullopt;
    return seconds(std::stoi(response.header("retry-after").value_or("60")));
  }
  crm::providers::Step list_page(
      Entity, const std::optional<std::string>&) const override {
    return ItemOutcome::failed(OutcomeKind::permanent, "no lists");
  }
  std::variant<crm::providers::Page, ItemOutcome> read_page(
      Entity, const std::optional<std::string>&,
      const Response&) const override {
    return ItemOutcome::failed(OutcomeKind::permanent, "no lists");
  }
};

/// Keeps every outcome it is given, in order.
class KeepingRecorder final : public crm::sync::OutcomeRecorder {
 public:
  ItemOutcome record(const QueueRow& row, ItemOutcome outcome) override {
    recorded.emplace_back(row.record_id, outcome.kind);
    return outcome;
  }
  std::vector<std::pair<std::int64_t, OutcomeKind>> recorded;
};

Item item(int store, Entity entity, std::int64_t id) {
  Item made;
  made.row =
      QueueRow{.id = id, .store_id = store, .entity = entity, .record_id = id};
  made.work.row = made.row;
  made.work.record = LocalRecord{};
  made.work.record->id = id;
  return made;
}

Item sale_of(int store, std::int64_t id, std::int64_t customer,
             std::optional<std::string> customer_external_id) {
  Item sale = item(store, Entity::sale, id);
  LocalRecord referenced;
  referenced.id = customer;
  referenced.external_id = std::move(customer_external_id);
  sale.work.referenced.emplace(crm::RecordKey{Entity::customer, customer},
                               referenced);
  return sale;
}

Response answer(int status) {
  Response response;
  response.status = status;
  response.body = "{}";
  return response;
}

/// A CRM that answers 200 after `latency` to everything.
ScriptedTransport::Responder always_ok(milliseconds latency) {
  return [latency](std::uint64_t, const Request&) {
    return ScriptedTransport::Answer{answer(200), latency};
  };
}

/// Milliseconds from the transport's origin to each request's start, for
/// the requests whose URL contains `part`.
std::vector<long> start_times(const ScriptedTransport& transport,
                              const std::string& part) {
  std::vector<long> times;
  for (const auto& sent : transport.sent()) {
    if (sent.request.url.find(part) != std::string::npos) {
      times.push_back(static_cast<long>(
          std::chrono::duration_cast<milliseconds>(sent.at - transport.origin())
              .count()));
    }
  }
  return times;
}

StoreLimits limits(std::optional<int> per_minute, std::optional<int> per_second,
                   milliseconds timeout = milliseconds(15000)) {
  StoreLimits made;
  made.per_minute = per_minute;
  made.per_second = per_second;
  made.timeout = timeout;
  return made;
}

struct Harness {
  explicit Harness(ScriptedTransport::Responder responder,
                   SchedulerOptions options = {})
      : transport(std::move(responder)),
        scheduler(transport, budget, recorder, options) {}
  ScriptedTransport transport;
  crm::queue::MemoryBudget budget;
  KeepingRecorder recorder;
  TestProvider provider;
  Scheduler scheduler;
};

}  // namespace

TEST_CASE(
    "a request sent before the run (the OAuth token call) counts in the "
    "store's pacing: the first API call waits for the next slot",
    "[unit]") {
  Harness run(always_ok(milliseconds(20)), {.concurrency = 10});
  StoreLimits paced = limits(std::nullopt, 3);
  paced.earlier_requests = {run.transport.now()};
  run.scheduler.add_store(1, run.provider, paced);
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.push_back(item(1, Entity::customer, 2));
  CHECK(run.scheduler.run(items) == 2);
  const std::vector<long> starts = start_times(run.transport, "/1/");
  REQUIRE(starts.size() == 2);
  CHECK(starts[0] >= 366);  // the token call took the slot at 0
  CHECK(starts[0] <= 368);
  CHECK(starts[1] - starts[0] >= 366);
}

TEST_CASE(
    "a paced store's requests start 1.1/N s apart while another store "
    "is not held up",
    "[unit]") {
  Harness run(always_ok(milliseconds(20)), {.concurrency = 10});
  run.scheduler.add_store(1, run.provider, limits(std::nullopt, 3));
  run.scheduler.add_store(2, run.provider, StoreLimits{});
  std::vector<Item> items;
  for (int id = 1; id <= 4; ++id) {
    items.push_back(item(1, Entity::customer, id));
    items.push_back(item(2, Entity::customer, 100 + id));
  }
  CHECK(run.scheduler.run(items) == 8);
  const std::vector<long> paced = start_times(run.transport, "/1/");
  REQUIRE(paced.size() == 4);
  for (std::size_t i = 1; i < paced.size(); ++i) {
    INFO("start " << i << " at " << paced[i] << " ms");
    CHECK(paced[i] - paced[i - 1] >= 366);
    CHECK(paced[i] - paced[i - 1] <= 368);
  }
  CHECK(start_times(run.transport, "/2/") == std::vector<long>{0, 0, 0, 0});
  for (const Item& done : items) {
    CHECK(done.outcome->kind == OutcomeKind::success);
  }
}

TEST_CASE("the per-minute budget defers what it cannot pay for", "[unit]") {
  Harness run(always_ok(milliseconds(10)), {.concurrency = 2});
  run.scheduler.add_store(1, run.provider, limits(5, std::nullopt));
  std::vector<Item> items;
  for (int id = 1; id <= 8; ++id) {
    items.push_back(item(1, Entity::customer, id));
  }
  CHECK(run.scheduler.run(items) == 5);
  CHECK(run.budget.used(1) == 5);
  const auto deferred = std::count_if(items.begin(), items.end(), [](auto& i) {
    return i.outcome->kind == OutcomeKind::rate_limited;
  });
  CHECK(deferred == 3);
  CHECK(items.back().outcome->message ==
        "not sent: the store's request budget of 5/min is spent for this "
        "minute");
  CHECK(items.back().outcome->retry_after == seconds(61));
}

TEST_CASE("budget reserved and not sent before the deadline is given back",
          "[unit]") {
  // Three items of a store paced at 1/s: one reservation of 3 at the start,
  // two sent (at 0 and 1.1 s); at the third slot (2.2 s) less than 1 s is
  // left before the deadline (2.5 s), so it never starts.
  Harness run(always_ok(milliseconds(10)),
              {.concurrency = 3, .deadline = milliseconds(2500)});
  run.scheduler.add_store(1, run.provider, limits(100, 1));
  std::vector<Item> items;
  for (int id = 1; id <= 3; ++id) {
    items.push_back(item(1, Entity::customer, id));
  }
  CHECK(run.scheduler.run(items) == 2);
  CHECK(run.budget.used(1) == 2);
  CHECK(items[2].outcome->kind == OutcomeKind::released);
}

TEST_CASE(
    "a sale waiting for a customer of the same batch goes out right "
    "after the customer is created",
    "[unit]") {
  Harness run(always_ok(milliseconds(50)));
  run.scheduler.add_store(1, run.provider, StoreLimits{});
  std::vector<Item> items;
  items.push_back(sale_of(1, 7, 3, std::nullopt));  // customer 3 is new
  items.push_back(item(1, Entity::customer, 3));
  items.push_back(sale_of(1, 8, 4, std::nullopt));  // customer 4 not in batch
  CHECK(run.scheduler.run(items) == 2);
  REQUIRE(run.transport.sent().size() == 2);
  CHECK(run.transport.sent()[0].request.url == "http://crm/1/cliente/3");
  CHECK(run.transport.sent()[1].request.url == "http://crm/1/venda/7");
  CHECK(run.transport.sent()[1].request.body == "customer=x3");
  CHECK(start_times(run.transport, "venda/7") == std::vector<long>{50});
  CHECK(items[0].outcome->kind == OutcomeKind::success);
  CHECK(items[2].outcome->kind == OutcomeKind::waiting);
}

TEST_CASE("a parked sale keeps waiting when its customer fails", "[unit]") {
  Harness run([](std::uint64_t, const Request&) {
    return ScriptedTransport::Answer{answer(422), milliseconds(5)};
  });
  run.scheduler.add_store(1, run.provider, StoreLimits{});
  std::vector<Item> items;
  items.push_back(sale_of(1, 7, 3, std::nullopt));
  items.push_back(item(1, Entity::customer, 3));
  CHECK(run.scheduler.run(items) == 1);
  CHECK(items[0].outcome->kind == OutcomeKind::waiting);
  CHECK(items[1].outcome->kind == OutcomeKind::permanent);
  // Every item's final outcome reached the recorder exactly once.
  CHECK(run.recorder.recorded.size() == 2);
}

TEST_CASE(
    "no request starts with less than min(timeout, 1 s) before the "
    "deadline, and timeouts are clipped to it",
    "[unit]") {
  Harness run(always_ok(milliseconds(1500)),
              {.concurrency = 1, .deadline = milliseconds(2400)});
  run.scheduler.add_store(1, run.provider, limits(std::nullopt, std::nullopt));
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.push_back(item(1, Entity::customer, 2));
  CHECK(run.scheduler.run(items) == 1);
  CHECK(run.transport.sent()[0].request.timeout == milliseconds(2400));
  CHECK(items[0].outcome->kind == OutcomeKind::success);
  CHECK(items[1].outcome->kind == OutcomeKind::released);
  CHECK(items[1].outcome->message == "not started before the run's deadline");
}

TEST_CASE(
    "a 429 whose wait does not fit before the deadline stops its store for "
    "the run; other stores go on",
    "[unit]") {
  Harness run(
      [](std::uint64_t, const Request& request) {
        Response response = answer(200);
        if (request.url.find("/1/") != std::string::npos) {
          response.status = 429;
          response.headers["retry-after"] = "60";  // the run has 50 s
        }
        return ScriptedTransport::Answer{response, milliseconds(10)};
      },
      {.concurrency = 1});
  run.scheduler.add_store(1, run.provider, StoreLimits{});
  run.scheduler.add_store(2, run.provider, StoreLimits{});
  std::vector<Item> items;
  for (int id = 1; id <= 3; ++id) {
    items.push_back(item(1, Entity::customer, id));
    items.push_back(item(2, Entity::customer, 10 + id));
  }
  CHECK(run.scheduler.run(items) == 4);  // one to store 1, three to store 2
  CHECK(run.scheduler.state(1).blocked_for == seconds(60));
  CHECK(run.scheduler.state(1).rate_waits == 0);
  CHECK_FALSE(run.scheduler.state(2).blocked_for);
  for (const Item& done : items) {
    INFO("record " << done.row.record_id);
    if (done.row.store_id == 1) {
      CHECK(done.outcome->kind == OutcomeKind::rate_limited);
      CHECK(done.outcome->retry_after == seconds(60));
    } else {
      CHECK(done.outcome->kind == OutcomeKind::success);
    }
  }
  CHECK(items[2].outcome->message ==
        "not sent: the CRM answered 429 in this run");
}

TEST_CASE(
    "a 429 with a short wait is waited out: the same request goes again "
    "when the window resets, and the store keeps sending",
    "[unit]") {
  int answered = 0;
  Harness run(
      [&answered](std::uint64_t, const Request&) {
        const bool first = answered++ == 0;
        Response response = answer(first ? 429 : 200);
        if (first) response.headers["retry-after"] = "1";
        return ScriptedTransport::Answer{response, milliseconds(10)};
      },
      {.concurrency = 1});
  run.scheduler.add_store(1, run.provider, StoreLimits{});
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.push_back(item(1, Entity::customer, 2));
  CHECK(run.scheduler.run(items) == 3);
  // (the scheduler wakes on the millisecond after the window's reset)
  CHECK(start_times(run.transport, "/1/") == std::vector<long>{0, 1011, 1021});
  CHECK(run.transport.sent()[0].request.url ==
        run.transport.sent()[1].request.url);  // the refused request again
  CHECK(items[0].outcome->kind == OutcomeKind::success);
  CHECK(items[1].outcome->kind == OutcomeKind::success);
  CHECK(run.scheduler.state(1).rate_waits == 1);
  CHECK_FALSE(run.scheduler.state(1).blocked_for);
}

TEST_CASE(
    "a budget header at zero makes the store wait for its reset, then go "
    "on; a reset beyond the deadline stops it for the run",
    "[unit]") {
  const auto remaining_zero = [](std::uint64_t, const Request&) {
    Response response = answer(200);
    response.headers["x-remaining"] = "0";
    return ScriptedTransport::Answer{response, milliseconds(10)};
  };
  Harness waits(remaining_zero, {.concurrency = 1});
  waits.scheduler.add_store(1, waits.provider, StoreLimits{});
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.push_back(item(1, Entity::customer, 2));
  CHECK(waits.scheduler.run(items) == 2);
  CHECK(start_times(waits.transport, "/1/") == std::vector<long>{0, 7011});
  CHECK(items[1].outcome->kind == OutcomeKind::success);

  Harness stops(remaining_zero,
                {.concurrency = 1, .deadline = milliseconds(5000)});
  stops.scheduler.add_store(1, stops.provider, StoreLimits{});
  std::vector<Item> late;
  late.push_back(item(1, Entity::customer, 1));
  late.push_back(item(1, Entity::customer, 2));
  CHECK(stops.scheduler.run(late) == 1);
  CHECK(late[0].outcome->kind == OutcomeKind::success);
  CHECK(late[1].outcome->kind == OutcomeKind::rate_limited);
  CHECK(late[1].outcome->retry_after == seconds(7));
}

TEST_CASE(
    "a paused store's probe goes alone first, even after an outcome "
    "decided without a request; then the batch follows",
    "[unit]") {
  Harness run(always_ok(milliseconds(10)), {.concurrency = 10});
  StoreLimits probed = limits(std::nullopt, std::nullopt);
  probed.probe = true;
  run.scheduler.add_store(1, run.provider, probed);
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.back().work.record->deleted = true;  // a local skip, no request
  for (int id = 2; id <= 4; ++id) {
    items.push_back(item(1, Entity::customer, id));
  }
  CHECK(run.scheduler.run(items) == 3);
  CHECK(start_times(run.transport, "/1/") == std::vector<long>{0, 10, 10});
  CHECK(run.scheduler.state(1).answered == 3);
  CHECK_FALSE(run.scheduler.state(1).paused_reason);
}

TEST_CASE(
    "a failed probe pauses the store again: one request, every item "
    "keeps its attempt",
    "[unit]") {
  Harness run(
      [](std::uint64_t, const Request&) {
        return ScriptedTransport::Answer{answer(503), milliseconds(10)};
      },
      {.concurrency = 10});
  StoreLimits probed = limits(std::nullopt, std::nullopt);
  probed.probe = true;
  probed.pause_for = seconds(120);
  run.scheduler.add_store(1, run.provider, probed);
  std::vector<Item> items;
  for (int id = 1; id <= 4; ++id) {
    items.push_back(item(1, Entity::customer, id));
  }
  CHECK(run.scheduler.run(items) == 1);
  REQUIRE(run.scheduler.state(1).paused_reason);
  CHECK(run.scheduler.state(1).paused_reason->starts_with("the probe failed"));
  for (const Item& done : items) {
    CHECK(done.outcome->kind == OutcomeKind::rate_limited);
    CHECK(done.outcome->retry_after == seconds(120));
  }
}

TEST_CASE(
    "8 transient failures in a row pause a store, and none of its items "
    "is charged; local outcomes do not count as the CRM working",
    "[unit]") {
  Harness run(
      [](std::uint64_t, const Request&) {
        return ScriptedTransport::Answer{answer(503), milliseconds(10)};
      },
      {.concurrency = 2});
  run.scheduler.add_store(1, run.provider, limits(std::nullopt, std::nullopt));
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.back().work.record->deleted = true;  // a local success first
  for (int id = 2; id <= 20; ++id) {
    items.push_back(item(1, Entity::customer, id));
  }
  CHECK(run.scheduler.run(items) == 8);
  CHECK(run.scheduler.state(1).paused_reason);
  for (std::size_t i = 1; i < items.size(); ++i) {
    CHECK(items[i].outcome->kind == OutcomeKind::rate_limited);
  }
}

TEST_CASE("a probe cut by the deadline is not an answer", "[unit]") {
  Harness run(always_ok(milliseconds(5000)),
              {.concurrency = 10, .deadline = milliseconds(1500)});
  StoreLimits probed = limits(std::nullopt, std::nullopt);
  probed.probe = true;
  run.scheduler.add_store(1, run.provider, probed);
  std::vector<Item> items;
  items.push_back(item(1, Entity::customer, 1));
  items.push_back(item(1, Entity::customer, 2));
  CHECK(run.scheduler.run(items) == 1);
  CHECK(items[0].outcome->kind == OutcomeKind::released);
  CHECK(run.scheduler.state(1).answered == 0);
}
