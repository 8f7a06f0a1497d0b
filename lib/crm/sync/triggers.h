// Optional triggers that enqueue changes of the mapped local tables
// (seed 000 section 6.1): INSERT at priority 10, UPDATE at priority 5.
#pragma once

#include <string>
#include <vector>

#include "crm/db/connection.h"

namespace crm::sync {

/// The statements that (re)create the triggers for every active store's
/// mapped tables. An UPDATE enqueues only when a mapped column or the
/// soft-delete column changed; nothing fires in crm-sync's own sessions
/// (`@crm_sync_applying`), so saving an external id or applying a pull
/// never re-enqueues. Throws FatalError when two stores share a table that
/// has no store column.
std::vector<std::string> trigger_statements(db::Connection& connection);

/// Creates (replacing) the triggers; returns their names.
std::vector<std::string> install_triggers(db::Connection& connection);

/// Drops every trigger named crm_sync_*; returns how many.
int drop_triggers(db::Connection& connection);

}  // namespace crm::sync
