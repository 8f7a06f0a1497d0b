// The JSON body of a create or update: a record's fields and child lists
// mapped through an endpoint's FieldSpecs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"
#include "crm/json/json.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// A path and the value set there on top of the mapped fields (the
/// deactivate flag).
using ExtraField = std::pair<std::string, json::Value>;

/// The mapped body of `item`'s record (which must exist) with `extra` set
/// last, wrapped in the endpoint's request envelope. Otherwise the outcome
/// that stops the item: permanent for a required field left empty, a value
/// that does not fit its type or a reference to a record missing locally;
/// waiting (retry in 60 s) when referenced records have no external id yet.
/// What a body is for: a create sends every field, an update leaves out
/// the fields sent on create only.
enum class BodyFor { create, update };

std::variant<std::string, ItemOutcome> build_body(
    const Profile& profile, const Endpoint& endpoint, const WorkItem& item,
    const std::optional<ExtraField>& extra, BodyFor purpose = BodyFor::create);

/// `body` as JSON text, inside the endpoint's request envelope if it has one.
std::string wrap_body(const Endpoint& endpoint, json::Value body);

}  // namespace crm::providers
