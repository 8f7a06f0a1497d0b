#include "crm/cli/run_app.h"

#include <fmt/format.h>

#include <algorithm>

#include "crm/core/errors.h"
#include "crm/json/json.h"
#include "crm/report/status_report.h"
#include "crm/util/strings.h"
#include "crm/version.h"

namespace crm::cli {

const Config& Args::config() {
  if (!m_config) {
    m_config = config::load_config(environment, m_config_file, m_overrides);
  }
  return *m_config;
}

std::optional<int> int_option(const cxxopts::ParseResult& parsed,
                              const std::string& name, int low, int high) {
  if (parsed.count(name) == 0) {
    return std::nullopt;
  }
  const std::string text = parsed[name].as<std::string>();
  const auto value = util::parse_int(util::trim(text));
  if (!value || *value < low || *value > high) {
    throw UsageError(
        fmt::format("--{}: expected an integer from {} to {}, got '{}'", name,
                    low, high, text));
  }
  return static_cast<int>(*value);
}

namespace {

/// The digits of `text` at [start, start + count) as a number, if all are
/// digits.
std::optional<int> digits_at(std::string_view text, std::size_t start,
                             std::size_t count) {
  int value = 0;
  for (std::size_t i = start; i < start + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

/// Whether `text` has `separator` at every position of `positions`.
bool has_separators(std::string_view text,
                    std::initializer_list<std::pair<std::size_t, char>> at) {
  for (const auto& [position, separator] : at) {
    if (text[position] != separator) return false;
  }
  return true;
}

}  // namespace

std::string parse_datetime(std::string_view option, std::string_view text) {
  const auto refuse = [&](std::string_view why) {
    return UsageError(fmt::format(
        "{}: {}: expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', got '{}'",
        option, why, text));
  };
  if (text.size() != 10 && text.size() != 16 && text.size() != 19) {
    throw refuse("not a date");
  }
  const bool with_time = text.size() > 10;
  const bool with_seconds = text.size() == 19;
  if (!has_separators(text, {{4, '-'}, {7, '-'}}) ||
      (with_time && !has_separators(text, {{10, ' '}, {13, ':'}})) ||
      (with_seconds && text[16] != ':')) {
    throw refuse("not a date");
  }
  const auto year = digits_at(text, 0, 4), month = digits_at(text, 5, 2),
             day = digits_at(text, 8, 2);
  const auto hour = with_time ? digits_at(text, 11, 2) : 0;
  const auto minute = with_time ? digits_at(text, 14, 2) : 0;
  const auto second = with_seconds ? digits_at(text, 17, 2) : 0;
  if (!year || !month || !day || !hour || !minute || !second) {
    throw refuse("not a date");
  }
  if (*year < 1000 || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month)) {
    throw refuse("no such day");
  }
  if (*hour > 23 || *minute > 59 || *second > 59) {
    throw refuse("no such time");
  }
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", *year, *month, *day,
                     *hour, *minute, *second);
}

std::optional<std::string> datetime_option(const cxxopts::ParseResult& parsed,
                                           const std::string& name) {
  if (parsed.count(name) == 0) {
    return std::nullopt;
  }
  return parse_datetime("--" + name, parsed[name].as<std::string>());
}

namespace {

std::int64_t parse_record_id(const std::string& name, std::string_view text) {
  const auto id = util::parse_int(util::trim(text));
  if (!id || *id <= 0) {
    throw UsageError(fmt::format("--{}: not a record id: '{}'", name, text));
  }
  return *id;
}

Entity parse_entity_value(const std::string& name, std::string_view text) {
  const auto entity = parse_entity(text);
  if (!entity) {
    throw UsageError(fmt::format(
        "--{}: expected cliente, produto, venda or atividade, got '{}'", name,
        text));
  }
  return *entity;
}

}  // namespace

std::vector<std::int64_t> record_ids_option(const cxxopts::ParseResult& parsed,
                                            const std::string& name) {
  std::vector<std::int64_t> ids;
  if (parsed.count(name) == 0) {
    return ids;
  }
  for (const auto& text : parsed[name].as<std::vector<std::string>>()) {
    ids.push_back(parse_record_id(name, text));
  }
  return ids;
}

std::vector<EntityIds> entity_ids_option(const cxxopts::ParseResult& parsed,
                                         const std::string& entity_name,
                                         const std::string& ids_name) {
  if (parsed.count(entity_name) == 0 || parsed.count(ids_name) == 0) {
    return {};
  }
  if (parsed.count(entity_name) == 1) {
    return {{*entity_option(parsed, entity_name),
             record_ids_option(parsed, ids_name)}};
  }
  // cxxopts keeps only the last value of a repeated --entity; its list of
  // arguments in order tells which ids follow which entity.
  std::vector<EntityIds> groups;
  EntityIds* current = nullptr;
  for (const cxxopts::KeyValue& argument : parsed.arguments()) {
    if (argument.key() == entity_name) {
      const Entity entity = parse_entity_value(entity_name, argument.value());
      auto same =
          std::find_if(groups.begin(), groups.end(),
                       [&](const auto& g) { return g.entity == entity; });
      current = same != groups.end()
                    ? &*same
                    : &groups.emplace_back(EntityIds{entity, {}});
    } else if (argument.key() == ids_name) {
      if (current == nullptr) {
        throw UsageError(fmt::format(
            "--{} '{}' comes before any --{}: with several --{}, each --{} "
            "follows its --{}",
            ids_name, argument.value(), entity_name, entity_name, ids_name,
            entity_name));
      }
      for (const std::string& text : util::split(argument.value(), ',')) {
        current->ids.push_back(parse_record_id(ids_name, text));
      }
    }
  }
  for (const EntityIds& group : groups) {
    if (group.ids.empty()) {
      throw UsageError(fmt::format("--{} {} has no --{} after it", entity_name,
                                   to_db(group.entity), ids_name));
    }
  }
  return groups;
}

std::optional<Entity> entity_option(const cxxopts::ParseResult& parsed,
                                    const std::string& name) {
  if (parsed.count(name) == 0) {
    return std::nullopt;
  }
  return parse_entity_value(name, parsed[name].as<std::string>());
}

std::optional<Direction> direction_option(const cxxopts::ParseResult& parsed,
                                          const std::string& name) {
  if (parsed.count(name) == 0) {
    return std::nullopt;
  }
  const std::string text = parsed[name].as<std::string>();
  const auto direction = parse_direction(text);
  if (!direction) {
    throw UsageError(
        fmt::format("--{}: expected to_crm or from_crm, got '{}'", name, text));
  }
  return direction;
}

namespace {

/// The output mode and verbosity, decided before parsing so that even a
/// parse error honours --json.
report::Printer printer_for(int argc, char** argv) {
  report::OutputMode mode = report::OutputMode::human;
  report::Verbosity verbosity = report::Verbosity::normal;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json") mode = report::OutputMode::json;
    if (arg == "--quiet" || arg == "-q") verbosity = report::Verbosity::quiet;
    if (arg == "--verbose" || arg == "-v")
      verbosity = report::Verbosity::verbose;
  }
  return report::Printer(mode, verbosity);
}

/// Whether `flag` (alone or as --flag=value) is among the arguments; read
/// before parsing, so that a parse error is reported the flag's way too.
bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == flag || (arg.starts_with(flag) && arg.size() > flag.size() &&
                        arg[flag.size()] == '=')) {
      return true;
    }
  }
  return false;
}

void declare_common(cxxopts::Options& options) {
  options.add_options("Common")("h,help", "show this help and exit")(
      "version", "show the version and exit")(
      "config",
      "configuration file (default: $CRM_SYNC_CONFIG, else "
      "/etc/crm-sync/crm-sync.conf if present)",
      cxxopts::value<std::string>(),
      "FILE")("json", "print one JSON object instead of the human line")(
      "v,verbose", "print one line per item")("q,quiet",
                                              "print nothing on success")(
      "print-config",
      "print the effective configuration (secrets masked) and exit");
}

}  // namespace

int run_app(const std::string& program, const std::string& summary, int argc,
            char** argv, const Declare& declare, const Body& body,
            std::optional<MonitoringPlugin> plugin) {
  const report::Printer printer = printer_for(argc, argv);
  const bool plugin_mode = plugin && has_flag(argc, argv, plugin->flag);
  const auto fail = [&](ExitCode code, const std::string& message) {
    if (plugin_mode) {
      const report::CheckResult unknown = report::unknown_check(message);
      fmt::print("{}\n", unknown.line);
      return unknown.code;
    }
    printer.error(message);
    if (printer.mode() == report::OutputMode::json) {
      fmt::print(
          "{{\"programa\":{},\"status\":\"erro\",\"codigo\":{},\"mensagem\":{}}"
          "}\n",
          json::quote(program), static_cast<int>(code), json::quote(message));
    }
    return static_cast<int>(code);
  };
  try {
    cxxopts::Options options(program, summary);
    declare_common(options);
    declare(options);
    cxxopts::ParseResult parsed = options.parse(argc, argv);
    if (!parsed.unmatched().empty()) {
      throw UsageError(
          fmt::format("unexpected argument '{}'", parsed.unmatched().front()));
    }
    if (parsed.count("help")) {
      fmt::print("{}\n", options.help());
      return 0;
    }
    if (parsed.count("version")) {
      fmt::print("{} {}\n", program, k_version);
      return 0;
    }
    const config::Environment environment = config::process_environment();
    Args args{parsed, printer, environment, std::nullopt, std::nullopt, {}};
    if (parsed.count("config")) {
      args.m_config_file = parsed["config"].as<std::string>();
    }
    if (parsed.count("print-config")) {
      fmt::print("{}", config::describe_config(args.config()));
      return 0;
    }
    return static_cast<int>(body(args));
  } catch (const cxxopts::exceptions::exception& error) {
    return fail(ExitCode::usage,
                fmt::format("{} (see {} --help)", error.what(), program));
  } catch (const UsageError& error) {
    return fail(ExitCode::usage,
                fmt::format("{} (see {} --help)", error.what(), program));
  } catch (const FatalError& error) {
    return fail(ExitCode::fatal, error.what());
  } catch (const std::exception& error) {
    return fail(ExitCode::fatal, fmt::format("unexpected: {}", error.what()));
  }
}

}  // namespace crm::cli
