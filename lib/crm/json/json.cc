#include "crm/json/json.h"

#include <fmt/format.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>

#include "crm/util/strings.h"

namespace crm::json {
namespace {

constexpr std::size_t k_max_depth = 256;

/// Builds a Value from RapidJSON's SAX events. Numbers arrive as their raw
/// text (kParseNumbersAsStringsFlag), so they pass through exactly: no
/// rounding through double, 64-bit ids intact.
class Builder
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  bool Null() { return add(Value()); }
  bool Bool(bool value) { return add(Value::boolean(value)); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return add(Value::number_text(std::string(text, length)));
  }
  // RapidJSON 1.1.0 turns a lone low-surrogate escape ("\udc00") into bytes
  // that are not UTF-8; refuse them here, or a utf8mb4 column would.
  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (!util::is_valid_utf8(std::string_view(text, length)))
      return invalid_text();
    return add(Value::string(std::string(text, length)));
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (!util::is_valid_utf8(std::string_view(text, length)))
      return invalid_text();
    m_keys.emplace_back(text, length);
    return true;
  }
  bool StartObject() { return open(Value::object()); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value::array()); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  [[nodiscard]] bool too_deep() const { return m_too_deep; }
  [[nodiscard]] bool bad_text() const { return m_bad_text; }
  Value take() { return std::move(m_root); }

 private:
  bool invalid_text() {
    m_bad_text = true;
    return false;
  }
  bool open(Value container) {
    if (m_stack.size() >= k_max_depth) {
      m_too_deep = true;
      return false;
    }
    m_stack.push_back(std::move(container));
    return true;
  }
  bool close() {
    Value done = std::move(m_stack.back());
    m_stack.pop_back();
    return add(std::move(done));
  }
  bool add(Value value) {
    if (m_stack.empty()) {
      m_root = std::move(value);
    } else if (m_stack.back().is_object()) {
      m_stack.back().set(std::move(m_keys.back()), std::move(value));
      m_keys.pop_back();
    } else {
      m_stack.back().push_back(std::move(value));
    }
    return true;
  }

  std::vector<Value> m_stack;
  std::vector<std::string> m_keys;
  Value m_root;
  bool m_too_deep = false;
  bool m_bad_text = false;
};

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

Value Value::number(long long value) {
  return number_text(std::to_string(value));
}

Value Value::number(double value) {
  return number_text(fmt::format("{}", value));
}

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

namespace {

/// The index a path segment names ("0", "12"), or nullopt for a key.
std::optional<std::size_t> index_of(std::string_view part) {
  if (part.empty() || part.size() > 6) {
    return std::nullopt;
  }
  std::size_t index = 0;
  for (char c : part) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

}  // namespace

const Value* Value::find_path(std::string_view path) const {
  const Value* current = this;
  while (current != nullptr) {
    const auto dot = path.find('.');
    const auto part = path.substr(0, dot);
    if (current->m_type == Type::array) {
      const auto index = index_of(part);
      current = index && *index < current->m_items.size()
                    ? &current->m_items[*index]
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

void Value::remove_path(std::string_view path) {
  if (m_type != Type::object) return;
  const auto dot = path.find('.');
  const std::string_view head = path.substr(0, dot);
  for (auto it = m_members.begin(); it != m_members.end(); ++it) {
    if (it->first != head) continue;
    if (dot == std::string_view::npos) {
      m_members.erase(it);
    } else {
      it->second.remove_path(path.substr(dot + 1));
    }
    return;
  }
}

void Value::set_path(std::string_view path, Value value) {
  const auto dot = path.find('.');
  const std::string_view head = path.substr(0, dot);
  Value* target = nullptr;
  if (const auto index = index_of(head); index && m_type == Type::array) {
    if (m_items.size() <= *index) m_items.resize(*index + 1);
    target = &m_items[*index];
  } else if (dot == std::string_view::npos) {
    set(std::string(head), std::move(value));
    return;
  } else {
    Value* child = nullptr;
    if (m_type == Type::object) {
      for (auto& [name, existing] : m_members) {
        if (name == head) child = &existing;
      }
    }
    target = child ? child : &set(std::string(head), Value());
  }
  if (dot == std::string_view::npos) {
    *target = std::move(value);
    return;
  }
  // The next segment decides what the child is: an index makes an array.
  const std::string_view rest = path.substr(dot + 1);
  const bool wants_array = index_of(rest.substr(0, rest.find('.'))).has_value();
  if (wants_array && !target->is_array()) {
    *target = array();
  } else if (!wants_array && !target->is_object()) {
    *target = object();
  }
  target->set_path(rest, std::move(value));
}

void Value::push_back(Value value) {
  if (m_type != Type::array) {
    *this = array();
  }
  m_items.push_back(std::move(value));
}

void merge(Value& target, const Value& patch) {
  if (!target.is_object() || !patch.is_object()) {
    target = patch;
    return;
  }
  for (const auto& [name, value] : patch.members()) {
    const Value* existing = target.find(name);
    if (existing != nullptr && existing->is_object() && value.is_object()) {
      Value merged = *existing;
      merge(merged, value);
      target.set(name, std::move(merged));
    } else {
      target.set(name, value);
    }
  }
}

std::optional<Value> parse(std::string_view text, std::string* error) {
  // Iterative: no recursion however deep the input, and the builder refuses
  // nesting beyond k_max_depth (Value's destructor and dump recurse).
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>
      input(stream);
  Builder builder;
  const rapidjson::ParseResult result =
      reader.Parse<rapidjson::kParseNumbersAsStringsFlag |
                   rapidjson::kParseValidateEncodingFlag |
                   rapidjson::kParseIterativeFlag>(input, builder);
  if (result.IsError()) {
    if (error != nullptr) {
      *error = fmt::format(
          "offset {}: {}", result.Offset(),
          builder.too_deep()
              ? fmt::format("nesting deeper than {} levels", k_max_depth)
          : builder.bad_text()
              ? std::string("invalid Unicode in a string (lone surrogate)")
              : std::string(rapidjson::GetParseError_En(result.Code())));
    }
    return std::nullopt;
  }
  return builder.take();
}

std::string dump(const Value& value) {
  std::string out;
  dump_to(value, out);
  return out;
}

namespace {

/// Containers one per line, indented by two spaces a level; one whose
/// compact form fits in 72 characters stays on one line.
void dump_pretty_to(const Value& value, std::string& out, int depth) {
  const std::string compact = dump(value);
  const bool container = value.is_array() || value.is_object();
  if (!container || compact.size() + 2 * depth <= 72) {
    out += compact;
    return;
  }
  const std::string indent(2 * (depth + 1), ' ');
  out.push_back(value.is_array() ? '[' : '{');
  bool first = true;
  const auto next = [&] {
    out += first ? "\n" : ",\n";
    first = false;
    out += indent;
  };
  if (value.is_array()) {
    for (const Value& item : value.items()) {
      next();
      dump_pretty_to(item, out, depth + 1);
    }
  } else {
    for (const auto& [key, item] : value.members()) {
      next();
      out += quote(key) + ": ";
      dump_pretty_to(item, out, depth + 1);
    }
  }
  out += "\n" + std::string(2 * depth, ' ');
  out.push_back(value.is_array() ? ']' : '}');
}

}  // namespace

std::string dump_pretty(const Value& value) {
  std::string out;
  dump_pretty_to(value, out, 0);
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

std::optional<std::string> unknown_key(
    const Value& object, std::initializer_list<std::string_view> known) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  for (const auto& [key, value] : object.members()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return key;
    }
  }
  return std::nullopt;
}

}  // namespace crm::json
