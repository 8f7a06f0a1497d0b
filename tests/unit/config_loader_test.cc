#include "crm/config/config_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "crm/core/errors.h"

using crm::Origin;
using crm::config::load_config;

namespace {
std::string write_file(const std::string& text) {
  static int counter = 0;
  const std::string path =
      fmt::format("/tmp/crm-config-test-{}-{}.conf", ::getpid(), ++counter);
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("configuration layers: defaults < file < environment < command line",
          "[unit]") {
  const std::string file = write_file(
      "# comment\n"
      "db_host = db.internal\n"
      "db_port = 3307\n"
      "db_user = 'sync'\n"
      "db_name = loja\n");
  const auto config =
      load_config({{"CRM_DB_PORT", "3308"}, {"CRM_DB_PASSWORD", "s3cret"}},
                  file, {{"db_name", "other"}});
  CHECK(config.db.host == "db.internal");
  CHECK(config.db.port == 3308);
  CHECK(config.db.user == "sync");
  CHECK(config.db.password == "s3cret");
  CHECK(config.db.name == "other");
  CHECK(config.origins.at("db_host") == Origin::file);
  CHECK(config.origins.at("db_port") == Origin::environment);
  CHECK(config.origins.at("db_name") == Origin::command_line);
  CHECK(config.origins.count("db_connect_timeout") == 0);
  const std::string described = crm::config::describe_config(config);
  CHECK(described.find("s3cret") == std::string::npos);
  CHECK(described.find("db_password = *** (environment)") != std::string::npos);
}

TEST_CASE("CRM_SYNC_CONFIG names the file when --config is absent", "[unit]") {
  const std::string file = write_file("db_name = from_env_file\n");
  CHECK(load_config({{"CRM_SYNC_CONFIG", file}}, std::nullopt).db.name ==
        "from_env_file");
}

TEST_CASE("a password file keeps the secret off the command line", "[unit]") {
  const std::string secret = write_file("  pw-from-file \n");
  CHECK(load_config({{"CRM_DB_PASSWORD_FILE", secret}}, std::nullopt)
            .db.password == "pw-from-file");
}

TEST_CASE("bad configuration fails with file, line and key", "[unit]") {
  const std::string typo = write_file("db_host = x\nbacth_size = 5\n");
  REQUIRE_THROWS_WITH(
      load_config({}, typo),
      fmt::format("config {}: line 2: unknown key 'bacth_size'", typo));
  const std::string junk = write_file("just words\n");
  REQUIRE_THROWS_WITH(
      load_config({}, junk),
      fmt::format("config {}: line 1: expected 'key = value'", junk));
  REQUIRE_THROWS_WITH(load_config({{"CRM_DB_PORT", "abc"}}, std::nullopt),
                      "CRM_DB_PORT: not a number between 1 and 65535: 'abc'");
  REQUIRE_THROWS_WITH(load_config({}, std::string("/nonexistent.conf")),
                      "config /nonexistent.conf: cannot read file");
}
