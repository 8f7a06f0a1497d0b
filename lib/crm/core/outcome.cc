#include "crm/core/outcome.h"

#include <utility>

namespace crm {

std::string_view to_string(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::success:
      return "success";
    case OutcomeKind::transient:
      return "transient";
    case OutcomeKind::permanent:
      return "permanent";
    case OutcomeKind::rate_limited:
      return "rate_limited";
    case OutcomeKind::released:
      return "released";
    case OutcomeKind::waiting:
      return "waiting";
  }
  return "?";
}

std::string_view to_db(Operation operation) {
  switch (operation) {
    case Operation::none:
      return "";
    case Operation::create:
      return "create";
    case Operation::update:
      return "update";
    case Operation::fetch:
      return "fetch";
    case Operation::link:
      return "link";
    case Operation::remove:
      return "delete";
    case Operation::skip:
      return "skip";
    case Operation::pull:
      return "pull";
    case Operation::conflict:
      return "conflict";
  }
  return "";
}

ItemOutcome ItemOutcome::succeeded(Operation operation, std::string message,
                                   std::optional<std::string> external_id) {
  ItemOutcome outcome;
  outcome.kind = OutcomeKind::success;
  outcome.operation = operation;
  outcome.message = std::move(message);
  outcome.external_id = std::move(external_id);
  return outcome;
}

ItemOutcome ItemOutcome::failed(OutcomeKind kind, std::string message,
                                std::optional<int> http_status) {
  ItemOutcome outcome;
  outcome.kind = kind;
  outcome.message = std::move(message);
  outcome.http_status = http_status;
  return outcome;
}

}  // namespace crm
