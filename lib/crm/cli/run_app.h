// The frame of every program: options, config, output mode, exit codes.
#pragma once

#include <cstdint>
#include <cxxopts.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/config/config_loader.h"
#include "crm/core/entity.h"
#include "crm/report/printer.h"

namespace crm::cli {

enum class ExitCode : int { ok = 0, fatal = 1, usage = 2 };

/// What a program's body gets: parsed options and the loaded pieces.
struct Args {
  cxxopts::ParseResult& parsed;
  const report::Printer& printer;
  const config::Environment& environment;
  /// Loads the configuration (--config, CRM_SYNC_CONFIG, CRM_*), once.
  const Config& config();

  std::optional<Config> m_config;
  std::optional<std::string> m_config_file;
  std::map<std::string, std::string> m_overrides;
};

using Declare = std::function<void(cxxopts::Options&)>;
using Body = std::function<ExitCode(Args&)>;

/// A program that is also a monitoring plugin when `flag` is on its command
/// line (crm_status --check): then every error that ends it, a bad option,
/// the configuration or the database alike, is one plugin line on stdout,
/// "CRM_SYNC UNKNOWN - <message>", and exit 3, as a plugin must answer.
struct MonitoringPlugin {
  std::string_view flag;  ///< "--check"
};

/// Adds the common options (--help --version --config --json --verbose
/// --quiet --print-config), parses, handles --help/--version/--print-config
/// and runs `body`. Catches UsageError and cxxopts errors (exit 2, message on
/// stderr), FatalError (exit 1, "[ts] ERRO: ..." on stderr, and a JSON error
/// object on stdout with --json) and any other std::exception (exit 1);
/// with `plugin`'s flag given, each of them is the UNKNOWN line instead.
int run_app(const std::string& program, const std::string& summary, int argc,
            char** argv, const Declare& declare, const Body& body,
            std::optional<MonitoringPlugin> plugin = std::nullopt);

/// An option's value when given; throws UsageError if it is not a positive
/// integer in range.
std::optional<int> int_option(const cxxopts::ParseResult& parsed,
                              const std::string& name, int low, int high);

/// A date or time option's text, checked strictly: "YYYY-MM-DD",
/// "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS", a real calendar date (leap
/// years included, years 1000-9999), hours 0-23, minutes and seconds 0-59.
/// Returns it as "YYYY-MM-DD HH:MM:SS"; throws UsageError naming `option`
/// otherwise, so a bad date never reaches the database.
std::string parse_datetime(std::string_view option, std::string_view text);

/// --NAME through parse_datetime() when given.
std::optional<std::string> datetime_option(const cxxopts::ParseResult& parsed,
                                           const std::string& name);

/// --NAME's values (repeated, or a comma list) as record ids, in the order
/// given; empty when absent. Throws UsageError for a value that is not a
/// positive integer.
std::vector<std::int64_t> record_ids_option(const cxxopts::ParseResult& parsed,
                                            const std::string& name);

/// --ENTITY and --IDS (ids repeated or comma lists) as pairs, in the order
/// given: with one --ENTITY every id is its own, wherever it stands; with
/// several, each --IDS belongs to the nearest --ENTITY before it, and ids of
/// one entity named twice are joined. Empty when either option is absent.
/// Throws UsageError for a bad entity or id, an --IDS before the first of
/// several --ENTITY, or an --ENTITY without ids.
std::vector<EntityIds> entity_ids_option(const cxxopts::ParseResult& parsed,
                                         const std::string& entity_name,
                                         const std::string& ids_name);

/// --NAME as an entity when given; throws UsageError for anything but
/// cliente, produto, venda or atividade.
std::optional<Entity> entity_option(const cxxopts::ParseResult& parsed,
                                    const std::string& name);

/// --NAME as a direction when given (to_crm, from_crm or the database
/// values); throws UsageError otherwise.
std::optional<Direction> direction_option(const cxxopts::ParseResult& parsed,
                                          const std::string& name);

}  // namespace crm::cli
