// The scaffold every fake CRM shares: an HTTP server on 127.0.0.1, counters
// the tests assert on, fault injection, a per-window rate limit, and an
// in-memory record store. Each provider's fake is a Dialect: its paths,
// authentication, envelopes, ids, validation and error/rate-limit shapes.
//
//   fake_<provider> --port-file F [--port N] [--token T] [--latency-ms N]
//                   [--seed N] [--rate N --window-ms W] [--page-size N]
//
// Control endpoints (no auth):
//   GET  /_stats    {"requests", "max_in_flight", "creates",
//   "duplicate_creates",
//                    "rate_limited", "by_method": {...},
//                    "max_requests_per_minute", "records": {...}}
//   POST /_reset    forget records, counters and faults
//   POST /_faults   {"latency_ms", "error_rate", "timeout_rate",
//   "malformed_rate",
//                    "html_rate", "oversize_rate", "binary_rate",
//                    "null_lookup_rate", "shape_rate", "after_write_rate",
//                    "hang_ms", "seed", "rate",
//                    "window_ms", "rules": [{"method", "path_contains",
//                    "body_contains", "status", "body", "headers": {...},
//                    "count"}]}   (count -1 = forever)
//   GET  /_records/<resource>  every stored record of a resource
//   POST /_records/<resource>  store records (JSON array) with new ids
//   GET  /_requests  the last 200 API requests: [{"method", "path", "query",
//   "body"}] GET  /_chunked?bytes=N  N spaces, chunked (no Content-Length)
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "crm/json/json.h"

namespace fake {

using crm::json::Value;

/// Records by resource, then by id (the id as text).
struct Store {
  std::map<std::string, std::map<std::string, Value>> records;
  long next_id = 1000;
  long creates = 0;
  long duplicate_creates = 0;
  std::map<std::string, int> create_keys;

  /// Counts a create; `key` (a natural key such as e-mail or SKU) detects
  /// duplicates the sync should have avoided.
  void count_create(const std::string& resource, const std::string& key);
  /// The record or nullptr.
  Value* find(const std::string& resource, const std::string& id);
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
/// Records of `resource` matching every (path, value) filter, paged by a
/// 0-based offset and a size: (page, total).
std::pair<std::vector<Value>, long> select(
    Store& store, const std::string& resource,
    const std::vector<std::pair<std::string, std::string>>& filters,
    long offset, long size);

}  // namespace fake
