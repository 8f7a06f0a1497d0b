#include "crm/runs/run_repository.h"

#include <unistd.h>

#include <exception>

#include "crm/util/strings.h"

namespace crm::runs {
namespace {

const char* to_db(RunStatus status) {
  switch (status) {
    case RunStatus::running:
      return "running";
    case RunStatus::success:
      return "success";
    case RunStatus::error:
      return "error";
    case RunStatus::aborted:
      return "aborted";
  }
  return "error";
}

}  // namespace

std::int64_t RunRepository::start(const RunStart& run) {
  m_connection.execute(
      "INSERT INTO crm_execucoes (programa, id_loja, host, pid, status, "
      "iniciado_em, prazo_em) VALUES (?, ?, ?, ?, 'running', NOW(3), "
      "IF(? > 0, NOW(3) + INTERVAL ? SECOND, NULL))",
      {run.program,
       run.store_id ? db::Value(*run.store_id) : db::Value(nullptr), run.host,
       static_cast<long long>(::getpid()),
       static_cast<long long>(run.deadline.count()),
       static_cast<long long>(run.deadline.count())});
  return static_cast<std::int64_t>(m_connection.last_insert_id());
}

void RunRepository::finish(std::int64_t id, const RunFinish& result) {
  m_connection.execute(
      "UPDATE crm_execucoes SET status = ?, finalizado_em = NOW(3), "
      "processados = ?, erros = ?, adiados = ?, duracao_ms = ?, mensagem = ?, "
      "resultado = ? WHERE id = ?",
      {to_db(result.status), result.processed, result.errors, result.deferred,
       static_cast<long long>(result.duration_ms),
       result.message.empty() ? db::Value(nullptr) : db::Value(result.message),
       result.result_json.empty() ? db::Value(nullptr)
                                  : db::Value(result.result_json),
       static_cast<long long>(id)});
}

void guarded_run(RunRepository& runs, const RunStart& start,
                 const std::function<RunFinish(std::int64_t run_id)>& body) {
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed_ms = [&] {
    return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started)
            .count());
  };
  const std::int64_t id = runs.start(start);
  RunFinish result;
  try {
    result = body(id);
  } catch (const std::exception& error) {
    try {
      RunFinish failed;
      failed.status = RunStatus::error;
      failed.duration_ms = elapsed_ms();
      failed.message = util::safe_text(error.what(), 1000);
      runs.finish(id, failed);
    } catch (const std::exception&) {
      // The database is gone: the row's deadline marks the run as stuck.
    }
    throw;
  }
  if (result.duration_ms == 0) {
    result.duration_ms = elapsed_ms();
  }
  runs.finish(id, result);
}

}  // namespace crm::runs
