#include "crm/json/json.h"

#include <catch2/catch.hpp>

using crm::json::Value;

TEST_CASE("JSON keeps big integer ids exact and round-trips text", "[unit]") {
  const auto value = crm::json::parse(
      R"({"data":{"id":6423817751,"big":18446744073709551615,"price":19.9,)"
      R"("name":"Jo\u00e3o \"x\" 😀","ok":true,"none":null,"list":[1,{"a":"b"}]}})");
  REQUIRE(value.has_value());
  CHECK(value->find_path("data.id")->text() == "6423817751");
  CHECK(value->find_path("data.big")->text() == "18446744073709551615");
  CHECK(value->find_path("data.price")->text() == "19.9");
  const auto numbers =
      crm::json::parse("[19.90, -0.0, 1.5E+3, 123456789012345678901234567890]");
  REQUIRE(numbers.has_value());
  CHECK(numbers->items().at(0).text() == "19.90");
  CHECK(crm::json::dump(*crm::json::parse(
            "[19.90,-0.0,1.5E+3,123456789012345678901234567890]")) ==
        "[19.90,-0.0,1.5E+3,123456789012345678901234567890]");
  CHECK(value->find_path("data.name")->text() == "João \"x\" 😀");
  CHECK(value->find_path("data.ok")->scalar_text() == "1");
  CHECK(value->find_path("data.none")->is_null());
  CHECK(value->find_path("data.list.1.a")->text() == "b");
  CHECK(value->find_path("data.list.2") == nullptr);
  CHECK(value->find_path("data.missing") == nullptr);
  const auto again = crm::json::parse(crm::json::dump(*value));
  REQUIRE(again.has_value());
  CHECK(crm::json::dump(*again) == crm::json::dump(*value));
}

TEST_CASE("deep nesting is refused, not a stack overflow", "[unit]") {
  std::string error;
  CHECK(crm::json::parse(std::string(256, '[') + std::string(256, ']'), &error)
            .has_value());
  CHECK_FALSE(crm::json::parse(std::string(100000, '['), &error).has_value());
  CHECK(error == "offset 256: nesting deeper than 256 levels");
}

TEST_CASE("invalid JSON is reported with an offset", "[unit]") {
  std::string error;
  CHECK_FALSE(crm::json::parse("{\"a\":", &error).has_value());
  CHECK(error.starts_with("offset 5:"));
  CHECK_FALSE(crm::json::parse("{} trailing", &error).has_value());
  CHECK_FALSE(crm::json::parse("<html>", &error).has_value());
  CHECK_FALSE(crm::json::parse("\"\xff\"", &error).has_value());
  CHECK_FALSE(crm::json::parse(R"({"nome":"a\ude28b"})", &error).has_value());
  CHECK(error.ends_with(": invalid Unicode in a string (lone surrogate)"));
  CHECK(
      crm::json::parse(R"(["\ud83d\ude00"])").has_value());  // a proper pair: 😀
}

TEST_CASE("paths set nested objects and dump escapes control characters",
          "[unit]") {
  Value value = Value::object();
  value.set_path("a.b.c", Value::string("x\n\x01"));
  value.set_path("a.d", Value::number(3LL));
  CHECK(crm::json::dump(value) == R"({"a":{"b":{"c":"x\n\u0001"},"d":3}})");
}
