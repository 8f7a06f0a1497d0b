#include "crm/records/table_mapping.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "crm/core/errors.h"

using crm::Entity;
using crm::records::apply_overrides;
using crm::records::default_mapping;

TEST_CASE("overrides replace names, drop columns and remove optional parts",
          "[unit]") {
  const auto overrides = crm::json::parse(
      R"({"table": "tb_clientes", "store_column": null, "deleted_column": "deleted_at",
          "columns": {"email": "ds_email", "phone": null}})");
  const auto mapping =
      apply_overrides(default_mapping(Entity::customer), *overrides, "t");
  CHECK(mapping.table == "tb_clientes");
  CHECK_FALSE(mapping.store_column.has_value());
  CHECK(mapping.deleted_column == "deleted_at");
  bool has_phone = false;
  for (const auto& [field, column] : mapping.columns) {
    if (field == "email") CHECK(column == "ds_email");
    has_phone = has_phone || field == "phone";
  }
  CHECK_FALSE(has_phone);
}

TEST_CASE("mapping names that are not identifiers are refused", "[unit]") {
  const auto bad = crm::json::parse(R"({"table": "clientes; DROP TABLE x"})");
  REQUIRE_THROWS_AS(
      apply_overrides(default_mapping(Entity::customer), *bad, "store 1"),
      crm::FatalError);
  const auto unknown = crm::json::parse(R"({"tabel": "x"})");
  REQUIRE_THROWS_WITH(
      apply_overrides(default_mapping(Entity::customer), *unknown, "store 1"),
      "store 1: unknown key 'tabel'");
}

TEST_CASE("child tables are overridden by name and checked like the rest",
          "[unit]") {
  const auto sale = default_mapping(crm::Entity::sale);
  REQUIRE(sale.children.size() == 2);
  CHECK(sale.children[0].table == "venda_itens");
  const auto renamed = apply_overrides(
      sale,
      *crm::json::parse(
          R"({"children": {"lines": {"table": "itens", "columns": {"price": "vl"}}}})"),
      "where");
  CHECK(renamed.children[0].table == "itens");
  const auto& columns = renamed.children[0].columns;
  CHECK(std::find(columns.begin(), columns.end(),
                  std::pair<std::string, std::string>{"price", "vl"}) !=
        columns.end());
  REQUIRE_THROWS_WITH(
      apply_overrides(
          sale,
          *crm::json::parse(
              R"({"children": {"lines": {"table": "itens; DROP"}}})"),
          "where"),
      Catch::Contains("where: children.lines: table 'itens; DROP' is not a "
                      "plain table or column name"));
  REQUIRE_THROWS_WITH(
      apply_overrides(
          sale, *crm::json::parse(R"({"children": {"lines": {"tabel": "x"}}})"),
          "where"),
      "where: children.lines: unknown key 'tabel'");
  CHECK(apply_overrides(
            sale, *crm::json::parse(R"({"children": {"installments": null}})"),
            "w")
            .children.size() == 1);
}
