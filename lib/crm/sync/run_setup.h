// What a crm_sync run loads before its first request: the stores it may
// touch (validated, nothing written) and, for the claimed rows, the local
// records and the records they reference, as scheduler items.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "crm/config/config_loader.h"
#include "crm/core/entity.h"
#include "crm/core/work_item.h"
#include "crm/db/connection.h"
#include "crm/integrations/integration_repository.h"
#include "crm/integrations/store_settings.h"
#include "crm/integrations/store_state.h"
#include "crm/providers/provider.h"
#include "crm/records/table_mapping.h"
#include "crm/sync/scheduler.h"

namespace crm::sync {

/// Everything a run knows about one store's configuration.
struct RunStore {
  integrations::Integration integration;
  std::unique_ptr<providers::Provider> provider;
  std::map<Entity, records::TableMapping> mappings;
  integrations::StoreSettings settings;
  /// The settings and the provider's defaults as the scheduler applies them.
  StoreLimits limits;
  /// Entities whose table does not exist: their rows fail with this message.
  std::map<Entity, std::string> unavailable;
  /// Its health before this run (crm_lojas_estado).
  integrations::StoreStatus status;
};

/// The stores a run may touch, each in one place: runnable, invalid (its
/// configuration, credentials or schema do not validate) or paused (its
/// probe is not due yet). One store's problem never stops another.
struct RunStores {
  std::map<int, RunStore> runnable;
  /// Store -> why its configuration cannot be used.
  std::map<int, std::string> invalid;
  /// Store -> why it is paused.
  std::map<int, std::string> paused;

  /// The stores this run does not run (invalid or paused).
  [[nodiscard]] int not_run() const {
    return static_cast<int>(invalid.size() + paused.size());
  }
};

enum class Credentials { prepare, placeholder };

/// Loads and validates every active store (or the one of `store_id`)
/// before anything is claimed: its credentials, settings, table mapping
/// (against information_schema) and provider. A store that fails is
/// `invalid` with the reason; a paused store whose probe is not due is
/// `paused`. With `Credentials::placeholder` (a dry run) an OAuth store
/// without a token gets a placeholder instead of a refresh, which would
/// write to the database. Throws FatalError only when there is no active
/// integration at all.
[[nodiscard]] RunStores load_stores(db::Connection& connection,
                                    const config::Environment& environment,
                                    std::optional<int> store_id,
                                    Credentials credentials);

/// The claimed rows as scheduler items: each with its local record and the
/// records it references (one query per store and entity, per child table
/// and per referenced entity), or a permanent outcome when the local record
/// does not exist.
[[nodiscard]] std::vector<Item> prepare_items(
    db::Connection& connection, const std::map<int, RunStore>& stores,
    const std::vector<QueueRow>& rows);

}  // namespace crm::sync
