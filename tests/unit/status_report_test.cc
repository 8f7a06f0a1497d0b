#include "crm/report/status_report.h"

#include <catch2/catch.hpp>

using crm::report::capacity_per_minute;
using crm::report::drain_estimate;
using crm::report::StoreReport;

namespace {

StoreReport store_with(std::int64_t pending, std::int64_t finished,
                       std::int64_t active_minutes) {
  StoreReport store;
  store.pending = pending;
  store.finished_10m = finished;
  store.active_minutes_10m = active_minutes;
  return store;
}

}  // namespace

TEST_CASE(
    "the drain estimate divides the backlog by the rate per active minute",
    "[unit]") {
  // 800 rows at 100 a minute: 8 minutes, however long the queue sat idle
  // before (the rate is per minute that finished rows, not per hour).
  const auto drain = drain_estimate(store_with(800, 300, 3));
  CHECK(drain.minutes == 8);
  CHECK(drain.basis == "observado");
  CHECK(drain_estimate(store_with(0, 0, 0)).minutes == 0);
  CHECK(drain_estimate(store_with(0, 0, 0)).basis == "vazia");
}

TEST_CASE("without a recent rate the estimate comes from the budget and pacing",
          "[unit]") {
  StoreReport store = store_with(900, 0, 0);
  CHECK_FALSE(drain_estimate(store).minutes.has_value());
  store.per_minute = 180;
  store.per_second = 3;  // 50 s * 3 / 1.1 = 136.4 requests a minute
  store.requests_per_item = 2.0;
  REQUIRE(capacity_per_minute(store).has_value());
  CHECK(*capacity_per_minute(store) == Approx(68.18).epsilon(0.001));
  const auto drain = drain_estimate(store);
  CHECK(drain.minutes == 14);  // 900 / 68.18, rounded up
  CHECK(drain.basis == "orcamento");
  store.per_second.reset();  // the budget alone: 180 / 2 = 90 a minute
  CHECK(*capacity_per_minute(store) == Approx(90.0));
}
