#include "crm/records/schema_check.h"

#include <catch2/catch.hpp>

#include "crm/records/table_mapping.h"
#include "support/db_fixture.h"

using crm::Entity;
using crm::records::check_schema;
using crm::records::default_mapping;

TEST_CASE(
    "the schema check names a column that does not exist, ignores the "
    "case of column names, and reports a missing table apart",
    "[db]") {
  auto c = crm::testing::connect();
  auto customer = default_mapping(Entity::customer);
  customer.children.clear();
  for (auto& [field, column] : customer.columns) {
    if (field == "email") column = "EMAIL";  // MariaDB: same column
  }
  auto product = default_mapping(Entity::product);
  product.table = "no_such_table";
  auto check = check_schema(
      *c, {{Entity::customer, customer}, {Entity::product, product}}, 4);
  CHECK_FALSE(check.problem);
  REQUIRE(check.missing_tables.count(Entity::product) == 1);
  CHECK(check.missing_tables.at(Entity::product) ==
        "crm_integracoes: store 4: configuracoes: tables.produto: table "
        "'no_such_table' does not exist");

  for (auto& [field, column] : customer.columns) {
    if (field == "email") column = "emial";
  }
  check = check_schema(*c, {{Entity::customer, customer}}, 4);
  REQUIRE(check.problem);
  CHECK(
      *check.problem ==
      "crm_integracoes: store 4: configuracoes: tables.cliente.columns.email: "
      "column 'emial' does not exist in table 'clientes'");
}
