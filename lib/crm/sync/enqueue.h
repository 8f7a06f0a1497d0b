// crm_enqueue: manual enqueue from a shell, and putting failures back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/config/settings.h"
#include "crm/core/entity.h"

namespace crm::sync {

struct EnqueueRequest {
  int store_id = 0;
  /// The records, per entity (crm_enqueue's --entity/--id pairs).
  std::vector<EntityIds> records;
  Direction direction = Direction::to_crm;
  int priority = 5;
};

/// Enqueues each record (one pending row per key; an existing pending row
/// keeps the higher priority), all in one transaction, in the database of
/// `config`. Throws FatalError when the database is unreachable, or listing
/// the ids that do not exist in the store's mapped table, before enqueuing
/// anything. Returns what was enqueued: per entity, in the request's order,
/// its distinct ids in ascending order.
std::vector<EntityIds> enqueue_records(const Config& config,
                                       const EnqueueRequest& request);

/// "[ts] Enfileirados: 2 clientes, 1 produtos (loja 1, ecletech_para_crm,
/// prioridade 5)" for what enqueue_records() returned.
std::string format_enqueue_line(const std::vector<EntityIds>& enqueued,
                                const EnqueueRequest& request,
                                std::string_view timestamp_prefix);

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

/// {"programa":"crm_enqueue","status":"ok","enfileirados":N}, N of every
/// entity.
std::string enqueue_json(const std::vector<EntityIds>& enqueued);
/// {"programa":"crm_enqueue","status":"ok","reenfileirados":N}
std::string retry_json(int requeued);
/// "[ts] Reenfileirados: 2 registros que falharam" ("1 registro que falhou").
std::string retry_line(int requeued, std::string_view timestamp);

}  // namespace crm::sync
