// The fake of the `generic` provider's default API shape, for the tests and
// the demo: /api/<resource>[/<id>], {"data": ...} envelopes, Bearer auth,
// string ids, ?page=N&limit=M. Options and control endpoints: fake_server.h.
#include <fmt/format.h>

#include "fake_server.h"

namespace {

using fake::Value;

class Generic final : public fake::Dialect {
 public:
  explicit Generic(std::string token) : m_token(std::move(token)) {}

  void routes(httplib::Server& server,
              const httplib::Server::Handler& api) override {
    server.Get(R"(/api/([a-z_]+)(?:/([^/]+))?)", api);
    server.Post(R"(/api/([a-z_]+))", api);
    server.Put(R"(/api/([a-z_]+)/([^/]+))", api);
    server.Patch(R"(/api/([a-z_]+)/([^/]+))", api);
    server.Delete(R"(/api/([a-z_]+)/([^/]+))", api);
  }

  bool authorized(const httplib::Request& req) override {
    return req.get_header_value("Authorization") == "Bearer " + m_token;
  }

  void unauthorized(httplib::Response& res) override {
    res.status = 401;
    res.set_content(R"({"message":"invalid or missing token"})",
                    "application/json");
  }

  std::string error_body(int, const std::string& message) override {
    return fmt::format(R"({{"message":{}}})", crm::json::quote(message));
  }

  void rate_limited(httplib::Response& res, const fake::RateState&) override {
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content(R"({"message":"too many requests"})", "application/json");
  }

  void api(const httplib::Request& req, httplib::Response& res,
           fake::Store& store) override {
    const std::string resource = req.matches[1];
    const std::string id =
        req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    auto& table = store.records[resource];
    const auto reply = [&](int status, const std::string& body) {
      res.status = status;
      res.set_content(body, "application/json");
    };
    const auto not_found = [&] {
      reply(404,
            fmt::format(R"({{"message":"{} {} not found"}})", resource, id));
    };
    if (req.method == "GET" && id.empty()) {
      // Filters by any field; pages with ?page=N (1-based) & limit=M.
      const long page =
          req.has_param("page") ? std::stol(req.get_param_value("page")) : 1;
      const long limit = req.has_param("limit")
                             ? std::stol(req.get_param_value("limit"))
                             : 1000000;
      std::vector<std::pair<std::string, std::string>> filters;
      for (const auto& [name, value] : req.params) {
        if (name != "page" && name != "limit")
          filters.emplace_back(name, value);
      }
      Value list = Value::array();
      for (Value& record :
           fake::select(store, resource, filters, (page - 1) * limit, limit)
               .first) {
        list.push_back(std::move(record));
      }
      Value out = Value::object();
      out.set("data", std::move(list));
      return reply(200, crm::json::dump(out));
    }
    if (req.method == "GET") {
      const auto it = table.find(id);
      if (it == table.end()) return not_found();
      Value out = Value::object();
      out.set("data", it->second);
      return reply(200, crm::json::dump(out));
    }
    if (req.method == "DELETE") {
      if (table.erase(id) == 0) return not_found();
      return reply(200, R"({"data":null})");
    }
    std::string error;
    auto body = crm::json::parse(req.body, &error);
    if (!body || !body->is_object()) {
      return reply(400,
                   fmt::format(R"({{"message":"invalid JSON: {}"}})", error));
    }
    if (req.method == "POST") {
      const std::string new_id = std::to_string(++store.next_id);
      body->set("id", Value::string(new_id));
      store.count_create(resource, fake::text_of(body->find("codigo")));
      table[new_id] = *body;
      Value out = Value::object();
      out.set("data", *body);
      return reply(201, crm::json::dump(out));
    }
    const auto it = table.find(id);
    if (it == table.end()) return not_found();
    if (req.method == "PUT") {
      body->set("id", Value::string(id));
      it->second = *body;
    } else {
      for (const auto& [name, value] : body->members())
        it->second.set(name, value);
    }
    Value out = Value::object();
    out.set("data", it->second);
    reply(200, crm::json::dump(out));
  }

 private:
  std::string m_token;
};

}  // namespace

int main(int argc, char** argv) {
  return fake::run(argc, argv, "fake_crm", [](const auto& options) {
    return std::make_unique<Generic>(
        fake::option(options, "token", "test-token"));
  });
}
