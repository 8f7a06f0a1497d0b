#include "crm/providers/profile_description.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "crm/providers/field_conversion.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {
namespace {

using json::Value;

Value text(std::string_view value) { return Value::string(std::string(value)); }

Value optional_number(const std::optional<int>& value) {
  return value ? Value::number(static_cast<long long>(*value)) : Value();
}

/// One field in extra_fields' object form: "path" and the keys that differ
/// from their defaults.
Value describe_field(const FieldSpec& spec) {
  Value out = Value::object();
  out.set("path", text(spec.path));
  if (!spec.field.empty() && spec.field != spec.label) {
    out.set("field", text(spec.field));
  }
  if (spec.type != FieldType::string)
    out.set("type", text(type_key(spec.type)));
  if (spec.constant) out.set("value", *spec.constant);
  if (spec.text_template) out.set("template", text(*spec.text_template));
  if (spec.ref) out.set("ref", text(to_db(*spec.ref)));
  if (!spec.ref_field.empty()) out.set("ref_field", text(spec.ref_field));
  if (spec.required) out.set("required", Value::boolean(true));
  if (!spec.with.empty()) out.set("with", text(spec.with));
  if (!spec.fallback.empty()) out.set("fallback", text(spec.fallback));
  if (spec.create_only) out.set("on", text("create"));
  if (spec.max_length > 0) {
    out.set("max_length",
            Value::number(static_cast<long long>(spec.max_length)));
  }
  if (!spec.values.empty()) {
    Value values = Value::array();
    for (const std::string& value : spec.values) values.push_back(text(value));
    out.set("values", std::move(values));
  } else if (!spec.value_map.empty()) {
    Value values = Value::object();
    for (const auto& [from, to] : spec.value_map) values.set(from, text(to));
    out.set("values", std::move(values));
  }
  return out;
}

Value describe_fields(const std::vector<FieldSpec>& fields) {
  Value out = Value::object();
  for (const FieldSpec& spec : fields)
    out.set(spec.label, describe_field(spec));
  return out;
}

Value describe_lookup(const Lookup& lookup, const Endpoint& endpoint) {
  Value out = Value::object();
  out.set("param", text(lookup.param));
  out.set("field", text(lookup.field));
  if (lookup.type != FieldType::string) {
    out.set("type", text(type_key(lookup.type)));
  }
  out.set("path", text(lookup.path.empty() ? endpoint.path : lookup.path));
  out.set("list", text(lookup.list_path));
  out.set("id", text(lookup.id_path));
  if (!lookup.proof.empty()) {
    Value proof = Value::array();
    for (const std::string& path : lookup.proof) proof.push_back(text(path));
    out.set("proof", std::move(proof));
  }
  if (!lookup.fixed_params.empty()) {
    Value params = Value::object();
    for (const auto& [key, value] : lookup.fixed_params) {
      params.set(key, text(value));
    }
    out.set("params", std::move(params));
  }
  return out;
}

Value describe_endpoint(const Endpoint& endpoint) {
  Value out = Value::object();
  if (!endpoint.unsupported.empty()) {
    out.set("unsupported", text(endpoint.unsupported));
    return out;
  }
  out.set("path", text(endpoint.path));
  if (!endpoint.create_path.empty()) {
    out.set("create_path", text(endpoint.create_path));
  }
  out.set("update_method", text(endpoint.update_method));
  out.set("request_envelope", text(endpoint.request_envelope));
  out.set("record_envelope", text(endpoint.record_envelope));
  out.set("list_envelope", text(endpoint.list_envelope));
  out.set("id_field", text(endpoint.id_field));
  out.set("fields", describe_fields(endpoint.fields));
  Value lookups = Value::array();
  for (const Lookup& lookup : endpoint.lookups) {
    lookups.push_back(describe_lookup(lookup, endpoint));
  }
  out.set("lookup", std::move(lookups));
  Value children = Value::object();
  for (const ChildSpec& child : endpoint.children) {
    Value one = Value::object();
    one.set("path", text(child.path));
    one.set("fields", describe_fields(child.fields));
    children.set(child.name, std::move(one));
  }
  out.set("children", std::move(children));
  if (endpoint.deactivate) {
    Value flag = Value::object();
    flag.set("field", text(endpoint.deactivate->first));
    flag.set("value", endpoint.deactivate->second);
    out.set("deactivate", std::move(flag));
  }
  if (endpoint.totals) {
    out.set("order_discount", text(endpoint.totals->order_discount
                                       ? "sent as the order's discount"
                                       : "spread over the lines"));
  }
  return out;
}

/// The notes column of one field: what it sends besides its value.
std::string field_notes(const FieldSpec& spec) {
  std::vector<std::string> notes;
  if (spec.constant)
    notes.push_back(fmt::format("always `{}`", json::dump(*spec.constant)));
  if (spec.text_template) {
    notes.push_back(fmt::format("template `{}`", *spec.text_template));
  }
  if (spec.ref) {
    notes.push_back(
        spec.ref_field.empty()
            ? fmt::format("the {}'s CRM id", to_db(*spec.ref))
            : fmt::format("the {}'s `{}`", to_db(*spec.ref), spec.ref_field));
  }
  if (spec.required) notes.emplace_back("required");
  if (!spec.with.empty()) {
    notes.push_back(fmt::format("sent only with `{}`", spec.with));
  }
  if (!spec.fallback.empty()) {
    notes.push_back(fmt::format("when empty: `{}`", spec.fallback));
  }
  if (spec.create_only) notes.emplace_back("on create only");
  if (spec.max_length > 0) {
    notes.push_back(fmt::format("at most {} characters", spec.max_length));
  }
  if (spec.values.size() == 2) {
    notes.push_back(fmt::format("person `{}`, company `{}`", spec.values[0],
                                spec.values[1]));
  }
  for (const auto& [from, to] : spec.value_map) {
    notes.push_back(fmt::format("`{}` as `{}`", from, to));
  }
  std::string out;
  for (const std::string& note : notes) out += (out.empty() ? "" : "; ") + note;
  return out;
}

std::string field_table(const std::vector<FieldSpec>& fields) {
  std::string out =
      "| Key | Local field | Remote path | Type | Notes |\n"
      "|---|---|---|---|---|\n";
  for (const FieldSpec& spec : fields) {
    const std::string local = spec.field.empty() ? "" : "`" + spec.field + "`";
    out += fmt::format("| `{}` | {} | `{}` | {} | {} |\n", spec.label,
                       local.empty() ? "-" : local, spec.path,
                       spec.constant ? "-" : type_key(spec.type),
                       field_notes(spec));
  }
  return out;
}

std::string lookup_lines(const Endpoint& endpoint) {
  if (endpoint.lookups.empty())
    return "No lookup: a record without a CRM id is created.\n";
  std::string out = "Lookups before a create, in order (a hit links):\n\n";
  for (const Lookup& lookup : endpoint.lookups) {
    std::string params;
    for (const auto& [key, value] : lookup.fixed_params) {
      params += fmt::format("&{}={}", key, value);
    }
    std::string proof;
    for (const std::string& path : lookup.proof) {
      proof += fmt::format("{}`{}`", proof.empty() ? "" : ", ", path);
    }
    out += fmt::format(
        "- `GET {}?{}=<{}>{}`{}{}\n",
        lookup.path.empty() ? endpoint.path : lookup.path, lookup.param,
        lookup.field, params,
        lookup.type == FieldType::string
            ? ""
            : fmt::format(" ({})", type_key(lookup.type)),
        proof.empty()
            ? ""
            : fmt::format("; links only a result with the same {}", proof));
  }
  return out;
}

/// What `crm_sync_full --import` reads of the entity.
std::string import_line(const Endpoint& endpoint) {
  std::string fields;
  std::string refs;
  for (const FieldSpec& spec : endpoint.fields) {
    std::string& list = spec.ref ? refs : fields;
    if (readable(spec) || (spec.ref && spec.ref_field.empty())) {
      list += fmt::format("{}`{}`", list.empty() ? "" : ", ", spec.label);
    }
  }
  return fmt::format(
      "\nImport (`crm_sync_full --import`) reads {} from {}{}. Constants, "
      "templates, the local id and person types are not read back{}.\n",
      fields.empty() ? "nothing" : fields,
      endpoint.partial_list_rows
          ? fmt::format("each record (`GET {}/{{id}}`: the list's rows are "
                        "partial)",
                        endpoint.path)
          : "the list's rows",
      refs.empty() ? ""
                   : fmt::format("; {} resolved to the local record through "
                                 "its external id",
                                 refs),
      endpoint.children.empty() ? "" : ", nor are the child lists");
}

std::string endpoint_markdown(Entity entity, const Endpoint& endpoint) {
  if (!endpoint.unsupported.empty()) {
    return fmt::format("### {}: not supported\n\n{}.\n", to_db(entity),
                       endpoint.unsupported);
  }
  std::string out =
      fmt::format("### {}: `{}`\n\n{}\n{}", to_db(entity), endpoint.path,
                  field_table(endpoint.fields), lookup_lines(endpoint));
  for (const ChildSpec& child : endpoint.children) {
    out += fmt::format("\nChild list `{}`: `{}[]`, one element per row.\n\n{}",
                       child.name, child.path, field_table(child.fields));
  }
  out += import_line(endpoint);
  if (endpoint.totals) {
    out += endpoint.totals->order_discount
               ? "\nAn order discount (`discount`) is sent as the order's "
                 "discount.\n"
               : "\nAn order discount (`discount`) is spread over the lines' "
                 "`discount`, cent-exact.\n";
  }
  return out;
}

}  // namespace

json::Value describe_profile(const Profile& profile) {
  Value out = Value::object();
  out.set("provider", text(profile.name));
  if (!profile.base_url.empty()) out.set("base_url", text(profile.base_url));
  out.set("requests_per_minute", optional_number(profile.requests_per_minute));
  out.set("requests_per_second", optional_number(profile.requests_per_second));
  out.set("on_delete", text(on_delete_key(profile.on_delete)));
  out.set("read_before_update", Value::boolean(profile.read_before_update));
  out.set("walk_in_customer",
          profile.walk_in_customer ? text(*profile.walk_in_customer) : Value());
  out.set("page_param", text(profile.page_param));
  out.set("page_size_param", text(profile.page_size_param));
  out.set("page_size",
          Value::number(static_cast<long long>(profile.page_size)));
  Value entities = Value::object();
  for (const Entity entity : k_all_entities) {
    const auto it = profile.endpoints.find(entity);
    entities.set(std::string(to_db(entity)),
                 it == profile.endpoints.end() ? Value()
                                               : describe_endpoint(it->second));
  }
  out.set("entities", std::move(entities));
  return out;
}

}  // namespace crm::providers

namespace crm::providers {

std::string profile_markdown(const Profile& profile) {
  std::string out;
  for (const Entity entity : k_all_entities) {
    const auto it = profile.endpoints.find(entity);
    if (it == profile.endpoints.end()) continue;
    out += (out.empty() ? "" : "\n") + endpoint_markdown(entity, it->second);
  }
  return out;
}

}  // namespace crm::providers
