#include "crm/db/named_lock.h"

namespace crm::db {

std::unique_ptr<NamedLock> NamedLock::try_acquire(Connection& connection,
                                                  std::string name,
                                                  std::chrono::seconds wait) {
  // GET_LOCK names are server-wide: scope them by schema, or two databases
  // on one server would block each other's crm_cleanup.
  const Rows scoped =
      connection.query("SELECT LEFT(CONCAT(DATABASE(), ':', ?), 64)", {name});
  name = scoped.rows.at(0).text(0);
  const Rows rows = connection.query(
      "SELECT GET_LOCK(?, ?)", {name, static_cast<long long>(wait.count())});
  if (rows.rows.at(0).integer(0) != 1) {
    return nullptr;
  }
  return std::unique_ptr<NamedLock>(new NamedLock(connection, std::move(name)));
}

NamedLock::~NamedLock() {
  try {
    m_connection.query("SELECT RELEASE_LOCK(?)", {m_name});
  } catch (const DbError&) {
    // The session is gone, and the server released the lock with it.
  }
}

}  // namespace crm::db
