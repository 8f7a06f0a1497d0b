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

TEST_CASE("a trailing comment is not part of the value", "[unit]") {
  const std::string file = write_file(
      "db_host = \"db.internal\"  # the primary\n"
      "db_user = sync ; the cron user\n"
      "db_name = 'loja # 1'  # quoted: the # is data\n"
      "db_password = pa#ss;word\n"
      "db_socket =   # none\n");
  const auto config = load_config({}, file);
  CHECK(config.db.host == "db.internal");
  CHECK(config.db.user == "sync");
  CHECK(config.db.name == "loja # 1");
  CHECK(config.db.password == "pa#ss;word");
  CHECK(config.db.socket.empty());
}

TEST_CASE("a bad quote or an unknown key after comments fails with its line",
          "[unit]") {
  const std::string open_quote = write_file("db_host = \"x\n");
  REQUIRE_THROWS_WITH(
      load_config({}, open_quote),
      fmt::format("config {}: line 1: unterminated quote", open_quote));
  const std::string after = write_file("# ok\ndb_host = \"x\" y\n");
  REQUIRE_THROWS_WITH(
      load_config({}, after),
      fmt::format("config {}: line 2: unexpected text after the closing quote",
                  after));
  const std::string typo = write_file("db_host = x # note\ndb_hots = y # z\n");
  REQUIRE_THROWS_WITH(
      load_config({}, typo),
      fmt::format("config {}: line 2: unknown key 'db_hots'", typo));
}
