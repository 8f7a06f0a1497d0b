#include "crm/providers/request_body.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "crm/providers/field_conversion.h"
#include "crm/providers/sale_totals.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

/// Characters (code points) of valid UTF-8 text.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// What a reference field sends once resolved.
enum class Resolution { send, skip, fail };

/// Builds one body; lives for one build_body call.
class BodyBuilder {
 public:
  BodyBuilder(const Profile& profile, const Endpoint& endpoint,
              const WorkItem& item, BodyFor purpose)
      : m_profile(profile),
        m_endpoint(endpoint),
        m_item(item),
        m_purpose(purpose) {}

  std::variant<std::string, ItemOutcome> build(
      const std::optional<ExtraField>& extra) {
    if (m_endpoint.totals) {
      auto settled =
          settle_sale(*m_endpoint.totals, *m_item.record, m_profile.name);
      if (auto* failure = std::get_if<ItemOutcome>(&settled)) {
        return std::move(*failure);
      }
      m_settled = std::get<LocalRecord>(std::move(settled));
    }
    json::Value out = json::Value::object();
    m_sent.clear();
    m_siblings = &m_endpoint.fields;
    m_child.clear();
    for (const FieldSpec& spec : m_endpoint.fields) {
      if (!put_field(out, spec, record().fields)) return std::move(*m_failure);
    }
    if (!put_children(out)) return std::move(*m_failure);
    if (!m_waiting.empty()) return waiting_outcome();
    if (extra) out.set_path(extra->first, extra->second);
    return wrap_body(m_endpoint, std::move(out));
  }

 private:
  const LocalRecord& record() const {
    return m_settled ? *m_settled : *m_item.record;
  }

  /// Each mapped child list as an array of objects; false with m_failure
  /// set when a child's field cannot be sent.
  bool put_children(json::Value& out) {
    for (const ChildSpec& child : m_endpoint.children) {
      const auto rows = record().children.find(child.name);
      if (rows == record().children.end()) continue;  // not mapped locally
      json::Value list = json::Value::array();
      m_siblings = &child.fields;
      m_child = child.name;
      for (const Fields& row : rows->second) {
        json::Value element = json::Value::object();
        m_sent.clear();
        for (const FieldSpec& spec : child.fields) {
          if (!put_field(element, spec, row)) return false;
        }
        list.push_back(std::move(element));
      }
      out.set_path(child.path, std::move(list));
    }
    return true;
  }

  ItemOutcome waiting_outcome() const {
    std::string names;
    for (const auto& [entity, id] : m_waiting) {
      names +=
          fmt::format("{}{} {}", names.empty() ? "" : ", ", to_db(entity), id);
    }
    ItemOutcome waiting = ItemOutcome::failed(
        OutcomeKind::waiting,
        fmt::format("waiting: {} not synced to the CRM yet (no external_id)",
                    names));
    waiting.retry_after = std::chrono::seconds(60);
    waiting.waiting_for = m_waiting;
    return waiting;
  }

  /// One field's value into `out`; false with m_failure set when it cannot be
  /// sent.
  bool put_field(json::Value& out, const FieldSpec& spec,
                 const Fields& source) {
    if (!spec.with.empty() &&
        std::find(m_sent.begin(), m_sent.end(), spec.with) == m_sent.end()) {
      return true;  // goes with a field that was left out
    }
    if (spec.create_only && m_purpose == BodyFor::update) {
      return true;  // the CRM owns it once the record exists
    }
    if (spec.constant) {
      out.set_path(spec.path, *spec.constant);
      m_sent.push_back(spec.label);
      return true;
    }
    std::optional<std::string> value;
    if (!local_value(spec, source, value)) {
      return true;  // the table mapping does not provide this field
    }
    if (value) {
      // Only spaces is no value; spaces around a value the CRM compares (an
      // e-mail, a SKU, anything a lookup searches) are not data.
      const std::string_view trimmed = util::trim(*value);
      if (trimmed.empty() || is_empty_of_type(trimmed, spec.type)) {
        value.reset();
      } else if (compared(spec.field)) {
        value = std::string(trimmed);
      }
    }
    if (!value && !spec.fallback.empty()) {
      value = fallback_value(spec, source);
    }
    if (!value) {
      if (const auto it = m_profile.defaults.find(spec.field);
          it != m_profile.defaults.end()) {
        value = it->second;
      }
    }
    if (value && !util::is_valid_utf8(*value)) {
      // Raw bytes (a binary or latin1 column) would make the body invalid
      // JSON: the item fails here, with no request.
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}' holds bytes that are not UTF-8 ({}): not "
                      "sent",
                      spec.label, util::safe_text(*value, 60)));
      return false;
    }
    if (spec.ref == Entity::customer && m_profile.walk_in_customer &&
        (!value || util::trim(*value).empty())) {
      // A walk-in sale ("consumidor final"): the store's CRM customer for
      // them, already a CRM id; a field that sends another of the
      // customer's values (Bling contato.nome) has none to send.
      if (!spec.ref_field.empty()) return true;
      return put_value(out, spec, m_profile.walk_in_customer);
    }
    if (value && spec.max_length > 0 && utf8_length(*value) > spec.max_length) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}'{} has {} characters; {} takes at most {}: "
                      "not sent",
                      spec.label, where_local(spec), utf8_length(*value),
                      m_profile.name, spec.max_length));
      return false;
    }
    if (spec.required && !value) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}'{} is empty, and {} requires it: not sent",
                      spec.label, where_local(spec), m_profile.name));
      return false;
    }
    if (spec.ref) {
      switch (resolve_reference(spec, value)) {
        case Resolution::send:
          break;
        case Resolution::skip:
          return true;
        case Resolution::fail:
          return false;
      }
    }
    return put_value(out, spec, value);
  }

  /// The local text of a field into `value`: its template filled in, the
  /// record's id, or the mapped field; false when the mapping has no such
  /// field.
  bool local_value(const FieldSpec& spec, const Fields& source,
                   std::optional<std::string>& value) const {
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
      return false;
    }
    return true;
  }

  /// Whether the CRM compares this field's values (searches or dedupes by
  /// it): an e-mail, a SKU, a document, or any field a lookup uses.
  bool compared(const std::string& field) const {
    if (field == "email" || field == "sku" || field == "document") return true;
    return std::any_of(
        m_endpoint.lookups.begin(), m_endpoint.lookups.end(),
        [&](const Lookup& lookup) { return lookup.field == field; });
  }

  /// " (vendas.data_venda)": where the field's value lives locally, when
  /// the item knows.
  std::string where_local(const FieldSpec& spec) const {
    const std::string key =
        m_child.empty() ? spec.field : m_child + "." + spec.field;
    const auto it = m_item.columns.find(key);
    return it == m_item.columns.end() ? "" : " (" + it->second + ")";
  }

  /// spec.fallback's value: another field of `source` ("date") or a field
  /// of the record that a reference of `source` names ("product_id.name");
  /// nullopt when it is empty too.
  std::optional<std::string> fallback_value(const FieldSpec& spec,
                                            const Fields& source) const {
    const auto dot = spec.fallback.find('.');
    const std::string field = spec.fallback.substr(0, dot);
    const auto own = source.find(field);
    if (own == source.end() || !own->second) return std::nullopt;
    if (dot == std::string::npos) return own->second;
    const auto ref = std::find_if(m_siblings->begin(), m_siblings->end(),
                                  [&](const FieldSpec& other) {
                                    return other.field == field && other.ref;
                                  });
    const auto local = util::parse_int(*own->second);
    if (ref == m_siblings->end() || !local) return std::nullopt;
    const auto record = m_item.referenced.find({*ref->ref, *local});
    if (record == m_item.referenced.end()) return std::nullopt;
    const auto value =
        record->second.fields.find(spec.fallback.substr(dot + 1));
    return value == record->second.fields.end() ? std::nullopt : value->second;
  }

  /// Replaces a local id in `value` by what the referenced record sends;
  /// a reference whose record has no external id yet is noted as waiting.
  Resolution resolve_reference(const FieldSpec& spec,
                               std::optional<std::string>& value) {
    if (!value || value->empty())
      return Resolution::skip;  // no reference: nothing to send
    const auto local = util::parse_int(*value);
    const auto it = local ? m_item.referenced.find({*spec.ref, *local})
                          : m_item.referenced.end();
    if (it == m_item.referenced.end()) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}': {} {} does not exist locally", spec.label,
                      to_db(*spec.ref), util::truncate_utf8(*value, 40)));
      return Resolution::fail;
    }
    if (!spec.ref_field.empty()) {
      const auto field = it->second.fields.find(spec.ref_field);
      value = field == it->second.fields.end() ? std::nullopt : field->second;
    } else if (!it->second.external_id && it->second.given_up) {
      m_failure = ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("field '{}': {} {} was given up and never reached {} "
                      "({}): not sent; fix it, then re-enqueue both",
                      spec.label, to_db(*spec.ref), *local, m_profile.name,
                      util::safe_text(*it->second.given_up, 200)));
      return Resolution::fail;
    } else if (!it->second.external_id) {
      const RecordKey key{*spec.ref, *local};
      if (std::find(m_waiting.begin(), m_waiting.end(), key) ==
          m_waiting.end()) {
        m_waiting.push_back(key);
      }
      return Resolution::skip;
    } else {
      value = it->second.external_id;
    }
    return Resolution::send;
  }

  /// The converted value at the spec's path (nulls left out where the
  /// profile or the type says so).
  bool put_value(json::Value& out, const FieldSpec& spec,
                 const std::optional<std::string>& value) {
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

  const Profile& m_profile;
  const Endpoint& m_endpoint;
  const WorkItem& m_item;
  BodyFor m_purpose;
  std::string m_child;  ///< the child list being built ("lines"), or empty
  /// The specs of the object being built (a fallback finds its reference).
  const std::vector<FieldSpec>* m_siblings = nullptr;
  std::optional<LocalRecord> m_settled;  ///< the sale with its totals settled
  std::optional<ItemOutcome> m_failure;
  std::vector<RecordKey> m_waiting;
  std::vector<std::string> m_sent;  ///< labels sent in the object being built
};

}  // namespace

std::variant<std::string, ItemOutcome> build_body(
    const Profile& profile, const Endpoint& endpoint, const WorkItem& item,
    const std::optional<ExtraField>& extra, BodyFor purpose) {
  return BodyBuilder(profile, endpoint, item, purpose).build(extra);
}

std::string wrap_body(const Endpoint& endpoint, json::Value body) {
  if (endpoint.request_envelope.empty()) return json::dump(body);
  json::Value outer = json::Value::object();
  outer.set_path(endpoint.request_envelope, std::move(body));
  return json::dump(outer);
}

}  // namespace crm::providers
