// crm_status's queries of the CRM mirror (issue #14).
#pragma once

#include <map>
#include <vector>

#include "crm/db/connection.h"
#include "crm/report/status_report.h"

namespace crm::sync {

/// Each store's mirror, per entity: its records (crm_espelho), where its
/// pull stands (crm_espelho_estado) and the changes pulled and conflicts
/// logged in the last hour by the database clock (crm_sync_log). One query
/// per table over every store; an entity none of them has is left out.
[[nodiscard]] std::map<int, std::vector<report::MirrorReport>> read_mirrors(
    db::Connection& connection);

}  // namespace crm::sync
