// One item's conversation with a REST CRM: lookup -> create or link, update
// (read before update when the profile says so), get -> map, delete.
#pragma once

#include <memory>

#include "crm/core/work_item.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The exchange of `item` (its local record must exist) against `endpoint`
/// of `profile`; both must outlive it. Its first step decides everything it
/// can before any request (a body that cannot be sent costs no lookup).
std::unique_ptr<Exchange> make_rest_exchange(const Profile& profile,
                                             const Endpoint& endpoint,
                                             WorkItem item);

}  // namespace crm::providers
