// The scaffold every fake CRM shares: an HTTP server on 127.0.0.1, counters
// the tests assert on, fault injection, a per-window rate limit, an
// in-memory record store and a clock. Each provider's fake is a Dialect: its
// paths, authentication, envelopes, ids, validation, error/rate-limit shapes
// and how it stamps records with their creation and update times.
//
//   fake_<provider> --port-file F [--port N] [--token T] [--latency-ms N]
//                   [--seed N] [--rate N --window-ms W] [--page-size N]
//
// The clock is the real UTC clock plus `clock_offset_s` (see /_faults), so a
// test can give the CRM a clock that is off. It stamps the records and every
// response's Date header (RFC 7231 IMF-fixdate, "Mon, 30 Nov 2026 05:50:00
// GMT"): cpp-httplib sets no Date header of its own, the scaffold does.
//
// Control endpoints (no auth):
//   GET  /_stats    {"requests", "max_in_flight", "creates",
//                    "duplicate_creates", "rate_limited", "by_method": {...},
//                    "max_requests_per_minute", "records": {...}}
//   POST /_reset    forget records, counters, faults and the clock offset
//   POST /_faults   {"latency_ms", "error_rate", "timeout_rate",
//                    "malformed_rate", "html_rate", "oversize_rate",
//                    "binary_rate", "null_lookup_rate", "shape_rate",
//                    "after_write_rate", "hang_ms", "seed", "rate",
//                    "window_ms", "clock_offset_s", "rules": [{"method",
//                    "path_contains", "body_contains", "status", "body",
//                    "headers": {...}, "count"}]}   (count -1 = forever)
//   GET  /_records/<resource>  every stored record of a resource, as clients
//                    wrote it: without the provider's time stamps, which
//                    ?stamps=1 keeps
//   POST /_records/<resource>  store records (JSON array) with new ids,
//                    stamped as created now; answers the ids
//   PATCH /_records/<resource>/<id>  merge a JSON object into the record and
//                    stamp it as changed now, as a person editing it in the
//                    CRM's web UI would; answers the record (stamps included),
//                    404 when there is none
//   GET  /_requests  the last 200 API requests: [{"method", "path", "query",
//                    "body"}]
//   GET  /_chunked?bytes=N  N spaces, chunked (no Content-Length)
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "crm/json/json.h"

namespace fake {

using crm::json::Value;

/// A time on the fake's clock: seconds since the epoch (UTC). The providers
/// write seconds, so the fake keeps no finer grain.
using Time = std::int64_t;

/// Brasília's offset from UTC, which GestaoClick, Bling and (for this
/// project's accounts) ActiveCampaign write their times in; Brazil has had no
/// daylight saving time since 2019.
constexpr int k_brasilia_offset_s = -3 * 3600;

/// Records by resource, then by id (the id as text).
struct Store {
  std::map<std::string, std::map<std::string, Value>> records;
  long next_id = 1000;
  long creates = 0;
  long duplicate_creates = 0;
  std::map<std::string, int> create_keys;
  /// Added to the real clock (POST /_faults {"clock_offset_s": N}).
  Time clock_offset_s = 0;

  /// The fake's clock: now in UTC plus the offset.
  [[nodiscard]] Time now() const;

  /// Counts a create; `key` (a natural key such as e-mail or SKU) detects
  /// duplicates the sync should have avoided.
  void count_create(const std::string& resource, const std::string& key);
  /// The record or nullptr.
  Value* find(const std::string& resource, const std::string& id);
};

/// The fields that carry a record's creation and update times (empty names
/// when the provider keeps them outside the record, as Bling does).
struct StampFields {
  std::string created;
  std::string updated;
};

/// The rate-limit window state a dialect reports in its headers.
struct RateState {
  int limit = 0;
  int remaining = 0;
  int reset_seconds = 0;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  /// Registers the API routes; each must call `api`.
  virtual void routes(httplib::Server& server,
                      const httplib::Server::Handler& api) = 0;
  virtual bool authorized(const httplib::Request& req) = 0;
  virtual void unauthorized(httplib::Response& res) = 0;
  /// The provider's error envelope for `status` (injected faults, 5xx).
  virtual std::string error_body(int status, const std::string& message) = 0;
  /// The provider's 429 (status, headers, body).
  virtual void rate_limited(httplib::Response& res, const RateState& state) = 0;
  /// Rate headers on every API response (none by default).
  virtual void decorate(httplib::Response&, const RateState&) {}
  /// The API itself, with the store's mutex held. Sets status and body.
  virtual void api(const httplib::Request& req, httplib::Response& res,
                   Store& store) = 0;
  /// Extra control endpoints (Bling's OAuth), given the store mutex.
  virtual void control(httplib::Server&, std::mutex&) {}
  /// The id as the provider types it in JSON (string or number).
  virtual Value id_value(const std::string& id) { return Value::string(id); }
  /// The first id handed out (Bling's exceed 32 bits).
  virtual long first_id() { return 1000; }
  /// Resets dialect state with /_reset.
  virtual void reset() {}

  /// Where a resource's records carry their times (none by default: the
  /// generic fake's records have no stamps).
  virtual StampFields stamp_fields(const std::string& /*resource*/) {
    return {};
  }
  /// A time as the provider writes it in a record.
  virtual std::string time_text(Time time);
  /// Stamps a record the API or a control endpoint has just written: created
  /// (`before` is null) or changed (`before` is the record as it was). The
  /// update time becomes `now`; the creation time is `now` on a create and
  /// otherwise kept from `before`, whatever the write said (clients cannot
  /// change it). Bling overrides this to keep the times beside the record.
  virtual void stamp(const std::string& resource, const std::string& id,
                     Value& record, const Value* before, Time now);
};

/// Parses the common options, runs the server until SIGTERM/SIGINT.
int run(int argc, char** argv, const std::string& name,
        const std::function<std::unique_ptr<Dialect>(
            const std::map<std::string, std::string>&)>& make);

/// A command-line option given to `make`, or `fallback`.
std::string option(const std::map<std::string, std::string>& options,
                   const std::string& key, const std::string& fallback);

/// Helpers for dialects.
std::string text_of(const Value* value);
bool is_digits(const std::string& text);
/// Sum of quantity * price over a list, each element's fields found by path.
double line_total(const Value* list, const std::string& quantity_path,
                  const std::string& price_path);
double sum_of(const Value* list, const std::string& path);
/// A decimal value in cents, rounded once (half up) as the providers round
/// a total: the sum is computed unrounded, then rounded.
long long cents_of(double value);
/// The number at `path` (a JSON number or a decimal string); 0 when absent.
double number_at(const Value& body, const std::string& path);
/// Which records a list call keeps beyond its field filters (a change
/// filter): given the id and the record.
using Keep = std::function<bool(const std::string& id, const Value& record)>;
/// Records of `resource` matching every (path, value) filter and `keep`, in
/// the order of their ids, paged by a 0-based offset and a size: (page,
/// total).
std::pair<std::vector<Value>, long> select(
    Store& store, const std::string& resource,
    const std::vector<std::pair<std::string, std::string>>& filters,
    long offset, long size, const Keep& keep = {});
/// records[offset, offset + size) as a JSON array.
Value page_of(std::vector<Value> records, long offset, long size);
/// Ids compared as numbers (the store's map compares them as text).
bool id_less(const std::string& a, const std::string& b);

/// Times as the providers write them.
/// "2026-11-30T05:50:00Z" (Pipedrive's RFC 3339 in UTC)
std::string rfc3339_utc(Time time);
/// "2026-11-30T02:50:00-03:00" (ActiveCampaign's ISO 8601 with the offset)
std::string iso_brasilia(Time time);
/// "2026-11-30 02:50:00" (Brasília's wall clock: GestaoClick, Bling)
std::string local_brasilia(Time time);
/// "Mon, 30 Nov 2026 05:50:00 GMT" (RFC 7231 IMF-fixdate, the Date header)
std::string http_date(Time time);

/// A date-time as a client wrote it, before a dialect decides whether that
/// is a shape its provider accepts.
struct WrittenTime {
  Time fields_as_utc = 0;       ///< the written fields read as if they were UTC
  std::optional<int> offset_s;  ///< the zone written ("Z" is 0), if any
  char separator = 0;           ///< 'T' or ' ' between date and time; 0: none
  bool fraction = false;        ///< seconds had a fraction (dropped)

  /// The time, taking `default_offset_s` when no zone was written.
  [[nodiscard]] Time at(int default_offset_s) const {
    return fields_as_utc - offset_s.value_or(default_offset_s);
  }
};
/// Reads "YYYY-MM-DD", optionally followed by 'T' (or 't', or a space) and
/// "HH:MM:SS[.fff]", optionally followed by "Z" or "+HH:MM"/"-HH:MM".
/// nullopt when the text is not that or names no real date or time.
std::optional<WrittenTime> read_time(std::string_view text);

}  // namespace fake
