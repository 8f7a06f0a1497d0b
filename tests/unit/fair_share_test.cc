#include "crm/queue/fair_share.h"

#include <catch2/catch.hpp>

using crm::queue::Contender;
using crm::queue::fair_shares;
using Shares = std::map<int, int>;

TEST_CASE("fair shares split the batch evenly, the remainder to the first",
          "[unit]") {
  CHECK(fair_shares({{1, 100}, {2, 100}}, 100) == Shares{{1, 50}, {2, 50}});
  CHECK(fair_shares({{7, 100}, {3, 100}, {5, 100}}, 100) ==
        Shares{{7, 34}, {3, 33}, {5, 33}});
}

TEST_CASE("a store alone takes the whole batch", "[unit]") {
  CHECK(fair_shares({{1, 100}}, 100) == Shares{{1, 100}});
}

TEST_CASE("what a capped store cannot take goes to the others", "[unit]") {
  CHECK(fair_shares({{1, 1000}, {2, 10}}, 100) == Shares{{1, 90}, {2, 10}});
  CHECK(fair_shares({{1, 5}, {2, 20}, {3, 1000}}, 100) ==
        Shares{{1, 5}, {2, 20}, {3, 75}});
  // Everyone capped: the batch stays short.
  CHECK(fair_shares({{1, 3}, {2, 4}}, 100) == Shares{{1, 3}, {2, 4}});
}

TEST_CASE("more stores than rows: the first stores get one row each",
          "[unit]") {
  std::vector<Contender> many;
  for (int store = 1; store <= 1000; ++store) many.push_back({store, 100});
  const Shares shares = fair_shares(many, 100);
  CHECK(shares.size() == 100);
  CHECK(shares.begin()->first == 1);
  CHECK(shares.rbegin()->first == 100);
  for (const auto& [store, share] : shares) CHECK(share == 1);
}

TEST_CASE("a store with no cap left or no capacity gets nothing", "[unit]") {
  CHECK(fair_shares({{1, 0}, {2, 100}}, 10) == Shares{{2, 10}});
  CHECK(fair_shares({{1, 100}}, 0).empty());
  CHECK(fair_shares({}, 100).empty());
}
