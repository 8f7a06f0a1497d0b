// A claimed queue row and the local record it names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "crm/core/entity.h"

namespace crm {

/// One row of crm_sync_queue as a run sees it.
struct QueueRow {
  std::int64_t id = 0;
  int store_id = 0;
  Entity entity = Entity::customer;
  std::int64_t record_id = 0;
  Direction direction = Direction::to_crm;
  int priority = 0;
  int attempts = 0;  ///< including the current claim
  int changes = 0;   ///< `alteracoes` when claimed (compare-and-set on finish)
};

/// A local record read through the table mapping. Fields are keyed by the
/// mapping's logical names ("name", "email", "price", ...); NULL is nullopt.
struct LocalRecord {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  bool deleted = false;
  std::map<std::string, std::optional<std::string>> fields;
};

/// What a provider needs to process one row.
struct WorkItem {
  QueueRow row;
  /// nullopt when the local record does not exist (a permanent failure).
  std::optional<LocalRecord> record;
};

}  // namespace crm
