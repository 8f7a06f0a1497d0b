// A fresh database per test process on the private MariaDB, built by the real
// migrations through db::Migrator.
#pragma once

#include <memory>
#include <string>

#include "crm/config/settings.h"
#include "crm/db/connection.h"

namespace crm::testing {

/// Settings of the private MariaDB started by `scripts/mariadb start`
/// (CTest fixture db.start), pointing at this process's database.
const DbSettings& test_db_settings();

/// A new connection to this process's database, migrated (with the demo
/// tables) on first use and emptied of rows by reset_tables().
std::unique_ptr<db::Connection> connect();

/// Deletes every row of every table the migrations created (keeps schema).
void reset_tables(db::Connection& connection);

}  // namespace crm::testing
