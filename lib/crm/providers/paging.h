// List calls of a REST profile: the request for one page and reading it,
// for page-number, cursor and offset pagination.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "crm/core/outcome.h"
#include "crm/http/http_types.h"
#include "crm/providers/provider.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// The GET for one page of `endpoint`'s list (nullopt cursor: the first
/// page), with the profile's page and size parameters; with `since`, only
/// the records changed since then (the endpoint's change filter).
http::Request list_page_request(
    const Profile& profile, const Endpoint& endpoint,
    const std::optional<std::string>& cursor,
    const std::optional<std::string>& since = std::nullopt);

/// Reads a list response: its records that have an id, and the next cursor
/// (nullopt on the last page). A non-2xx response is a classified failure;
/// one without an array at the list envelope is permanent.
std::variant<Page, ItemOutcome> read_list_page(
    const Profile& profile, const Endpoint& endpoint,
    const std::optional<std::string>& cursor, const http::Response& response);

/// Reads one record's GET response (for lists whose rows are partial): its
/// fields, references as CRM ids. A non-2xx response is a classified
/// failure; one without a record at the record envelope is permanent.
std::variant<RemoteRecord, ItemOutcome> read_one_record(
    const Profile& profile, const Endpoint& endpoint,
    const std::string& external_id, const http::Response& response);

}  // namespace crm::providers
