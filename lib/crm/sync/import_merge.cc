#include "crm/sync/import_merge.h"

#include "crm/util/strings.h"

namespace crm::sync {
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

/// "2026-11-20" from a CRM that keeps dates only, for a local
/// "2026-11-20 10:02:00": the same day.
bool same_day(std::string_view local, std::string_view remote) {
  return remote.size() == 10 && remote[4] == '-' && remote[7] == '-' &&
         local.size() > 10 && local.substr(0, 10) == remote && local[10] == ' ';
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
  return is_formatted_number(local) && is_formatted_number(remote) &&
         digits_of(local) == digits_of(remote);
}

FieldValues changed_fields(const LocalRecord& local,
                           const FieldValues& remote) {
  FieldValues changes;
  for (const auto& [field, value] : remote) {
    if (is_empty_value(value)) {
      continue;  // the CRM has nothing: the local value stays
    }
    const auto current = local.fields.find(field);
    if (current != local.fields.end() && current->second &&
        same_value(*current->second, *value)) {
      continue;
    }
    changes.emplace_back(field, value);
  }
  return changes;
}

FieldValues values_for_create(const FieldValues& remote) {
  FieldValues values;
  for (const auto& [field, value] : remote) {
    values.emplace_back(field, is_empty_value(value)
                                   ? std::nullopt
                                   : std::optional<std::string>(value));
  }
  return values;
}

}  // namespace crm::sync
