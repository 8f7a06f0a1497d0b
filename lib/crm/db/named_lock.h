// GET_LOCK guard: mutual exclusion across processes and hosts.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "crm/db/connection.h"

namespace crm::db {

/// Holds a MariaDB/MySQL named lock for its lifetime (on one connection). The
/// name is scoped by the current schema ("<db>:<name>"), since GET_LOCK names
/// are server-wide; it works across hosts sharing the server.
class NamedLock {
 public:
  /// Waits up to `wait` for the lock; returns nullptr if another session
  /// holds it after that.
  [[nodiscard]] static std::unique_ptr<NamedLock> try_acquire(
      Connection& connection, std::string name, std::chrono::seconds wait);
  NamedLock(const NamedLock&) = delete;
  NamedLock& operator=(const NamedLock&) = delete;
  ~NamedLock();

 private:
  NamedLock(Connection& connection, std::string name)
      : m_connection(connection), m_name(std::move(name)) {}
  Connection& m_connection;
  std::string m_name;
};

}  // namespace crm::db
