#include "crm/integrations/store_settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "crm/core/errors.h"
#include "crm/util/strings.h"

namespace crm::integrations {

const std::vector<SettingKey>& setting_keys() {
  using std::chrono::milliseconds;
  static const std::vector<SettingKey> keys = {
      {"timeout_ms", 100, 600000, 15000, "total time of one request (ms)",
       [](StoreSettings& s, std::int64_t v) { s.timeout = milliseconds(v); }},
      {"connect_timeout_ms", 100, 60000, 5000, "time to connect (ms)",
       [](StoreSettings& s, std::int64_t v) {
         s.connect_timeout = milliseconds(v);
       }},
      {"batch_size", 1, 10000, 100,
       "rows a crm_sync --loja run claims; export rows per minute",
       [](StoreSettings& s, std::int64_t v) {
         s.batch_size = static_cast<int>(v);
       }},
      {"concurrency", 1, 256, 10, "requests in flight at once",
       [](StoreSettings& s, std::int64_t v) {
         s.concurrency = static_cast<int>(v);
       }},
      {"requests_per_minute", 1, 1000000, std::nullopt,
       "request budget per minute, shared by every run and host",
       [](StoreSettings& s, std::int64_t v) {
         s.requests_per_minute = static_cast<int>(v);
       }},
      {"requests_per_second", 0, 1000, std::nullopt,
       "request starts per second (0: unpaced)",
       [](StoreSettings& s, std::int64_t v) {
         s.requests_per_second = static_cast<int>(v);
       }},
  };
  return keys;
}

StoreSettings parse_store_settings(const json::Value& settings, int store_id) {
  // Every top-level key of configuracoes, whichever module reads it: a
  // misspelt one ("concurency") must not pass silently.
  if (const auto key = json::unknown_key(settings, {"timeout_ms",
                                                    "connect_timeout_ms",
                                                    "batch_size",
                                                    "concurrency",
                                                    "requests_per_minute",
                                                    "requests_per_second",
                                                    "tables",
                                                    "entities",
                                                    "on_delete",
                                                    "deactivate",
                                                    "read_before_update",
                                                    "page_size",
                                                    "page_param",
                                                    "page_size_param",
                                                    "remaining_header",
                                                    "reset_header",
                                                    "auth",
                                                    "id_field",
                                                    "record_envelope",
                                                    "list_envelope",
                                                    "request_envelope",
                                                    "update_method",
                                                    "walk_in_customer",
                                                    "defaults",
                                                    "mirror"})) {
    throw FatalError(fmt::format(
        "crm_integracoes: store {}: configuracoes: unknown key '{}'", store_id,
        *key));
  }
  StoreSettings parsed;
  for (const SettingKey& key : setting_keys()) {
    const json::Value* value =
        settings.is_object() ? settings.find(key.name) : nullptr;
    if (value == nullptr) {
      if (key.fallback) {
        key.apply(parsed, *key.fallback);
      }
      continue;
    }
    const auto number =
        value->is_number() ? util::parse_int(value->text()) : std::nullopt;
    if (!number || *number < key.low || *number > key.high) {
      throw FatalError(
          fmt::format("crm_integracoes: store {}: configuracoes: '{}' must be "
                      "an integer from {} to {}",
                      store_id, key.name, key.low, key.high));
    }
    key.apply(parsed, *number);
  }
  parsed.mirror = parse_mirror_settings(settings, store_id);
  return parsed;
}

namespace {

/// The owners' names in configuracoes.mirror.owner and in log messages.
constexpr std::array<std::pair<FieldOwner, std::string_view>, 3> k_owner_names =
    {{{FieldOwner::local, "local"},
      {FieldOwner::crm, "crm"},
      {FieldOwner::newest, "newest"}}};

}  // namespace

std::string_view to_string(FieldOwner owner) {
  for (const auto& [value, name] : k_owner_names) {
    if (value == owner) return name;
  }
  return "?";
}

FieldOwner MirrorSettings::owner_of(std::string_view entity,
                                    const std::string& field) const {
  for (const std::string& key :
       {std::string(entity) + "." + field, field, std::string("*")}) {
    if (const auto it = owners.find(key); it != owners.end()) {
      return it->second;
    }
  }
  return FieldOwner::newest;
}

namespace {

[[noreturn]] void bad_mirror(int store_id, const std::string& what) {
  throw FatalError(fmt::format(
      "crm_integracoes: store {}: configuracoes.mirror: {}", store_id, what));
}

std::int64_t mirror_integer(const json::Value& mirror, const char* key,
                            std::int64_t low, std::int64_t high,
                            std::int64_t fallback, int store_id) {
  const json::Value* value = mirror.find(key);
  if (value == nullptr) return fallback;
  const auto number =
      value->is_number() ? util::parse_int(value->text()) : std::nullopt;
  if (!number || *number < low || *number > high) {
    bad_mirror(store_id, fmt::format("'{}' must be an integer from {} to {}",
                                     key, low, high));
  }
  return *number;
}

std::map<std::string, FieldOwner> mirror_owners(const json::Value& mirror,
                                                int store_id) {
  std::map<std::string, FieldOwner> owners;
  const json::Value* owner = mirror.find("owner");
  if (owner == nullptr) return owners;
  if (!owner->is_object()) {
    bad_mirror(store_id,
               "'owner' must be an object of field -> "
               "\"local\" | \"crm\" | \"newest\"");
  }
  for (const auto& [field, value] : owner->members()) {
    const json::Value& given = value;  // (a lambda cannot capture a binding)
    const auto parsed = std::find_if(
        k_owner_names.begin(), k_owner_names.end(), [&](const auto& name) {
          return given.is_string() && given.text() == name.second;
        });
    if (parsed == k_owner_names.end()) {
      bad_mirror(store_id,
                 fmt::format("owner of '{}' must be \"local\", \"crm\" or "
                             "\"newest\"",
                             field));
    }
    owners[field] = parsed->first;
  }
  return owners;
}

}  // namespace

MirrorSettings parse_mirror_settings(const json::Value& settings,
                                     int store_id) {
  MirrorSettings parsed;
  const json::Value* mirror =
      settings.is_object() ? settings.find("mirror") : nullptr;
  if (mirror == nullptr) return parsed;
  if (!mirror->is_object()) bad_mirror(store_id, "must be an object");
  if (const auto key =
          json::unknown_key(*mirror, {"enabled", "pages_per_run",
                                      "scan_interval_s", "trust_s", "owner"})) {
    bad_mirror(store_id, fmt::format("unknown key '{}'", *key));
  }
  if (const json::Value* enabled = mirror->find("enabled")) {
    if (!enabled->is_boolean())
      bad_mirror(store_id, "'enabled' must be true or false");
    parsed.enabled = enabled->as_bool();
  }
  parsed.pages_per_run = static_cast<int>(
      mirror_integer(*mirror, "pages_per_run", 1, 1000, 10, store_id));
  parsed.scan_interval = std::chrono::seconds(mirror_integer(
      *mirror, "scan_interval_s", 60, 30 * 86400, 86400, store_id));
  parsed.trust = std::chrono::seconds(
      mirror_integer(*mirror, "trust_s", 0, 30 * 86400, 0, store_id));
  parsed.owners = mirror_owners(*mirror, store_id);
  return parsed;
}

}  // namespace crm::integrations
