#include "crm/records/record_repository.h"

#include <catch2/catch.hpp>

#include "crm/json/json.h"
#include "support/db_fixture.h"

using crm::records::RecordRepository;

TEST_CASE("records load in one query through the default mapping", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  c->execute_raw(
      "INSERT INTO clientes (id, id_loja, nome, email, external_id, "
      "deletado_em) VALUES "
      "(1, 1, 'Ana', 'ana@ex.com', NULL, NULL), (2, 1, 'Bia', NULL, '77', "
      "NOW()), "
      "(3, 2, 'Caio', 'c@ex.com', NULL, NULL)");
  RecordRepository repository(*c);
  const auto mapping = crm::records::default_mapping(crm::Entity::customer);
  const auto records = repository.load_many(mapping, 1, {1, 2, 3, 4});
  REQUIRE(records.size() == 2);  // 3 is another store's, 4 does not exist
  CHECK(records.at(1).fields.at("name") == "Ana");
  CHECK_FALSE(records.at(1).external_id.has_value());
  CHECK_FALSE(records.at(1).deleted);
  CHECK(records.at(2).external_id == "77");
  CHECK(records.at(2).deleted);
  CHECK_FALSE(records.at(2).fields.at("email").has_value());
}

TEST_CASE("a custom mapping reads a table with other names and no store column",
          "[db]") {
  auto c = crm::testing::connect();
  c->execute_raw("DROP TABLE IF EXISTS customers_en");
  c->execute_raw(
      "CREATE TABLE customers_en (customer_id INT PRIMARY KEY, full_name "
      "VARCHAR(100), "
      "crm_ref VARCHAR(64) NULL UNIQUE, deleted_at DATETIME NULL)");
  c->execute_raw(
      "INSERT INTO customers_en VALUES (10, 'Zé', NULL, NULL), (11, 'Lu', "
      "'x9', NULL)");
  const auto overrides =
      crm::json::parse(R"({"table": "customers_en", "id": "customer_id",
      "store_column": null, "external_id": "crm_ref", "deleted_column": "deleted_at",
      "columns": {"name": "full_name", "email": null, "phone": null, "document": null}})");
  const auto mapping = crm::records::apply_overrides(
      crm::records::default_mapping(crm::Entity::customer), *overrides, "test");
  RecordRepository repository(*c);
  const auto records = repository.load_many(mapping, 999, {10, 11});
  REQUIRE(records.size() == 2);
  CHECK(records.at(10).fields.at("name") == "Zé");
  CHECK(records.at(10).fields.size() == 1);
  repository.save_external_id(mapping, 10, "abc");
  CHECK(c->query("SELECT crm_ref FROM customers_en WHERE customer_id = 10")
            .rows[0]
            .text(0) == "abc");
  c->execute_raw("DROP TABLE customers_en");
}

TEST_CASE("hostile values survive a write and a read unchanged", "[db]") {
  auto c = crm::testing::connect();
  crm::testing::reset_tables(*c);
  c->execute_raw("INSERT INTO clientes (id, id_loja, nome) VALUES (1, 1, 'x')");
  const std::string hostile =
      "Robert'); DROP TABLE clientes; -- \"quoted\" \\ João ção 😀 \x01";
  RecordRepository repository(*c);
  const auto mapping = crm::records::default_mapping(crm::Entity::customer);
  repository.apply_remote(mapping, 1,
                          {{"name", hostile}, {"email", std::nullopt}});
  const auto records = repository.load_many(mapping, 1, {1});
  CHECK(records.at(1).fields.at("name") == hostile);
  CHECK_FALSE(records.at(1).fields.at("email").has_value());
}

TEST_CASE(
    "a sale's child rows load with it, from mapped child tables in their order",
    "[db]") {
  auto c = crm::testing::connect();
  c->execute_raw("DROP TABLE IF EXISTS pedido_linhas");
  c->execute_raw("DROP TABLE IF EXISTS pedidos_x");
  c->execute_raw(
      "CREATE TABLE pedidos_x (cod INT PRIMARY KEY, cliente INT NULL, valor "
      "DECIMAL(10,2), "
      "crm VARCHAR(64) NULL)");
  c->execute_raw(
      "CREATE TABLE pedido_linhas (seq INT PRIMARY KEY, pedido INT NOT NULL, "
      "item INT NOT NULL, "
      "qtd DECIMAL(10,3), preco DECIMAL(10,2))");
  c->execute_raw(
      "INSERT INTO pedidos_x VALUES (1, 5, 12.50, NULL), (2, 6, 3.00, NULL)");
  c->execute_raw(
      "INSERT INTO pedido_linhas VALUES (30, 1, 8, 1, 2.50), (10, 1, 9, 2, "
      "5.00), "
      "(20, 2, 8, 1, 3.00), (40, 3, 8, 1, 1.00)");
  const auto overrides = crm::json::parse(R"({"table": "pedidos_x", "id": "cod",
      "store_column": null, "external_id": "crm", "deleted_column": null, "updated_column": null,
      "columns": {"customer_id": "cliente", "total": "valor", "status": null, "date": null},
      "children": {"lines": {"table": "pedido_linhas", "parent_column": "pedido", "id": "seq",
                             "columns": {"product_id": "item", "quantity": "qtd",
                                         "price": "preco", "description": null}},
                   "installments": null}})");
  const auto mapping = crm::records::apply_overrides(
      crm::records::default_mapping(crm::Entity::sale), *overrides, "test");
  REQUIRE(mapping.children.size() == 1);
  RecordRepository repository(*c);
  const auto records = repository.load_many(mapping, 1, {1, 2});
  REQUIRE(records.size() == 2);
  const auto& lines = records.at(1).children.at("lines");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("product_id") == "9");  // seq 10 before seq 30
  CHECK(lines[0].at("quantity") == "2.000");
  CHECK(lines[1].at("price") == "2.50");
  CHECK(lines[0].count("description") == 0);
  CHECK(records.at(2).children.at("lines").size() == 1);
  CHECK(records.at(1).children.count("installments") == 0);
  c->execute_raw("DROP TABLE pedido_linhas");
  c->execute_raw("DROP TABLE pedidos_x");
}
