// Plain configuration structs, loaded once and passed explicitly.
#pragma once

#include <map>
#include <string>

namespace crm {

struct DbSettings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user = "crm_sync";
  std::string password;  ///< never printed; --print-config masks it
  std::string name = "crm";
  std::string socket;  ///< a unix socket path; when set, host/port are unused
  int connect_timeout_seconds = 5;
  /// Seconds a query may wait for the server before the run gives up.
  int read_timeout_seconds = 60;
};

/// Where a configuration value came from.
enum class Origin { default_value, file, environment, command_line };

struct Config {
  DbSettings db;
  /// Directory of NNN_*.sql files for crm_migrate.
  std::string migrations_dir;
  /// Written into crm_execucoes.host; defaults to gethostname().
  std::string host_name;
  /// Attempts before an item's transient failure is given up (1-100); the
  /// back-off between them is 1, 2, 4 ... 60 minutes (queue/backoff.h).
  int max_attempts = 10;
  /// The config file read, or empty when none was.
  std::string file;
  /// key -> origin, for --print-config.
  std::map<std::string, Origin> origins;
};

}  // namespace crm
