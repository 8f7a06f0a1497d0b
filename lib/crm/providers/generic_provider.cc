#include "crm/providers/generic_provider.h"

#include <map>

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/json/json.h"
#include "crm/providers/classify.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

enum class FieldType { string, number, integer, boolean };
enum class OnDelete { ignore, deactivate, remove };

struct FieldSpec {
  std::string field;  ///< logical field, or "local_id"
  std::string path;   ///< dotted path in the remote JSON
  FieldType type = FieldType::string;
};

struct Lookup {
  std::string param;  ///< query parameter, e.g. "email"
  std::string field;  ///< logical field whose value is searched
};

struct Endpoint {
  std::string path;
  std::vector<FieldSpec> fields;
  std::optional<Lookup> lookup;
};

struct Settings {
  std::string base_url;
  std::string auth_header = "Authorization";
  std::string auth_prefix = "Bearer ";
  std::string auth_value;
  std::string id_field = "id";
  std::string record_envelope = "data";
  std::string list_envelope = "data";
  std::string request_envelope;
  std::string update_method = "PUT";
  OnDelete on_delete = OnDelete::ignore;
  std::optional<std::pair<std::string, json::Value>> deactivate;
  std::string page_param = "page";
  std::string page_size_param = "limit";
  int page_size = 100;
  std::string remaining_header = "x-ratelimit-remaining";
  std::string reset_header = "x-ratelimit-reset";
  std::map<Entity, Endpoint> endpoints;
};

Endpoint default_endpoint(Entity entity) {
  using T = FieldType;
  switch (entity) {
    case Entity::customer:
      return {"/clientes",
              {{"local_id", "codigo", T::integer},
               {"name", "nome", T::string},
               {"email", "email", T::string},
               {"phone", "telefone", T::string},
               {"document", "documento", T::string}},
              Lookup{"email", "email"}};
    case Entity::product:
      return {"/produtos",
              {{"local_id", "codigo", T::integer},
               {"name", "nome", T::string},
               {"sku", "sku", T::string},
               {"price", "preco", T::number}},
              std::nullopt};
    case Entity::sale:
      return {"/vendas",
              {{"local_id", "codigo", T::integer},
               {"customer_id", "cliente_codigo", T::integer},
               {"total", "total", T::number},
               {"status", "status", T::string},
               {"date", "data", T::string}},
              std::nullopt};
    case Entity::activity:
      return {"/atividades",
              {{"local_id", "codigo", T::integer},
               {"type", "tipo", T::string},
               {"subject", "assunto", T::string},
               {"due_date", "vencimento", T::string},
               {"done", "concluida", T::boolean}},
              std::nullopt};
  }
  return {};
}

std::string string_setting(const json::Value& settings, std::string_view key,
                           std::string fallback, const std::string& where) {
  const json::Value* value = settings.find(key);
  if (value == nullptr) {
    return fallback;
  }
  if (!value->is_string()) {
    throw FatalError(fmt::format("{}: '{}' must be a string", where, key));
  }
  return value->text();
}

FieldType parse_type(const std::string& text, const std::string& where) {
  if (text == "string") return FieldType::string;
  if (text == "number") return FieldType::number;
  if (text == "integer") return FieldType::integer;
  if (text == "boolean") return FieldType::boolean;
  throw FatalError(fmt::format(
      "{}: unknown type '{}' (string, number, integer, boolean)", where, text));
}

Endpoint parse_endpoint(Entity entity, const json::Value& value, const std::string& where) {
  if (!value.is_object()) {
    throw FatalError(fmt::format("{}: must be an object", where));
  }
  Endpoint endpoint = default_endpoint(entity);
  endpoint.path = string_setting(value, "path", endpoint.path, where);
  if (const json::Value* fields = value.find("fields")) {
    if (!fields->is_object()) {
      throw FatalError(fmt::format("{}: 'fields' must be an object", where));
    }
    endpoint.fields.clear();
    for (const auto& [field, spec] : fields->members()) {
      const std::string field_where = fmt::format("{}: fields.{}", where, field);
      if (spec.is_string()) {
        endpoint.fields.push_back({field, spec.text(), FieldType::string});
      } else if (spec.is_object() && spec.find("path") && spec.find("path")->is_string()) {
        const json::Value* type = spec.find("type");
        endpoint.fields.push_back(
            {field, spec.find("path")->text(),
             type && type->is_string() ? parse_type(type->text(), field_where)
                                       : FieldType::string});
      } else {
        throw FatalError(fmt::format(
            "{}: expected \"remote.path\" or {{\"path\": ..., \"type\": ...}}",
            field_where));
      }
    }
  }
  if (const json::Value* lookup = value.find("lookup")) {
    if (lookup->is_null()) {
      endpoint.lookup.reset();
    } else if (lookup->is_object() && lookup->find("param") &&
               lookup->find("field") && lookup->find("param")->is_string() &&
               lookup->find("field")->is_string()) {
      endpoint.lookup = Lookup{lookup->find("param")->text(), lookup->find("field")->text()};
    } else {
      throw FatalError(fmt::format(
          "{}: 'lookup' must be null or {{\"param\": ..., \"field\": ...}}", where));
    }
  }
  if (!endpoint.path.starts_with("/")) {
    throw FatalError(fmt::format("{}: 'path' must start with /", where));
  }
  return endpoint;
}

Settings parse_settings(const integrations::Integration& integration) {
  const std::string where =
      fmt::format("crm_integracoes: store {}: configuracoes", integration.store_id);
  const json::Value& config = integration.settings;
  Settings settings;
  settings.base_url = integration.base_url;
  while (settings.base_url.ends_with("/")) {
    settings.base_url.pop_back();
  }
  std::string credential_key = "token";
  if (const json::Value* auth = config.find("auth")) {
    if (!auth->is_object()) {
      throw FatalError(fmt::format("{}: 'auth' must be an object", where));
    }
    settings.auth_header = string_setting(*auth, "header", settings.auth_header, where + ": auth");
    settings.auth_prefix = string_setting(*auth, "prefix", settings.auth_prefix, where + ": auth");
    credential_key = string_setting(*auth, "credential", credential_key, where + ": auth");
  }
  const auto secret = integration.credentials.get(credential_key);
  if (!secret) {
    throw FatalError(fmt::format(
        "crm_integracoes: store {}: credenciais: missing '{}'", integration.store_id,
        credential_key));
  }
  settings.auth_value = settings.auth_prefix + *secret;
  settings.id_field = string_setting(config, "id_field", settings.id_field, where);
  settings.record_envelope =
      string_setting(config, "record_envelope", settings.record_envelope, where);
  settings.list_envelope = string_setting(config, "list_envelope", settings.list_envelope, where);
  settings.request_envelope =
      string_setting(config, "request_envelope", settings.request_envelope, where);
  settings.update_method = string_setting(config, "update_method", settings.update_method, where);
  if (settings.update_method != "PUT" && settings.update_method != "PATCH" &&
      settings.update_method != "POST") {
    throw FatalError(fmt::format("{}: 'update_method' must be PUT, PATCH or POST", where));
  }
  const std::string on_delete = string_setting(config, "on_delete", "ignore", where);
  if (on_delete == "ignore") {
    settings.on_delete = OnDelete::ignore;
  } else if (on_delete == "deactivate") {
    settings.on_delete = OnDelete::deactivate;
  } else if (on_delete == "delete") {
    settings.on_delete = OnDelete::remove;
  } else {
    throw FatalError(fmt::format(
        "{}: 'on_delete' must be ignore, deactivate or delete, not '{}'", where, on_delete));
  }
  if (const json::Value* deactivate = config.find("deactivate")) {
    if (!deactivate->is_object() || !deactivate->find("field") ||
        !deactivate->find("field")->is_string() || !deactivate->find("value")) {
      throw FatalError(fmt::format(
          "{}: 'deactivate' must be {{\"field\": ..., \"value\": ...}}", where));
    }
    settings.deactivate = {deactivate->find("field")->text(), *deactivate->find("value")};
  }
  if (settings.on_delete == OnDelete::deactivate && !settings.deactivate) {
    throw FatalError(fmt::format(
        "{}: on_delete 'deactivate' needs 'deactivate': {{\"field\": ..., \"value\": ...}}",
        where));
  }
  settings.page_param = string_setting(config, "page_param", settings.page_param, where);
  settings.page_size_param =
      string_setting(config, "page_size_param", settings.page_size_param, where);
  if (const json::Value* size = config.find("page_size")) {
    const auto number = size->is_number() ? util::parse_int(size->text()) : std::nullopt;
    if (!number || *number < 1 || *number > 1000) {
      throw FatalError(fmt::format("{}: 'page_size' must be an integer from 1 to 1000", where));
    }
    settings.page_size = static_cast<int>(*number);
  }
  settings.remaining_header = string_setting(config, "remaining_header", settings.remaining_header, where);
  settings.reset_header = string_setting(config, "reset_header", settings.reset_header, where);
  const json::Value* entities = config.find("entities");
  if (entities != nullptr && !entities->is_object()) {
    throw FatalError(fmt::format("{}: 'entities' must be an object", where));
  }
  for (Entity entity : k_all_entities) {
    const json::Value* custom = entities ? entities->find(to_db(entity)) : nullptr;
    if (custom == nullptr) {
      settings.endpoints.emplace(entity, default_endpoint(entity));
    } else if (!custom->is_null()) {
      settings.endpoints.emplace(
          entity, parse_endpoint(entity, *custom,
                                 fmt::format("{}: entities.{}", where, to_db(entity))));
    }
    // null: the entity is not synced for this store.
  }
  return settings;
}

/// Converts a local value for the remote JSON; nullopt if it does not fit.
std::optional<json::Value> to_remote(const std::optional<std::string>& value, FieldType type) {
  if (!value) {
    return json::Value();
  }
  switch (type) {
    case FieldType::string:
      return json::Value::string(*value);
    case FieldType::number:
      if (value->empty()) return json::Value();
      if (!util::parse_double(*value)) return std::nullopt;
      return json::Value::number_text(*value);
    case FieldType::integer:
      if (value->empty()) return json::Value();
      if (!util::parse_int(*value)) return std::nullopt;
      return json::Value::number_text(*value);
    case FieldType::boolean:
      if (*value == "1" || *value == "true") return json::Value::boolean(true);
      if (*value == "0" || *value == "false" || value->empty()) return json::Value::boolean(false);
      return std::nullopt;
  }
  return std::nullopt;
}

class GenericExchange final : public Exchange {
 public:
  GenericExchange(const Settings& settings, const Endpoint& endpoint, WorkItem item)
      : m_settings(settings), m_endpoint(endpoint), m_item(std::move(item)) {}

  Step next(const http::Response* previous) override {
    switch (m_state) {
      case State::start:
        return begin();
      case State::lookup:
        return after_lookup(*previous);
      case State::write:
        return after_write(*previous);
      case State::fetch:
        return after_fetch(*previous);
      case State::remove:
        return after_remove(*previous);
    }
    return ItemOutcome::failed(OutcomeKind::permanent, "internal: bad exchange state");
  }

 private:
  enum class State { start, lookup, write, fetch, remove };

  const LocalRecord& record() const { return *m_item.record; }

  std::string url(std::string_view suffix = {}) const {
    return m_settings.base_url + m_endpoint.path + std::string(suffix);
  }

  http::Request request(std::string method, std::string url_text, std::string body = {}) const {
    http::Request out;
    out.method = std::move(method);
    out.url = std::move(url_text);
    out.headers = {{m_settings.auth_header, m_settings.auth_value},
                   {"Accept", "application/json"}};
    if (!body.empty()) {
      out.headers.emplace_back("Content-Type", "application/json");
      out.body = std::move(body);
    }
    return out;
  }

  std::string describe(std::string_view method, std::string_view suffix = {}) const {
    return fmt::format("{} {}{}", method, m_endpoint.path, suffix);
  }

  Step begin() {
    if (m_item.row.direction == Direction::from_crm) {
      if (!record().external_id) {
        return ItemOutcome::failed(OutcomeKind::permanent,
                                   "no external_id on the local record: nothing to fetch");
      }
      m_state = State::fetch;
      m_what = describe("GET", "/" + *record().external_id);
      return request("GET", url("/" + util::url_encode(*record().external_id)));
    }
    if (record().deleted) {
      return begin_delete();
    }
    if (record().external_id) {
      return start_update(*record().external_id, Operation::update);
    }
    if (m_endpoint.lookup) {
      const auto it = record().fields.find(m_endpoint.lookup->field);
      if (it != record().fields.end() && it->second && !it->second->empty()) {
        m_state = State::lookup;
        m_what = describe("GET", "?" + m_endpoint.lookup->param + "=...");
        return request("GET", url("?" + util::url_encode(m_endpoint.lookup->param) + "=" +
                                  util::url_encode(*it->second)));
      }
    }
    return start_create();
  }

  Step begin_delete() {
    switch (m_settings.on_delete) {
      case OnDelete::ignore:
        return ItemOutcome::succeeded(Operation::skip, "skipped: deleted locally");
      case OnDelete::remove:
        if (!record().external_id) {
          return ItemOutcome::succeeded(Operation::skip,
                                        "skipped: deleted locally, never sent to the CRM");
        }
        m_state = State::remove;
        m_what = describe("DELETE", "/" + *record().external_id);
        return request("DELETE", url("/" + util::url_encode(*record().external_id)));
      case OnDelete::deactivate: {
        if (!record().external_id) {
          return ItemOutcome::succeeded(Operation::skip,
                                        "skipped: deleted locally, never sent to the CRM");
        }
        json::Value body = json::Value::object();
        body.set_path(m_settings.deactivate->first, m_settings.deactivate->second);
        m_state = State::write;
        m_operation = Operation::update;
        m_external_id = *record().external_id;
        m_what = describe(m_settings.update_method, "/" + m_external_id);
        return request(m_settings.update_method,
                       url("/" + util::url_encode(m_external_id)), wrap(std::move(body)));
      }
    }
    return ItemOutcome::failed(OutcomeKind::permanent, "internal: bad on_delete");
  }

  std::string wrap(json::Value body) const {
    if (m_settings.request_envelope.empty()) {
      return json::dump(body);
    }
    json::Value outer = json::Value::object();
    outer.set_path(m_settings.request_envelope, std::move(body));
    return json::dump(outer);
  }

  /// The mapped body, or a permanent outcome naming the field that does not fit.
  std::variant<std::string, ItemOutcome> body() const {
    json::Value out = json::Value::object();
    for (const FieldSpec& spec : m_endpoint.fields) {
      std::optional<std::string> value;
      if (spec.field == "local_id") {
        value = std::to_string(record().id);
      } else if (const auto it = record().fields.find(spec.field); it != record().fields.end()) {
        value = it->second;
      } else {
        continue;  // the table mapping does not provide this field
      }
      auto remote = to_remote(value, spec.type);
      if (!remote) {
        return ItemOutcome::failed(
            OutcomeKind::permanent,
            fmt::format("field '{}': cannot send '{}' as a {}", spec.field,
                        util::truncate_utf8(value.value_or(""), 40),
                        spec.type == FieldType::boolean ? "boolean" : "number"));
      }
      out.set_path(spec.path, std::move(*remote));
    }
    return wrap(std::move(out));
  }

  Step start_create() {
    auto payload = body();
    if (auto* failed = std::get_if<ItemOutcome>(&payload)) {
      return std::move(*failed);
    }
    m_state = State::write;
    m_operation = Operation::create;
    m_what = describe("POST");
    return request("POST", url(), std::get<std::string>(std::move(payload)));
  }

  Step start_update(const std::string& external_id, Operation operation) {
    auto payload = body();
    if (auto* failed = std::get_if<ItemOutcome>(&payload)) {
      return std::move(*failed);
    }
    m_state = State::write;
    m_operation = operation;
    m_external_id = external_id;
    m_what = describe(m_settings.update_method, "/" + external_id);
    return request(m_settings.update_method, url("/" + util::url_encode(external_id)),
                   std::get<std::string>(std::move(payload)));
  }

  /// The JSON body of a 2xx response; otherwise the classified failure (the
  /// API's error text when it has one), or a permanent outcome for a body
  /// that is not JSON.
  std::variant<json::Value, ItemOutcome> success_json(const http::Response& response) const {
    if (classify(response) != OutcomeKind::success) {
      return failure(response, m_what, error_detail(response));
    }
    std::string error;
    auto value = json::parse(response.body, &error);
    if (!value) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: response is not JSON ({}): {}", m_what, response.status,
                      error, body_excerpt(response.body)),
          response.status);
    }
    return std::move(*value);
  }

  const json::Value* unwrap(const json::Value& root, const std::string& envelope) const {
    return envelope.empty() ? &root : root.find_path(envelope);
  }

  Step after_lookup(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* failed = std::get_if<ItemOutcome>(&parsed)) {
      return std::move(*failed);
    }
    const json::Value& root = std::get<json::Value>(parsed);
    const json::Value* list = unwrap(root, m_settings.list_envelope);
    if (list == nullptr || !list->is_array()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: no list at '{}' in the response", m_what, m_settings.list_envelope),
          response.status);
    }
    if (!list->items().empty()) {
      const json::Value* id = list->items().front().find_path(m_settings.id_field);
      if (id != nullptr && id->scalar_text()) {
        return start_update(*id->scalar_text(), Operation::link);
      }
    }
    return start_create();
  }

  Step after_write(const http::Response& response) {
    if (classify(response) != OutcomeKind::success) {
      return failure(response, m_what, error_detail(response));
    }
    if (m_operation != Operation::create) {
      ItemOutcome outcome = ItemOutcome::succeeded(
          m_operation, m_operation == Operation::link
                           ? fmt::format("linked to existing CRM record {}", m_external_id)
                           : "updated in CRM",
          m_external_id);
      outcome.http_status = response.status;
      return outcome;
    }
    auto parsed = success_json(response);
    if (auto* failed = std::get_if<ItemOutcome>(&parsed)) {
      return std::move(*failed);
    }
    const json::Value& root = std::get<json::Value>(parsed);
    const json::Value* created = unwrap(root, m_settings.record_envelope);
    const json::Value* id = created ? created->find_path(m_settings.id_field) : nullptr;
    const auto id_text = id ? id->scalar_text() : std::nullopt;
    if (!id_text || id_text->empty()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: no id at '{}{}{}' in the response", m_what,
                      response.status, m_settings.record_envelope,
                      m_settings.record_envelope.empty() ? "" : ".", m_settings.id_field),
          response.status);
    }
    ItemOutcome outcome = ItemOutcome::succeeded(Operation::create, "created in CRM", *id_text);
    outcome.http_status = response.status;
    return outcome;
  }

  Step after_fetch(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* failed = std::get_if<ItemOutcome>(&parsed)) {
      return std::move(*failed);
    }
    const json::Value& root = std::get<json::Value>(parsed);
    const json::Value* remote = unwrap(root, m_settings.record_envelope);
    if (remote == nullptr || !remote->is_object()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: no record at '{}' in the response", m_what, m_settings.record_envelope),
          response.status);
    }
    ItemOutcome outcome = ItemOutcome::succeeded(Operation::fetch, "updated from CRM",
                                                 record().external_id);
    outcome.http_status = response.status;
    for (const FieldSpec& spec : m_endpoint.fields) {
      if (spec.field == "local_id" || !record().fields.contains(spec.field)) {
        continue;
      }
      const json::Value* value = remote->find_path(spec.path);
      if (value == nullptr) {
        continue;  // absent: keep the local value
      }
      outcome.remote_fields.emplace_back(spec.field, value->scalar_text());
    }
    return outcome;
  }

  Step after_remove(const http::Response& response) {
    if (classify(response) != OutcomeKind::success && response.status != 404) {
      return failure(response, m_what, error_detail(response));
    }
    ItemOutcome outcome = ItemOutcome::succeeded(
        Operation::remove,
        response.status == 404 ? "deleted locally; already absent in CRM" : "deleted in CRM",
        record().external_id);
    outcome.http_status = response.status;
    return outcome;
  }

  /// The API's own error text when the body has one of the usual shapes.
  static std::string error_detail(const http::Response& response) {
    auto parsed = json::parse(response.body);
    if (!parsed) {
      return {};
    }
    for (const char* path : {"message", "error.message", "error", "errors.0.detail",
                             "errors.0.title", "data.mensagem", "detail"}) {
      const json::Value* value = parsed->find_path(path);
      if (value != nullptr && value->is_string() && !value->text().empty()) {
        return util::truncate_utf8(value->text(), 300);
      }
    }
    return {};
  }

  const Settings& m_settings;
  const Endpoint& m_endpoint;
  WorkItem m_item;
  State m_state = State::start;
  Operation m_operation = Operation::none;
  std::string m_external_id;
  std::string m_what;
};

class GenericProvider final : public Provider {
 public:
  explicit GenericProvider(Settings settings) : m_settings(std::move(settings)) {}

  std::string_view name() const override { return "generic"; }

  std::unique_ptr<Exchange> start(const WorkItem& item) const override {
    const auto it = m_settings.endpoints.find(item.row.entity);
    if (it == m_settings.endpoints.end()) {
      return std::make_unique<FixedExchange>(ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("entity '{}' is not configured for this store (entities.{} is null)",
                      to_db(item.row.entity), to_db(item.row.entity))));
    }
    return std::make_unique<GenericExchange>(m_settings, it->second, item);
  }

  Step list_page(Entity entity, const std::optional<std::string>& cursor) const override {
    const auto it = m_settings.endpoints.find(entity);
    if (it == m_settings.endpoints.end()) {
      return ItemOutcome::failed(OutcomeKind::permanent,
                                 fmt::format("entity '{}' is not configured for this store",
                                             to_db(entity)));
    }
    http::Request request;
    request.url = fmt::format("{}{}?{}={}&{}={}", m_settings.base_url, it->second.path,
                              util::url_encode(m_settings.page_param), cursor.value_or("1"),
                              util::url_encode(m_settings.page_size_param), m_settings.page_size);
    request.headers = {{m_settings.auth_header, m_settings.auth_value},
                       {"Accept", "application/json"}};
    return request;
  }

  std::variant<Page, ItemOutcome> read_page(Entity entity, const std::optional<std::string>& cursor,
                                            const http::Response& response) const override {
    const Endpoint& endpoint = m_settings.endpoints.at(entity);
    const std::string what = fmt::format("GET {}?{}={}", endpoint.path, m_settings.page_param,
                                         cursor.value_or("1"));
    if (classify(response) != OutcomeKind::success) {
      return failure(response, what);
    }
    std::string error;
    const auto root = json::parse(response.body, &error);
    const json::Value* list =
        !root ? nullptr
              : (m_settings.list_envelope.empty() ? &*root : root->find_path(m_settings.list_envelope));
    if (list == nullptr || !list->is_array()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: no list at '{}' ({})", what, response.status,
                      m_settings.list_envelope, root ? "JSON" : error),
          response.status);
    }
    Page page;
    for (const json::Value& item : list->items()) {
      const json::Value* id = item.find_path(m_settings.id_field);
      const auto id_text = id ? id->scalar_text() : std::nullopt;
      if (!id_text || id_text->empty()) continue;  // a record without an id cannot be linked
      RemoteRecord record{*id_text, {}};
      for (const FieldSpec& spec : endpoint.fields) {
        if (spec.field == "local_id") continue;
        if (const json::Value* value = item.find_path(spec.path)) {
          record.fields.emplace_back(spec.field, value->scalar_text());
        }
      }
      page.records.push_back(std::move(record));
    }
    if (static_cast<int>(list->items().size()) >= m_settings.page_size) {
      page.next_cursor = std::to_string(util::parse_int(cursor.value_or("1")).value_or(1) + 1);
    }
    return page;
  }

  std::optional<std::chrono::seconds> budget_exhausted(
      const http::Response& response) const override {
    const auto remaining = response.header(m_settings.remaining_header);
    if (!remaining || util::parse_int(util::trim(*remaining)) != 0) {
      return std::nullopt;
    }
    const auto reset = response.header(m_settings.reset_header);
    const auto seconds = reset ? util::parse_int(util::trim(*reset)) : std::nullopt;
    return std::chrono::seconds(seconds && *seconds > 0 && *seconds < 3600 ? *seconds : 60);
  }

 private:
  /// An exchange that is decided before any request.
  class FixedExchange final : public Exchange {
   public:
    explicit FixedExchange(ItemOutcome outcome) : m_outcome(std::move(outcome)) {}
    Step next(const http::Response*) override { return m_outcome; }

   private:
    ItemOutcome m_outcome;
  };

  Settings m_settings;
};

}  // namespace

std::unique_ptr<Provider> make_generic_provider(const integrations::Integration& integration) {
  return std::make_unique<GenericProvider>(parse_settings(integration));
}

}  // namespace crm::providers
