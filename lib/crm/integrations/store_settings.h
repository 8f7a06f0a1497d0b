// The run settings of one store (the scalar keys of crm_integracoes.
// configuracoes), parsed once, checked against one table of every key with
// its range and default. Table and entity mappings are parsed by their own
// modules (records/table_mapping, providers/profile_config).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/json/json.h"

namespace crm::integrations {

/// Who wins a field edited on both sides since the last sync.
enum class FieldOwner {
  local,   ///< the local value stays (and goes to the CRM)
  crm,     ///< the CRM's value is written locally
  newest,  ///< the later edit: the CRM's update time against the local
           ///< change's queue time (unknown: local)
};

/// "local", "crm" or "newest", as configuracoes.mirror.owner spells it.
[[nodiscard]] std::string_view to_string(FieldOwner owner);

/// configuracoes.mirror: the store's mirror of its CRM (issue #14).
struct MirrorSettings {
  /// nullopt: on for the built-in providers, off for `generic`.
  std::optional<bool> enabled;
  /// List pages one run's pull reads per entity; the rest resumes next run.
  int pages_per_run = 10;
  /// Where the API has no change filter (GestaoClick): how often a scan of
  /// every page refreshes the mirror.
  std::chrono::seconds scan_interval{86400};
  /// How long after a completed scan the mirror answers lookups and serves
  /// copies (0: never; lookups and reads go to the CRM).
  std::chrono::seconds trust{0};
  /// "field" or "entity.field" (entity as in crm_sync_queue: cliente...)
  /// -> owner; "*" sets the default (newest).
  std::map<std::string, FieldOwner> owners;

  /// The owner of a field of an entity.
  [[nodiscard]] FieldOwner owner_of(std::string_view entity,
                                    const std::string& field) const;
};

struct StoreSettings {
  /// Total time one request may take.
  std::chrono::milliseconds timeout{15000};
  /// Time to connect.
  std::chrono::milliseconds connect_timeout{5000};
  /// Rows one `crm_sync --loja N` run claims, and export rows per minute.
  int batch_size = 100;
  /// Requests in flight at once.
  int concurrency = 10;
  /// The store's request budget per minute, shared by every run and host;
  /// nullopt: the provider's default.
  std::optional<int> requests_per_minute;
  /// Request starts per second; nullopt: the provider's default; 0: unpaced.
  std::optional<int> requests_per_second;
  MirrorSettings mirror;
};

/// One key of the table: its name, the integer range it accepts, its
/// default (nullopt: the provider's) and what it means.
struct SettingKey {
  std::string_view name;
  std::int64_t low = 0;
  std::int64_t high = 0;
  std::optional<std::int64_t> fallback;
  std::string_view meaning;
  void (*apply)(StoreSettings&, std::int64_t) = nullptr;
};

/// Every run setting, in the order the docs list them.
[[nodiscard]] const std::vector<SettingKey>& setting_keys();

/// Reads configuracoes.mirror (absent: the defaults). Throws FatalError
/// naming the store and the key for an unknown key or a bad value.
[[nodiscard]] MirrorSettings parse_mirror_settings(const json::Value& settings,
                                                   int store_id);

/// Reads the run settings out of a store's `configuracoes` (an object; other
/// keys are left to their modules). Throws FatalError naming the store and
/// the key when a value is not an integer in its range.
[[nodiscard]] StoreSettings parse_store_settings(const json::Value& settings,
                                                 int store_id);

}  // namespace crm::integrations
