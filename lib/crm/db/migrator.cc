#include "crm/db/migrator.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "crm/db/named_lock.h"
#include "crm/util/strings.h"

namespace crm::db {
namespace {

namespace fs = std::filesystem;

bool is_migration_name(const std::string& name) {
  return name.size() > 8 && name.ends_with(".sql") &&
         std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::isdigit(static_cast<unsigned char>(name[1])) &&
         std::isdigit(static_cast<unsigned char>(name[2])) && name[3] == '_';
}

std::vector<std::pair<std::string, std::string>> list_dir(
    const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && is_migration_name(name)) {
      files.emplace_back(prefix + name.substr(0, name.size() - 4),
                         entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw FatalError(fmt::format("migration {}: cannot read file", path));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The new delimiter when `line` is a DELIMITER directive (a client
/// directive on a line of its own); nullopt for any other line.
std::optional<std::string> delimiter_directive(std::string_view line) {
  if (line.size() > 10 && (line.substr(0, 10) == "DELIMITER " ||
                           line.substr(0, 10) == "delimiter ")) {
    return std::string(util::trim(line.substr(10)));
  }
  return std::nullopt;
}

/// Whether a comment running to the end of the line starts at `i`: '#', or
/// "--" followed by a blank, a newline or the end of the script.
bool line_comment_at(std::string_view script, std::size_t i) {
  const std::size_t n = script.size();
  if (script[i] == '#') {
    return true;
  }
  return script[i] == '-' && i + 1 < n && script[i + 1] == '-' &&
         (i + 2 >= n || script[i + 2] == ' ' || script[i + 2] == '\t' ||
          script[i + 2] == '\n');
}

/// The index just past the quoted text starting at `i` (backslash escapes
/// except inside backquotes); the script's end when the quote is not closed.
std::size_t quoted_end(std::string_view script, std::size_t i) {
  const char quote = script[i++];
  const std::size_t n = script.size();
  while (i < n && script[i] != quote) {
    if (script[i] == '\\' && quote != '`') {
      ++i;
    }
    ++i;
  }
  return std::min(i + 1, n);
}

}  // namespace

std::vector<std::string> split_sql_script(std::string_view script) {
  std::vector<std::string> statements;
  std::string delimiter = ";";
  std::string current;
  const auto flush = [&] {
    const auto text = util::trim(current);
    if (!text.empty()) {
      statements.emplace_back(text);
    }
    current.clear();
  };
  std::size_t i = 0;
  const std::size_t n = script.size();
  bool line_start = true;
  while (i < n) {
    if (line_start) {
      const auto line_end = std::min(script.find('\n', i), n);
      if (auto directive =
              delimiter_directive(util::trim(script.substr(i, line_end - i)))) {
        flush();
        delimiter = std::move(*directive);
        i = line_end + 1;
        continue;
      }
      line_start = false;
    }
    const char c = script[i];
    if (c == '\n') {
      line_start = true;
    }
    if (line_comment_at(script, i)) {
      i = std::min(script.find('\n', i), n);
      continue;
    }
    if (c == '/' && i + 1 < n && script[i + 1] == '*') {
      const auto end = script.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      current.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      const std::size_t start = i;
      i = quoted_end(script, i);
      current.append(script.substr(start, i - start));
      continue;
    }
    if (script.substr(i, delimiter.size()) == delimiter) {
      flush();
      i += delimiter.size();
      continue;
    }
    current.push_back(c);
    ++i;
  }
  flush();
  return statements;
}

std::string format_status_lines(const std::vector<MigrationStatus>& statuses) {
  std::string out;
  for (const MigrationStatus& status : statuses) {
    out += fmt::format(
        "{:<40} {}\n", status.version,
        status.applied_at ? "aplicada em " + *status.applied_at : "pendente");
  }
  return out;
}

std::string status_json(const std::vector<MigrationStatus>& statuses) {
  std::string list;
  int pending = 0;
  for (const MigrationStatus& status : statuses) {
    pending += status.applied_at ? 0 : 1;
    list += fmt::format(
        "{}{{\"versao\":\"{}\",\"aplicado_em\":{}}}", list.empty() ? "" : ",",
        status.version,
        status.applied_at ? "\"" + *status.applied_at + "\"" : "null");
  }
  return fmt::format(
      "{{\"programa\":\"crm_migrate\",\"status\":\"ok\",\"pendentes\":{},"
      "\"migracoes\":[{}]}}",
      pending, list);
}

Migrator::Migrator(Connection& connection, std::string directory,
                   MigrationSet set)
    : m_connection(connection) {
  const fs::path dir(directory);
  for (auto& [version, path] : list_dir(dir, "")) {
    m_files.push_back({version, path});
  }
  if (m_files.empty()) {
    throw FatalError(fmt::format(
        "migrations directory {}: no NNN_*.sql files (set --migrations-dir or "
        "CRM_MIGRATIONS_DIR)",
        directory));
  }
  if (set == MigrationSet::core_and_demo) {
    for (auto& [version, path] : list_dir(dir / "demo", "demo/")) {
      m_files.push_back({version, path});
    }
  }
}

void Migrator::ensure_table() {
  m_connection.execute_raw(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " versao VARCHAR(128) NOT NULL PRIMARY KEY,"
      " aplicado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
      " duracao_ms INT NOT NULL DEFAULT 0"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
}

bool Migrator::has_table() {
  return !m_connection
              .query(
                  "SELECT 1 FROM information_schema.TABLES WHERE "
                  "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
                  "'schema_migrations'")
              .empty();
}

std::vector<MigrationStatus> Migrator::status() {
  // Read-only: without the table (a new database) everything is pending.
  std::map<std::string, std::string> applied;
  const Rows rows = has_table() ? m_connection.query(
                                      "SELECT versao, aplicado_em FROM "
                                      "schema_migrations")
                                : Rows{};
  for (const Row& row : rows.rows) {
    applied[row.text(0)] = row.text(1);
  }
  std::vector<MigrationStatus> result;
  for (const File& file : m_files) {
    const auto it = applied.find(file.version);
    result.push_back(
        {file.version, it == applied.end()
                           ? std::nullopt
                           : std::optional<std::string>(it->second)});
  }
  return result;
}

std::vector<std::string> Migrator::apply_pending() {
  const auto lock = NamedLock::try_acquire(m_connection, "crm_migrate",
                                           std::chrono::seconds(60));
  if (!lock) {
    throw FatalError("another crm_migrate holds the migration lock for 60 s");
  }
  ensure_table();
  std::vector<std::string> applied;
  for (const MigrationStatus& status : this->status()) {
    if (status.applied_at) {
      continue;
    }
    const auto file = std::find_if(
        m_files.begin(), m_files.end(),
        [&](const File& f) { return f.version == status.version; });
    const auto started = std::chrono::steady_clock::now();
    const auto statements = split_sql_script(read_file(file->path));
    for (std::size_t i = 0; i < statements.size(); ++i) {
      try {
        m_connection.execute_raw(statements[i]);
      } catch (const DbError& error) {
        throw FatalError(fmt::format("migration {}: statement {}: {}",
                                     file->version, i + 1, error.what()));
      }
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    m_connection.execute(
        "INSERT INTO schema_migrations (versao, duracao_ms) VALUES (?, ?)",
        {file->version, static_cast<long long>(elapsed.count())});
    applied.push_back(file->version);
  }
  return applied;
}

}  // namespace crm::db
