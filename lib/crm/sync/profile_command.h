// crm_sync --print-profile: the profile a store's adapter runs (after its
// configuracoes) or a provider's built-in one, with the local tables each
// entity reads, as JSON or as the Markdown of docs/providers/.
#pragma once

#include <optional>
#include <string>

#include "crm/config/config_loader.h"

namespace crm::sync {

struct ProfileQuery {
  std::optional<int> store_id;  ///< a store's effective profile (reads the db)
  std::string provider;         ///< else this provider's built-in profile
  bool markdown = false;        ///< the field-key tables instead of JSON
};

/// The text to print. Throws FatalError for a store without an active
/// integration, a malformed configuration or an unknown provider.
std::string describe_profile(const Config& config,
                             const config::Environment& environment,
                             const ProfileQuery& query);

}  // namespace crm::sync
