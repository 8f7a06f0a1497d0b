#include "crm/integrations/integration.h"

namespace crm::integrations {

std::optional<std::string> Credentials::get(const std::string& key) const {
  const auto it = m_values.find(key);
  if (it == m_values.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> Credentials::values() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : m_values) {
    out.push_back(value);
  }
  return out;
}

}  // namespace crm::integrations
