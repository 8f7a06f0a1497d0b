// crm_migrate: applies the migrations, lists them, (re)creates the triggers.
#pragma once

#include "crm/config/settings.h"
#include "crm/report/printer.h"

namespace crm::sync {

enum class MigrateAction {
  apply,   ///< apply what is pending, then the trigger options
  status,  ///< only list every migration and whether it is applied
};

struct MigrateOptions {
  MigrateAction action = MigrateAction::apply;
  bool with_demo_tables = false;  ///< also the demo's local tables (demo/)
  bool drop_triggers = false;     ///< after applying, drop crm_sync_* triggers
  bool with_triggers = false;     ///< then (re)create them for every store
};

/// crm_migrate's run on the database of `config` (migrations from
/// `config.migrations_dir`), printing through `printer` as it goes: with
/// `status` the list (human, unless --quiet) or db::status_json; otherwise
/// "aplicada V" per migration, "Migrações aplicadas: N", the trigger lines
/// and {"programa":"crm_migrate","status":"ok","aplicadas":[...]}. Throws
/// FatalError when the database is unreachable or a migration or trigger
/// fails; what was applied before stays applied and printed.
void run_migrate(const Config& config, const MigrateOptions& options,
                 const report::Printer& printer);

}  // namespace crm::sync
