#include <catch2/catch.hpp>

#include "crm/cli/run_app.h"
#include "crm/core/errors.h"

using crm::cli::parse_datetime;

TEST_CASE("a date option takes real calendar dates and clock times", "[unit]") {
  CHECK(parse_datetime("--since", "2026-01-31") == "2026-01-31 00:00:00");
  CHECK(parse_datetime("--since", "2024-02-29 23:59") == "2024-02-29 23:59:00");
  CHECK(parse_datetime("--since", "2000-02-29 00:00:59") ==
        "2000-02-29 00:00:59");
  CHECK(parse_datetime("--since", "2026-12-31 12:30:00") ==
        "2026-12-31 12:30:00");
}

TEST_CASE("a date option refuses impossible dates and times with exit 2",
          "[unit]") {
  const auto* bad =
      GENERATE("2026-13-45", "2026-02-30 25:61:00", "2026-02-29", "1900-02-29",
               "2026-04-31", "2026-00-10", "2026-01-00", "2026-01-01 24:00:00",
               "2026-01-01 23:60", "2026-01-01 23:59:60", "0999-01-01",
               "yesterday", "2026-1-01", "2026-01-01T10:00:00",
               "2026-01-01 10:00:00 ", "", "+026-01-01", "2026-01-01 1a:00");
  CAPTURE(bad);
  CHECK_THROWS_AS(parse_datetime("--since", bad), crm::UsageError);
}

TEST_CASE("a bad date is named in one line with the option and the value",
          "[unit]") {
  REQUIRE_THROWS_WITH(parse_datetime("--since", "2026-13-45"),
                      "--since: no such day: expected YYYY-MM-DD or "
                      "'YYYY-MM-DD HH:MM:SS', got '2026-13-45'");
  REQUIRE_THROWS_WITH(parse_datetime("--since", "2026-02-28 25:61:00"),
                      "--since: no such time: expected YYYY-MM-DD or "
                      "'YYYY-MM-DD HH:MM:SS', got '2026-02-28 25:61:00'");
}
