#include "fake_server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

namespace fake {
namespace {

struct Rule {
  std::string method;
  std::string path_contains;
  std::string body_contains;
  int status = 500;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int count = -1;
};

struct Faults {
  int latency_ms = 0;
  double error_rate = 0;
  double timeout_rate = 0;
  double malformed_rate = 0;
  double html_rate = 0;
  double oversize_rate = 0;  ///< a 5 MB body, above crm_sync's 4 MB cap
  /// A 500 whose body has bytes that are not UTF-8 (\xFF\xFE).
  double binary_rate = 0;
  /// A search (GET with a query) answered 200 {"success":true,"data":null}.
  double null_lookup_rate = 0;
  /// A search answered 200 with an object where the list should be.
  double shape_rate = 0;
  /// A POST that is stored, then answered 503: the write happened.
  double after_write_rate = 0;
  int hang_ms = 30000;
  int rate = 0;  ///< requests per window; 0 = no limit
  int window_ms = 1000;
  std::vector<Rule> rules;
};

using Clock = std::chrono::steady_clock;

class Server {
 public:
  Server(std::unique_ptr<Dialect> dialect, int latency_ms, unsigned seed,
         int rate, int window_ms)
      : m_dialect(std::move(dialect)), m_random(seed) {
    m_faults.latency_ms = latency_ms;
    m_faults.rate = rate;
    m_faults.window_ms = window_ms;
    m_store.next_id = m_dialect->first_id();
  }

  void install(httplib::Server& server) {
    server.Get("/_stats",
               [this](const httplib::Request&, httplib::Response& res) {
                 res.set_content(stats(), "application/json");
               });
    server.Post("/_reset",
                [this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard lock(m_mutex);
                  m_store = Store{};
                  m_store.next_id = m_dialect->first_id();
                  m_by_method.clear();
                  m_per_minute.clear();
                  m_requests = 0;
                  m_rate_limited = 0;
                  m_max_in_flight = 0;
                  m_faults = Faults{};
                  m_log.clear();
                  m_dialect->reset();
                  res.set_content("{}", "application/json");
                });
    server.Post("/_faults",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::string error;
                  auto body = crm::json::parse(req.body, &error);
                  if (!body || !body->is_object()) {
                    res.status = 400;
                    res.set_content(fmt::format("{{\"message\":{}}}",
                                                crm::json::quote(error)),
                                    "application/json");
                    return;
                  }
                  set_faults(*body);
                  res.set_content("{}", "application/json");
                });
    server.Get(R"(/_records/(.+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(m_mutex);
                 const std::string resource = req.matches[1];
                 // The tests compare what crm_sync wrote; the stamps would
                 // change with every run, so they are shown only when asked
                 // for.
                 const bool stamps = req.get_param_value("stamps") == "1";
                 const StampFields fields = m_dialect->stamp_fields(resource);
                 Value list = Value::array();
                 for (const auto& [id, stored] : m_store.records[resource]) {
                   Value record = stored;
                   if (!stamps) {
                     if (!fields.created.empty())
                       record.remove_path(fields.created);
                     if (!fields.updated.empty())
                       record.remove_path(fields.updated);
                   }
                   list.push_back(std::move(record));
                 }
                 res.set_content(crm::json::dump(list), "application/json");
               });
    server.Post(R"(/_records/(.+))", [this](const httplib::Request& req,
                                            httplib::Response& res) {
      auto body = crm::json::parse(req.body);
      if (!body || !body->is_array()) {
        res.status = 400;
        return;
      }
      std::lock_guard lock(m_mutex);
      const std::string resource = req.matches[1];
      Value ids = Value::array();
      for (const Value& item : body->items()) {
        Value record = item;
        const std::string new_id = std::to_string(++m_store.next_id);
        record.set("id", m_dialect->id_value(new_id));
        m_dialect->stamp(resource, new_id, record, nullptr, m_store.now());
        m_store.records[resource][new_id] = record;
        ids.push_back(m_dialect->id_value(new_id));
      }
      res.set_content(crm::json::dump(ids), "application/json");
    });
    // An edit made in the CRM itself (a person in its web UI), which the
    // sync's change filters must find: PATCH /_records/<resource>/<id>.
    server.Patch(
        R"(/_records/(.+)/([^/]+))",
        [this](const httplib::Request& req, httplib::Response& res) {
          auto body = crm::json::parse(req.body);
          if (!body || !body->is_object()) {
            res.status = 400;
            res.set_content(R"({"message":"a JSON object to merge"})",
                            "application/json");
            return;
          }
          std::lock_guard lock(m_mutex);
          const std::string resource = req.matches[1];
          const std::string id = req.matches[2];
          Value* record = m_store.find(resource, id);
          if (record == nullptr) {
            res.status = 404;
            res.set_content(fmt::format(R"({{"message":{}}})",
                                        crm::json::quote(fmt::format(
                                            "no {} {}", resource, id))),
                            "application/json");
            return;
          }
          const Value before = *record;
          crm::json::merge(*record, *body);
          record->set("id", m_dialect->id_value(id));  // the id is not editable
          m_dialect->stamp(resource, id, *record, &before, m_store.now());
          res.set_content(crm::json::dump(*record), "application/json");
        });
    // A body without Content-Length (chunked), for clients that must cap a
    // body they cannot size in advance: GET /_chunked?bytes=N
    server.Get(
        "/_chunked", [](const httplib::Request& req, httplib::Response& res) {
          const std::size_t total =
              req.has_param("bytes") ? std::stoul(req.get_param_value("bytes"))
                                     : 1024;
          res.set_chunked_content_provider(
              "application/json",
              [total](std::size_t offset, httplib::DataSink& sink) {
                if (offset >= total) {
                  sink.done();
                  return true;
                }
                const std::string chunk(
                    std::min<std::size_t>(4096, total - offset), ' ');
                return sink.write(chunk.data(), chunk.size());
              });
        });
    server.Get("/_requests",
               [this](const httplib::Request&, httplib::Response& res) {
                 std::lock_guard lock(m_mutex);
                 Value list = Value::array();
                 for (const Value& entry : m_log) list.push_back(entry);
                 res.set_content(crm::json::dump(list), "application/json");
               });
    // Every answer, API or control, tells the fake's time, as a CRM's web
    // server does: crm_sync reads the CRM's clock from it.
    server.set_post_routing_handler(
        [this](const httplib::Request&, httplib::Response& res) {
          std::lock_guard lock(m_mutex);
          res.set_header("Date", http_date(m_store.now()));
        });
    m_dialect->control(server, m_mutex);
    m_dialect->routes(
        server, [this](const httplib::Request& req, httplib::Response& res) {
          handle(req, res);
        });
  }

  void stop() {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_wake.notify_all();
  }

 private:
  void set_faults(const Value& body) {
    std::lock_guard lock(m_mutex);
    const auto number = [&](const char* key, double fallback) {
      const Value* v = body.find(key);
      return v && v->is_number() ? std::stod(v->text()) : fallback;
    };
    m_faults.latency_ms =
        static_cast<int>(number("latency_ms", m_faults.latency_ms));
    m_faults.error_rate = number("error_rate", m_faults.error_rate);
    m_faults.timeout_rate = number("timeout_rate", m_faults.timeout_rate);
    m_faults.malformed_rate = number("malformed_rate", m_faults.malformed_rate);
    m_faults.html_rate = number("html_rate", m_faults.html_rate);
    m_faults.oversize_rate = number("oversize_rate", m_faults.oversize_rate);
    m_faults.binary_rate = number("binary_rate", m_faults.binary_rate);
    m_faults.null_lookup_rate =
        number("null_lookup_rate", m_faults.null_lookup_rate);
    m_faults.shape_rate = number("shape_rate", m_faults.shape_rate);
    m_faults.after_write_rate =
        number("after_write_rate", m_faults.after_write_rate);
    m_faults.hang_ms = static_cast<int>(number("hang_ms", m_faults.hang_ms));
    m_faults.rate = static_cast<int>(number("rate", m_faults.rate));
    m_faults.window_ms =
        static_cast<int>(number("window_ms", m_faults.window_ms));
    m_store.clock_offset_s = static_cast<Time>(
        number("clock_offset_s", static_cast<double>(m_store.clock_offset_s)));
    if (body.find("rate") || body.find("window_ms"))
      m_window.clear();  // a new window
    if (const Value* seed = body.find("seed"); seed && seed->is_number()) {
      m_random.seed(static_cast<unsigned>(std::stoul(seed->text())));
    }
    if (const Value* rules = body.find("rules"); rules && rules->is_array()) {
      m_faults.rules.clear();
      for (const Value& item : rules->items()) {
        Rule rule;
        const auto text = [&](const char* key) {
          const Value* v = item.find(key);
          return v && v->is_string() ? v->text() : std::string();
        };
        rule.method = text("method");
        rule.path_contains = text("path_contains");
        rule.body_contains = text("body_contains");
        rule.body = text("body");
        if (const Value* v = item.find("status"); v && v->is_number())
          rule.status = std::stoi(v->text());
        if (const Value* v = item.find("count"); v && v->is_number())
          rule.count = std::stoi(v->text());
        if (const Value* headers = item.find("headers");
            headers && headers->is_object()) {
          for (const auto& [name, value] : headers->members()) {
            rule.headers.emplace_back(name, value.text());
          }
        }
        m_faults.rules.push_back(std::move(rule));
      }
    }
  }

  std::string stats() {
    std::lock_guard lock(m_mutex);
    const auto number = [](long value) {
      return Value::number(static_cast<long long>(value));
    };
    Value out = Value::object();
    out.set("requests", number(m_requests));
    out.set("max_in_flight", number(m_max_in_flight));
    out.set("in_flight", number(m_in_flight.load()));
    out.set("creates", number(m_store.creates));
    out.set("duplicate_creates", number(m_store.duplicate_creates));
    out.set("rate_limited", number(m_rate_limited));
    Value methods = Value::object();
    for (const auto& [method, count] : m_by_method)
      methods.set(method, number(count));
    out.set("by_method", std::move(methods));
    long busiest = 0;
    for (const auto& [minute, count] : m_per_minute)
      busiest = std::max(busiest, count);
    out.set("max_requests_per_minute", number(busiest));
    Value records = Value::object();
    for (const auto& [resource, items] : m_store.records) {
      records.set(resource, number(static_cast<long>(items.size())));
    }
    out.set("records", std::move(records));
    return crm::json::dump(out);
  }

  /// Waits `ms` unless the server is stopping (no bare sleep: stop() is quick).
  void pause(int ms) {
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms),
                    [&] { return m_stopping; });
  }

  /// Counts the request in the rate window; the state after it.
  RateState count_rate(const Faults& faults) {
    RateState state;
    if (faults.rate <= 0) return state;
    const auto now = Clock::now();
    const auto window = std::chrono::milliseconds(faults.window_ms);
    while (!m_window.empty() && now - m_window.front() >= window)
      m_window.pop_front();
    m_window.push_back(now);
    state.limit = faults.rate;
    state.remaining =
        std::max(0, faults.rate - static_cast<int>(m_window.size()));
    state.reset_seconds =
        static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(
                             window - (now - m_window.front()))
                             .count()) +
        1;
    if (static_cast<int>(m_window.size()) > faults.rate)
      state.limit = -faults.rate;  // over
    return state;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    const int now_in_flight = ++m_in_flight;
    Faults faults;
    std::optional<Rule> matched;
    RateState rate;
    double roll_error = 0, roll_timeout = 0, roll_malformed = 0, roll_html = 0,
           roll_size = 0;
    Rolls extra;
    {
      std::lock_guard lock(m_mutex);
      ++m_requests;
      ++m_by_method[req.method];
      ++m_per_minute[std::chrono::duration_cast<std::chrono::minutes>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()];
      m_max_in_flight = std::max(m_max_in_flight, now_in_flight);
      Value entry = Value::object();
      entry.set("method", Value::string(req.method));
      entry.set("path", Value::string(req.path));
      std::string query;
      for (const auto& [key, value] : req.params) {
        query += (query.empty() ? "" : "&") + key + "=" + value;
      }
      entry.set("query", Value::string(query));
      entry.set("body", Value::string(req.body));
      m_log.push_back(std::move(entry));
      if (m_log.size() > 200) m_log.pop_front();
      faults = m_faults;
      for (Rule& rule : m_faults.rules) {
        if (rule.count == 0) continue;
        if (!rule.method.empty() && rule.method != req.method) continue;
        if (!rule.path_contains.empty() &&
            req.path.find(rule.path_contains) == std::string::npos)
          continue;
        if (!rule.body_contains.empty() &&
            req.body.find(rule.body_contains) == std::string::npos)
          continue;
        if (rule.count > 0) --rule.count;
        matched = rule;
        break;
      }
      rate = count_rate(faults);
      std::uniform_real_distribution<double> dist(0.0, 1.0);
      roll_error = dist(m_random);
      roll_timeout = dist(m_random);
      roll_malformed = dist(m_random);
      roll_html = dist(m_random);
      roll_size = dist(m_random);
      extra = {dist(m_random), dist(m_random), dist(m_random), dist(m_random)};
    }
    if (roll_size < faults.oversize_rate) {
      if (faults.latency_ms > 0) pause(faults.latency_ms);
      res.status = 200;
      res.set_content(std::string(5 * 1024 * 1024, ' ') + "{}",
                      "application/json");
      --m_in_flight;
      return;
    }
    if (faults.latency_ms > 0) {
      pause(faults.latency_ms);
    }
    if (!matched && m_dialect->authorized(req) &&
        answer_badly(req, res, faults, extra)) {
      --m_in_flight;
      return;
    }
    respond(req, res, faults, matched, rate, roll_error, roll_timeout,
            roll_malformed, roll_html);
    if (extra.after_write < faults.after_write_rate && req.method == "POST" &&
        res.status < 300) {
      res.status = 503;  // stored, but the answer is lost
      res.set_content(m_dialect->error_body(503, "lost after the write"),
                      "application/json");
    }
    --m_in_flight;
  }

  struct Rolls {
    double binary = 1, null_lookup = 1, shape = 1, after_write = 1;
  };

  /// The answers of the wrong kind: a body that is not UTF-8, a search
  /// answered with null or an object. True when one was given.
  bool answer_badly(const httplib::Request& req, httplib::Response& res,
                    const Faults& faults, const Rolls& rolls) {
    if (rolls.binary < faults.binary_rate) {
      res.status = 500;
      res.set_content(std::string("{\"message\":\"bad \xFF\xFE bytes\"}"),
                      "application/json");
      return true;
    }
    const bool search = req.method == "GET" && !req.params.empty() &&
                        req.params.count("page") == 0 &&
                        req.params.count("limit") == 0;
    if (search && rolls.null_lookup < faults.null_lookup_rate) {
      res.status = 200;
      res.set_content(R"({"success":true,"data":null})", "application/json");
      return true;
    }
    if (search && rolls.shape < faults.shape_rate) {
      res.status = 200;
      res.set_content(R"({"data":{"unexpected":true}})", "application/json");
      return true;
    }
    return false;
  }

  void respond(const httplib::Request& req, httplib::Response& res,
               const Faults& faults, const std::optional<Rule>& matched,
               RateState rate, double roll_error, double roll_timeout,
               double roll_malformed, double roll_html) {
    if (rate.limit < 0) {
      rate.limit = -rate.limit;
      {
        std::lock_guard lock(m_mutex);
        ++m_rate_limited;
      }
      m_dialect->rate_limited(res, rate);
      return;
    }
    if (rate.limit > 0) m_dialect->decorate(res, rate);
    if (matched) {
      res.status = matched->status;
      for (const auto& [name, value] : matched->headers)
        res.set_header(name, value);
      res.set_content(
          matched->body.empty()
              ? m_dialect->error_body(
                    matched->status,
                    fmt::format("injected status {}", matched->status))
              : matched->body,
          "application/json");
      return;
    }
    if (!m_dialect->authorized(req)) {
      m_dialect->unauthorized(res);
      return;
    }
    if (roll_timeout < faults.timeout_rate) {
      pause(faults.hang_ms);
      res.status = 504;
      res.set_content(m_dialect->error_body(504, "too late"),
                      "application/json");
      return;
    }
    if (roll_error < faults.error_rate) {
      res.status = 503;
      res.set_content(m_dialect->error_body(503, "service unavailable"),
                      "application/json");
      return;
    }
    if (roll_html < faults.html_rate) {
      res.status = 502;
      res.set_content(
          "<html><head><title>502 Bad "
          "Gateway</title></head><body>nginx</body></html>",
          "text/html");
      return;
    }
    {
      std::lock_guard lock(m_mutex);
      m_dialect->api(req, res, m_store);
    }
    if (roll_malformed < faults.malformed_rate && res.status < 300 &&
        !res.body.empty()) {
      res.body = res.body.substr(0, res.body.size() / 2);  // truncated JSON
    }
  }

  std::unique_ptr<Dialect> m_dialect;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::mt19937 m_random;
  Faults m_faults;
  Store m_store;
  std::deque<Clock::time_point> m_window;
  std::deque<Value> m_log;
  std::map<std::string, long> m_by_method;
  std::map<long, long> m_per_minute;  ///< unix minute -> API requests
  long m_requests = 0;
  long m_rate_limited = 0;
  std::atomic<int> m_in_flight{0};
  int m_max_in_flight = 0;
};

}  // namespace

void Store::count_create(const std::string& resource, const std::string& key) {
  ++creates;
  if (!key.empty() && ++create_keys[resource + "/" + key] > 1)
    ++duplicate_creates;
}

Time Store::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         clock_offset_s;
}

std::string Dialect::time_text(Time time) { return rfc3339_utc(time); }

void Dialect::stamp(const std::string& resource, const std::string&,
                    Value& record, const Value* before, Time now) {
  const StampFields fields = stamp_fields(resource);
  if (fields.updated.empty()) return;
  const Value* created = before ? before->find(fields.created) : nullptr;
  record.set(fields.created,
             created ? *created : Value::string(time_text(now)));
  record.set(fields.updated, Value::string(time_text(now)));
}

Value* Store::find(const std::string& resource, const std::string& id) {
  auto table = records.find(resource);
  if (table == records.end()) return nullptr;
  auto it = table->second.find(id);
  return it == table->second.end() ? nullptr : &it->second;
}

std::string option(const std::map<std::string, std::string>& options,
                   const std::string& key, const std::string& fallback) {
  const auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

std::string text_of(const Value* value) {
  if (value == nullptr) return {};
  return value->scalar_text().value_or("");
}

bool is_digits(const std::string& text) {
  return !text.empty() &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

double line_total(const Value* list, const std::string& quantity_path,
                  const std::string& price_path) {
  double total = 0;
  if (list == nullptr || !list->is_array()) return total;
  for (const Value& item : list->items()) {
    const std::string quantity = text_of(item.find_path(quantity_path));
    const std::string price = text_of(item.find_path(price_path));
    total += (quantity.empty() ? 1.0 : std::stod(quantity)) *
             (price.empty() ? 0.0 : std::stod(price));
  }
  return total;
}

double sum_of(const Value* list, const std::string& path) {
  double total = 0;
  if (list == nullptr || !list->is_array()) return total;
  for (const Value& item : list->items()) {
    const std::string value = text_of(item.find_path(path));
    if (!value.empty()) total += std::stod(value);
  }
  return total;
}

long long cents_of(double value) {
  // 1e-6: a sum such as 0.495 computed as 0.49499999 still rounds up.
  return std::llround(value * 100 + (value < 0 ? -1e-6 : 1e-6));
}

double number_at(const Value& body, const std::string& path) {
  const std::string text = text_of(body.find_path(path));
  return text.empty() ? 0.0 : std::stod(text);
}

std::pair<std::vector<Value>, long> select(
    Store& store, const std::string& resource,
    const std::vector<std::pair<std::string, std::string>>& filters,
    long offset, long size, const Keep& keep) {
  std::vector<Value> page;
  long total = 0;
  for (const auto& [id, record] : store.records[resource]) {
    bool match = true;
    for (const auto& [path, value] : filters) {
      const Value* field = record.find_path(path);
      match = match && field && field->scalar_text() == value;
    }
    if (!match || (keep && !keep(id, record))) continue;
    if (total >= offset && total < offset + size) page.push_back(record);
    ++total;
  }
  return {std::move(page), total};
}

Value page_of(std::vector<Value> records, long offset, long size) {
  Value page = Value::array();
  const long end =
      std::min(static_cast<long>(records.size()), offset + std::max(0L, size));
  for (long i = std::max(0L, offset); i < end; ++i)
    page.push_back(std::move(records[static_cast<std::size_t>(i)]));
  return page;
}

bool id_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

namespace {

/// `time` shifted by `offset_s`, broken down (for the wall clock there).
std::tm broken_down(Time time, int offset_s) {
  const std::time_t shifted = static_cast<std::time_t>(time + offset_s);
  std::tm out{};
  gmtime_r(&shifted, &out);
  return out;
}

std::string date_and_time(Time time, int offset_s, char separator) {
  const std::tm t = broken_down(time, offset_s);
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", t.tm_year + 1900,
                     t.tm_mon + 1, t.tm_mday, separator, t.tm_hour, t.tm_min,
                     t.tm_sec);
}

}  // namespace

std::string rfc3339_utc(Time time) { return date_and_time(time, 0, 'T') + "Z"; }

std::string iso_brasilia(Time time) {
  return date_and_time(time, k_brasilia_offset_s, 'T') + "-03:00";
}

std::string local_brasilia(Time time) {
  return date_and_time(time, k_brasilia_offset_s, ' ');
}

std::string http_date(Time time) {
  // Spelled out: strftime's %a and %b follow the locale, HTTP's do not.
  static constexpr std::array<const char*, 7> k_days = {
      "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::tm t = broken_down(time, 0);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     k_days.at(t.tm_wday), t.tm_mday, k_months.at(t.tm_mon),
                     t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
}

std::optional<WrittenTime> read_time(std::string_view text) {
  static const std::regex k_shape(
      R"((\d{4})-(\d{2})-(\d{2})(?:([Tt ])(\d{2}):(\d{2}):(\d{2})(\.\d+)?)"
      R"((?:([Zz])|([+-])(\d{2}):(\d{2}))?)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, k_shape)) return {};
  const auto number = [&](int group) {
    return m[group].matched ? std::stoi(m[group].str()) : 0;
  };
  std::tm fields{};
  fields.tm_year = number(1) - 1900;
  fields.tm_mon = number(2) - 1;
  fields.tm_mday = number(3);
  fields.tm_hour = number(5);
  fields.tm_min = number(6);
  fields.tm_sec = number(7);
  const std::tm asked = fields;
  const std::time_t as_utc = timegm(&fields);
  // timegm normalises 2026-02-30 to March 2nd and 25:00 to the next day:
  // a field it had to carry was out of range.
  if (fields.tm_year != asked.tm_year || fields.tm_mon != asked.tm_mon ||
      fields.tm_mday != asked.tm_mday || fields.tm_hour != asked.tm_hour ||
      fields.tm_min != asked.tm_min || fields.tm_sec != asked.tm_sec)
    return {};
  WrittenTime out;
  out.fields_as_utc = as_utc;
  out.separator = m[4].matched ? static_cast<char>(std::toupper(
                                     static_cast<unsigned char>(m[4].str()[0])))
                               : 0;
  out.fraction = m[8].matched;
  if (m[9].matched) out.offset_s = 0;
  if (m[10].matched) {
    if (number(11) > 23 || number(12) > 59) return {};
    out.offset_s =
        (m[10].str() == "-" ? -1 : 1) * (number(11) * 3600 + number(12) * 60);
  }
  return out;
}

int run(int argc, char** argv, const std::string& name,
        const std::function<std::unique_ptr<Dialect>(
            const std::map<std::string, std::string>&)>& make) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]).starts_with("--"))
      options[argv[i] + 2] = argv[i + 1];
  }
  const auto value = [&](const std::string& key, const std::string& fallback) {
    return option(options, key, fallback);
  };
  const std::string port_file = value("port-file", "");
  const int port = std::stoi(value("port", "0"));
  Server fake(make(options), std::stoi(value("latency-ms", "0")),
              static_cast<unsigned>(std::stoul(value("seed", "1"))),
              std::stoi(value("rate", "0")),
              std::stoi(value("window-ms", "1000")));

  // SIGTERM/SIGINT are taken by sigwait below, never by a worker thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  // STACK.md section 5: the defaults (8 threads, backlog 5, 5 s keep-alive)
  // serialise concurrent clients.
  server.new_task_queue = [] { return new httplib::ThreadPool(128); };
  server.set_keep_alive_timeout(1);
  auto fd = std::make_shared<int>(-1);
  server.set_socket_options([fd](socket_t s) {
    httplib::default_socket_options(s);
    // Without TCP_NODELAY (inherited by accepted sockets) httplib's separate
    // header and body writes meet the client's delayed ACK: +40 ms a request.
    int one = 1;
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *fd = s;
  });
  fake.install(server);
  const int bound = port == 0
                        ? server.bind_to_any_port("127.0.0.1")
                        : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    fmt::print(stderr, "{}: cannot bind 127.0.0.1:{}\n", name, port);
    return 1;
  }
  if (*fd >= 0) ::listen(*fd, 512);
  std::thread listener([&] { server.listen_after_bind(); });
  if (!port_file.empty()) {
    const std::string temporary = port_file + ".tmp";
    std::ofstream(temporary) << bound << "\n";
    std::rename(temporary.c_str(), port_file.c_str());
  } else {
    fmt::print("{}\n", bound);
    std::fflush(stdout);
  }
  int received = 0;
  sigwait(&signals, &received);
  fake.stop();
  server.stop();
  listener.join();
  return 0;
}

}  // namespace fake
