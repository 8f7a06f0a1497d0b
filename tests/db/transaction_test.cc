#include <catch2/catch.hpp>
#include <string>

#include "crm/db/connection.h"
#include "support/db_fixture.h"

namespace {

/// Reads a customer's name, lets another session change and commit it, reads
/// again: true when the second read saw the change (READ COMMITTED), false
/// when it kept the snapshot of the first (REPEATABLE READ).
bool sees_concurrent_commit(crm::db::Connection& reader,
                            crm::db::Connection& writer) {
  const auto name = [&] {
    return reader.query("SELECT nome FROM clientes WHERE id = 1")
        .rows.at(0)
        .text(0);
  };
  const std::string before = name();
  writer.execute("UPDATE clientes SET nome = CONCAT(nome, '+') WHERE id = 1");
  return name() != before;
}

}  // namespace

TEST_CASE("every attempt of with_transaction runs at the asked isolation",
          "[db]") {
  auto reader = crm::testing::connect();
  auto writer = crm::testing::connect();
  crm::testing::reset_tables(*reader);
  reader->execute(
      "INSERT INTO clientes (id, id_loja, nome) VALUES (1, 1, 'a')");

  std::vector<bool> read_committed;
  crm::db::with_transaction(
      *reader,
      [&] {
        read_committed.push_back(sees_concurrent_commit(*reader, *writer));
        if (read_committed.size() == 1) {
          throw crm::db::DbError("deadlock", 1213, "40001");
        }
      },
      crm::db::Isolation::read_committed);
  CHECK(read_committed == std::vector<bool>{true, true});

  std::vector<bool> repeatable_read;
  crm::db::with_transaction(
      *reader,
      [&] {
        repeatable_read.push_back(sees_concurrent_commit(*reader, *writer));
        if (repeatable_read.size() == 1) {
          throw crm::db::DbError("lock wait timeout", 1205, "HY000");
        }
      },
      crm::db::Isolation::repeatable_read);
  CHECK(repeatable_read == std::vector<bool>{false, false});
}
