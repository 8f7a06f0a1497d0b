#include "crm/queue/backoff.h"

#include <catch2/catch.hpp>

using crm::queue::backoff_after;

TEST_CASE("back-off doubles from one minute and is capped at an hour",
          "[unit]") {
  CHECK(backoff_after(1).count() == 60);
  CHECK(backoff_after(2).count() == 120);
  CHECK(backoff_after(3).count() == 240);
  CHECK(backoff_after(7).count() == 3600);
  CHECK(backoff_after(1000).count() == 3600);
  CHECK(backoff_after(0).count() == 60);
}
