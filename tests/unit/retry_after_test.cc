#include "crm/http/retry_after.h"

#include <catch2/catch.hpp>

using crm::http::parse_retry_after;

TEST_CASE("Retry-After accepts seconds and HTTP dates", "[unit]") {
  CHECK(parse_retry_after("30") == std::chrono::seconds(30));
  CHECK(parse_retry_after(" 5 ") == std::chrono::seconds(5));
  CHECK(parse_retry_after("999999") == std::chrono::seconds(86400));
  const auto now = std::chrono::system_clock::from_time_t(
      784111777);  // 06 Nov 1994 08:49:37
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now) ==
        std::chrono::seconds(60));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now) ==
        std::chrono::seconds(0));
  CHECK_FALSE(parse_retry_after("soon").has_value());
  CHECK_FALSE(parse_retry_after("").has_value());
  CHECK_FALSE(parse_retry_after("-3x").has_value());
}

TEST_CASE("an HTTP date is a time point only for years a clock can hold",
          "[unit]") {
  using crm::http::parse_http_date;
  const auto at = parse_http_date("Mon, 30 Nov 2026 05:50:00 GMT");
  REQUIRE(at);
  CHECK(std::chrono::system_clock::to_time_t(*at) == 1796017800);
  // Found by fuzz_retry_after: year 0997 overflowed the nanosecond clock.
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 0997 08:49:37 GMT"));
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 0997 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 9997 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("30/11/2026"));
}
