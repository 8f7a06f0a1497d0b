// crm_status --record: reads one record's queue rows, log rows, local
// record and store state.
#pragma once

#include <cstdint>
#include <optional>

#include "crm/core/entity.h"
#include "crm/db/connection.h"
#include "crm/report/record_story.h"

namespace crm::sync {

struct RecordQuery {
  Entity entity = Entity::customer;
  std::int64_t record_id = 0;
  /// nullopt: the one store with rows of the record (or the only active
  /// integration when it has none).
  std::optional<int> store_id;
};

/// The record's story in one snapshot. The local record is read through the
/// store's table mapping (configuracoes.tables) when the store has an active
/// integration whose configuration validates. Throws UsageError when the
/// store is not given and cannot be told (rows in several stores, or none
/// and not exactly one active integration); FatalError when a query fails.
[[nodiscard]] report::RecordStory read_record_story(db::Connection& connection,
                                                    const RecordQuery& query,
                                                    int max_attempts);

}  // namespace crm::sync
