// crm_execucoes: the run history of every program (seed 002).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "crm/db/connection.h"

namespace crm::runs {

enum class RunStatus { running, success, error, aborted };

struct RunStart {
  std::string program;
  std::optional<int> store_id;
  std::string host;
  std::chrono::seconds deadline{0};  ///< 0: none
};

struct RunFinish {
  RunStatus status = RunStatus::success;
  int processed = 0;
  int errors = 0;
  int deferred = 0;
  std::int64_t duration_ms = 0;
  std::string message;
  std::string result_json;
};

class RunRepository {
 public:
  explicit RunRepository(db::Connection& connection)
      : m_connection(connection) {}
  /// Inserts a `running` row with this host and pid; returns its id.
  std::int64_t start(const RunStart& run);
  /// Closes the row.
  void finish(std::int64_t id, const RunFinish& result);

 private:
  db::Connection& m_connection;
};

/// Registers a run, runs `body(run_id)`, which returns how the run ended,
/// and closes the row with that (its duration measured here when the body
/// left it 0). Whatever ends the body early (an exception)
/// still closes the row, as `error` with the exception's text, and the
/// exception goes on; if closing fails too (the database is gone), the row
/// stays `running` past its deadline, which crm_status reports as stuck.
void guarded_run(RunRepository& runs, const RunStart& start,
                 const std::function<RunFinish(std::int64_t run_id)>& body);

}  // namespace crm::runs
