#include "crm/providers/rest_exchange.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "crm/providers/classify.h"
#include "crm/providers/field_compare.h"
#include "crm/providers/field_conversion.h"
#include "crm/providers/request_body.h"
#include "crm/providers/rest_http.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

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

  /// The documented success shape of the current step: a lookup that finds
  /// nothing, a record (with its id) for a read, a create or an update.
  http::Response dry_run_answer(const http::Request&) const override {
    http::Response answer;
    answer.status = 200;
    json::Value body = json::Value::object();
    if (m_state == State::lookup) {
      const Lookup& lookup = m_endpoint.lookups[m_lookup - 1];
      if (lookup.list_path.empty()) {
        body = json::Value::array();  // the results are the whole answer
      } else {
        body.set_path(lookup.list_path, json::Value::array());
      }
    } else if (m_state != State::remove) {
      // A create gets a pretend id: numeric, since references may be sent
      // as integers.
      const std::string id =
          m_operation == Operation::create && m_state == State::write
              ? std::to_string(k_dry_run_id_base + record().id)
          : m_external_id.empty() ? record().external_id.value_or("")
                                  : m_external_id;
      json::Value created = json::Value::object();
      created.set_path(m_endpoint.id_field, json::Value::string(id));
      if (m_endpoint.record_envelope.empty()) {
        body = std::move(created);
      } else {
        body.set_path(m_endpoint.record_envelope, std::move(created));
      }
      answer.status = m_operation == Operation::create ? 201 : 200;
    }
    answer.body = json::dump(body);
    return answer;
  }

 private:
  /// Dry-run creates answer with this plus the local id as the new id.
  static constexpr std::int64_t k_dry_run_id_base = 990000000000;

  enum class State { start, lookup, write, fetch, remove, read };

  const LocalRecord& record() const { return *m_item.record; }

  http::Request request(std::string method, std::string url,
                        std::string body = {}) const {
    return make_request(m_profile, std::move(method), std::move(url),
                        std::move(body));
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
    auto payload = build_body(m_profile, m_endpoint, m_item, std::nullopt);
    if (auto* stop = std::get_if<ItemOutcome>(&payload))
      return std::move(*stop);
    m_payload = std::get<std::string>(std::move(payload));
    if (record().external_id) {
      if (const MirrorRecord* known = mirrored(*record().external_id);
          known && !changes(*known)) {
        return unchanged(Operation::skip, *known);
      }
      return start_update(*record().external_id, Operation::update,
                          std::nullopt);
    }
    if (m_item.mirror && m_item.mirror->fresh) {
      // The mirror holds every CRM record: its answer is the lookup's.
      if (!m_item.mirror->record) {
        return start_create();
      }
      const MirrorRecord& match = *m_item.mirror->record;
      if (!changes(match)) {
        return unchanged(Operation::link, match);
      }
      m_mirror_match = true;
      return start_update(match.external_id, Operation::link, std::nullopt);
    }
    return next_lookup();
  }

  /// The mirror's record with this CRM id, if the mirror has it.
  const MirrorRecord* mirrored(const std::string& external_id) const {
    if (!m_item.mirror || !m_item.mirror->record ||
        m_item.mirror->record->external_id != external_id) {
      return nullptr;
    }
    return &*m_item.mirror->record;
  }

  /// The body of an update with this item's values, built once (the
  /// mirror compares it, the update sends it).
  const std::variant<std::string, ItemOutcome>& update_payload() {
    if (!m_update_payload) {
      m_update_payload = build_body(m_profile, m_endpoint, m_item, std::nullopt,
                                    BodyFor::update);
    }
    return *m_update_payload;
  }

  /// What the CRM would report after an update with this item's values.
  FieldMap update_fields() {
    const auto* text = std::get_if<std::string>(&update_payload());
    const auto parsed = text ? json::parse(*text) : std::nullopt;
    const json::Value* fields =
        parsed ? unwrap(*parsed, m_endpoint.request_envelope) : nullptr;
    if (fields == nullptr) return {};
    return to_map(read_fields(m_endpoint, *fields, nullptr, Refs::remote_ids));
  }

  /// Whether an update would change what the CRM reports for `known`.
  bool changes(const MirrorRecord& known) {
    const FieldMap ours = update_fields();
    if (ours.empty()) return true;
    return !std::all_of(ours.begin(), ours.end(), [&](const auto& field) {
      const auto theirs = known.fields.find(field.first);
      return same_field(field.second, theirs == known.fields.end()
                                          ? std::nullopt
                                          : theirs->second);
    });
  }

  /// Nothing to send: the CRM already has these values (0 requests).
  ItemOutcome unchanged(Operation operation, const MirrorRecord& known) const {
    return ItemOutcome::succeeded(
        operation,
        operation == Operation::link
            ? fmt::format("linked to existing CRM record {} (mirror: same "
                          "values, nothing sent)",
                          known.external_id)
            : "unchanged: the CRM has these values (mirror), nothing sent",
        known.external_id);
  }

  /// A partial update that sets one flag (deactivate).
  std::variant<std::string, ItemOutcome> flag_only(
      const ExtraField& flag) const {
    json::Value out = json::Value::object();
    out.set_path(flag.first, flag.second);
    return wrap_body(m_endpoint, std::move(out));
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
      if (local) local = std::string(util::trim(*local));  // as it is sent
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

  Step start_create() {
    const std::string& path = m_endpoint.create_path.empty()
                                  ? m_endpoint.path
                                  : m_endpoint.create_path;
    m_state = State::write;
    m_operation = Operation::create;
    m_what = describe("POST", path);
    return request("POST", m_profile.base_url + path, m_payload);
  }

  Step start_update(const std::string& external_id, Operation operation,
                    const std::optional<ExtraField>& extra) {
    auto payload =
        !extra ? update_payload()
        : m_profile.full_record_updates
            ? build_body(m_profile, m_endpoint, m_item, extra, BodyFor::update)
            : flag_only(*extra);
    if (auto* stop = std::get_if<ItemOutcome>(&payload))
      return std::move(*stop);
    m_operation = operation;
    m_external_id = external_id;
    m_update_body = std::get<std::string>(std::move(payload));
    if (m_profile.read_before_update) {
      if (const auto copy = current_copy(external_id)) {
        return merge_over(*copy);  // the mirror's copy is current: no read
      }
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

  /// The mirror's whole copy of the CRM record, when the mirror is fresh.
  std::optional<json::Value> current_copy(const std::string& id) const {
    const MirrorRecord* known = mirrored(id);
    if (known == nullptr || !known->copy || !m_item.mirror->fresh) {
      return std::nullopt;
    }
    auto copy = json::parse(*known->copy);
    if (!copy || !copy->is_object()) return std::nullopt;
    return copy;
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
    return merge_over(*current);
  }

  Step merge_over(const json::Value& current) {
    json::Value merged = current;
    // What the API computes goes back only as it takes it on write.
    for (const std::string& path : m_endpoint.read_only) {
      merged.remove_path(path);
    }
    const auto mapped = json::parse(m_update_body);
    const json::Value* fields =
        mapped ? unwrap(*mapped, m_endpoint.request_envelope) : nullptr;
    if (fields != nullptr) json::merge(merged, *fields);
    m_update_body = wrap_body(m_endpoint, std::move(merged));
    return send_update();
  }

  /// The failure for a non-2xx response, in the provider's words.
  ItemOutcome failed(const http::Response& response) const {
    if (m_mirror_match && absent(response)) {
      // The mirror's match was deleted in the CRM: forget it, and look
      // again next time (a lookup then creates).
      ItemOutcome gone = ItemOutcome::failed(
          OutcomeKind::transient,
          fmt::format("{}: HTTP 404: the CRM record the mirror matched is "
                      "gone; dropped from the mirror, looked up again next "
                      "time",
                      m_what),
          response.status);
      gone.mirror_forget = m_external_id;
      return gone;
    }
    ItemOutcome outcome =
        failure(response, m_what, error_detail(m_profile, response));
    if (const auto wait = rate_limit_wait(m_profile, response)) {
      outcome.retry_after = wait;
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
      // HTML from a proxy, a truncated body: nothing was learned, so the
      // item is retried (a retried create looks its record up first).
      return ItemOutcome::failed(
          OutcomeKind::transient,
          fmt::format("{}: HTTP {}: response is not JSON ({}): {}", m_what,
                      response.status, error, body_excerpt(response.body)),
          response.status);
    }
    return std::move(*value);
  }

  /// Only a list links or moves on: a match links, an empty list is "no
  /// match". Anything else (null, an object, a match without an id) is not a
  /// clear "no" and must never lead to a create: the item is retried later.
  Step after_lookup(const http::Response& response) {
    auto parsed = success_json(response);
    if (auto* stop = std::get_if<ItemOutcome>(&parsed)) return std::move(*stop);
    const Lookup& lookup = m_endpoint.lookups[m_lookup - 1];
    const json::Value* list =
        unwrap(std::get<json::Value>(parsed), lookup.list_path);
    if (list == nullptr || !list->is_array()) {
      return ItemOutcome::failed(
          OutcomeKind::transient,
          fmt::format("{}: HTTP {}: no list at '{}' in the answer ({}): not "
                      "taken as 'no match'",
                      m_what, response.status, lookup.list_path,
                      list == nullptr ? "absent" : kind_name(*list)),
          response.status);
    }
    const json::Value* match =
        list->items().empty() ? nullptr : proven_match(*list, lookup);
    if (match == nullptr) {
      return next_lookup();  // none, or only records of someone else
    }
    const json::Value* id = match->find_path(lookup.id_path);
    if (id == nullptr || !id->scalar_text() || id->scalar_text()->empty()) {
      return ItemOutcome::failed(
          OutcomeKind::transient,
          fmt::format("{}: HTTP {}: a match without an id at '{}': not "
                      "taken as 'no match'",
                      m_what, response.status, lookup.id_path),
          response.status);
    }
    return start_update(*id->scalar_text(), Operation::link, std::nullopt);
  }

  /// The first result that proves it is this record (Lookup::proof): each
  /// proof path holds what the create body sends there. nullptr when none
  /// does.
  const json::Value* proven_match(const json::Value& list,
                                  const Lookup& lookup) const {
    if (lookup.proof.empty()) return &list.items().front();
    const auto body = json::parse(m_payload);
    const json::Value* sent =
        body ? unwrap(*body, m_endpoint.request_envelope) : nullptr;
    for (const json::Value& candidate : list.items()) {
      const bool proven = std::all_of(
          lookup.proof.begin(), lookup.proof.end(), [&](const auto& path) {
            const json::Value* ours = sent ? sent->find_path(path) : nullptr;
            const json::Value* theirs = candidate.find_path(path);
            return ours && theirs && ours->scalar_text() &&
                   ours->scalar_text() == theirs->scalar_text();
          });
      if (proven) return &candidate;
    }
    return nullptr;
  }

  static std::string_view kind_name(const json::Value& value) {
    if (value.is_null()) return "null";
    if (value.is_object()) return "an object";
    if (value.is_string()) return "a string";
    return "a scalar";
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
      remember_sent(outcome, m_update_body);
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
    remember_sent(outcome, m_payload);
    return outcome;
  }

  /// What the mirror keeps of a write the CRM took: the fields it now
  /// reports (the mirror's earlier ones where this write left them out)
  /// and, when the write replaced the whole record, that record.
  void remember_sent(ItemOutcome& outcome, const std::string& sent) const {
    if (!m_item.mirror || m_item.row.direction != Direction::to_crm ||
        record().deleted) {
      return;
    }
    const auto parsed = json::parse(sent);
    const json::Value* fields =
        parsed ? unwrap(*parsed, m_endpoint.request_envelope) : nullptr;
    if (fields == nullptr || !fields->is_object()) return;
    FieldMap known;
    if (const MirrorRecord* before = mirrored(m_external_id)) {
      known = before->fields;
    }
    for (auto& [name, value] :
         read_fields(m_endpoint, *fields, nullptr, Refs::remote_ids)) {
      known[name] = std::move(value);
    }
    outcome.mirror_fields = FieldValues(known.begin(), known.end());
    if (m_profile.read_before_update && m_operation != Operation::create) {
      outcome.mirror_copy = json::dump(*fields);
    }
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

  /// A 404 that means the record is gone. GestaoClick answers validation
  /// errors with 404 too: there, only a 404 without a message.
  bool absent(const http::Response& response) const {
    if (response.status != 404) return false;
    if (!m_profile.not_found_has_message) return true;
    const auto parsed = json::parse(response.body);
    const json::Value* message =
        parsed ? parsed->find_path("data.mensagem") : nullptr;
    return message == nullptr || !message->is_string() ||
           message->text().empty();
  }

  Step after_remove(const http::Response& response) {
    const bool gone = absent(response);
    if (classify(response) != OutcomeKind::success && !gone) {
      return failed(response);
    }
    ItemOutcome outcome = ItemOutcome::succeeded(
        Operation::remove,
        gone ? "deleted locally; already absent in CRM" : "deleted in CRM",
        record().external_id);
    outcome.http_status = response.status;
    if (m_item.mirror) outcome.mirror_forget = record().external_id;
    return outcome;
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
  std::string m_payload;      ///< the mapped body, built once in begin()
  std::string m_update_body;  ///< what the update sends
  /// update_payload(), once built.
  std::optional<std::variant<std::string, ItemOutcome>> m_update_payload;
  /// The record being linked was matched by the mirror, not by a lookup.
  bool m_mirror_match = false;
};

}  // namespace

std::unique_ptr<Exchange> make_rest_exchange(const Profile& profile,
                                             const Endpoint& endpoint,
                                             WorkItem item) {
  return std::make_unique<RestExchange>(profile, endpoint, std::move(item));
}

}  // namespace crm::providers
