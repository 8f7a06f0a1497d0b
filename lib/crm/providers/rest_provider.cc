#include "crm/providers/rest_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crm/providers/classify.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

using Fields = std::map<std::string, std::optional<std::string>>;

bool is_date(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  return util::digits_only(text.substr(0, 10)).size() == 8;
}

std::string_view type_name(FieldType type) {
  switch (type) {
    case FieldType::string:
      return "string";
    case FieldType::number:
      return "number";
    case FieldType::integer:
      return "integer";
    case FieldType::boolean:
      return "boolean";
    case FieldType::cents:
      return "amount in cents";
    case FieldType::digits:
      return "digits";
    case FieldType::date:
      return "date";
    case FieldType::datetime:
      return "date and time";
    case FieldType::time:
      return "time";
    case FieldType::cpf:
      return "CPF";
    case FieldType::cnpj:
      return "CNPJ";
    case FieldType::person_type:
      return "person type";
    case FieldType::first_name:
      return "first name";
    case FieldType::last_name:
      return "last name";
  }
  return "value";
}

/// Types whose absent value leaves the field out instead of sending null.
bool omitted_when_empty(FieldType type) {
  return type == FieldType::cpf || type == FieldType::cnpj ||
         type == FieldType::person_type || type == FieldType::digits ||
         type == FieldType::last_name;
}

std::string join_url(
    const std::string& base, std::string_view path,
    const std::vector<std::pair<std::string, std::string>>& query) {
  std::string url = base + std::string(path);
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    url += separator;
    url += util::url_encode(key) + "=" + util::url_encode(value);
    separator = '&';
  }
  return url;
}

class RestExchange final : public Exchange {
 public:
  RestExchange(const Profile& profile, const Endpoint& endpoint, WorkItem item)
      : m_profile(profile), m_endpoint(endpoint), m_item(std::move(item)) {}

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
      case State::read:
        return after_read(*previous);
    }
    return ItemOutcome::failed(OutcomeKind::permanent,
                               "internal: bad exchange state");
  }

 private:
  enum class State { start, lookup, write, fetch, remove, read };

  const LocalRecord& record() const { return *m_item.record; }

  http::Request request(std::string method, std::string url,
                        std::string body = {}) const {
    http::Request out;
    out.method = std::move(method);
    out.url = std::move(url);
    out.headers = m_profile.auth_headers;
    out.headers.emplace_back("Accept", "application/json");
    if (!body.empty()) {
      out.headers.emplace_back("Content-Type", "application/json");
      out.body = std::move(body);
    }
    return out;
  }

  std::string record_url(const std::string& id) const {
    return m_profile.base_url + m_endpoint.path + "/" + util::url_encode(id);
  }

  std::string describe(std::string_view method, std::string_view path,
                       std::string_view suffix = {}) const {
    return fmt::format("{} {}{}", method, path, suffix);
  }

  Step begin() {
    if (m_item.row.direction == Direction::from_crm) {
      if (!record().external_id) {
        return ItemOutcome::failed(
            OutcomeKind::permanent,
            "no external_id on the local record: nothing to fetch");
      }
      m_state = State::fetch;
      m_what = describe("GET", m_endpoint.path, "/" + *record().external_id);
      return request("GET", record_url(*record().external_id));
    }
    if (record().deleted) {
      return begin_delete();
    }
    // The body first: a record that cannot be sent (a value that does not
    // fit, a reference not synced yet) costs no lookup request.
    auto payload = body(std::nullopt);
    if (auto* stop = std::get_if<ItemOutcome>(&payload))
      return std::move(*stop);
    m_payload = std::get<std::string>(std::move(payload));
    if (record().external_id) {
      return start_update(*record().external_id, Operation::update,
                          std::nullopt);
    }
    return next_lookup();
  }

  /// The next lookup whose field has a value, or the create.
  Step next_lookup() {
    while (m_lookup < m_endpoint.lookups.size()) {
      const Lookup& lookup = m_endpoint.lookups[m_lookup++];
      std::optional<std::string> local;
      if (lookup.field == "local_id") {
        local = std::to_string(record().id);
      } else if (const auto it = record().fields.find(lookup.field);
                 it != record().fields.end()) {
        local = it->second;
      }
      if (!local || local->empty()) continue;
      FieldSpec as;
      as.field = lookup.field;
      as.type = lookup.type;
      const auto value = to_remote(local, as);
      if (!value || !value->scalar_text() || value->scalar_text()->empty())
        continue;
      auto query = lookup.fixed_params;
      query.emplace_back(lookup.param, *value->scalar_text());
      const std::string& path =
          lookup.path.empty() ? m_endpoint.path : lookup.path;
      m_state = State::lookup;
      m_what = describe("GET", path, "?" + lookup.param + "=...");
      return request("GET", join_url(m_profile.base_url, path, query));
    }
    return start_create();
  }

  Step begin_delete() {
    const auto skipped = [] {
      return ItemOutcome::succeeded(
          Operation::skip, "skipped: deleted locally, never sent to the CRM");
    };
    switch (m_profile.on_delete) {
      case OnDelete::ignore:
        return ItemOutcome::succeeded(Operation::skip,
                                      "skipped: deleted locally");
      case OnDelete::remove:
        if (!record().external_id) return skipped();
        m_state = State::remove;
        m_what =
            describe("DELETE", m_endpoint.path, "/" + *record().external_id);
        return request("DELETE", record_url(*record().external_id));
      case OnDelete::deactivate:
        if (!record().external_id) return skipped();
        if (!m_endpoint.deactivate) {
          return ItemOutcome::failed(
              OutcomeKind::permanent,
              fmt::format(
                  "on_delete 'deactivate': {} has no active flag for '{}'; use "
                  "'ignore' or 'delete'",
                  m_profile.name, to_db(m_item.row.entity)));
        }
        return start_update(*record().external_id, Operation::update,
                            m_endpoint.deactivate);
    }
    return ItemOutcome::failed(OutcomeKind::permanent,
                               "internal: bad on_delete");
  }

  /// One field's value into `out`; false with m_failure set when it cannot be
  /// sent.
  bool put_field(json::Value& out, const FieldSpec& spec,
                 const Fields& source) {
    if (!spec.with.empty() &&
        std::find(m_sent.begin(), m_sent.end(), spec.with) == m_sent.end()) {
      return true;  // goes with a field that was left out
    }
    if (spec.constant) {
      out.set_path(spec.path, *spec.constant);
      m_sent.push_back(spec.label);
      return true;
    }
    std::optional<std::string> value;
    if (spec.text_template) {
      value = *spec.text_template;
      for (const auto& [name, field_value] : source) {
        value = util::replace_all(*value, "{" + name + "}",
                                  field_value.value_or(""));
      }
      value =
          util::replace_all(*value, "{local_id}", std::to_string(record().id));
    } else if (spec.field == "local_id") {
      value = std::to_string(record().id);
    } else if (const auto it = source.find(spec.field); it != source.end()) {
      value = it->second;
    } else {
      return true;  // the table mapping does not provide this field
    }
    if (spec.required && (!value || util::trim(*value).empty())) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}' is empty, and {} requires it", spec.label,
                      m_profile.name));
      return false;
    }
    if (spec.ref) {
      if (!value || value->empty())
        return true;  // no reference: nothing to send
      const auto local = util::parse_int(*value);
      const auto it = local ? m_item.referenced.find({*spec.ref, *local})
                            : m_item.referenced.end();
      if (it == m_item.referenced.end()) {
        m_failure = ItemOutcome::failed(
            OutcomeKind::permanent,
            fmt::format("field '{}': {} {} does not exist locally", spec.label,
                        to_db(*spec.ref), util::truncate_utf8(*value, 40)));
        return false;
      }
      if (!spec.ref_field.empty()) {
        const auto field = it->second.fields.find(spec.ref_field);
        value = field == it->second.fields.end() ? std::nullopt : field->second;
      } else if (!it->second.external_id) {
        const RecordKey key{*spec.ref, *local};
        if (std::find(m_waiting.begin(), m_waiting.end(), key) ==
            m_waiting.end()) {
          m_waiting.push_back(key);
        }
        return true;
      } else {
        value = it->second.external_id;
      }
    }
    auto remote = to_remote(value, spec);
    if (!remote) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}': cannot send '{}' as a {}", spec.label,
                      util::truncate_utf8(value.value_or(""), 40),
                      type_name(spec.type)));
      return false;
    }
    if (remote->is_null() &&
        (m_profile.omit_nulls || omitted_when_empty(spec.type))) {
      return true;
    }
    out.set_path(spec.path, std::move(*remote));
    m_sent.push_back(spec.label);
    return true;
  }

  /// The mapped body, or the outcome that stops the item (a value that does
  /// not fit, or a reference not synced yet: waiting).
  std::variant<std::string, ItemOutcome> body(
      const std::optional<std::pair<std::string, json::Value>>& extra) {
    json::Value out = json::Value::object();
    m_sent.clear();
    for (const FieldSpec& spec : m_endpoint.fields) {
      if (!put_field(out, spec, record().fields)) return std::move(*m_failure);
    }
    for (const ChildSpec& child : m_endpoint.children) {
      const auto rows = record().children.find(child.name);
      if (rows == record().children.end()) continue;  // not mapped locally
      json::Value list = json::Value::array();
      for (const Fields& row : rows->second) {
        json::Value element = json::Value::object();
        m_sent.clear();
        for (const FieldSpec& spec : child.fields) {
          if (!put_field(element, spec, row)) return std::move(*m_failure);
        }
        list.push_back(std::move(element));
      }
      out.set_path(child.path, std::move(list));
    }
    if (!m_waiting.empty()) {
      std::string names;
      for (const auto& [entity, id] : m_waiting) {
        names += fmt::format("{}{} {}", names.empty() ? "" : ", ",
                             to_db(entity), id);
      }
      ItemOutcome waiting = ItemOutcome::failed(
          OutcomeKind::waiting,
          fmt::format("waiting: {} not synced to the CRM yet (no external_id)",
                      names));
      waiting.retry_after = std::chrono::seconds(60);
      waiting.waiting_for = m_waiting;
      return waiting;
    }
    if (extra) out.set_path(extra->first, extra->second);
    return wrap(std::move(out));
  }

  /// A partial update that sets one flag (deactivate).
  std::variant<std::string, ItemOutcome> flag_only(
      const std::pair<std::string, json::Value>& flag) const {
    json::Value out = json::Value::object();
    out.set_path(flag.first, flag.second);
    return wrap(std::move(out));
  }

  std::string wrap(json::Value body) const {
    if (m_endpoint.request_envelope.empty()) return json::dump(body);
    json::Value outer = json::Value::object();
    outer.set_path(m_endpoint.request_envelope, std::move(body));
    return json::dump(outer);
  }

  Step start_create() {
    const std::string& path = m_endpoint.create_path.empty()
                                  ? m_endpoint.path
                                  : m_endpoint.create_path;
    m_state = State::write;
    m_operation = Operation::create;
    m_what = describe("POST", path);
    return request("POST", m_profile.base_url + path, m_payload);
  }

  Step start_update(
      const std::string& external_id, Operation operation,
      const std::optional<std::pair<std::string, json::Value>>& extra) {
    auto payload = extra ? (m_profile.full_record_updates ? body(extra)
                                                          : flag_only(*extra))
                         : std::variant<std::string, ItemOutcome>(m_payload);
    if (auto* stop = std::get_if<ItemOutcome>(&payload))
      return std::move(*stop);
    m_operation = operation;
    m_external_id = external_id;
    m_update_body = std::get<std::string>(std::move(payload));
    if (m_profile.read_before_update) {
      m_state = State::read;
      m_what = describe("GET", m_endpoint.path, "/" + external_id);
      return request("GET", record_url(external_id));
    }
    return send_update();
  }

  Step send_update() {
    m_state = State::write;
    m_what = describe(m_endpoint.update_method, m_endpoint.path,
                      "/" + m_external_id);
    return request(m_endpoint.update_method, record_url(m_external_id),
                   m_update_body);
  }

  /// The CRM's record with the mapped fields written over it.
  Step after_read(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* stop = std::get_if<ItemOutcome>(&parsed)) return std::move(*stop);
    const json::Value* current =
        unwrap(std::get<json::Value>(parsed), m_endpoint.record_envelope);
    if (current == nullptr || !current->is_object()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: no record at '{}' in the response", m_what,
                      m_endpoint.record_envelope),
          response.status);
    }
    json::Value merged = *current;
    const auto mapped = json::parse(m_update_body);
    const json::Value* fields =
        !mapped ? nullptr
        : m_endpoint.request_envelope.empty()
            ? &*mapped
            : mapped->find_path(m_endpoint.request_envelope);
    if (fields != nullptr) json::merge(merged, *fields);
    m_update_body = wrap(std::move(merged));
    return send_update();
  }

  /// The failure for a non-2xx response, in the provider's words.
  ItemOutcome failed(const http::Response& response) const {
    ItemOutcome outcome =
        failure(response, m_what, error_detail(m_profile, response));
    if (response.status == 429 && m_profile.period_in_body) {
      const auto parsed = json::parse(response.body);
      const json::Value* period =
          parsed ? parsed->find_path("error.period") : nullptr;
      if (period && period->is_string()) {
        outcome.retry_after =
            std::chrono::seconds(period->text() == "day" ? 3600 : 1);
      }
    }
    if (response.status == 401 && m_profile.oauth) {
      outcome.kind = OutcomeKind::rate_limited;
      outcome.retry_after = std::chrono::seconds(60);
      outcome.message +=
          " (access token rejected; a new one is requested in the next run)";
    }
    return outcome;
  }

  std::variant<json::Value, ItemOutcome> success_json(
      const http::Response& response) const {
    if (classify(response) != OutcomeKind::success) {
      return failed(response);
    }
    std::string error;
    auto value = json::parse(response.body, &error);
    if (!value) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: response is not JSON ({}): {}", m_what,
                      response.status, error, body_excerpt(response.body)),
          response.status);
    }
    return std::move(*value);
  }

  static const json::Value* unwrap(const json::Value& root,
                                   const std::string& envelope) {
    return envelope.empty() ? &root : root.find_path(envelope);
  }

  Step after_lookup(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* stop = std::get_if<ItemOutcome>(&parsed)) return std::move(*stop);
    const Lookup& lookup = m_endpoint.lookups[m_lookup - 1];
    const json::Value* list =
        unwrap(std::get<json::Value>(parsed), lookup.list_path);
    // A search that finds nothing may answer null or {} instead of [].
    if (list != nullptr && list->is_array() && !list->items().empty()) {
      const json::Value* id = list->items().front().find_path(lookup.id_path);
      if (id != nullptr && id->scalar_text() && !id->scalar_text()->empty()) {
        return start_update(*id->scalar_text(), Operation::link, std::nullopt);
      }
    }
    if (list != nullptr && !list->is_array() && !list->is_null() &&
        !list->is_object()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: no list at '{}' in the response", m_what,
                      lookup.list_path),
          response.status);
    }
    return next_lookup();
  }

  Step after_write(const http::Response& response) {
    if (classify(response) != OutcomeKind::success) {
      return failed(response);
    }
    if (m_operation != Operation::create) {
      ItemOutcome outcome = ItemOutcome::succeeded(
          m_operation,
          m_operation == Operation::link
              ? fmt::format("linked to existing CRM record {}", m_external_id)
              : "updated in CRM",
          m_external_id);
      outcome.http_status = response.status;
      return outcome;
    }
    auto parsed = success_json(response);
    if (auto* stop = std::get_if<ItemOutcome>(&parsed)) return std::move(*stop);
    const json::Value* created =
        unwrap(std::get<json::Value>(parsed), m_endpoint.record_envelope);
    const json::Value* id =
        created ? created->find_path(m_endpoint.id_field) : nullptr;
    const auto id_text = id ? id->scalar_text() : std::nullopt;
    if (!id_text || id_text->empty()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: no id at '{}{}{}' in the response", m_what,
                      response.status, m_endpoint.record_envelope,
                      m_endpoint.record_envelope.empty() ? "" : ".",
                      m_endpoint.id_field),
          response.status);
    }
    ItemOutcome outcome =
        ItemOutcome::succeeded(Operation::create, "created in CRM", *id_text);
    outcome.http_status = response.status;
    return outcome;
  }

  Step after_fetch(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* stop = std::get_if<ItemOutcome>(&parsed)) return std::move(*stop);
    const json::Value* remote =
        unwrap(std::get<json::Value>(parsed), m_endpoint.record_envelope);
    if (remote == nullptr || !remote->is_object()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: no record at '{}' in the response", m_what,
                      m_endpoint.record_envelope),
          response.status);
    }
    ItemOutcome outcome = ItemOutcome::succeeded(
        Operation::fetch, "updated from CRM", record().external_id);
    outcome.http_status = response.status;
    outcome.remote_fields = read_fields(m_endpoint, *remote, &record().fields);
    return outcome;
  }

  Step after_remove(const http::Response& response) {
    bool absent = response.status == 404;
    if (absent && m_profile.not_found_has_message) {
      // GestaoClick answers validation errors with 404 too: only a 404
      // without a message means the record is gone.
      const auto parsed = json::parse(response.body);
      const json::Value* message =
          parsed ? parsed->find_path("data.mensagem") : nullptr;
      absent = message == nullptr || !message->is_string() ||
               message->text().empty();
    }
    if (classify(response) != OutcomeKind::success && !absent) {
      return failed(response);
    }
    ItemOutcome outcome = ItemOutcome::succeeded(
        Operation::remove,
        absent ? "deleted locally; already absent in CRM" : "deleted in CRM",
        record().external_id);
    outcome.http_status = response.status;
    return outcome;
  }

 public:
  /// The API's own error text from the profile's error paths, joined.
  static std::string error_detail(const Profile& profile,
                                  const http::Response& response) {
    const auto parsed = json::parse(response.body);
    if (!parsed) return {};
    std::string out;
    for (const std::string& path : profile.error_paths) {
      const json::Value* value = parsed->find_path(path);
      if (value == nullptr || !value->is_string() || value->text().empty())
        continue;
      if (out.find(value->text()) != std::string::npos) continue;
      out += (out.empty() ? "" : "; ") + value->text();
      if (profile.first_error_only) break;
    }
    return util::truncate_utf8(out, 300);
  }

  /// Logical fields read from a remote record; `only` limits them to the
  /// fields the local mapping has.
  static std::vector<std::pair<std::string, std::optional<std::string>>>
  read_fields(const Endpoint& endpoint, const json::Value& remote,
              const Fields* only) {
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    for (const FieldSpec& spec : endpoint.fields) {
      if (!readable(spec) || (only && !only->contains(spec.field))) continue;
      const json::Value* value = remote.find_path(spec.path);
      if (value == nullptr) continue;  // absent: keep the local value
      auto local = from_remote(*value, spec);
      const auto seen = std::find_if(
          out.begin(), out.end(),
          [&](const auto& pair) { return pair.first == spec.field; });
      if (seen == out.end()) {
        out.emplace_back(spec.field, std::move(local));
      } else if (spec.type == FieldType::last_name && seen->second && local &&
                 !local->empty()) {
        *seen->second +=
            " " + *local;  // firstName + lastName make the name again
      } else if (spec.type == FieldType::time && seen->second &&
                 seen->second->size() == 10 && local && local->size() == 8) {
        *seen->second +=
            " " + *local;  // due_date + due_time make the moment again
      } else if (!seen->second && local) {
        seen->second = std::move(local);  // cpf or cnpj: the one present wins
      }
    }
    return out;
  }

 private:
  const Profile& m_profile;
  const Endpoint& m_endpoint;
  WorkItem m_item;
  State m_state = State::start;
  Operation m_operation = Operation::none;
  std::size_t m_lookup = 0;
  std::string m_external_id;
  std::string m_what;
  std::optional<ItemOutcome> m_failure;
  std::vector<RecordKey> m_waiting;
  std::vector<std::string> m_sent;  ///< labels sent in the object being built
  std::string m_payload;            ///< the mapped body, built once in begin()
  std::string m_update_body;        ///< what the update sends
};

/// An exchange decided before any request.
class FixedExchange final : public Exchange {
 public:
  explicit FixedExchange(ItemOutcome outcome) : m_outcome(std::move(outcome)) {}
  Step next(const http::Response*) override { return m_outcome; }

 private:
  ItemOutcome m_outcome;
};

class RestProvider final : public Provider {
 public:
  explicit RestProvider(Profile profile) : m_profile(std::move(profile)) {}

  std::string_view name() const override { return m_profile.name; }

  std::unique_ptr<Exchange> start(const WorkItem& item) const override {
    if (auto stop = unsupported(item.row.entity)) {
      return std::make_unique<FixedExchange>(std::move(*stop));
    }
    return std::make_unique<RestExchange>(
        m_profile, m_profile.endpoints.at(item.row.entity), item);
  }

  std::vector<Reference> references(Entity entity) const override {
    std::vector<Reference> out;
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) return out;
    for (const FieldSpec& spec : it->second.fields) {
      if (spec.ref) out.push_back({*spec.ref, "", spec.field});
    }
    for (const ChildSpec& child : it->second.children) {
      for (const FieldSpec& spec : child.fields) {
        if (spec.ref) out.push_back({*spec.ref, child.name, spec.field});
      }
    }
    return out;
  }

  std::vector<std::string> children(Entity entity) const override {
    std::vector<std::string> out;
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) return out;
    for (const ChildSpec& child : it->second.children)
      out.push_back(child.name);
    return out;
  }

  bool credentials_expired(const http::Response& response) const override {
    return m_profile.oauth && response.status == 401;
  }

  Step list_page(Entity entity,
                 const std::optional<std::string>& cursor) const override {
    if (auto stop = unsupported(entity)) return std::move(*stop);
    const Endpoint& endpoint = m_profile.endpoints.at(entity);
    std::vector<std::pair<std::string, std::string>> query;
    const std::string size = std::to_string(m_profile.page_size);
    switch (m_profile.paging) {
      case Paging::page:
        query.emplace_back(m_profile.page_param, cursor.value_or("1"));
        if (!m_profile.page_size_param.empty())
          query.emplace_back(m_profile.page_size_param, size);
        break;
      case Paging::cursor:
        query.emplace_back(m_profile.page_size_param, size);
        if (cursor) query.emplace_back(m_profile.page_param, *cursor);
        break;
      case Paging::offset:
        query.emplace_back(m_profile.page_size_param, size);
        query.emplace_back(m_profile.page_param, cursor.value_or("0"));
        break;
    }
    http::Request request;
    request.url = join_url(m_profile.base_url, endpoint.path, query);
    request.headers = m_profile.auth_headers;
    request.headers.emplace_back("Accept", "application/json");
    return request;
  }

  std::variant<Page, ItemOutcome> read_page(
      Entity entity, const std::optional<std::string>& cursor,
      const http::Response& response) const override {
    const Endpoint& endpoint = m_profile.endpoints.at(entity);
    std::string what = "GET " + endpoint.path;
    if (m_profile.paging == Paging::page ||
        m_profile.paging == Paging::offset || cursor) {
      what += fmt::format(
          "?{}={}", m_profile.page_param,
          cursor.value_or(m_profile.paging == Paging::page ? "1" : "0"));
    }
    if (classify(response) != OutcomeKind::success) {
      return failure(response, what,
                     RestExchange::error_detail(m_profile, response));
    }
    std::string error;
    const auto root = json::parse(response.body, &error);
    const json::Value* list = !root ? nullptr
                              : endpoint.list_envelope.empty()
                                  ? &*root
                                  : root->find_path(endpoint.list_envelope);
    if (list == nullptr || !list->is_array()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("{}: HTTP {}: no list at '{}' ({})", what,
                      response.status, endpoint.list_envelope,
                      root ? "JSON" : error),
          response.status);
    }
    Page page;
    for (const json::Value& item : list->items()) {
      const json::Value* id = item.find_path(endpoint.id_field);
      const auto id_text = id ? id->scalar_text() : std::nullopt;
      if (!id_text || id_text->empty())
        continue;  // a record without an id cannot be linked
      page.records.push_back(
          {*id_text, RestExchange::read_fields(endpoint, item, nullptr)});
    }
    const auto count = static_cast<long long>(list->items().size());
    const json::Value* next = m_profile.next_path.empty()
                                  ? nullptr
                                  : root->find_path(m_profile.next_path);
    switch (m_profile.paging) {
      case Paging::page:
        if (!m_profile.next_path.empty()) {
          if (next && next->scalar_text() && !next->scalar_text()->empty() &&
              count > 0) {
            page.next_cursor = *next->scalar_text();
          }
        } else if (count >= m_profile.page_size) {
          page.next_cursor = std::to_string(
              util::parse_int(cursor.value_or("1")).value_or(1) + 1);
        }
        break;
      case Paging::cursor:
        if (next && next->is_string() && !next->text().empty())
          page.next_cursor = next->text();
        break;
      case Paging::offset: {
        const long long offset =
            util::parse_int(cursor.value_or("0")).value_or(0) + count;
        const json::Value* total = root->find_path(m_profile.total_path);
        const auto total_count = total && total->scalar_text()
                                     ? util::parse_int(*total->scalar_text())
                                     : std::nullopt;
        if (count > 0 && (!total_count || offset < *total_count)) {
          page.next_cursor = std::to_string(offset);
        }
        break;
      }
    }
    return page;
  }

  std::optional<std::chrono::seconds> budget_exhausted(
      const http::Response& response) const override {
    const auto remaining = response.header(m_profile.remaining_header);
    if (!remaining || util::parse_int(util::trim(*remaining)) != 0) {
      return std::nullopt;
    }
    const auto reset = response.header(m_profile.reset_header);
    const auto seconds =
        reset ? util::parse_int(util::trim(*reset)) : std::nullopt;
    return seconds && *seconds > 0 && *seconds < 3600
               ? std::chrono::seconds(*seconds)
               : m_profile.default_reset;
  }

 private:
  std::optional<ItemOutcome> unsupported(Entity entity) const {
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("entity '{}' is not configured for this store "
                      "(entities.{} is null)",
                      to_db(entity), to_db(entity)));
    }
    if (!it->second.unsupported.empty()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("not supported: {}", it->second.unsupported));
    }
    return std::nullopt;
  }

  Profile m_profile;
};

}  // namespace

bool readable(const FieldSpec& spec) {
  return !spec.constant && !spec.text_template && !spec.ref &&
         spec.field != "local_id" && !spec.field.empty() &&
         spec.type != FieldType::person_type;
}

std::optional<json::Value> to_remote(const std::optional<std::string>& local,
                                     const FieldSpec& spec) {
  if (spec.type == FieldType::person_type) {
    // Without a 14-digit document (none at all, too) it is a person.
    if (spec.values.size() != 2) return json::Value();
    return json::Value::string(
        spec.values[local && util::digits_only(*local).size() == 14 ? 1 : 0]);
  }
  if (!local) {
    return json::Value();
  }
  std::string value = *local;
  for (const auto& [from, to] : spec.value_map) {
    if (value == from) {
      value = to;
      break;
    }
  }
  switch (spec.type) {
    case FieldType::string:
      return json::Value::string(value);
    case FieldType::number:
      if (value.empty()) return json::Value();
      if (!util::parse_double(value)) return std::nullopt;
      return json::Value::number_text(value);
    case FieldType::integer:
      if (value.empty()) return json::Value();
      if (!util::parse_int(value)) return std::nullopt;
      return json::Value::number_text(value);
    case FieldType::boolean:
      if (value == "1" || value == "true") return json::Value::boolean(true);
      if (value == "0" || value == "false" || value.empty())
        return json::Value::boolean(false);
      return std::nullopt;
    case FieldType::cents: {
      if (value.empty()) return json::Value();
      const auto number = util::parse_double(value);
      if (!number || std::fabs(*number) > 1e13) return std::nullopt;
      return json::Value::number(
          static_cast<long long>(std::llround(*number * 100.0)));
    }
    case FieldType::digits: {
      const std::string digits = util::digits_only(value);
      return digits.empty() ? json::Value() : json::Value::string(digits);
    }
    case FieldType::date:
      if (value.empty()) return json::Value();
      if (!is_date(value)) return std::nullopt;
      return json::Value::string(value.substr(0, 10));
    case FieldType::datetime:
      if (value.empty()) return json::Value();
      if (!is_date(value)) return std::nullopt;
      if (value.size() < 19)
        return json::Value::string(value.substr(0, 10) + "T00:00:00");
      return json::Value::string(value.substr(0, 10) + "T" +
                                 value.substr(11, 8));
    case FieldType::time:
      if (value.size() < 19 || !is_date(value)) return json::Value();
      return json::Value::string(value.substr(11, 8));
    case FieldType::cpf:
    case FieldType::cnpj: {
      const std::string digits = util::digits_only(value);
      const std::size_t wanted = spec.type == FieldType::cpf ? 11 : 14;
      return digits.size() == wanted
                 ? json::Value::string(util::format_document(digits))
                 : json::Value();
    }
    case FieldType::person_type:
      return json::Value();  // handled above
    case FieldType::first_name:
    case FieldType::last_name: {
      const std::string name(util::trim(value));
      const auto space = name.find(' ');
      if (spec.type == FieldType::first_name) {
        return json::Value::string(name.substr(0, space));
      }
      if (space == std::string::npos) return json::Value();
      return json::Value::string(
          std::string(util::trim(name.substr(space + 1))));
    }
  }
  return std::nullopt;
}

std::optional<std::string> from_remote(const json::Value& value,
                                       const FieldSpec& spec) {
  auto text = value.scalar_text();
  if (!text) {
    return std::nullopt;
  }
  switch (spec.type) {
    case FieldType::cents:
      if (const auto cents = util::parse_int(*text)) {
        const long long magnitude = *cents < 0 ? -*cents : *cents;
        text = fmt::format("{}{}.{:02}", *cents < 0 ? "-" : "", magnitude / 100,
                           magnitude % 100);
      }
      break;
    case FieldType::date:
      if (is_date(*text)) text = text->substr(0, 10);
      break;
    case FieldType::datetime:
      if (is_date(*text) && text->size() >= 19) {
        text = text->substr(0, 10) + " " + text->substr(11, 8);
      }
      break;
    default:
      break;
  }
  for (const auto& [from, to] : spec.value_map) {
    if (*text == to) return from;
  }
  return text;
}

std::unique_ptr<Provider> make_rest_provider(Profile profile) {
  return std::make_unique<RestProvider>(std::move(profile));
}

}  // namespace crm::providers
