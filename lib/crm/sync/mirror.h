// The CRM mirror in a crm_sync run (issue #14). Before pushing, each store
// pulls what changed in its CRM since its cursor (or scans every page where
// the API has no change filter), as scheduler items of their own; the
// changes reach the local tables under the field owners' policy; then the
// claimed items get the mirror's view of their records, so lookups, records
// that did not change and the copies a replacing PUT is built from cost no
// request.
#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "crm/db/connection.h"
#include "crm/queue/sync_log_writer.h"
#include "crm/records/mirror_repository.h"
#include "crm/sync/run_setup.h"
#include "crm/sync/scheduler.h"

namespace crm::sync {

/// Whether the store's mirror keeps the entity: customers and products;
/// activities where the API filters them by update time (Pipedrive; a
/// reference to the customer is compared by CRM id, never pulled into the
/// local table). Sales carry child lists the mirror does not compare yet:
/// they are pushed and looked up as before.
[[nodiscard]] bool is_mirrored(const RunStore& store, Entity entity);

/// Whether the store keeps a mirror (configuracoes.mirror.enabled; by
/// default on for the built-in providers, off for `generic`).
[[nodiscard]] bool mirror_enabled(const RunStore& store);

/// (store, entity)
using MirrorKey = std::pair<int, Entity>;

/// The pulls this run makes: one scheduler item per (store, entity) whose
/// pull is due (every run with a change filter; a scan when its interval
/// passed or one is under way), for at most `max_stores` stores: those with
/// due rows first, then the longest since their last pull, so that with
/// more stores than that, consecutive runs take turns.
struct MirrorPulls {
  std::vector<Item> items;
  std::vector<records::MirrorState> states;  ///< per item
  /// Mirrors fresh without a pull in this run (a recent scan, trusted).
  std::set<MirrorKey> fresh;
};

[[nodiscard]] MirrorPulls plan_pulls(db::Connection& connection,
                                     const std::map<int, RunStore>& stores,
                                     std::size_t max_stores);

/// What the pulls did.
struct PullResult {
  /// Mirrors that hold every CRM record now: their answers are the CRM's.
  std::set<MirrorKey> fresh;
  std::vector<queue::LogEntry> log;
  int records = 0;    ///< CRM records read
  int changes = 0;    ///< local records changed from the CRM
  int conflicts = 0;  ///< fields edited on both sides
};

/// Applies the pulls the scheduler ran: mirror rows, local changes (one
/// transaction per pull), the cursor. A pull that failed or was cut keeps
/// what its complete pages brought and resumes from there.
[[nodiscard]] PullResult apply_pulls(db::Connection& connection,
                                     const std::map<int, RunStore>& stores,
                                     MirrorPulls& pulls);

/// Gives each claimed item of a mirrored entity the mirror's view of its
/// record: by its CRM id, or (no CRM id, fresh mirror) by its match keys.
/// One query per (store, entity).
void attach_mirror(db::Connection& connection,
                   const std::map<int, RunStore>& stores,
                   const std::set<MirrorKey>& fresh, std::vector<Item>& items);

/// What the run's pushes left in the CRM, for the mirror: kept as the
/// outcomes come, written in bulk once the requests are done (the run's
/// critical path then has one statement per item, the external id's). A
/// killed run loses only these rows: the next push of such a record costs
/// one request more, never a duplicate (its external id is saved at once).
class PushMemory {
 public:
  /// A success that says what the CRM now has (ItemOutcome::mirror_fields),
  /// or a CRM id to forget.
  void add(const QueueRow& row, const ItemOutcome& outcome);
  /// Writes and forgets what was added.
  void write(db::Connection& connection);

 private:
  struct Key {
    int store_id = 0;
    Entity entity = Entity::customer;
    bool keep_copy = false;
    auto operator<=>(const Key&) const = default;
  };
  std::map<Key, std::vector<records::MirrorRow>> m_rows;
  std::vector<std::pair<QueueRow, std::string>> m_forget;
};

}  // namespace crm::sync
