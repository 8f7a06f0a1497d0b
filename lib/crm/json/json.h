// A small owned JSON value. RapidJSON parses; nothing else sees it. Numbers
// keep their original text, so 64-bit ids (Bling's) never pass through double.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm::json {

class Value {
 public:
  enum class Type { null, boolean, number, string, array, object };
  using Members = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  static Value boolean(bool value);
  /// A number from its JSON text ("12", "-3.5"); the text is not checked.
  static Value number_text(std::string text);
  static Value number(long long value);
  static Value number(double value);
  static Value string(std::string value);
  static Value array();
  static Value object();

  [[nodiscard]] Type type() const { return m_type; }
  [[nodiscard]] bool is_null() const { return m_type == Type::null; }
  [[nodiscard]] bool is_object() const { return m_type == Type::object; }
  [[nodiscard]] bool is_array() const { return m_type == Type::array; }
  [[nodiscard]] bool is_string() const { return m_type == Type::string; }
  [[nodiscard]] bool is_number() const { return m_type == Type::number; }
  [[nodiscard]] bool is_boolean() const { return m_type == Type::boolean; }
  [[nodiscard]] bool as_bool() const { return m_bool; }
  /// The string's text, or the number's original text.
  [[nodiscard]] const std::string& text() const { return m_text; }

  /// Scalars as text: strings as themselves, numbers as written, booleans
  /// as "1"/"0"; nullopt for null, arrays and objects.
  [[nodiscard]] std::optional<std::string> scalar_text() const;

  /// An object member by key; nullptr when absent or not an object.
  [[nodiscard]] const Value* find(std::string_view key) const;
  /// Follows a dotted path ("data.id", "items.0.sku"); nullptr when absent.
  [[nodiscard]] const Value* find_path(std::string_view path) const;
  /// Sets a member (replacing one with the same key).
  Value& set(std::string key, Value value);
  /// Sets by dotted path, creating intermediate objects, or arrays where the
  /// next segment is an index ("emails.0.value"); missing items become null.
  void set_path(std::string_view path, Value value);
  void push_back(Value value);
  /// Removes the member at a dotted path of objects ("estoque.saldo");
  /// nothing when absent.
  void remove_path(std::string_view path);

  [[nodiscard]] const Members& members() const { return m_members; }
  [[nodiscard]] const std::vector<Value>& items() const { return m_items; }

 private:
  Type m_type = Type::null;
  bool m_bool = false;
  std::string m_text;
  std::vector<Value> m_items;
  Members m_members;
};

/// Parses UTF-8 JSON text. On failure returns nullopt and sets `error` to
/// "offset N: <reason>".
std::optional<Value> parse(std::string_view text, std::string* error = nullptr);

/// The first member name of an object that is not in `known`, or nullopt
/// (also for a value that is not an object).
[[nodiscard]] std::optional<std::string> unknown_key(
    const Value& object, std::initializer_list<std::string_view> known);

/// Writes `patch` over `target`: objects member by member, recursively;
/// anything else (arrays included) replaces what was there.
void merge(Value& target, const Value& patch);

/// Compact JSON text.
std::string dump(const Value& value);
/// The same JSON indented for people (short containers on one line).
std::string dump_pretty(const Value& value);

/// A JSON string literal with quotes and escapes.
std::string quote(std::string_view text);

}  // namespace crm::json
