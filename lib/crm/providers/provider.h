// One interface for every CRM. Adapters are pure: they build requests and
// read responses; the sync engine does all I/O.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"
#include "crm/http/http_types.h"

namespace crm::providers {

/// The next thing an item needs: a request to send, or its final outcome.
using Step = std::variant<http::Request, ItemOutcome>;

/// One item's conversation with the CRM (lookup -> create, get -> map, ...).
class Exchange {
 public:
  virtual ~Exchange() = default;
  /// Called first with nullptr, then with the response to the last request.
  virtual Step next(const http::Response* previous) = 0;
  /// The answer a dry run pretends to receive for `request`, the request
  /// this exchange yielded last: the documented success shape of that step
  /// (a lookup that finds nothing, a create that returns a new id...), so
  /// that a dry run walks the whole exchange and shows every request.
  [[nodiscard]] virtual http::Response dry_run_answer(
      const http::Request& request) const {
    (void)request;
    http::Response answer;
    answer.status = 200;
    answer.body = "{}";
    return answer;
  }
};

/// One record of a list page, mapped to logical fields.
struct RemoteRecord {
  std::string external_id;
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;
  /// The CRM's update time of the record, as it writes it (nullopt: the
  /// API gives none).
  std::optional<std::string> updated_at;
  /// The whole record (JSON), for profiles whose update replaces it; set
  /// only from a whole record (not from a partial list row).
  std::optional<std::string> copy;
  /// Read from a partial list row (Bling): a field it lacks is unknown,
  /// not empty.
  bool partial = false;
};

/// A page of a list call; `next_cursor` is nullopt on the last page.
struct Page {
  std::vector<RemoteRecord> records;
  std::optional<std::string> next_cursor;
};

/// A field whose value is another local record's id (a sale's customer, a
/// line's product): the engine loads that record's external id first.
struct Reference {
  Entity target;
  std::string child;  ///< empty: a field of the record; else a child list
  std::string field;  ///< the logical field holding the local id
};

/// A provider's documented request limits (nullopt: none known).
struct RateLimits {
  std::optional<int> per_minute;
  std::optional<int> per_second;
};

class Provider {
 public:
  virtual ~Provider() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// Starts an item whose local record exists (the engine fails missing
  /// records itself). An unsupported entity yields a permanent outcome.
  [[nodiscard]] virtual std::unique_ptr<Exchange> start(
      const WorkItem& item) const = 0;
  /// When a response (even a successful one) says the request budget is
  /// spent, how long to stop sending to this store; nullopt otherwise.
  [[nodiscard]] virtual std::optional<std::chrono::seconds> budget_exhausted(
      const http::Response& response) const = 0;
  /// Whether a list page's rows are partial, so an import reads each record
  /// (record_request, read_record).
  [[nodiscard]] virtual bool partial_list_rows(Entity) const { return false; }
  /// The GET of one record by its CRM id.
  [[nodiscard]] virtual Step record_request(Entity entity,
                                            const std::string& id) const {
    (void)id;
    return ItemOutcome::failed(OutcomeKind::permanent,
                               std::string(to_db(entity)) + ": no reads");
  }
  /// One record read from record_request's response.
  [[nodiscard]] virtual std::variant<RemoteRecord, ItemOutcome> read_record(
      Entity entity, const std::string& id, const http::Response&) const {
    (void)id;
    return ItemOutcome::failed(OutcomeKind::permanent,
                               std::string(to_db(entity)) + ": no reads");
  }
  /// For a response refused by the CRM's rate limit (429), how long it asks
  /// to wait before the same request may go again; nullopt otherwise.
  [[nodiscard]] virtual std::optional<std::chrono::seconds> rate_limited_for(
      const http::Response&) const {
    return std::nullopt;
  }

  /// The references of an entity's requests (none by default).
  [[nodiscard]] virtual std::vector<Reference> references(Entity) const {
    return {};
  }
  /// The child lists (TableMapping::children names) an entity's requests use.
  [[nodiscard]] virtual std::vector<std::string> children(Entity) const {
    return {};
  }
  /// True when a response says the OAuth access token is no longer valid:
  /// the engine then expires the stored token so the next run refreshes it.
  [[nodiscard]] virtual bool credentials_expired(const http::Response&) const {
    return false;
  }
  /// The API's own request limits, which the store's settings may override.
  [[nodiscard]] virtual RateLimits rate_limits() const { return {}; }

  /// Whether the API filters the entity's list by update time: the mirror
  /// pulls only what changed; otherwise it scans every page.
  [[nodiscard]] virtual bool has_change_filter(Entity) const { return false; }
  /// Whether the entity's rows carry their update time (the next pull's
  /// filter value); false: the CRM's clock is taken (clock_since).
  [[nodiscard]] virtual bool rows_carry_update_time(Entity) const {
    return true;
  }
  /// The logical fields the entity's lookups search by, in order ("email";
  /// "document"; "sku"): what the mirror may match a new record on.
  [[nodiscard]] virtual std::vector<std::string> lookup_fields(Entity) const {
    return {};
  }
  /// One page of the records changed since `since` (the CRM's own time: an
  /// update time read, or clock_since(); nullopt: every record).
  [[nodiscard]] virtual Step changes_page(
      Entity entity, const std::optional<std::string>& since,
      const std::optional<std::string>& cursor) const {
    (void)since;
    return list_page(entity, cursor);
  }
  /// The filter value that asks for what changes after a pull, from the
  /// CRM's clock: the pull's first response's Date header, less a margin,
  /// written as the filter takes it (for rows without update times, and a
  /// pull that read no record); nullopt without a Date header.
  [[nodiscard]] virtual std::optional<std::string> clock_since(
      Entity entity, const http::Response& first_response) const {
    (void)entity;
    (void)first_response;
    return std::nullopt;
  }

  /// The request for one page of `entity` (nullopt cursor: the first page),
  /// or an outcome when the provider cannot list the entity.
  [[nodiscard]] virtual Step list_page(
      Entity entity, const std::optional<std::string>& cursor) const = 0;
  /// Reads a list response: the page, or a failed outcome (classified).
  [[nodiscard]] virtual std::variant<Page, ItemOutcome> read_page(
      Entity entity, const std::optional<std::string>& cursor,
      const http::Response& response) const = 0;
};

}  // namespace crm::providers
