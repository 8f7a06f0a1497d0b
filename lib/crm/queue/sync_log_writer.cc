#include "crm/queue/sync_log_writer.h"

#include <fmt/format.h>

#include "crm/util/strings.h"

namespace crm::queue {

void SyncLogWriter::write(const std::vector<LogEntry>& entries,
                          std::optional<std::int64_t> run_id) {
  constexpr std::size_t k_batch = 200;
  constexpr std::size_t k_columns = 12;
  std::vector<const LogEntry*> rows;
  for (const LogEntry& entry : entries) {
    if (entry.outcome.kind != OutcomeKind::rate_limited &&
        entry.outcome.kind != OutcomeKind::released &&
        entry.outcome.kind != OutcomeKind::waiting) {
      rows.push_back(&entry);
    }
  }
  const std::string row_placeholder = "(" + db::placeholders(k_columns) + ")";
  for (std::size_t start = 0; start < rows.size(); start += k_batch) {
    const std::size_t count = std::min(k_batch, rows.size() - start);
    std::string values;
    db::Params params;
    params.reserve(count * k_columns);
    for (std::size_t i = 0; i < count; ++i) {
      const LogEntry& entry = *rows[start + i];
      values += i == 0 ? row_placeholder : ", " + row_placeholder;
      const std::string_view operation = to_db(entry.outcome.operation);
      params.emplace_back(entry.row.store_id);
      params.emplace_back(to_db(entry.row.entity));
      params.emplace_back(static_cast<long long>(entry.row.record_id));
      params.emplace_back(to_db(entry.row.direction));
      params.emplace_back(entry.outcome.kind == OutcomeKind::success ? "sucesso"
                                                                     : "erro");
      params.emplace_back(util::truncate_utf8(entry.outcome.message, 4000));
      // 0: not a queue row (a change the mirror pulled from the CRM).
      params.emplace_back(entry.row.id != 0
                              ? db::Value(static_cast<long long>(entry.row.id))
                              : db::Value(nullptr));
      params.emplace_back(run_id ? db::Value(*run_id) : db::Value(nullptr));
      params.emplace_back(operation.empty() ? db::Value(nullptr)
                                            : db::Value(operation));
      params.emplace_back(entry.outcome.http_status
                              ? db::Value(*entry.outcome.http_status)
                              : db::Value(nullptr));
      params.emplace_back(static_cast<long long>(entry.duration_ms));
      params.emplace_back(entry.outcome.external_id);
    }
    m_connection.execute(
        "INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, "
        "status, mensagem, id_fila, id_execucao, operacao, http_status, "
        "duracao_ms, external_id) VALUES " +
            values,
        params);
  }
}

}  // namespace crm::queue
