// The only door to the database. Repositories see these types, never
// Connector/C++'s.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crm/config/settings.h"
#include "crm/core/errors.h"

namespace crm::db {

/// A failed database operation. Carries the server's error code and SQLSTATE;
/// the message names the operation and never contains a password.
class DbError : public FatalError {
 public:
  DbError(std::string message, int code, std::string sql_state)
      : FatalError(std::move(message)),
        m_code(code),
        m_sql_state(std::move(sql_state)) {}
  [[nodiscard]] int code() const { return m_code; }
  [[nodiscard]] const std::string& sql_state() const { return m_sql_state; }
  /// Deadlock (1213) or lock wait timeout (1205): retrying may succeed.
  [[nodiscard]] bool is_retryable_conflict() const {
    return m_code == 1213 || m_code == 1205;
  }
  /// The statement's data was refused (NULL into NOT NULL, duplicate key,
  /// out of range, truncated, invalid string or date, too long, foreign key,
  /// CHECK): the fault of the values, not of the database.
  [[nodiscard]] bool is_data_error() const {
    switch (m_code) {
      case 1048:
      case 1062:
      case 1264:
      case 1265:
      case 1292:
      case 1366:
      case 1406:
      case 1452:
      case 3819:
      case 4025:
        return true;
      default:
        return false;
    }
  }
  /// The server went away or cannot be reached (2002, 2003, 2006, 2013).
  [[nodiscard]] bool is_connection_lost() const {
    return m_code == 2002 || m_code == 2003 || m_code == 2006 || m_code == 2013;
  }

 private:
  int m_code;
  std::string m_sql_state;
};

/// A bound parameter: NULL, integer, double or text.
class Value {
 public:
  Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  Value(int v) : m_value(static_cast<std::int64_t>(v)) {}            // NOLINT
  Value(long v) : m_value(static_cast<std::int64_t>(v)) {}           // NOLINT
  Value(long long v) : m_value(static_cast<std::int64_t>(v)) {}      // NOLINT
  Value(unsigned v) : m_value(static_cast<std::int64_t>(v)) {}       // NOLINT
  Value(unsigned long v) : m_value(static_cast<std::int64_t>(v)) {}  // NOLINT
  Value(double v) : m_value(v) {}                                    // NOLINT
  Value(std::string v) : m_value(std::move(v)) {}                    // NOLINT
  Value(std::string_view v) : m_value(std::string(v)) {}             // NOLINT
  Value(const char* v) : m_value(std::string(v)) {}                  // NOLINT
  Value(const std::optional<std::string>& v) {                       // NOLINT
    if (v) {
      m_value = *v;
    }
  }
  using Variant =
      std::variant<std::monostate, std::int64_t, double, std::string>;
  [[nodiscard]] const Variant& get() const { return m_value; }

 private:
  Variant m_value;
};

using Params = std::vector<Value>;

/// One result row; every column as text (NULL is nullopt).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> values)
      : m_values(std::move(values)) {}
  [[nodiscard]] std::size_t size() const { return m_values.size(); }
  [[nodiscard]] const std::optional<std::string>& get(std::size_t i) const {
    return m_values.at(i);
  }
  [[nodiscard]] bool is_null(std::size_t i) const {
    return !m_values.at(i).has_value();
  }
  /// The text of a non-NULL column; "" for NULL.
  [[nodiscard]] std::string text(std::size_t i) const {
    return m_values.at(i).value_or("");
  }
  /// The column as an integer; 0 for NULL. Throws DbError on non-numbers.
  [[nodiscard]] std::int64_t integer(std::size_t i) const;

 private:
  std::vector<std::optional<std::string>> m_values;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  [[nodiscard]] bool empty() const { return rows.empty(); }
  [[nodiscard]] std::size_t size() const { return rows.size(); }
};

/// One session to MariaDB/MySQL: utf8mb4, no auto-reconnect, timeouts set.
/// Every statement with data goes through a prepared statement.
class Connection {
 public:
  /// Connects; throws DbError ("database 127.0.0.1:3306/crm: cannot connect:
  /// ... (error 2002)") on failure.
  [[nodiscard]] static std::unique_ptr<Connection> open(
      const DbSettings& settings);
  virtual ~Connection() = default;

  /// Runs a statement; returns the affected row count.
  virtual std::uint64_t execute(std::string_view sql,
                                const Params& params = {}) = 0;
  /// Runs a query and returns all its rows.
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  /// Runs a query without parameters as a plain statement, planned afresh
  /// each time: for a query whose plan MariaDB 10.11 loses when a cached
  /// prepared statement is run again after the table changed (the loose
  /// index scan of the fair claim's due stores turns into a read of every
  /// pending row).
  virtual Rows query_unprepared(std::string_view sql) = 0;
  /// Runs one statement without preparing it (DDL, SET, migration text).
  virtual void execute_raw(std::string_view sql) = 0;
  /// LAST_INSERT_ID() of this session.
  virtual std::uint64_t last_insert_id() = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

/// Rolls back on scope exit unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : m_connection(connection) {
    m_connection.begin();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit() {
    m_connection.commit();
    m_done = true;
  }

 private:
  Connection& m_connection;
  bool m_done = false;
};

/// The isolation level of a transaction.
enum class Isolation {
  session_default,  ///< the session's (the server's: REPEATABLE READ)
  read_committed,
  repeatable_read,
};

/// Sets the level of the next transaction on `connection` (SET TRANSACTION
/// ISOLATION LEVEL, which lasts for one transaction only); nothing for
/// session_default. Throws DbError inside a transaction.
void set_next_isolation(Connection& connection, Isolation isolation);

/// Runs `work` in a transaction at `isolation`, retrying up to `attempts`
/// times on a deadlock or lock wait timeout; every attempt runs at
/// `isolation`, since SET TRANSACTION lasts for one transaction only. Other
/// errors propagate at once.
template <typename Work>
auto with_transaction(Connection& connection, Work&& work,
                      Isolation isolation = Isolation::session_default,
                      int attempts = 3) {
  for (int attempt = 1;; ++attempt) {
    try {
      set_next_isolation(connection, isolation);
      Transaction transaction(connection);
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        transaction.commit();
        return;
      } else {
        auto result = work();
        transaction.commit();
        return result;
      }
    } catch (const DbError& error) {
      if (!error.is_retryable_conflict() || attempt >= attempts) {
        throw;
      }
    }
  }
}

/// "?, ?, ?" for an IN list of `count` placeholders.
std::string placeholders(std::size_t count);

/// `name` quoted as an identifier; throws FatalError unless it is
/// [A-Za-z0-9_]+ (identifiers come from configuration, never from data).
std::string quote_identifier(std::string_view name);

}  // namespace crm::db
