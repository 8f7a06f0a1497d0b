// An integration as providers see it: values only, no database.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/json/json.h"

namespace crm::integrations {

/// Secret values; formatting one anywhere prints "***".
class Credentials {
 public:
  void set(std::string key, std::string value) {
    m_values[std::move(key)] = std::move(value);
  }
  /// The secret, or nullopt when not configured.
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const;
  /// Every secret value, so output can be checked for leaks.
  [[nodiscard]] std::vector<std::string> values() const;

 private:
  std::map<std::string, std::string> m_values;
};

/// One row of crm_integracoes, its credentials resolved
/// (IntegrationRepository::load_active).
struct Integration {
  int id = 0;
  int store_id = 0;
  std::string
      provider;  ///< gestaoclick | pipedrive | bling | activecampaign | generic
  std::string base_url;
  Credentials credentials;
  json::Value settings;  ///< configuracoes, an object (empty when NULL)
};

}  // namespace crm::integrations
