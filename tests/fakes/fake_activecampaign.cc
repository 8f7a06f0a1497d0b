// A fake ActiveCampaign API v3 (CRM_APIS.md section 4,
// activecampaign-v3-openapi.json): /api/3/{contacts,deals,dealTasks}[/{id}]
// and POST /api/3/contact/sync (upsert by e-mail), Api-Token header,
// resource-keyed envelopes ({"contact": {...}}) with digit-string ids, deal
// values in integer cents, limit/offset paging with meta.total, 422
// {"errors": [...]}, 404 {"message"}, 5 requests/s per account (--rate 5)
// answered beyond with 429, Retry-After and RateLimit-* headers.
// Records carry their creation and update times in the account's zone
// ("2026-11-30T02:50:00-03:00"): cdate and udate on contacts and dealTasks,
// cdate and mdate on deals (the spec's deals have no udate). /contacts and
// /deals take filters[updated_after] (>=) and filters[updated_before] (<) on
// that update time, written "2026-11-30T02:50:00-03:00", "...T05:50:00Z",
// "2026-11-30 02:50:00" or "2026-11-30" (no zone: -03:00); orders[cdate]
// (both) and orders[id] (contacts) = ASC|DESC, as the spec lists them.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "fake_server.h"

namespace {

using fake::Value;

/// contacts -> contact, deals -> deal, dealTasks -> dealTask
std::string singular(const std::string& resource) {
  return resource.substr(0, resource.size() - 1);
}

class ActiveCampaign final : public fake::Dialect {
 public:
  explicit ActiveCampaign(std::string token) : m_token(std::move(token)) {}

  void routes(httplib::Server& server,
              const httplib::Server::Handler& api) override {
    const std::string many = R"(/api/3/(contacts|deals|dealTasks))";
    const std::string one = many + R"(/(\d+))";
    server.Get(many, api);
    server.Get(one, api);
    server.Post(many, api);
    server.Post(R"(/api/3/contact/(sync))", api);
    server.Put(one, api);
    server.Delete(one, api);
  }

  bool authorized(const httplib::Request& req) override {
    return req.get_header_value("Api-Token") == m_token;
  }

  void unauthorized(httplib::Response& res) override {
    res.status = 403;
    res.set_content(R"({"message":"Forbidden"})", "application/json");
  }

  std::string error_body(int, const std::string& message) override {
    return fmt::format(R"({{"message":{}}})", crm::json::quote(message));
  }

  void rate_limited(httplib::Response& res,
                    const fake::RateState& state) override {
    res.status = 429;
    decorate(res, state);
    res.set_header("Retry-After", "1");
    res.set_content(R"({"message":"Too Many Requests"})", "application/json");
  }

  void decorate(httplib::Response& res, const fake::RateState& state) override {
    res.set_header("RateLimit-Limit", std::to_string(state.limit));
    res.set_header("RateLimit-Remaining", std::to_string(state.remaining));
  }

  fake::StampFields stamp_fields(const std::string& resource) override {
    return {"cdate", resource == "deals" ? "mdate" : "udate"};
  }
  std::string time_text(fake::Time time) override {
    return fake::iso_brasilia(time);
  }

  void api(const httplib::Request& req, httplib::Response& res,
           fake::Store& store) override {
    const bool sync = req.matches[1] == "sync";
    const std::string id = !sync && req.matches.size() > 2
                               ? std::string(req.matches[2])
                               : std::string();
    const std::string resource =
        sync ? "contacts" : std::string(req.matches[1]);
    const std::string key = singular(resource);
    const auto reply = [&](int status, const Value& record) {
      Value out = Value::object();
      out.set(key, record);
      res.status = status;
      res.set_content(crm::json::dump(out), "application/json");
    };
    const auto unprocessable = [&](const std::string& title,
                                   const std::string& code,
                                   const std::string& field) {
      res.status = 422;
      res.set_content(
          fmt::format(R"({{"errors":[{{"title":{},"detail":"","code":"{}",)"
                      R"("source":{{"pointer":"/data/attributes/{}"}}}}]}})",
                      crm::json::quote(title), code, field),
          "application/json");
    };
    if (req.method == "GET" && id.empty())
      return list(req, res, store, resource);
    Value* existing = id.empty() ? nullptr : store.find(resource, id);
    if (!id.empty() && existing == nullptr) {
      res.status = 404;
      res.set_content(
          fmt::format(R"({{"message":"No Result found for {} with id {}"}})",
                      key == "contact" ? "Subscriber" : key, id),
          "application/json");
      return;
    }
    if (req.method == "GET") return reply(200, *existing);
    if (req.method == "DELETE") {
      store.records[resource].erase(id);
      res.status = 200;
      res.set_content("{}", "application/json");
      return;
    }
    auto parsed = crm::json::parse(req.body);
    const Value* body = parsed ? parsed->find(key) : nullptr;
    if (body == nullptr || !body->is_object()) {
      res.status = 400;
      res.set_content("{}",
                      "application/json");  // AC's 400s are often empty objects
      return;
    }
    Value record = *body;
    const bool create = req.method == "POST";
    if (resource == "contacts") {
      const std::string email = fake::text_of(record.find("email"));
      if (create && email.empty())
        return unprocessable("Email address is required", "field_missing",
                             "email");
      Value* same = nullptr;
      for (auto& [other_id, other] : store.records["contacts"]) {
        if (!email.empty() && fake::text_of(other.find("email")) == email &&
            other_id != id) {
          same = &other;
        }
      }
      if (sync && same) {  // contact/sync: update the one with this e-mail
        const Value before = *same;
        crm::json::merge(*same, record);
        stamp(resource, fake::text_of(same->find("id")), *same, &before,
              store.now());
        return reply(200, *same);
      }
      if (same)
        return unprocessable("Email address already exists in the system",
                             "duplicate", "email");
    } else if (resource == "deals") {
      for (const char* field : {"title", "contact", "value", "currency"}) {
        if (create && !record.find(field))
          return unprocessable(fmt::format("Deal {} is required", field),
                               "field_missing", field);
      }
      if (const Value* value = record.find("value");
          value && (!value->is_number() ||
                    value->text().find('.') != std::string::npos)) {
        return unprocessable("Deal value must be an integer (cents)",
                             "field_invalid", "value");
      }
      if (const Value* contact = record.find("contact");
          contact && !store.find("contacts", fake::text_of(contact))) {
        return unprocessable("Contact does not exist", "related_missing",
                             "contact");
      }
    } else {
      for (const char* field : {"relid", "duedate", "dealTasktype"}) {
        if (create && !record.find(field))
          return unprocessable(fmt::format("Task {} is required", field),
                               "field_missing", field);
      }
      if (const Value* relid = record.find("relid");
          relid && !store.find("contacts", fake::text_of(relid))) {
        return unprocessable("Related contact does not exist",
                             "related_missing", "relid");
      }
    }
    if (create) {
      const std::string new_id = std::to_string(++store.next_id);
      record.set("id", Value::string(new_id));
      stamp(resource, new_id, record, nullptr, store.now());
      store.count_create(resource, resource == "contacts"
                                       ? fake::text_of(record.find("email"))
                                       : fake::text_of(record.find("title")));
      store.records[resource][new_id] = record;
      return reply(201, record);
    }
    const Value before = *existing;
    crm::json::merge(*existing, record);
    stamp(resource, id, *existing, &before, store.now());
    reply(200, *existing);
  }

 private:
  void list(const httplib::Request& req, httplib::Response& res,
            fake::Store& store, const std::string& resource) {
    const long limit =
        req.has_param("limit") ? std::stol(req.get_param_value("limit")) : 20;
    const long offset =
        req.has_param("offset") ? std::stol(req.get_param_value("offset")) : 0;
    std::vector<std::pair<std::string, std::string>> filters;
    if (req.has_param("email"))
      filters.emplace_back("email", req.get_param_value("email"));
    std::optional<fake::Time> after, before;
    if (resource != "dealTasks") {  // the spec has these on the two others
      for (const auto& [name, bound] :
           {std::pair{"filters[updated_after]", &after},
            {"filters[updated_before]", &before}}) {
        if (!req.has_param(name)) continue;
        *bound = account_time(req.get_param_value(name));
        if (!*bound) {
          res.status = 400;
          res.set_content("{}", "application/json");  // AC's bare 400
          return;
        }
      }
    }
    const std::string updated = stamp_fields(resource).updated;
    const auto keep = [&](const std::string&, const Value& record) {
      const auto at = account_time(fake::text_of(record.find(updated)));
      return (!after || (at && *at >= *after)) &&
             (!before || (at && *at < *before));
    };
    auto records = fake::select(store, resource, filters, 0,
                                std::numeric_limits<long>::max(), keep)
                       .first;
    order(req, resource, records);
    const long total = static_cast<long>(records.size());
    Value list =
        fake::page_of(std::move(records), offset, std::min(limit, 100L));
    Value meta = Value::object();
    meta.set("total", Value::string(std::to_string(total)));
    Value out = Value::object();
    out.set(resource, std::move(list));
    out.set("meta", std::move(meta));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  /// A date-time in the filters' accepted shapes; no zone: the account's.
  static std::optional<fake::Time> account_time(const std::string& text) {
    const auto written = fake::read_time(text);
    if (!written) return {};
    return written->at(fake::k_brasilia_offset_s);
  }

  /// orders[cdate] (contacts, deals) or orders[id] (contacts): ASC or DESC;
  /// otherwise by id, as the store keeps them.
  static void order(const httplib::Request& req, const std::string& resource,
                    std::vector<Value>& records) {
    std::string field;
    if (req.has_param("orders[cdate]") && resource != "dealTasks") {
      field = "cdate";
    } else if (req.has_param("orders[id]") && resource == "contacts") {
      field = "id";
    } else {
      return;
    }
    std::string direction =
        req.get_param_value(("orders[" + field + "]").c_str());
    std::transform(direction.begin(), direction.end(), direction.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    const bool descending = direction == "DESC";
    const auto key = [&](const Value& record) {
      return fake::text_of(record.find(field));
    };
    std::stable_sort(
        records.begin(), records.end(), [&](const Value& a, const Value& b) {
          const std::string x = key(a), y = key(b);
          if (field == "id")
            return descending ? fake::id_less(y, x) : fake::id_less(x, y);
          return descending ? y < x : x < y;
        });
  }

  std::string m_token;
};

}  // namespace

int main(int argc, char** argv) {
  return fake::run(argc, argv, "fake_activecampaign", [](const auto& options) {
    return std::make_unique<ActiveCampaign>(
        fake::option(options, "token", "test-token"));
  });
}
