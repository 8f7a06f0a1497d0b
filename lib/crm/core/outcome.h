// What happened to one queued item: a value, never an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/core/entity.h"

namespace crm {

/// SPEC section 4: how a result is recorded in the queue.
enum class OutcomeKind {
  success,       ///< done; `erro` cleared
  transient,     ///< timeout, connection error, 5xx: back off, 3 attempts
  permanent,     ///< 4xx, missing record, unsupported: given up at once
  rate_limited,  ///< 429 or budget spent: no attempt counted, due later
  released,      ///< not started before the deadline: attempt given back
  waiting,       ///< needs another record synced first: no attempt, due later
};

/// `pull` and `conflict` are the mirror's: a CRM change written locally,
/// and a field edited on both sides (crm_sync_log, crm_para_ecletech).
enum class Operation {
  none,
  create,
  update,
  fetch,
  link,
  remove,
  skip,
  pull,
  conflict
};

std::string_view to_string(OutcomeKind kind);
/// The value written to `crm_sync_log.operacao`; empty for `none`.
std::string_view to_db(Operation operation);

struct ItemOutcome {
  OutcomeKind kind = OutcomeKind::success;
  Operation operation = Operation::none;
  std::string message;
  std::optional<int> http_status;
  std::optional<std::string> external_id;
  /// For rate_limited: how long the provider asked us to wait.
  std::optional<std::chrono::seconds> retry_after;
  /// For a fetch: logical field -> value to write on the local record.
  std::vector<std::pair<std::string, std::optional<std::string>>> remote_fields;
  /// For a success that leaves the CRM record as the mirror should now
  /// know it (a create, an update, a link): the fields the CRM reports back
  /// (read from what was sent) and, for profiles whose update replaces the
  /// record, the whole record sent.
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>>
      mirror_fields;
  std::optional<std::string> mirror_copy;
  /// A CRM id the mirror must drop: its record is gone from the CRM (a
  /// delete, or a mirror match the CRM answered 404 for).
  std::optional<std::string> mirror_forget;
  /// For waiting: the local records (entity, id) that need an external id.
  std::vector<std::pair<Entity, std::int64_t>> waiting_for;

  static ItemOutcome succeeded(Operation operation, std::string message,
                               std::optional<std::string> external_id = {});
  static ItemOutcome failed(OutcomeKind kind, std::string message,
                            std::optional<int> http_status = {});
};

}  // namespace crm
