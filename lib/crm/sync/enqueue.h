// crm_enqueue: manual enqueue from a shell, and putting failures back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/config/settings.h"
#include "crm/core/entity.h"

namespace crm::sync {

struct EnqueueRequest {
  int store_id = 0;
  Entity entity = Entity::customer;
  std::vector<std::int64_t> record_ids;
  Direction direction = Direction::to_crm;
  int priority = 5;
};

/// Enqueues each record (one pending row per key; an existing pending row
/// keeps the higher priority), all in one transaction, in the database of
/// `config`. Throws FatalError when the database is unreachable, or listing
/// the ids that do not exist in the store's mapped table, before enqueuing
/// anything. Returns the number of records enqueued.
int enqueue_records(const Config& config, const EnqueueRequest& request);

struct RetryRequest {
  std::optional<int> store_id;
  std::optional<Entity> entity;
  /// Only failures given up at or after this time ("YYYY-MM-DD HH:MM:SS",
  /// checked by cli::parse_datetime).
  std::optional<std::string> since;
  int priority = 5;
};

/// Puts given-up rows (processado = 1, erro set) back as new pending rows,
/// one per key, skipping keys that succeeded later, in the database of
/// `config` (FatalError when unreachable). Returns how many keys.
int retry_failed(const Config& config, const RetryRequest& request);

/// {"programa":"crm_enqueue","status":"ok","enfileirados":N}
std::string enqueue_json(int enqueued);
/// {"programa":"crm_enqueue","status":"ok","reenfileirados":N}
std::string retry_json(int requeued);

}  // namespace crm::sync
