// The per-store, failure and run sections of crm_status's screen and JSON.
#pragma once

#include <string>

#include "crm/json/json.h"
#include "crm/report/status_report.h"

namespace crm::report {

/// "Lojas:" paragraph: one line per store with its state and backlog, and a
/// second with its throughput, limits and drain estimate. Empty if no store.
[[nodiscard]] std::string stores_text(const StatusData& data);
/// "Falhas por motivo (24h):": each reason with its count, then one line per
/// store and entity with first/last seen and example ids. Empty if none.
[[nodiscard]] std::string failures_text(const StatusData& data);
/// "Execuções recentes:": one line per run, with its message when it has
/// one. Empty if no run was recorded.
[[nodiscard]] std::string runs_text(const StatusData& data);

/// "lojas": the stores as JSON.
[[nodiscard]] json::Value stores_json(const StatusData& data);
/// "falhas_por_motivo": the failure reasons as JSON.
[[nodiscard]] json::Value failures_json(const StatusData& data);
/// "execucoes": the recent runs as JSON.
[[nodiscard]] json::Value runs_json(const StatusData& data);

}  // namespace crm::report
