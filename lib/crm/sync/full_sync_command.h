// crm_sync_full's run: the export or the import, on one connection.
#pragma once

#include <memory>

#include "crm/config/config_loader.h"
#include "crm/config/settings.h"
#include "crm/db/connection.h"
#include "crm/report/printer.h"
#include "crm/sync/full_sync.h"
#include "crm/sync/import_job.h"

namespace crm::sync {

/// The database crm_sync_full works on. The program opens it after checking
/// every option, so a usage error (exit 2) never touches the database.
class FullSyncDatabase {
 public:
  /// Opens the database of `config`; throws FatalError when unreachable.
  explicit FullSyncDatabase(const Config& config);

  /// run_import(), then its line (format_import_line) and import_json()
  /// through `printer`.
  void import(const config::Environment& environment,
              const ImportOptions& options, const report::Printer& printer);
  /// run_full_sync() with the configured host name, then one verbose line
  /// per entity, format_full_sync_lines() and full_sync_json() through
  /// `printer`.
  void export_all(const FullSyncOptions& options,
                  const report::Printer& printer);

 private:
  const Config& m_config;
  std::unique_ptr<db::Connection> m_connection;
};

}  // namespace crm::sync
