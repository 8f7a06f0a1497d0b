// The CRM mirror (issue #14) in crm_status's screen, JSON and metrics.
#pragma once

#include <string>

#include "crm/json/json.h"
#include "crm/report/status_report.h"

namespace crm::report {

/// "Espelho do CRM:": per store and mirrored entity its records, how long
/// ago it last held every CRM record and last read the CRM, its cursor, a
/// pull under way, the last hour's pulled changes and conflicts, then the
/// last pull's error and the last conflict, each on a line of its own.
/// Empty when no store has a mirror.
[[nodiscard]] std::string mirror_text(const StatusData& data);

/// "espelho": a store's mirror as JSON (an empty array when it has none).
[[nodiscard]] json::Value mirror_json(const StoreReport& store);

/// The mirror's gauges, labelled by store and entity: records, ages, pull
/// state and the last hour's pulled changes and conflicts.
[[nodiscard]] std::string mirror_metrics(const StatusData& data);

/// "há 45 s", "há 3 min" or "nunca".
[[nodiscard]] std::string age_text(const std::optional<std::int64_t>& seconds);

}  // namespace crm::report
