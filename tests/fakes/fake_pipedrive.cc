// A fake Pipedrive API v2 (CRM_APIS.md section 2, pipedrive-openapi-v2.yaml):
// /api/v2/{persons,products,deals,activities}[/{id}], x-api-token header,
// {success, data} envelopes with integer ids, PATCH partial updates, cursor
// paging (limit, cursor, additional_data.next_cursor), /persons/search and
// /products/search, x-ratelimit-* headers on every response within the
// burst window (--rate N --window-ms 2000) and 429 with Retry-After beyond.
// Records carry add_time and update_time ("2026-11-30T05:50:00Z"); lists take
// updated_since (update_time >= it), updated_until (update_time < it; not on
// products, whose spec lacks it), sort_by and sort_direction, and the cursor
// is an offset into that filtered, sorted list.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>

#include "fake_server.h"

namespace {

using fake::Value;

class Pipedrive final : public fake::Dialect {
 public:
  explicit Pipedrive(std::string token) : m_token(std::move(token)) {}

  void routes(httplib::Server& server,
              const httplib::Server::Handler& api) override {
    const std::string many = R"(/api/v2/(persons|products|deals|activities))";
    const std::string one = many + R"(/(\d+))";
    server.Get(R"(/api/v2/(persons|products)/(search))", api);
    server.Get(many, api);
    server.Get(one, api);
    server.Post(many, api);
    server.Patch(one, api);
    server.Delete(one, api);
  }

  bool authorized(const httplib::Request& req) override {
    return req.get_header_value("x-api-token") == m_token;
  }

  void unauthorized(httplib::Response& res) override {
    res.status = 401;
    res.set_content(error_body(401, "Unauthorized"), "application/json");
  }

  std::string error_body(int, const std::string& message) override {
    Value out = Value::object();
    out.set("success", Value::boolean(false));
    out.set("error", Value::string(message));
    out.set("error_info",
            Value::string("Please check developers.pipedrive.com for more "
                          "information about Pipedrive API."));
    out.set("data", Value());
    out.set("additional_data", Value());
    return crm::json::dump(out);
  }

  void rate_limited(httplib::Response& res,
                    const fake::RateState& state) override {
    res.status = 429;
    decorate(res, state);
    res.set_header("Retry-After", std::to_string(state.reset_seconds));
    res.set_content(error_body(429, "Request over limit"), "application/json");
  }

  void decorate(httplib::Response& res, const fake::RateState& state) override {
    res.set_header("x-ratelimit-limit", std::to_string(state.limit));
    res.set_header("x-ratelimit-remaining", std::to_string(state.remaining));
    res.set_header("x-ratelimit-reset", std::to_string(state.reset_seconds));
  }

  Value id_value(const std::string& id) override {
    return Value::number_text(id);
  }

  fake::StampFields stamp_fields(const std::string&) override {
    return {"add_time", "update_time"};
  }

  void api(const httplib::Request& req, httplib::Response& res,
           fake::Store& store) override {
    const std::string resource = req.matches[1];
    const std::string id =
        req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    const auto reply = [&](int status, Value data, Value additional = Value()) {
      Value out = Value::object();
      out.set("success", Value::boolean(status < 300));
      out.set("data", std::move(data));
      if (!additional.is_null())
        out.set("additional_data", std::move(additional));
      res.status = status;
      res.set_content(crm::json::dump(out), "application/json");
    };
    const auto fail = [&](int status, const std::string& message) {
      res.status = status;
      res.set_content(error_body(status, message), "application/json");
    };
    if (id == "search") return search(req, res, store, resource);
    if (req.method == "GET" && id.empty()) return list(req, res, store);
    Value* existing = id.empty() ? nullptr : store.find(resource, id);
    if (!id.empty() && existing == nullptr) {
      return fail(404, fmt::format("{} not found", resource));
    }
    if (req.method == "GET") return reply(200, *existing);
    if (req.method == "DELETE") {
      store.records[resource].erase(id);
      Value data = Value::object();
      data.set("id", Value::number_text(id));
      return reply(200, std::move(data));
    }
    auto body = crm::json::parse(req.body);
    if (!body || !body->is_object()) return fail(400, "Invalid JSON body");
    if (const std::string problem =
            validate(resource, *body, store, req.method == "POST");
        !problem.empty()) {
      return fail(400, problem);
    }
    if (req.method == "POST") {
      const std::string new_id = std::to_string(++store.next_id);
      body->set("id", Value::number_text(new_id));
      stamp(resource, new_id, *body, nullptr, store.now());
      store.count_create(resource, natural_key(resource, *body));
      store.records[resource][new_id] = *body;
      return reply(resource == "products" ? 201 : 200, *body);
    }
    const Value before = *existing;
    crm::json::merge(*existing, *body);  // PATCH: partial
    stamp(resource, id, *existing, &before, store.now());
    reply(200, *existing);
  }

 private:
  static std::string encode_cursor(long offset) {
    return "c" + std::to_string(offset);
  }
  static std::string decode_cursor(const std::string& cursor) {
    return cursor.size() > 1 && fake::is_digits(cursor.substr(1))
               ? cursor.substr(1)
               : "0";
  }

  /// What a list call asked for beyond its page; `problem` names a
  /// parameter Pipedrive would refuse (400).
  struct ListQuery {
    std::optional<fake::Time> since;  ///< update_time >= since
    std::optional<fake::Time> until;  ///< update_time < until
    std::string sort_by = "id";
    bool descending = false;
    std::string problem;
  };

  static ListQuery list_query(const httplib::Request& req,
                              const std::string& resource) {
    ListQuery query;
    for (const auto& [name, bound] : {std::pair{"updated_since", &query.since},
                                      {"updated_until", &query.until}}) {
      if (!req.has_param(name)) continue;
      if (resource == "products" && bound == &query.until) continue;  // not v2
      *bound = rfc3339(req.get_param_value(name));
      if (!*bound) {
        query.problem = fmt::format(
            "{} must be an RFC 3339 date-time, e.g. 2025-01-01T10:20:00Z",
            name);
        return query;
      }
    }
    if (req.has_param("sort_by"))
      query.sort_by = req.get_param_value("sort_by");
    if (!sortable(resource).contains(query.sort_by))
      query.problem = fmt::format(
          "sort_by must be one of the fields {} sorts by", resource);
    const std::string direction = req.get_param_value("sort_direction");
    if (!direction.empty() && direction != "asc" && direction != "desc")
      query.problem = "sort_direction must be asc or desc";
    query.descending = direction == "desc";
    return query;
  }

  void list(const httplib::Request& req, httplib::Response& res,
            fake::Store& store) {
    const std::string resource = req.matches[1];
    const long limit =
        req.has_param("limit") ? std::stol(req.get_param_value("limit")) : 100;
    const ListQuery query = list_query(req, resource);
    const std::string problem = limit < 1 || limit > 500
                                    ? "limit must be between 1 and 500"
                                    : query.problem;
    if (!problem.empty()) {
      res.status = 400;
      res.set_content(error_body(400, problem), "application/json");
      return;
    }
    const long offset =
        req.has_param("cursor")
            ? std::stol(decode_cursor(req.get_param_value("cursor")))
            : 0;
    const auto keep = [&](const std::string&, const Value& record) {
      const auto updated = rfc3339(fake::text_of(record.find("update_time")));
      return (!query.since || (updated && *updated >= *query.since)) &&
             (!query.until || (updated && *updated < *query.until));
    };
    auto records = fake::select(store, resource, {}, 0,
                                std::numeric_limits<long>::max(), keep)
                       .first;
    sort(records, query.sort_by, query.descending);
    const long total = static_cast<long>(records.size());
    Value additional = Value::object();
    additional.set("next_cursor",
                   offset + limit < total
                       ? Value::string(encode_cursor(offset + limit))
                       : Value());
    Value out = Value::object();
    out.set("success", Value::boolean(true));
    out.set("data", fake::page_of(std::move(records), offset, limit));
    out.set("additional_data", std::move(additional));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  /// An RFC 3339 date-time as Pipedrive takes it: 'T' and a zone (Z or an
  /// offset) required, a fraction of a second dropped.
  static std::optional<fake::Time> rfc3339(const std::string& text) {
    const auto written = fake::read_time(text);
    if (!written || written->separator != 'T' || !written->offset_s) return {};
    return written->at(0);
  }

  /// The v2 spec's sort_by values for each list.
  static const std::set<std::string>& sortable(const std::string& resource) {
    static const std::set<std::string> k_common = {"id", "update_time",
                                                   "add_time"};
    static const std::set<std::string> k_products = {"id", "update_time",
                                                     "add_time", "name"};
    static const std::set<std::string> k_activities = {"id", "update_time",
                                                       "add_time", "due_date"};
    if (resource == "products") return k_products;
    if (resource == "activities") return k_activities;
    return k_common;
  }

  /// Sorts by a field (ties, and the default, by id as a number). The
  /// times are all written alike, so their text sorts as they do.
  static void sort(std::vector<Value>& records, const std::string& field,
                   bool descending) {
    const auto id = [](const Value& record) {
      return fake::text_of(record.find("id"));
    };
    std::sort(
        records.begin(), records.end(), [&](const Value& a, const Value& b) {
          if (field != "id") {
            const std::string x = fake::text_of(a.find(field));
            const std::string y = fake::text_of(b.find(field));
            if (x != y) return descending ? y < x : x < y;
          }
          return descending && field == "id" ? fake::id_less(id(b), id(a))
                                             : fake::id_less(id(a), id(b));
        });
  }

  static std::string natural_key(const std::string& resource,
                                 const Value& body) {
    if (resource == "persons")
      return fake::text_of(body.find_path("emails.0.value"));
    if (resource == "products") return fake::text_of(body.find("code"));
    return fake::text_of(body.find("title"));
  }

  /// What the v2 API refuses (the spec's required fields and types).
  static std::string validate(const std::string& resource, const Value& body,
                              fake::Store& store, bool create) {
    const auto missing = [&](const char* field) {
      return fake::text_of(body.find(field)).empty();
    };
    for (const char* list : {"emails", "phones"}) {
      const Value* items = body.find(list);
      if (items == nullptr) continue;
      if (!items->is_array()) return fmt::format("{} must be an array", list);
      for (const Value& item : items->items()) {
        if (!item.is_object() || !item.find("value") ||
            !item.find("value")->is_string()) {
          return fmt::format("{}[].value must be a string", list);
        }
      }
    }
    for (const char* reference : {"person_id"}) {
      const Value* value = body.find(reference);
      if (value == nullptr) continue;
      if (!value->is_number())
        return fmt::format("{} must be an integer", reference);
      if (!store.find("persons", value->text())) return "Person not found";
    }
    if (create && resource == "persons" && missing("name"))
      return "Name is required";
    if (create && resource == "products" && missing("name"))
      return "Name is required";
    if (create && resource == "deals" && missing("title"))
      return "Title is required";
    if (const Value* value = body.find("value"); value && !value->is_number()) {
      return "value must be a number";
    }
    if (const Value* done = body.find("done"); done && !done->is_boolean()) {
      return "done must be a boolean";
    }
    return {};
  }

  void search(const httplib::Request& req, httplib::Response& res,
              fake::Store& store, const std::string& resource) {
    const std::string term = req.get_param_value("term");
    const std::string field = req.get_param_value("fields");
    if (term.size() < 2 && req.get_param_value("exact_match") != "true") {
      res.status = 400;
      res.set_content(error_body(400, "term must be at least 2 characters"),
                      "application/json");
      return;
    }
    Value items = Value::array();
    for (const auto& [id, record] : store.records[resource]) {
      const std::string path = field == "email" ? "emails.0.value" : field;
      if (fake::text_of(record.find_path(path)) != term) continue;
      Value item = Value::object();
      item.set("id", record.find("id") ? *record.find("id") : Value());
      item.set("type",
               Value::string(resource == "persons" ? "person" : "product"));
      item.set("name", record.find("name") ? *record.find("name") : Value());
      Value hit = Value::object();
      hit.set("result_score", Value::number(1.0));
      hit.set("item", std::move(item));
      items.push_back(std::move(hit));
    }
    Value data = Value::object();
    data.set("items", std::move(items));
    Value additional = Value::object();
    additional.set("next_cursor", Value());
    Value out = Value::object();
    out.set("success", Value::boolean(true));
    out.set("data", std::move(data));
    out.set("additional_data", std::move(additional));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  std::string m_token;
};

}  // namespace

int main(int argc, char** argv) {
  return fake::run(argc, argv, "fake_pipedrive", [](const auto& options) {
    return std::make_unique<Pipedrive>(
        fake::option(options, "token", "test-token"));
  });
}
