#include "crm/sync/store_health.h"

#include <fmt/format.h>

#include "crm/integrations/store_state.h"

namespace crm::sync {

int record_store_validation(db::Connection& connection, const RunStores& stores,
                            const report::Printer& printer) {
  integrations::StoreStates states(connection);
  for (const auto& [id, reason] : stores.invalid) {
    if (states.invalidate(id, reason)) {
      printer.error(fmt::format(
          "store {} not run: {} (checked again every run; the other stores "
          "go on)",
          id, reason));
    }
  }
  for (const auto& [id, store] : stores.runnable) {
    if (store.status.health == integrations::StoreHealth::invalid) {
      states.clear(id);
      printer.item_line(fmt::format("store {}: configuration valid again", id));
    }
  }
  return stores.not_run();
}

int record_store_pauses(db::Connection& connection, const RunStores& stores,
                        const std::map<int, StoreState>& states,
                        const report::Printer& printer) {
  integrations::StoreStates health(connection);
  int paused = 0;
  for (const auto& [id, state] : states) {
    const RunStore& store = stores.runnable.at(id);
    if (state.paused_reason) {
      ++paused;
      if (health.pause(id, *state.paused_reason)) {
        printer.error(fmt::format(
            "store {} paused: {}; its rows wait with no attempt used; next "
            "probe in {} s (crm_status --resume {} resumes it now)",
            id, *state.paused_reason, store.limits.pause_for.count(), id));
      }
    } else if (store.limits.probe && state.answered > 0) {
      health.clear(id);
      printer.item_line(
          fmt::format("store {}: the probe went through, "
                      "resumed",
                      id));
    }
  }
  return paused;
}

}  // namespace crm::sync
