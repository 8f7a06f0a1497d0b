// crm_lojas_estado: each store's health across runs. A store whose
// configuration does not validate is `invalid` until it does; a store whose
// CRM failed store-wide (401/403, unreachable, a run of 5xx or timeouts) is
// `paused` until its next probe, 1 minute after the first pause, doubling up
// to 1 hour. Neither is claimed from; every other store goes on.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "crm/db/connection.h"

namespace crm::integrations {

enum class StoreHealth { ok, paused, invalid };

struct StoreStatus {
  StoreHealth health = StoreHealth::ok;
  std::string reason;
  /// Consecutive pauses (0 when ok): the next pause lasts
  /// pause_duration(pauses + 1).
  int pauses = 0;
  /// Paused and its next probe is due: the run sends one request to it first.
  bool probe_due = false;
};

/// How long the `pauses`-th consecutive pause lasts: 1 min, 2, 4 ... 60 min.
[[nodiscard]] std::chrono::seconds pause_duration(int pauses);

class StoreStates {
 public:
  explicit StoreStates(db::Connection& connection) : m_connection(connection) {}

  /// Every store with a row (stores without one are ok).
  [[nodiscard]] std::map<int, StoreStatus> load();

  /// Records a store-wide failure: paused until now + pause_duration of its
  /// consecutive pauses. Returns true when the store was not paused before
  /// (the run then prints one ERRO line, not one per minute).
  bool pause(int store_id, const std::string& reason);
  /// Records a configuration that does not validate; true when the store was
  /// not invalid with the same reason before.
  bool invalidate(int store_id, const std::string& reason);
  /// The store worked (its probe went through, or its configuration
  /// validates again): ok. True when it was paused or invalid before.
  bool clear(int store_id);
  /// `crm_status --resume N`: ok at once, and every pending row of the
  /// store that is not claimed is due now (a pause defers them to its probe;
  /// back-offs are cut short too). Returns the rows made due.
  std::int64_t resume(int store_id);

 private:
  bool pause_once(int store_id, const std::string& reason);
  bool invalidate_once(int store_id, const std::string& reason);

  db::Connection& m_connection;
};

}  // namespace crm::integrations
