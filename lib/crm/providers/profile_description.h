// A profile as people read it: the JSON a store's configuracoes would use to
// say the same thing (crm_sync --print-profile), and the field-key tables of
// docs/providers/ (crm_sync --print-profile --markdown), from one source.
#pragma once

#include <string>

#include "crm/json/json.h"
#include "crm/providers/rest_profile.h"

namespace crm::providers {

/// Every entity of `profile` in the vocabulary of configuracoes.entities:
/// path, envelopes, fields keyed as extra_fields takes them ({"path", and
/// each of field, type, value, template, ref, ref_field, required, with,
/// values that differs from its default}), lookup, children; plus the
/// profile's request settings. An entity the provider lacks shows why.
json::Value describe_profile(const Profile& profile);

/// The same as Markdown: per entity, a table of field key, local field,
/// remote path, type and notes, then its lookups and child lists.
std::string profile_markdown(const Profile& profile);

}  // namespace crm::providers
