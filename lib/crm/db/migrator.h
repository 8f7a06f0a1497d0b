// Applies migrations/NNN_*.sql in order and records them in schema_migrations.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/db/connection.h"

namespace crm::db {

/// Splits a SQL script into statements at `;` outside quotes and comments.
/// Understands the mysql client's `DELIMITER xx` lines, for triggers.
std::vector<std::string> split_sql_script(std::string_view script);

struct MigrationStatus {
  std::string version;                    ///< "002_crm_sync_queue_claims"
  std::optional<std::string> applied_at;  ///< nullopt while pending
};

/// Which sets of files to consider: the product's, or also the demo's local
/// tables (clientes, produtos, vendas, atividades) under demo/.
/// "001_crm_sync_queue    aplicada em 2026-11-23 10:00:00" / "... pendente",
/// one line each.
std::string format_status_lines(const std::vector<MigrationStatus>& statuses);
/// {"programa":"crm_migrate","status":"ok","pendentes":N,"migracoes":[...]}
std::string status_json(const std::vector<MigrationStatus>& statuses);

enum class MigrationSet { core, core_and_demo };

class Migrator {
 public:
  /// Throws FatalError when `directory` has no NNN_*.sql file.
  Migrator(Connection& connection, std::string directory, MigrationSet set);

  /// Every known migration with its applied time, in order. Writes
  /// nothing: without a schema_migrations table every one is pending.
  [[nodiscard]] std::vector<MigrationStatus> status();

  /// Whether the database has a schema_migrations table yet.
  [[nodiscard]] bool has_table();

  /// Applies what is pending under a named lock (so two crm_migrate never
  /// interleave) and returns the versions applied. A failing statement throws
  /// FatalError naming the file and the statement number; migrations before it
  /// stay recorded.
  std::vector<std::string> apply_pending();

 private:
  struct File {
    std::string version;
    std::string path;
  };
  void ensure_table();

  Connection& m_connection;
  std::vector<File> m_files;
};

}  // namespace crm::db
