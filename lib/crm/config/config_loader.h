// Builds a Config from defaults, a key = value file, CRM_* variables and flags.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/config/settings.h"

namespace crm::config {

/// Environment variables as a map, so tests pass their own.
using Environment = std::map<std::string, std::string>;

/// The process environment.
Environment process_environment();

/// The file keys, in the order --print-config shows them.
const std::vector<std::string_view>& known_keys();

/// The CRM_* variable for a file key ("db_host" -> "CRM_DB_HOST").
std::string environment_name(std::string_view key);

/// Loads the configuration, each layer overriding the previous one:
/// defaults < file < CRM_* environment < `overrides` (command line).
/// The file is `explicit_file` if given, else $CRM_SYNC_CONFIG, else
/// /etc/crm-sync/crm-sync.conf when it exists. Throws FatalError naming
/// the file, line and key on an unreadable file, unknown key or bad value.
Config load_config(const Environment& environment,
                   const std::optional<std::string>& explicit_file,
                   const std::map<std::string, std::string>& overrides = {});

/// One line per key: `key = value (origin)`, passwords as "***".
std::string describe_config(const Config& config);

}  // namespace crm::config
