// Where the scheduler's outcomes go: the database in a real run, nowhere in
// a dry run. Both remove the store's secrets from messages first: a CRM may
// echo a credential in its error body, and it must never reach `erro`, the
// log table or the terminal.
#pragma once

#include <map>

#include "crm/records/record_repository.h"
#include "crm/sync/mirror.h"
#include "crm/sync/run_setup.h"
#include "crm/sync/scheduler.h"

namespace crm::sync {

/// Writes an outcome's local effects at once: a create's or a link's
/// external id (in its own commit, so a killed run causes no duplicate) and
/// a fetch's fields. A local table that refuses the CRM's values (too long,
/// NULL, duplicate key) fails that item for good; any other database error
/// (the server gone) propagates and ends the run.
class DatabaseRecorder final : public OutcomeRecorder {
 public:
  /// `mirror`: where a push's result is kept for the store's mirror
  /// (sync/mirror.h); nullptr: nowhere.
  DatabaseRecorder(records::RecordRepository& records,
                   const std::map<int, RunStore>& stores,
                   PushMemory* mirror = nullptr)
      : m_records(records), m_stores(stores), m_mirror(mirror) {}
  ItemOutcome record(const QueueRow& row, ItemOutcome outcome) override;

 private:
  records::RecordRepository& m_records;
  const std::map<int, RunStore>& m_stores;
  PushMemory* m_mirror;
};

/// A dry run's: writes nothing, keeps the outcome (secrets removed).
class DryRunRecorder final : public OutcomeRecorder {
 public:
  explicit DryRunRecorder(const std::map<int, RunStore>& stores)
      : m_stores(stores) {}
  ItemOutcome record(const QueueRow& row, ItemOutcome outcome) override;

 private:
  const std::map<int, RunStore>& m_stores;
};

/// The longest outcome message kept (`erro`, `crm_sync_log.mensagem`).
inline constexpr std::size_t k_max_message_bytes = 2000;

/// A message fit for the database and the terminal, whatever a CRM or a
/// local column put in it: the store's secrets masked, bytes that are not
/// UTF-8 escaped as \xHH (a utf8mb4 column refuses them, which would end
/// the run), cut at k_max_message_bytes.
[[nodiscard]] std::string storable_message(const RunStore& store,
                                           std::string text);

/// `text` with every credential value of the store (4 characters or more)
/// replaced by "***".
[[nodiscard]] std::string without_secrets(const RunStore& store,
                                          std::string text);

}  // namespace crm::sync
