// What a run records about its stores' health (crm_lojas_estado), and the
// one ERRO line an operator sees when a store goes out of service: once per
// transition, not once a minute while it stays out.
#pragma once

#include <map>

#include "crm/db/connection.h"
#include "crm/report/printer.h"
#include "crm/sync/run_setup.h"
#include "crm/sync/scheduler.h"

namespace crm::sync {

/// Before the claim: marks the invalid stores (ERRO line when a store
/// becomes invalid or its reason changes) and clears the runnable stores
/// that were invalid. Returns how many stores this run will not run.
int record_store_validation(db::Connection& connection, const RunStores& stores,
                            const report::Printer& printer);

/// After the run: pauses the stores the scheduler paused (ERRO line when a
/// store goes into pause) and clears the probed stores that answered.
/// Returns how many stores this run paused.
int record_store_pauses(db::Connection& connection, const RunStores& stores,
                        const std::map<int, StoreState>& states,
                        const report::Printer& printer);

}  // namespace crm::sync
