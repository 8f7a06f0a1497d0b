// A fake CRM on 127.0.0.1 for the tests and the demo: the `generic` API shape
// (/api/<resource>[/<id>], {"data": ...} envelopes, Bearer auth), counters
// that tests assert on, and fault injection.
//
//   fake_crm --port-file F [--port N] [--token T] [--latency-ms N] [--seed N]
//
// Control endpoints (no auth):
//   GET  /_stats    {"requests", "max_in_flight", "creates", "duplicate_creates",
//                    "by_method": {...}, "max_requests_per_minute", "records": {...}}
//   POST /_reset    forget records, counters and faults
//   POST /_faults   {"latency_ms", "error_rate", "timeout_rate", "malformed_rate",
//                    "html_rate", "oversize_rate", "hang_ms", "seed", "rules": [{"method",
//                    "path_contains", "body_contains", "status", "body",
//                    "headers": {...}, "count"}]}   (count -1 = forever)
//   GET  /_records/<resource>  every stored record of a resource
#include <httplib.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "crm/json/json.h"

namespace {

using crm::json::Value;

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
  int hang_ms = 30000;
  std::vector<Rule> rules;
};

class FakeCrm {
 public:
  FakeCrm(std::string token, int latency_ms, unsigned seed)
      : m_token(std::move(token)), m_random(seed) {
    m_faults.latency_ms = latency_ms;
  }

  void install(httplib::Server& server) {
    server.Get("/_stats", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(stats(), "application/json");
    });
    server.Post("/_reset", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(m_mutex);
      m_records.clear();
      m_create_keys.clear();
      m_by_method.clear();
      m_per_minute.clear();
      m_requests = 0;
      m_max_in_flight = 0;
      m_creates = 0;
      m_duplicates = 0;
      m_faults = Faults{};
      res.set_content("{}", "application/json");
    });
    server.Post("/_faults", [this](const httplib::Request& req, httplib::Response& res) {
      std::string error;
      auto body = crm::json::parse(req.body, &error);
      if (!body || !body->is_object()) {
        res.status = 400;
        res.set_content(fmt::format("{{\"message\":{}}}", crm::json::quote(error)),
                        "application/json");
        return;
      }
      set_faults(*body);
      res.set_content("{}", "application/json");
    });
    server.Get(R"(/_records/([a-z_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(m_mutex);
      Value list = Value::array();
      for (const auto& [id, record] : m_records[req.matches[1]]) {
        list.push_back(record);
      }
      res.set_content(crm::json::dump(list), "application/json");
    });
    server.Post(R"(/_records/([a-z_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      auto body = crm::json::parse(req.body);
      if (!body || !body->is_array()) {
        res.status = 400;
        return;
      }
      std::lock_guard lock(m_mutex);
      for (const Value& item : body->items()) {
        Value record = item;
        const std::string new_id = std::to_string(++m_next_id);
        record.set("id", Value::string(new_id));
        m_records[req.matches[1]][new_id] = record;
      }
      res.set_content("{}", "application/json");
    });
    const auto api = [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res);
    };
    server.Get(R"(/api/([a-z_]+)(?:/([^/]+))?)", api);
    server.Post(R"(/api/([a-z_]+))", api);
    server.Put(R"(/api/([a-z_]+)/([^/]+))", api);
    server.Patch(R"(/api/([a-z_]+)/([^/]+))", api);
    server.Delete(R"(/api/([a-z_]+)/([^/]+))", api);
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
    m_faults.latency_ms = static_cast<int>(number("latency_ms", m_faults.latency_ms));
    m_faults.error_rate = number("error_rate", m_faults.error_rate);
    m_faults.timeout_rate = number("timeout_rate", m_faults.timeout_rate);
    m_faults.malformed_rate = number("malformed_rate", m_faults.malformed_rate);
    m_faults.html_rate = number("html_rate", m_faults.html_rate);
    m_faults.oversize_rate = number("oversize_rate", m_faults.oversize_rate);
    m_faults.hang_ms = static_cast<int>(number("hang_ms", m_faults.hang_ms));
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
        if (const Value* v = item.find("status"); v && v->is_number()) rule.status = std::stoi(v->text());
        if (const Value* v = item.find("count"); v && v->is_number()) rule.count = std::stoi(v->text());
        if (const Value* headers = item.find("headers"); headers && headers->is_object()) {
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
    Value out = Value::object();
    out.set("requests", Value::number(static_cast<long long>(m_requests)));
    out.set("max_in_flight", Value::number(static_cast<long long>(m_max_in_flight)));
    out.set("in_flight", Value::number(static_cast<long long>(m_in_flight.load())));
    out.set("creates", Value::number(static_cast<long long>(m_creates)));
    out.set("duplicate_creates", Value::number(static_cast<long long>(m_duplicates)));
    Value methods = Value::object();
    for (const auto& [method, count] : m_by_method) {
      methods.set(method, Value::number(static_cast<long long>(count)));
    }
    out.set("by_method", std::move(methods));
    long busiest = 0;
    for (const auto& [minute, count] : m_per_minute) busiest = std::max(busiest, count);
    out.set("max_requests_per_minute", Value::number(static_cast<long long>(busiest)));
    Value records = Value::object();
    for (const auto& [resource, items] : m_records) {
      records.set(resource, Value::number(static_cast<long long>(items.size())));
    }
    out.set("records", std::move(records));
    return crm::json::dump(out);
  }

  /// Waits `ms` unless the server is stopping (no bare sleep: stop() is quick).
  void pause(int ms) {
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms), [&] { return m_stopping; });
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    const int now_in_flight = ++m_in_flight;
    Faults faults;
    std::optional<Rule> matched;
    double roll_error = 0, roll_timeout = 0, roll_malformed = 0, roll_html = 0, roll_size = 0;
    {
      std::lock_guard lock(m_mutex);
      ++m_requests;
      ++m_by_method[req.method];
      ++m_per_minute[std::chrono::duration_cast<std::chrono::minutes>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()];
      m_max_in_flight = std::max(m_max_in_flight, now_in_flight);
      faults = m_faults;
      for (Rule& rule : m_faults.rules) {
        if (rule.count == 0) continue;
        if (!rule.method.empty() && rule.method != req.method) continue;
        if (!rule.path_contains.empty() && req.path.find(rule.path_contains) == std::string::npos) continue;
        if (!rule.body_contains.empty() && req.body.find(rule.body_contains) == std::string::npos) continue;
        if (rule.count > 0) --rule.count;
        matched = rule;
        break;
      }
      std::uniform_real_distribution<double> dist(0.0, 1.0);
      roll_error = dist(m_random);
      roll_timeout = dist(m_random);
      roll_malformed = dist(m_random);
      roll_html = dist(m_random);
      roll_size = dist(m_random);
    }
    if (roll_size < faults.oversize_rate) {
      if (faults.latency_ms > 0) pause(faults.latency_ms);
      res.status = 200;
      res.set_content(std::string(5 * 1024 * 1024, ' ') + "{}", "application/json");
      --m_in_flight;
      return;
    }
    if (faults.latency_ms > 0) {
      pause(faults.latency_ms);
    }
    respond(req, res, faults, matched, roll_error, roll_timeout, roll_malformed, roll_html);
    --m_in_flight;
  }

  void respond(const httplib::Request& req, httplib::Response& res, const Faults& faults,
               const std::optional<Rule>& matched, double roll_error, double roll_timeout,
               double roll_malformed, double roll_html) {
    if (matched) {
      res.status = matched->status;
      for (const auto& [name, value] : matched->headers) res.set_header(name, value);
      res.set_content(matched->body.empty()
                          ? fmt::format(R"({{"message":"injected status {}"}})", matched->status)
                          : matched->body,
                      "application/json");
      return;
    }
    if (req.get_header_value("Authorization") != "Bearer " + m_token) {
      res.status = 401;
      res.set_content(R"({"message":"invalid or missing token"})", "application/json");
      return;
    }
    if (roll_timeout < faults.timeout_rate) {
      pause(faults.hang_ms);
      res.status = 504;
      res.set_content(R"({"message":"too late"})", "application/json");
      return;
    }
    if (roll_error < faults.error_rate) {
      res.status = 503;
      res.set_content(R"({"message":"service unavailable"})", "application/json");
      return;
    }
    if (roll_html < faults.html_rate) {
      res.status = 502;
      res.set_content("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                      "text/html");
      return;
    }
    const bool malformed = roll_malformed < faults.malformed_rate;
    const std::string resource = req.matches[1];
    const std::string id = req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    std::string body;
    {
      std::lock_guard lock(m_mutex);
      body = api(req, res, resource, id);
    }
    if (malformed && res.status < 300) {
      body = body.substr(0, body.size() / 2);  // truncated JSON
    }
    res.set_content(body, "application/json");
  }

  /// The API itself; m_mutex held.
  std::string api(const httplib::Request& req, httplib::Response& res,
                  const std::string& resource, const std::string& id) {
    auto& table = m_records[resource];
    const auto not_found = [&] {
      res.status = 404;
      return fmt::format(R"({{"message":"{} {} not found"}})", resource, id);
    };
    if (req.method == "GET" && id.empty()) {
      // Filters by any field; pages with ?page=N (1-based) & limit=M.
      const long page = req.has_param("page") ? std::stol(req.get_param_value("page")) : 1;
      const long limit = req.has_param("limit") ? std::stol(req.get_param_value("limit")) : 1000000;
      Value list = Value::array();
      long index = 0;
      for (const auto& [record_id, record] : table) {
        bool match = true;
        for (const auto& [name, value] : req.params) {
          if (name == "page" || name == "limit") continue;
          const Value* field = record.find(name);
          match = match && field && field->scalar_text() == value;
        }
        if (!match) continue;
        if (index >= (page - 1) * limit && index < page * limit) list.push_back(record);
        ++index;
      }
      Value out = Value::object();
      out.set("data", std::move(list));
      return crm::json::dump(out);
    }
    if (req.method == "GET") {
      const auto it = table.find(id);
      if (it == table.end()) return not_found();
      Value out = Value::object();
      out.set("data", it->second);
      return crm::json::dump(out);
    }
    if (req.method == "DELETE") {
      if (table.erase(id) == 0) return not_found();
      return R"({"data":null})";
    }
    std::string error;
    auto body = crm::json::parse(req.body, &error);
    if (!body || !body->is_object()) {
      res.status = 400;
      return fmt::format(R"({{"message":"invalid JSON: {}"}})", error);
    }
    if (req.method == "POST") {
      const std::string new_id = std::to_string(++m_next_id);
      body->set("id", Value::string(new_id));
      ++m_creates;
      if (const Value* key = body->find("codigo"); key && key->scalar_text()) {
        if (++m_create_keys[resource + "/" + *key->scalar_text()] > 1) ++m_duplicates;
      }
      table[new_id] = *body;
      res.status = 201;
      Value out = Value::object();
      out.set("data", *body);
      return crm::json::dump(out);
    }
    const auto it = table.find(id);
    if (it == table.end()) return not_found();
    if (req.method == "PUT") {
      body->set("id", Value::string(id));
      it->second = *body;
    } else {
      for (const auto& [name, value] : body->members()) it->second.set(name, value);
    }
    Value out = Value::object();
    out.set("data", it->second);
    return crm::json::dump(out);
  }

  std::string m_token;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::mt19937 m_random;
  Faults m_faults;
  std::map<std::string, std::map<std::string, Value>> m_records;
  std::map<std::string, int> m_create_keys;
  std::map<std::string, long> m_by_method;
  std::map<long, long> m_per_minute;  ///< unix minute -> API requests
  long m_requests = 0;
  long m_creates = 0;
  long m_duplicates = 0;
  long m_next_id = 1000;
  std::atomic<int> m_in_flight{0};
  int m_max_in_flight = 0;
};

std::string arg_value(int argc, char** argv, const std::string& name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string port_file = arg_value(argc, argv, "--port-file", "");
  const int port = std::stoi(arg_value(argc, argv, "--port", "0"));
  FakeCrm fake(arg_value(argc, argv, "--token", "test-token"),
               std::stoi(arg_value(argc, argv, "--latency-ms", "0")),
               static_cast<unsigned>(std::stoul(arg_value(argc, argv, "--seed", "1"))));

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
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    fmt::print(stderr, "fake_crm: cannot bind 127.0.0.1:{}\n", port);
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
