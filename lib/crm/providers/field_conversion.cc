#include "crm/providers/field_conversion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crm/util/strings.h"

namespace crm::providers {
namespace {

bool is_date(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  return util::digits_only(text.substr(0, 10)).size() == 8;
}

json::Value person_type_value(const std::optional<std::string>& local,
                              const FieldSpec& spec) {
  // Without a 14-digit document (none at all, too) it is a person.
  if (spec.values.size() != 2) return json::Value();
  return json::Value::string(
      spec.values[local && util::digits_only(*local).size() == 14 ? 1 : 0]);
}

/// The local value after the spec's value map (the first match).
std::string mapped_value(const std::string& local, const FieldSpec& spec) {
  for (const auto& [from, to] : spec.value_map) {
    if (local == from) return to;
  }
  return local;
}

std::optional<json::Value> numeric_value(const std::string& value,
                                         FieldType type) {
  if (value.empty()) return json::Value();
  if (type == FieldType::cents) {
    // A 32-bit integer of cents (ActiveCampaign's int32): at most
    // 21,474,836.47.
    const auto number = util::parse_double(value);
    if (!number || std::fabs(*number * 100.0) > 2147483647.0) {
      return std::nullopt;
    }
    return json::Value::number(
        static_cast<long long>(std::llround(*number * 100.0)));
  }
  const bool fits = type == FieldType::integer
                        ? util::parse_int(value).has_value()
                        : util::parse_double(value).has_value();
  if (!fits) return std::nullopt;
  return json::Value::number_text(value);
}

std::optional<json::Value> boolean_value(const std::string& value) {
  if (value == "1" || value == "true") return json::Value::boolean(true);
  if (value == "0" || value == "false" || value.empty())
    return json::Value::boolean(false);
  return std::nullopt;
}

/// date, datetime and time from "YYYY-MM-DD[ HH:MM:SS]".
std::optional<json::Value> moment_value(const std::string& value,
                                        FieldType type) {
  if (type == FieldType::time) {
    if (value.size() < 19 || !is_date(value)) return json::Value();
    return json::Value::string(value.substr(11, 8));
  }
  if (value.empty()) return json::Value();
  if (!is_date(value)) return std::nullopt;
  if (type == FieldType::date) return json::Value::string(value.substr(0, 10));
  if (value.size() < 19)
    return json::Value::string(value.substr(0, 10) + "T00:00:00");
  return json::Value::string(value.substr(0, 10) + "T" + value.substr(11, 8));
}

bool is_document(FieldType type) {
  return type == FieldType::cpf || type == FieldType::cnpj ||
         type == FieldType::cpf_digits || type == FieldType::cnpj_digits;
}

/// Whether `text` holds a document of this type: 11 digits for a CPF, 14
/// for a CNPJ, whatever the punctuation.
bool is_document_of(std::string_view text, FieldType type) {
  const bool cpf = type == FieldType::cpf || type == FieldType::cpf_digits;
  return util::digits_only(text).size() == (cpf ? 11U : 14U);
}

/// A CPF (11 digits) or CNPJ (14), formatted or as digits; null for any
/// other length.
json::Value document_value(const std::string& value, FieldType type) {
  if (!is_document_of(value, type)) return json::Value();
  const std::string digits = util::digits_only(value);
  const bool formatted = type == FieldType::cpf || type == FieldType::cnpj;
  return json::Value::string(formatted ? util::format_document(digits)
                                       : digits);
}

json::Value name_part_value(const std::string& value, FieldType type) {
  const std::string name(util::trim(value));
  const auto space = name.find(' ');
  if (type == FieldType::first_name) {
    return json::Value::string(name.substr(0, space));
  }
  if (space == std::string::npos) return json::Value();
  return json::Value::string(std::string(util::trim(name.substr(space + 1))));
}

std::optional<json::Value> typed_value(const std::string& value,
                                       FieldType type) {
  switch (type) {
    case FieldType::string:
      return json::Value::string(value);
    case FieldType::number:
    case FieldType::integer:
    case FieldType::cents:
      return numeric_value(value, type);
    case FieldType::boolean:
      return boolean_value(value);
    case FieldType::digits: {
      const std::string digits = util::digits_only(value);
      return digits.empty() ? json::Value() : json::Value::string(digits);
    }
    case FieldType::date:
    case FieldType::datetime:
    case FieldType::time:
      return moment_value(value, type);
    case FieldType::cpf:
    case FieldType::cnpj:
    case FieldType::cpf_digits:
    case FieldType::cnpj_digits:
      return document_value(value, type);
    case FieldType::person_type:
      return json::Value();  // handled by to_remote
    case FieldType::first_name:
    case FieldType::last_name:
      return name_part_value(value, type);
  }
  return std::nullopt;
}

/// Joins a second spec's value onto the field already read, where the two
/// make one local value again.
void merge_field(std::optional<std::string>& seen,
                 std::optional<std::string> local, FieldType type) {
  if (type == FieldType::last_name && seen && local && !local->empty()) {
    *seen += " " + *local;  // firstName + lastName make the name again
  } else if (type == FieldType::time && seen && seen->size() == 10 && local &&
             local->size() == 8) {
    *seen += " " + *local;  // due_date + due_time make the moment again
  } else if ((!seen || seen->empty()) && local && !local->empty()) {
    seen = std::move(local);  // cpf or cnpj: the one present wins
  }
}

}  // namespace

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
      return "amount in cents (at most 21474836.47)";
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
    case FieldType::cpf_digits:
      return "CPF (digits)";
    case FieldType::cnpj_digits:
      return "CNPJ (digits)";
    case FieldType::person_type:
      return "person type";
    case FieldType::first_name:
      return "first name";
    case FieldType::last_name:
      return "last name";
  }
  return "value";
}

namespace {
constexpr std::pair<std::string_view, FieldType> k_type_keys[] = {
    {"string", FieldType::string},
    {"number", FieldType::number},
    {"integer", FieldType::integer},
    {"boolean", FieldType::boolean},
    {"cents", FieldType::cents},
    {"digits", FieldType::digits},
    {"date", FieldType::date},
    {"datetime", FieldType::datetime},
    {"time", FieldType::time},
    {"cpf", FieldType::cpf},
    {"cnpj", FieldType::cnpj},
    {"cpf_digits", FieldType::cpf_digits},
    {"cnpj_digits", FieldType::cnpj_digits},
    {"person_type", FieldType::person_type},
    {"first_name", FieldType::first_name},
    {"last_name", FieldType::last_name}};
}  // namespace

bool is_empty_of_type(std::string_view value, FieldType type) {
  const bool moment = type == FieldType::date || type == FieldType::datetime ||
                      type == FieldType::time;
  return moment && !value.empty() &&
         value.find_first_not_of("0-: ") == std::string_view::npos;
}

std::string_view type_key(FieldType type) {
  for (const auto& [key, value] : k_type_keys) {
    if (value == type) return key;
  }
  return "string";
}

std::optional<FieldType> type_of_key(std::string_view key) {
  for (const auto& [name, value] : k_type_keys) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::string type_keys() {
  std::string out;
  for (const auto& [key, value] : k_type_keys) {
    out += out.empty() ? "" : ", ";
    out += key;
  }
  return out;
}

bool omitted_when_empty(FieldType type) {
  return is_document(type) || type == FieldType::person_type ||
         type == FieldType::digits || type == FieldType::last_name;
}

bool readable(const FieldSpec& spec) {
  return !spec.constant && !spec.text_template && !spec.ref &&
         spec.field != "local_id" && !spec.field.empty() &&
         spec.type != FieldType::person_type;
}

std::optional<json::Value> to_remote(const std::optional<std::string>& local,
                                     const FieldSpec& spec) {
  if (spec.type == FieldType::person_type) {
    return person_type_value(local, spec);
  }
  if (!local) {
    return json::Value();
  }
  return typed_value(mapped_value(*local, spec), spec.type);
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
      // A CPF field holding a CNPJ (one remote path for both, as Bling's
      // numeroDocumento) is not a CPF: no value for this field.
      if (is_document(spec.type) && !is_document_of(*text, spec.type)) {
        return std::nullopt;
      }
      break;
  }
  for (const auto& [from, to] : spec.value_map) {
    if (*text == to) return from;
  }
  return text;
}

std::vector<std::pair<std::string, std::optional<std::string>>> read_fields(
    const Endpoint& endpoint, const json::Value& remote, const Fields* only,
    Refs refs) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const FieldSpec& spec : endpoint.fields) {
    const bool remote_id =
        refs == Refs::remote_ids && spec.ref && spec.ref_field.empty();
    if (!(readable(spec) || remote_id) ||
        (only && !only->contains(spec.field))) {
      continue;
    }
    const json::Value* value = remote.find_path(spec.path);
    if (value == nullptr) continue;  // absent: keep the local value
    auto local = remote_id ? value->scalar_text() : from_remote(*value, spec);
    const auto seen = std::find_if(
        out.begin(), out.end(),
        [&](const auto& pair) { return pair.first == spec.field; });
    if (seen == out.end()) {
      out.emplace_back(spec.field, std::move(local));
    } else {
      merge_field(seen->second, std::move(local), spec.type);
    }
  }
  return out;
}

}  // namespace crm::providers
