#include "crm/json/json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fmt/format.h>

namespace crm::json {
namespace {

Value convert(const rapidjson::Value& in) {
  if (in.IsNull()) {
    return {};
  }
  if (in.IsBool()) {
    return Value::boolean(in.GetBool());
  }
  if (in.IsString()) {
    return Value::string(std::string(in.GetString(), in.GetStringLength()));
  }
  if (in.IsNumber()) {
    if (in.IsInt64()) {
      return Value::number(static_cast<long long>(in.GetInt64()));
    }
    if (in.IsUint64()) {
      return Value::number_text(std::to_string(in.GetUint64()));
    }
    return Value::number(in.GetDouble());
  }
  if (in.IsArray()) {
    Value out = Value::array();
    for (const auto& item : in.GetArray()) {
      out.push_back(convert(item));
    }
    return out;
  }
  Value out = Value::object();
  for (const auto& member : in.GetObject()) {
    out.set(std::string(member.name.GetString(), member.name.GetStringLength()),
            convert(member.value));
  }
  return out;
}

void dump_to(const Value& value, std::string& out) {
  switch (value.type()) {
    case Value::Type::null:
      out += "null";
      return;
    case Value::Type::boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case Value::Type::number:
      out += value.text();
      return;
    case Value::Type::string:
      out += quote(value.text());
      return;
    case Value::Type::array: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.items()) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        dump_to(item, out);
      }
      out.push_back(']');
      return;
    }
    case Value::Type::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.members()) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        out += quote(key);
        out.push_back(':');
        dump_to(item, out);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

Value Value::boolean(bool value) {
  Value out;
  out.m_type = Type::boolean;
  out.m_bool = value;
  return out;
}

Value Value::number_text(std::string text) {
  Value out;
  out.m_type = Type::number;
  out.m_text = std::move(text);
  return out;
}

Value Value::number(long long value) { return number_text(std::to_string(value)); }

Value Value::number(double value) { return number_text(fmt::format("{}", value)); }

Value Value::string(std::string value) {
  Value out;
  out.m_type = Type::string;
  out.m_text = std::move(value);
  return out;
}

Value Value::array() {
  Value out;
  out.m_type = Type::array;
  return out;
}

Value Value::object() {
  Value out;
  out.m_type = Type::object;
  return out;
}

std::optional<std::string> Value::scalar_text() const {
  switch (m_type) {
    case Type::string:
    case Type::number:
      return m_text;
    case Type::boolean:
      return std::string(m_bool ? "1" : "0");
    case Type::null:
    case Type::array:
    case Type::object:
      return std::nullopt;
  }
  return std::nullopt;
}

const Value* Value::find(std::string_view key) const {
  if (m_type != Type::object) {
    return nullptr;
  }
  for (const auto& [name, value] : m_members) {
    if (name == key) {
      return &value;
    }
  }
  return nullptr;
}

const Value* Value::find_path(std::string_view path) const {
  const Value* current = this;
  while (current != nullptr) {
    const auto dot = path.find('.');
    const auto part = path.substr(0, dot);
    if (current->m_type == Type::array) {
      std::size_t index = 0;
      bool numeric = !part.empty();
      for (char c : part) {
        numeric = numeric && c >= '0' && c <= '9';
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      current = numeric && index < current->m_items.size()
                    ? &current->m_items[index]
                    : nullptr;
    } else {
      current = current->find(part);
    }
    if (dot == std::string_view::npos) {
      return current;
    }
    path = path.substr(dot + 1);
  }
  return nullptr;
}

Value& Value::set(std::string key, Value value) {
  if (m_type != Type::object) {
    *this = object();
  }
  for (auto& [name, existing] : m_members) {
    if (name == key) {
      existing = std::move(value);
      return existing;
    }
  }
  m_members.emplace_back(std::move(key), std::move(value));
  return m_members.back().second;
}

void Value::set_path(std::string_view path, Value value) {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos) {
    set(std::string(path), std::move(value));
    return;
  }
  const std::string head(path.substr(0, dot));
  Value* child = nullptr;
  for (auto& [name, existing] : m_members) {
    if (name == head) {
      child = &existing;
    }
  }
  if (child == nullptr || !child->is_object()) {
    child = &set(head, object());
  }
  child->set_path(path.substr(dot + 1), std::move(value));
}

void Value::push_back(Value value) {
  if (m_type != Type::array) {
    *this = array();
  }
  m_items.push_back(std::move(value));
}

std::optional<Value> parse(std::string_view text, std::string* error) {
  rapidjson::Document document;
  // Integers keep every digit (int64/uint64); only fractions go through
  // double. Invalid UTF-8 is an error, not silently passed on.
  document.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    if (error != nullptr) {
      *error = fmt::format("offset {}: {}", document.GetErrorOffset(),
                           rapidjson::GetParseError_En(document.GetParseError()));
    }
    return std::nullopt;
  }
  return convert(document);
}

std::string dump(const Value& value) {
  std::string out;
  dump_to(value, out);
  return out;
}

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace crm::json
