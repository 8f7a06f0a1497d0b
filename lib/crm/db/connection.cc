#include "crm/db/connection.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <fmt/format.h>
#include <mysql_driver.h>

#include <mutex>
#include <unordered_map>

#include "crm/util/strings.h"

namespace crm::db {
namespace {

/// The statement's first words, for error context (values are bound, so the
/// text never holds data or secrets).
std::string describe(std::string_view sql) {
  return util::collapse_whitespace(sql, 60);
}

DbError translate(const sql::SQLException& error, std::string_view context) {
  std::string what = error.what();
  while (!what.empty() && (what.back() == '\n' || what.back() == '.')) {
    what.pop_back();
  }
  return DbError(fmt::format("database: {}: {} (error {})", context, what,
                             error.getErrorCode()),
                 error.getErrorCode(), error.getSQLStateCStr());
}

void bind(sql::PreparedStatement& statement, const Params& params) {
  unsigned index = 1;
  for (const Value& param : params) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            statement.setNull(index, sql::DataType::VARCHAR);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            statement.setInt64(index, v);
          } else if constexpr (std::is_same_v<T, double>) {
            statement.setDouble(index, v);
          } else {
            statement.setString(index, v);
          }
        },
        param.get());
    ++index;
  }
}

Rows read_all(sql::ResultSet& result) {
  Rows rows;
  sql::ResultSetMetaData* meta = result.getMetaData();  // owned by result
  const unsigned count = meta->getColumnCount();
  for (unsigned i = 1; i <= count; ++i) {
    rows.columns.push_back(meta->getColumnLabel(i).asStdString());
  }
  while (result.next()) {
    std::vector<std::optional<std::string>> values;
    values.reserve(count);
    for (unsigned i = 1; i <= count; ++i) {
      if (result.isNull(i)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(result.getString(i).asStdString());
      }
    }
    rows.rows.emplace_back(std::move(values));
  }
  return rows;
}

class MysqlConnection final : public Connection {
 public:
  explicit MysqlConnection(std::unique_ptr<sql::Connection> connection)
      : m_connection(std::move(connection)) {}

  std::uint64_t execute(std::string_view sql_text,
                        const Params& params) override {
    try {
      sql::PreparedStatement& statement = prepared(sql_text);
      bind(statement, params);
      return static_cast<std::uint64_t>(statement.executeUpdate());
    } catch (const sql::SQLException& error) {
      throw translate(error, describe(sql_text));
    }
  }

  Rows query(std::string_view sql_text, const Params& params) override {
    try {
      sql::PreparedStatement& statement = prepared(sql_text);
      bind(statement, params);
      std::unique_ptr<sql::ResultSet> result(statement.executeQuery());
      return read_all(*result);
    } catch (const sql::SQLException& error) {
      throw translate(error, describe(sql_text));
    }
  }

  Rows query_unprepared(std::string_view sql_text) override {
    try {
      std::unique_ptr<sql::Statement> statement(
          m_connection->createStatement());
      std::unique_ptr<sql::ResultSet> result(
          statement->executeQuery(std::string(sql_text)));
      return read_all(*result);
    } catch (const sql::SQLException& error) {
      throw translate(error, describe(sql_text));
    }
  }

  void execute_raw(std::string_view sql_text) override {
    try {
      std::unique_ptr<sql::Statement> statement(
          m_connection->createStatement());
      // A statement that returns rows (ANALYZE, SELECT) must have them read,
      // or the next command fails with 2014 "Commands out of sync".
      if (statement->execute(std::string(sql_text))) {
        std::unique_ptr<sql::ResultSet> result(statement->getResultSet());
        while (result->next()) {
        }
      }
      while (statement->getMoreResults()) {
        std::unique_ptr<sql::ResultSet> result(statement->getResultSet());
      }
    } catch (const sql::SQLException& error) {
      throw translate(error, describe(sql_text));
    }
  }

  std::uint64_t last_insert_id() override {
    const Rows rows = query("SELECT LAST_INSERT_ID()", {});
    return static_cast<std::uint64_t>(rows.rows.at(0).integer(0));
  }

  void begin() override {
    try {
      m_connection->setAutoCommit(false);
    } catch (const sql::SQLException& error) {
      throw translate(error, "begin transaction");
    }
  }

  void commit() override {
    try {
      m_connection->commit();
      m_connection->setAutoCommit(true);
    } catch (const sql::SQLException& error) {
      throw translate(error, "commit");
    }
  }

  void rollback() override {
    try {
      m_connection->rollback();
      m_connection->setAutoCommit(true);
    } catch (const sql::SQLException& error) {
      throw translate(error, "rollback");
    }
  }

 private:
  /// Statements are prepared once per connection and reused: a run sends the
  /// same few statements hundreds of times (finish, external-id saves), and
  /// preparing each time costs two extra round trips. Bounded, since IN
  /// lists make texts vary.
  sql::PreparedStatement& prepared(std::string_view sql_text) {
    constexpr std::size_t k_max_cached = 64;
    const std::string key(sql_text);
    if (const auto it = m_statements.find(key); it != m_statements.end()) {
      it->second->clearParameters();
      return *it->second;
    }
    if (m_statements.size() >= k_max_cached) {
      m_statements.clear();
    }
    std::unique_ptr<sql::PreparedStatement> statement(
        m_connection->prepareStatement(key));
    return *m_statements.emplace(key, std::move(statement)).first->second;
  }

  std::unique_ptr<sql::Connection> m_connection;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>
      m_statements;
};

}  // namespace

std::int64_t Row::integer(std::size_t i) const {
  const auto& value = m_values.at(i);
  if (!value) {
    return 0;
  }
  const auto number = util::parse_int(*value);
  if (!number) {
    throw DbError(fmt::format("database: column {} is not an integer: '{}'", i,
                              util::truncate_utf8(*value, 40)),
                  0, "HY000");
  }
  return *number;
}

std::unique_ptr<Connection> Connection::open(const DbSettings& settings) {
  const std::string where =
      settings.socket.empty()
          ? fmt::format("{}:{}/{}", settings.host, settings.port, settings.name)
          : fmt::format("{}/{}", settings.socket, settings.name);
  try {
    // get_mysql_driver_instance() is not thread-safe on first use.
    static std::mutex driver_mutex;
    sql::mysql::MySQL_Driver* driver = nullptr;
    {
      std::lock_guard lock(driver_mutex);
      driver = sql::mysql::get_mysql_driver_instance();  // not owned
    }
    sql::ConnectOptionsMap options;
    if (settings.socket.empty()) {
      options["hostName"] = sql::SQLString(
          fmt::format("tcp://{}:{}", settings.host, settings.port));
    } else {
      options["socket"] = sql::SQLString(settings.socket);
      options["hostName"] = sql::SQLString("localhost");
    }
    options["userName"] = sql::SQLString(settings.user);
    options["password"] = sql::SQLString(settings.password);
    options["schema"] = sql::SQLString(settings.name);
    options["OPT_CONNECT_TIMEOUT"] = settings.connect_timeout_seconds;
    options["OPT_READ_TIMEOUT"] = settings.read_timeout_seconds;
    options["OPT_WRITE_TIMEOUT"] = settings.read_timeout_seconds;
    options["OPT_RECONNECT"] = false;
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    std::unique_ptr<sql::Connection> connection(driver->connect(options));
    auto result = std::make_unique<MysqlConnection>(std::move(connection));
    result->execute_raw("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
    // Marks crm-sync's own sessions: the optional enqueue triggers ignore
    // writes made here (saving an external id, applying a pull), so syncing
    // never re-enqueues what it just synced.
    result->execute_raw("SET @crm_sync_applying = 1");
    return result;
  } catch (const sql::SQLException& error) {
    throw translate(error, fmt::format("{}: cannot connect", where));
  }
}

Transaction::~Transaction() {
  if (m_done) {
    return;
  }
  try {
    m_connection.rollback();
  } catch (const DbError&) {
    // The connection is gone; the server rolls the transaction back itself.
  }
}

void set_next_isolation(Connection& connection, Isolation isolation) {
  switch (isolation) {
    case Isolation::session_default:
      return;
    case Isolation::read_committed:
      connection.execute_raw("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      return;
    case Isolation::repeatable_read:
      connection.execute_raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      return;
  }
}

std::string placeholders(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    out += i == 0 ? "?" : ", ?";
  }
  return out;
}

std::string quote_identifier(std::string_view name) {
  if (!util::is_identifier(name)) {
    throw FatalError(fmt::format(
        "invalid table or column name '{}': only letters, digits and _",
        util::truncate_utf8(name, 64)));
  }
  return fmt::format("`{}`", name);
}

}  // namespace crm::db
