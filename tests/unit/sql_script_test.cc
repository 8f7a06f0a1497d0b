#include <catch2/catch.hpp>

#include "crm/db/migrator.h"

using crm::db::split_sql_script;

TEST_CASE("scripts split at semicolons outside quotes and comments", "[unit]") {
  const auto statements = split_sql_script(
      "-- a comment; with a semicolon\n"
      "CREATE TABLE a (x INT); # another; comment\n"
      "INSERT INTO a VALUES ('x;y'), (\"it's\");\n"
      "/* block; comment */ SELECT 1;\n"
      "SELECT `odd;name` FROM a");
  REQUIRE(statements.size() == 4);
  CHECK(statements[0] == "CREATE TABLE a (x INT)");
  CHECK(statements[1] == "INSERT INTO a VALUES ('x;y'), (\"it's\")");
  CHECK(statements[2] == "SELECT 1");
  CHECK(statements[3] == "SELECT `odd;name` FROM a");
}

TEST_CASE("DELIMITER lines allow trigger bodies with semicolons", "[unit]") {
  const auto statements = split_sql_script(
      "DELIMITER $$\n"
      "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN\n"
      "  INSERT INTO b VALUES (NEW.x);\n"
      "END$$\n"
      "DELIMITER ;\n"
      "SELECT 2;\n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].find("INSERT INTO b VALUES (NEW.x);") !=
        std::string::npos);
  CHECK(statements[1] == "SELECT 2");
}

TEST_CASE("the shipped migrations split into sensible statements", "[unit]") {
  CHECK(split_sql_script("").empty());
  CHECK(split_sql_script("  ;  ; ").empty());
  CHECK(split_sql_script("SELECT 'a\\'b;c'").size() == 1);
}
