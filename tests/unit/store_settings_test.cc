#include "crm/integrations/store_settings.h"

#include <catch2/catch.hpp>

#include "crm/core/errors.h"

using crm::integrations::parse_store_settings;
using crm::integrations::setting_keys;

namespace {
crm::json::Value parsed(const std::string& text) {
  return *crm::json::parse(text);
}
}  // namespace

TEST_CASE("store settings: defaults come from the table", "[unit]") {
  const auto settings = parse_store_settings(parsed("{}"), 1);
  CHECK(settings.timeout == std::chrono::milliseconds(15000));
  CHECK(settings.connect_timeout == std::chrono::milliseconds(5000));
  CHECK(settings.batch_size == 100);
  CHECK(settings.concurrency == 10);
  CHECK_FALSE(settings.requests_per_minute);  // the provider's
  CHECK_FALSE(settings.requests_per_second);
  CHECK(setting_keys().size() == 6);
}

TEST_CASE("store settings: values in range are taken, 0 turns pacing off",
          "[unit]") {
  const auto settings = parse_store_settings(
      parsed(R"({"batch_size": 250, "concurrency": 4, "timeout_ms": 900,
                 "requests_per_minute": 30, "requests_per_second": 0,
                 "tables": {}})"),
      1);
  CHECK(settings.batch_size == 250);
  CHECK(settings.concurrency == 4);
  CHECK(settings.timeout == std::chrono::milliseconds(900));
  CHECK(settings.requests_per_minute == 30);
  CHECK(settings.requests_per_second == 0);
}

TEST_CASE(
    "store settings: a value out of range or of the wrong type names "
    "the store and the key",
    "[unit]") {
  for (const char* text :
       {R"({"batch_size": 0})", R"({"batch_size": "100"})",
        R"({"batch_size": 1.5})", R"({"concurrency": 257})"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_store_settings(parsed(text), 7), crm::FatalError);
  }
  CHECK_THROWS_WITH(parse_store_settings(parsed(R"({"timeout_ms": 50})"), 7),
                    "crm_integracoes: store 7: configuracoes: 'timeout_ms' "
                    "must be an integer from 100 to 600000");
}

TEST_CASE("store settings: an unknown top-level key is named, not ignored",
          "[unit]") {
  CHECK_THROWS_WITH(
      parse_store_settings(parsed(R"({"tables": {}, "concurency": 4})"), 3),
      "crm_integracoes: store 3: configuracoes: unknown key 'concurency'");
}
