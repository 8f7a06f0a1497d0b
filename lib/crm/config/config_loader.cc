#include "crm/config/config_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crm/core/errors.h"
#include "crm/util/strings.h"
#include "crm/version.h"

extern char** environ;

namespace crm::config {
namespace {

constexpr const char* k_default_file = "/etc/crm-sync/crm-sync.conf";

/// <prefix>/share/crm-sync/migrations beside the running program's
/// <prefix>/bin, so an installed (or unpacked) tree finds its own migrations
/// wherever it lives; else the configured install path.
std::string default_migrations_dir() {
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto candidate =
        exe.parent_path().parent_path() / "share/crm-sync/migrations";
    if (std::filesystem::is_directory(candidate, error)) {
      return candidate.string();
    }
  }
  return k_default_migrations_dir;
}

std::string default_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) {
    return "unknown";
  }
  return buffer;
}

int parse_port_like(std::string_view where, std::string_view value, int low,
                    int high) {
  const auto number = util::parse_int(util::trim(value));
  if (!number || *number < low || *number > high) {
    throw FatalError(fmt::format("{}: not a number between {} and {}: '{}'",
                                 where, low, high, value));
  }
  return static_cast<int>(*number);
}

std::string read_secret_file(std::string_view where, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw FatalError(fmt::format("{}: cannot read '{}'", where, path));
  }
  std::string secret;
  std::getline(in, secret);
  return std::string(util::trim(secret));
}

void apply(Config& config, std::string_view key, const std::string& value,
           std::string_view where, Origin origin) {
  if (key == "db_host") {
    config.db.host = value;
  } else if (key == "db_port") {
    config.db.port = parse_port_like(where, value, 1, 65535);
  } else if (key == "db_user") {
    config.db.user = value;
  } else if (key == "db_password") {
    config.db.password = value;
  } else if (key == "db_password_file") {
    config.db.password = read_secret_file(where, value);
  } else if (key == "db_name") {
    config.db.name = value;
  } else if (key == "db_socket") {
    config.db.socket = value;
  } else if (key == "db_connect_timeout") {
    config.db.connect_timeout_seconds = parse_port_like(where, value, 1, 3600);
  } else if (key == "db_read_timeout") {
    config.db.read_timeout_seconds = parse_port_like(where, value, 1, 86400);
  } else if (key == "migrations_dir") {
    config.migrations_dir = value;
  } else if (key == "host_name") {
    config.host_name = value;
  } else if (key == "max_attempts") {
    config.max_attempts = parse_port_like(where, value, 1, 100);
  } else {
    throw FatalError(fmt::format("{}: unknown key '{}'", where, key));
  }
  config.origins[std::string(key == "db_password_file" ? "db_password" : key)] =
      origin;
}

/// The value of a `key = value` line: quoted ('...' or "...", kept as is
/// inside), or bare up to a `#` or `;` that starts the value or follows a
/// space (so `pa#ss` stays whole). Throws FatalError naming `where` on an
/// unterminated quote or text after the closing one.
std::string file_value(std::string_view raw, std::string_view where) {
  const auto is_comment = [](std::string_view rest) {
    return rest.empty() || rest.front() == '#' || rest.front() == ';';
  };
  const std::string_view value = util::trim(raw);
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    const auto close = value.find(value.front(), 1);
    if (close == std::string_view::npos) {
      throw FatalError(fmt::format("{}: unterminated quote", where));
    }
    if (!is_comment(util::trim(value.substr(close + 1)))) {
      throw FatalError(
          fmt::format("{}: unexpected text after the closing quote", where));
    }
    return std::string(value.substr(1, close - 1));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') &&
        (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return std::string(util::trim(value.substr(0, i)));
    }
  }
  return std::string(value);
}

void apply_file(Config& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw FatalError(fmt::format("config {}: cannot read file", path));
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto text = util::trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') {
      continue;
    }
    const auto equals = text.find('=');
    const std::string where = fmt::format("config {}: line {}", path, number);
    if (equals == std::string_view::npos) {
      throw FatalError(fmt::format("{}: expected 'key = value'", where));
    }
    const auto key = util::trim(text.substr(0, equals));
    apply(config, key, file_value(text.substr(equals + 1), where), where,
          Origin::file);
  }
}

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::default_value:
      return "default";
    case Origin::file:
      return "file";
    case Origin::environment:
      return "environment";
    case Origin::command_line:
      return "command line";
  }
  return "?";
}

}  // namespace

Environment process_environment() {
  Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      environment.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return environment;
}

const std::vector<std::string_view>& known_keys() {
  static const std::vector<std::string_view> k_keys = {
      "db_host",          "db_port",        "db_user",   "db_password",
      "db_password_file", "db_name",        "db_socket", "db_connect_timeout",
      "db_read_timeout",  "migrations_dir", "host_name", "max_attempts"};
  return k_keys;
}

std::string environment_name(std::string_view key) {
  std::string name = "CRM_";
  for (char c : key) {
    name.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  return name;
}

Config load_config(const Environment& environment,
                   const std::optional<std::string>& explicit_file,
                   const std::map<std::string, std::string>& overrides) {
  Config config;
  config.migrations_dir = default_migrations_dir();
  config.host_name = default_host_name();

  if (explicit_file) {
    config.file = *explicit_file;
  } else if (auto it = environment.find("CRM_SYNC_CONFIG");
             it != environment.end() && !it->second.empty()) {
    config.file = it->second;
  } else if (::access(k_default_file, F_OK) == 0) {
    config.file = k_default_file;
  }
  if (!config.file.empty()) {
    apply_file(config, config.file);
  }

  for (std::string_view key : known_keys()) {
    const std::string name = environment_name(key);
    if (auto it = environment.find(name); it != environment.end()) {
      apply(config, key, it->second, name, Origin::environment);
    }
  }
  for (const auto& [key, value] : overrides) {
    apply(config, key, value, fmt::format("--{}", key), Origin::command_line);
  }
  return config;
}

std::string describe_config(const Config& config) {
  const auto origin_of = [&](std::string_view key) {
    const auto it = config.origins.find(std::string(key));
    return origin_name(it == config.origins.end() ? Origin::default_value
                                                  : it->second);
  };
  std::string out;
  const auto line = [&](std::string_view key, const std::string& value) {
    out += fmt::format("{} = {} ({})\n", key, value, origin_of(key));
  };
  out += fmt::format("# config file: {}\n",
                     config.file.empty() ? "(none)" : config.file);
  line("db_host", config.db.host);
  line("db_port", std::to_string(config.db.port));
  line("db_user", config.db.user);
  line("db_password", config.db.password.empty() ? "(empty)" : "***");
  line("db_name", config.db.name);
  line("db_socket", config.db.socket);
  line("db_connect_timeout", std::to_string(config.db.connect_timeout_seconds));
  line("db_read_timeout", std::to_string(config.db.read_timeout_seconds));
  line("migrations_dir", config.migrations_dir);
  line("host_name", config.host_name);
  line("max_attempts", std::to_string(config.max_attempts));
  return out;
}

}  // namespace crm::config
