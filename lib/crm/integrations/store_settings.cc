#include "crm/integrations/store_settings.h"

#include <fmt/format.h>

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
                                                    "defaults"})) {
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
  return parsed;
}

}  // namespace crm::integrations
