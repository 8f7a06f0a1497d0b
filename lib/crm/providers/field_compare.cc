#include "crm/providers/field_compare.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "crm/util/strings.h"

namespace crm::providers {
namespace {

/// Only digits and the punctuation numbers are written with, and some digit.
bool is_formatted_number(std::string_view text) {
  bool digit = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (std::string_view(".-/()+ ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digit;
}

std::string digits_of(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}

/// A plain decimal ("-12", "10.50"): its value; nullopt for anything else
/// (a phone, a document, a date).
std::optional<double> plain_decimal(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::size_t i = text[0] == '-' ? 1 : 0;
  bool point = false;
  bool digit = false;
  for (; i < text.size(); ++i) {
    if (text[i] == '.' && !point) {
      point = true;
    } else if (text[i] >= '0' && text[i] <= '9') {
      digit = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double value = 0;
  const auto result =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc()) return std::nullopt;
  return value;
}

/// "2026-11-20" from a CRM that keeps dates only, for a local
/// "2026-11-20 10:02:00": the same day.
bool same_day(std::string_view local, std::string_view remote) {
  return remote.size() == 10 && remote[4] == '-' && remote[7] == '-' &&
         local.size() > 10 && local.substr(0, 10) == remote && local[10] == ' ';
}

/// Two e-mail addresses that differ only in letter case: CRMs match them
/// so (the mirror's keys are lowercased too).
bool same_email(std::string_view a, std::string_view b) {
  const auto is_email = [](std::string_view text) {
    return text.find('@') != std::string_view::npos &&
           text.find(' ') == std::string_view::npos;
  };
  return is_email(a) && a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool is_empty_value(const std::optional<std::string>& value) {
  return !value || util::trim(*value).empty();
}

bool same_value(std::string_view local, std::string_view remote) {
  if (local == remote) {
    return true;
  }
  if (same_day(local, remote)) {
    return true;  // a CRM that keeps the date only: the local time stays
  }
  if (same_email(local, remote)) {
    return true;
  }
  const auto a = plain_decimal(local);
  const auto b = plain_decimal(remote);
  if (a && b) {
    return *a == *b;
  }
  return is_formatted_number(local) && is_formatted_number(remote) &&
         digits_of(local) == digits_of(remote);
}

bool same_field(const std::optional<std::string>& a,
                const std::optional<std::string>& b) {
  const bool a_empty = is_empty_value(a);
  const bool b_empty = is_empty_value(b);
  if (a_empty || b_empty) return a_empty && b_empty;
  return same_value(util::trim(*a), util::trim(*b));
}

bool same_fields(const FieldMap& a, const FieldMap& b) {
  std::set<std::string> names;
  for (const auto& [name, value] : a) names.insert(name);
  for (const auto& [name, value] : b) names.insert(name);
  for (const std::string& name : names) {
    const auto in_a = a.find(name);
    const auto in_b = b.find(name);
    if (!same_field(in_a == a.end() ? std::nullopt : in_a->second,
                    in_b == b.end() ? std::nullopt : in_b->second)) {
      return false;
    }
  }
  return true;
}

FieldMap to_map(const FieldValues& values) {
  FieldMap map;
  for (const auto& [name, value] : values) map.emplace(name, value);
  return map;
}

}  // namespace crm::providers
