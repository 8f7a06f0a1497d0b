#include "crm/providers/profile_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "crm/core/errors.h"
#include "crm/providers/field_conversion.h"
#include "crm/providers/rest_provider.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

/// Throws FatalError naming `where` and the first key not in `known`: a
/// misspelt key ("feilds") must not pass silently.
void reject_unknown_keys(const json::Value& value,
                         std::initializer_list<std::string_view> known,
                         const std::string& where) {
  if (const auto key = json::unknown_key(value, known)) {
    throw FatalError(fmt::format("{}: unknown key '{}'", where, *key));
  }
}

std::string string_setting(const json::Value& settings, std::string_view key,
                           std::string fallback, const std::string& where) {
  const json::Value* value = settings.find(key);
  if (value == nullptr) {
    return fallback;
  }
  if (!value->is_string()) {
    throw FatalError(fmt::format("{}: '{}' must be a string", where, key));
  }
  return value->text();
}

FieldType parse_type(const std::string& text, const std::string& where) {
  if (const auto type = type_of_key(text)) return *type;
  throw FatalError(
      fmt::format("{}: unknown type '{}' ({})", where, text, type_keys()));
}

/// "values": a list (person_type's {person, company}) or an object (a map
/// of local -> remote values).
void parse_values(FieldSpec& out, const json::Value& value,
                  const std::string& where) {
  if (value.is_array()) {
    for (const json::Value& item : value.items()) {
      if (!item.is_string()) {
        throw FatalError(fmt::format("{}: 'values' must hold strings", where));
      }
      out.values.push_back(item.text());
    }
    return;
  }
  for (const auto& [from, to] : value.members()) {
    const auto text = to.scalar_text();
    if (!text) {
      throw FatalError(
          fmt::format("{}: values.{} must be a string or number", where, from));
    }
    out.value_map.emplace_back(from, *text);
  }
}

/// One key of a field's object form other than "path".
void parse_field_key(FieldSpec& out, const std::string& key,
                     const json::Value& value, const json::Value& spec,
                     const std::string& where) {
  if (key == "type") {
    out.type = parse_type(string_setting(spec, key, "", where), where);
  } else if (key == "field") {
    out.field = string_setting(spec, key, "", where);
  } else if (key == "value") {
    out.constant = value;
  } else if (key == "template") {
    out.text_template = string_setting(spec, key, "", where);
  } else if (key == "ref") {
    const auto entity = parse_entity(string_setting(spec, key, "", where));
    if (!entity) {
      throw FatalError(fmt::format(
          "{}: 'ref' must be cliente, produto, venda or atividade", where));
    }
    out.ref = *entity;
  } else if (key == "ref_field") {
    out.ref_field = string_setting(spec, key, "", where);
  } else if (key == "required") {
    if (!value.is_boolean())
      throw FatalError(
          fmt::format("{}: 'required' must be true or false", where));
    out.required = value.as_bool();
  } else if (key == "with") {
    out.with = string_setting(spec, key, "", where);
  } else if (key == "max_length") {
    const auto number =
        value.is_number() ? util::parse_int(value.text()) : std::nullopt;
    if (!number || *number < 1) {
      throw FatalError(
          fmt::format("{}: 'max_length' must be a positive integer", where));
    }
    out.max_length = static_cast<std::size_t>(*number);
  } else if (key == "fallback") {
    out.fallback = string_setting(spec, key, "", where);
  } else if (key == "on") {
    const std::string on = string_setting(spec, key, "", where);
    if (on != "create" && on != "always") {
      throw FatalError(
          fmt::format("{}: 'on' must be \"create\" or \"always\"", where));
    }
    out.create_only = on == "create";
  } else if (key == "values" && (value.is_array() || value.is_object())) {
    parse_values(out, value, where);
  } else {
    throw FatalError(fmt::format("{}: unknown key '{}'", where, key));
  }
}

FieldSpec parse_field(const std::string& label, const json::Value& spec,
                      const std::string& where) {
  FieldSpec out;
  out.label = label;
  out.field = label;
  if (spec.is_string()) {
    out.path = spec.text();
    return out;
  }
  if (!spec.is_object() || !spec.find("path") ||
      !spec.find("path")->is_string()) {
    throw FatalError(fmt::format(
        "{}: expected \"remote.path\" or {{\"path\": ..., \"type\": ...}}",
        where));
  }
  out.path = spec.find("path")->text();
  for (const auto& [key, value] : spec.members()) {
    if (key == "path") continue;
    parse_field_key(out, key, value, spec, where);
  }
  if (out.type == FieldType::person_type && out.values.size() != 2) {
    throw FatalError(fmt::format(
        "{}: type person_type needs \"values\": [\"<person>\", \"<company>\"]",
        where));
  }
  return out;
}

/// fields: replace the whole list; extra_fields: merge by label (null removes).
void parse_fields(std::vector<FieldSpec>& fields, const json::Value& value,
                  bool replace, const std::string& where) {
  if (!value.is_object()) {
    throw FatalError(fmt::format("{}: must be an object", where));
  }
  if (replace) fields.clear();
  for (const auto& [key, spec] : value.members()) {
    const std::string& label = key;  // a plain name: lambdas capture it
    std::erase_if(fields, [&label](const FieldSpec& field) {
      return field.label == label;
    });
    if (!spec.is_null()) {
      fields.push_back(
          parse_field(label, spec, fmt::format("{}.{}", where, label)));
    }
  }
}

Lookup parse_lookup(const json::Value& value, const Endpoint& endpoint,
                    const std::string& where) {
  if (!value.is_object() || !value.find("param") || !value.find("field") ||
      !value.find("param")->is_string() || !value.find("field")->is_string()) {
    throw FatalError(
        fmt::format("{}: 'lookup' must be null, {{\"param\": ..., \"field\": "
                    "...}} or a list of them",
                    where));
  }
  Lookup lookup;
  lookup.param = value.find("param")->text();
  lookup.field = value.find("field")->text();
  lookup.path = string_setting(value, "path", "", where);
  lookup.list_path =
      string_setting(value, "list", endpoint.list_envelope, where);
  lookup.id_path = string_setting(value, "id", endpoint.id_field, where);
  if (value.find("type") != nullptr) {
    lookup.type = parse_type(string_setting(value, "type", "", where), where);
  }
  if (const json::Value* proof = value.find("proof")) {
    if (!proof->is_array()) {
      throw FatalError(fmt::format(
          "{}: lookup 'proof' must be a list of body paths", where));
    }
    for (const json::Value& path : proof->items()) {
      if (!path.is_string()) {
        throw FatalError(fmt::format(
            "{}: lookup 'proof' must be a list of body paths", where));
      }
      lookup.proof.push_back(path.text());
    }
  }
  if (const json::Value* params = value.find("params")) {
    if (!params->is_object()) {
      throw FatalError(
          fmt::format("{}: lookup 'params' must be an object", where));
    }
    for (const auto& [key, param] : params->members()) {
      const auto text = param.scalar_text();
      if (!text)
        throw FatalError(
            fmt::format("{}: lookup params.{} must be a string", where, key));
      lookup.fixed_params.emplace_back(key, *text);
    }
  }
  return lookup;
}

/// "lookup": null (none), one lookup or a list of them; replaces the list.
void parse_lookups(Endpoint& endpoint, const json::Value& lookup,
                   const std::string& where) {
  endpoint.lookups.clear();
  if (lookup.is_array()) {
    for (const json::Value& item : lookup.items()) {
      endpoint.lookups.push_back(parse_lookup(item, endpoint, where));
    }
  } else if (!lookup.is_null()) {
    endpoint.lookups.push_back(parse_lookup(lookup, endpoint, where));
  }
}

/// "children": per name, null removes the child list, an object replaces it.
void parse_children(Endpoint& endpoint, const json::Value& children,
                    const std::string& where) {
  if (!children.is_object()) {
    throw FatalError(fmt::format("{}: 'children' must be an object", where));
  }
  for (const auto& [key, spec] : children.members()) {
    const std::string& name = key;  // a plain name: lambdas capture it
    const std::string child_where = fmt::format("{}: children.{}", where, name);
    std::erase_if(endpoint.children,
                  [&name](const ChildSpec& c) { return c.name == name; });
    if (spec.is_null()) continue;
    if (!spec.is_object() || !spec.find("path") || !spec.find("fields")) {
      throw FatalError(fmt::format(
          "{}: expected null or {{\"path\": ..., \"fields\": {{...}}}}",
          child_where));
    }
    ChildSpec child{name, string_setting(spec, "path", "", child_where), {}};
    parse_fields(child.fields, *spec.find("fields"), true,
                 child_where + ": fields");
    endpoint.children.push_back(std::move(child));
  }
}

/// The paths and update method an endpoint ends up with are usable.
void check_endpoint(const Endpoint& endpoint, const std::string& where) {
  if (!endpoint.path.starts_with("/") ||
      (!endpoint.create_path.empty() &&
       !endpoint.create_path.starts_with("/"))) {
    throw FatalError(fmt::format("{}: 'path' must start with /", where));
  }
  if (endpoint.update_method != "PUT" && endpoint.update_method != "PATCH" &&
      endpoint.update_method != "POST") {
    throw FatalError(
        fmt::format("{}: 'update_method' must be PUT, PATCH or POST", where));
  }
}

void parse_endpoint(Endpoint& endpoint, const json::Value& value,
                    const std::string& where) {
  if (!value.is_object()) {
    throw FatalError(fmt::format("{}: must be an object or null", where));
  }
  reject_unknown_keys(
      value,
      {"path", "create_path", "update_method", "request_envelope",
       "record_envelope", "list_envelope", "id_field", "fields", "extra_fields",
       "lookup", "children"},
      where);
  endpoint.path = string_setting(value, "path", endpoint.path, where);
  endpoint.create_path =
      string_setting(value, "create_path", endpoint.create_path, where);
  endpoint.update_method =
      string_setting(value, "update_method", endpoint.update_method, where);
  endpoint.request_envelope = string_setting(value, "request_envelope",
                                             endpoint.request_envelope, where);
  endpoint.record_envelope =
      string_setting(value, "record_envelope", endpoint.record_envelope, where);
  endpoint.list_envelope =
      string_setting(value, "list_envelope", endpoint.list_envelope, where);
  endpoint.id_field =
      string_setting(value, "id_field", endpoint.id_field, where);
  if (const json::Value* fields = value.find("fields")) {
    parse_fields(endpoint.fields, *fields, true, where + ": fields");
  }
  if (const json::Value* fields = value.find("extra_fields")) {
    parse_fields(endpoint.fields, *fields, false, where + ": extra_fields");
  }
  if (const json::Value* lookup = value.find("lookup")) {
    parse_lookups(endpoint, *lookup, where);
  }
  if (const json::Value* children = value.find("children")) {
    parse_children(endpoint, *children, where);
  }
  check_endpoint(endpoint, where);
}

/// Keys that apply to every entity (the generic provider's vocabulary).
void apply_endpoint_keys(Profile& profile, const json::Value& config,
                         const std::string& where) {
  for (const char* key : {"id_field", "record_envelope", "list_envelope",
                          "request_envelope", "update_method"}) {
    if (config.find(key) == nullptr) continue;
    const std::string value = string_setting(config, key, "", where);
    for (auto& [entity, endpoint] : profile.endpoints) {
      const std::string_view name = key;
      if (name == "id_field") {
        endpoint.id_field = value;
        for (Lookup& lookup : endpoint.lookups) lookup.id_path = value;
      } else if (name == "record_envelope") {
        endpoint.record_envelope = value;
      } else if (name == "list_envelope") {
        endpoint.list_envelope = value;
        for (Lookup& lookup : endpoint.lookups) lookup.list_path = value;
      } else if (name == "request_envelope") {
        endpoint.request_envelope = value;
      } else {
        endpoint.update_method = value;
      }
    }
  }
}

void check_update_method(const json::Value& config, const std::string& where) {
  const std::string update_method =
      string_setting(config, "update_method", "PUT", where);
  if (update_method != "PUT" && update_method != "PATCH" &&
      update_method != "POST") {
    throw FatalError(
        fmt::format("{}: 'update_method' must be PUT, PATCH or POST", where));
  }
}

OnDelete parse_on_delete(const json::Value& config, const std::string& where) {
  const std::string on_delete =
      string_setting(config, "on_delete", "ignore", where);
  for (const OnDelete value :
       {OnDelete::ignore, OnDelete::deactivate, OnDelete::remove}) {
    if (on_delete == on_delete_key(value)) return value;
  }
  throw FatalError(
      fmt::format("{}: 'on_delete' must be ignore, deactivate or delete, not "
                  "'{}'",
                  where, on_delete));
}

/// "deactivate": the flag every endpoint sets for on_delete deactivate.
void apply_deactivate(Profile& profile, const json::Value& config,
                      const std::string& where) {
  const json::Value* deactivate = config.find("deactivate");
  if (deactivate == nullptr) return;
  if (!deactivate->is_object() || !deactivate->find("field") ||
      !deactivate->find("field")->is_string() || !deactivate->find("value")) {
    throw FatalError(fmt::format(
        "{}: 'deactivate' must be {{\"field\": ..., \"value\": ...}}", where));
  }
  for (auto& [entity, endpoint] : profile.endpoints) {
    endpoint.deactivate = {deactivate->find("field")->text(),
                           *deactivate->find("value")};
  }
}

/// read_before_update, paging parameters and rate-limit headers.
void apply_request_settings(Profile& profile, const json::Value& config,
                            const std::string& where) {
  if (const json::Value* walk_in = config.find("walk_in_customer")) {
    if (!walk_in->scalar_text() || walk_in->scalar_text()->empty() ||
        walk_in->is_boolean()) {
      throw FatalError(fmt::format(
          "{}: 'walk_in_customer' must be a CRM customer id", where));
    }
    profile.walk_in_customer = *walk_in->scalar_text();
  }
  if (const json::Value* defaults = config.find("defaults")) {
    if (!defaults->is_object()) {
      throw FatalError(fmt::format(
          "{}: 'defaults' must be an object {{\"field\": \"value\"}}", where));
    }
    for (const auto& [field, value] : defaults->members()) {
      const auto text = value.scalar_text();
      if (!text || text->empty() || value.is_boolean()) {
        throw FatalError(
            fmt::format("{}: defaults.{} must be a non-empty string or number",
                        where, field));
      }
      profile.defaults[field] = *text;
    }
  }
  if (const json::Value* read = config.find("read_before_update")) {
    if (!read->is_boolean()) {
      throw FatalError(
          fmt::format("{}: 'read_before_update' must be true or false", where));
    }
    profile.read_before_update = read->as_bool();
  }
  profile.page_param =
      string_setting(config, "page_param", profile.page_param, where);
  profile.page_size_param =
      string_setting(config, "page_size_param", profile.page_size_param, where);
  if (const json::Value* size = config.find("page_size")) {
    const auto number =
        size->is_number() ? util::parse_int(size->text()) : std::nullopt;
    if (!number || *number < 1 || *number > 1000) {
      throw FatalError(fmt::format(
          "{}: 'page_size' must be an integer from 1 to 1000", where));
    }
    profile.page_size = static_cast<int>(*number);
  }
  profile.remaining_header = string_setting(config, "remaining_header",
                                            profile.remaining_header, where);
  profile.reset_header =
      string_setting(config, "reset_header", profile.reset_header, where);
}

/// "entities": per entity, null stops syncing it, an object overrides its
/// endpoint (or adds one).
void apply_entities(Profile& profile, const json::Value& config,
                    const std::string& where) {
  const json::Value* entities = config.find("entities");
  if (entities == nullptr) return;
  if (!entities->is_object()) {
    throw FatalError(fmt::format("{}: 'entities' must be an object", where));
  }
  for (const auto& [name, custom] : entities->members()) {
    const auto entity = parse_entity(name);
    if (!entity) {
      throw FatalError(
          fmt::format("{}: entities: unknown entity '{}' (cliente, produto, "
                      "venda, atividade)",
                      where, name));
    }
    if (custom.is_null()) {
      profile.endpoints.erase(*entity);  // not synced for this store
      continue;
    }
    auto it = profile.endpoints.find(*entity);
    if (it == profile.endpoints.end()) {
      it = profile.endpoints.emplace(*entity, Endpoint{}).first;
    }
    // Configuring an entity the provider lacks makes it supported: the
    // store knows an endpoint for it (GestaoClick orcamentos, say).
    if (!it->second.unsupported.empty() && custom.find("path") != nullptr) {
      it->second.unsupported.clear();
    }
    parse_endpoint(it->second, custom,
                   fmt::format("{}: entities.{}", where, name));
  }
}

}  // namespace

std::string_view on_delete_key(OnDelete on_delete) {
  switch (on_delete) {
    case OnDelete::ignore:
      return "ignore";
    case OnDelete::deactivate:
      return "deactivate";
    case OnDelete::remove:
      return "delete";
  }
  return "ignore";
}

std::string settings_where(const integrations::Integration& integration) {
  return fmt::format("crm_integracoes: store {}: configuracoes",
                     integration.store_id);
}

std::string require_credential(const integrations::Integration& integration,
                               const std::string& key) {
  auto value = integration.credentials.get(key);
  if (!value || value->empty()) {
    throw FatalError(
        fmt::format("crm_integracoes: store {}: credenciais: missing '{}' ({})",
                    integration.store_id, key, integration.provider));
  }
  return *value;
}

std::string base_url_of(const integrations::Integration& integration) {
  std::string url = integration.base_url;
  while (url.ends_with("/")) url.pop_back();
  if (url.empty()) {
    throw FatalError(fmt::format("crm_integracoes: store {}: base_url is empty",
                                 integration.store_id));
  }
  return url;
}

std::unique_ptr<Provider> make_named_provider(
    Profile profile, const integrations::Integration& integration,
    std::vector<std::pair<std::string, std::string>> auth_headers) {
  profile.base_url = base_url_of(integration);
  profile.auth_headers = std::move(auth_headers);
  apply_configuration(profile, integration.settings,
                      settings_where(integration));
  return make_rest_provider(std::move(profile));
}

void apply_configuration(Profile& profile, const json::Value& config,
                         const std::string& where) {
  apply_endpoint_keys(profile, config, where);
  check_update_method(config, where);
  profile.on_delete = parse_on_delete(config, where);
  apply_deactivate(profile, config, where);
  apply_request_settings(profile, config, where);
  apply_entities(profile, config, where);
}

}  // namespace crm::providers
