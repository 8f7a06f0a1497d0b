// Pipedrive API v2 (v1 CRUD is deprecated): x-api-token header,
// {success, data} envelopes with integer ids, PATCH updates, cursor paging
// (additional_data.next_cursor), x-ratelimit-* headers, search endpoints for
// lookups. CRM_APIS.md section 2.
#include "crm/providers/named_providers.h"
#include "crm/providers/profile_builders.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {

namespace {

/// GET /<r>/search?term=<value>&fields=<f>&exact_match=true:
/// data.items[].item.id
/// The v2 lists' change filter: what changed since an update time, oldest
/// first, so a pull cut by its page limit resumes where it stopped.
ChangeFilter changed_since() {
  ChangeFilter changes;
  changes.param = "updated_since";
  changes.fixed_params = {{"sort_by", "update_time"},
                          {"sort_direction", "asc"}};
  changes.updated_path = "update_time";
  return changes;
}

Lookup search(std::string path, std::string search_field, std::string field) {
  Lookup out = build::lookup("term", std::move(field), FieldType::string,
                             std::move(path));
  out.fixed_params = {{"fields", std::move(search_field)},
                      {"exact_match", "true"}};
  out.list_path = "data.items";
  out.id_path = "item.id";
  return out;
}

/// Persons: e-mail and phone as the first of their lists.
Endpoint person_endpoint() {
  using namespace build;
  Endpoint person =
      endpoint("/persons", {required(field("name", "name")),
                            field("email", "emails.0.value"),
                            constant("email_primary", "emails.0.primary",
                                     json::Value::boolean(true), "email"),
                            field("phone", "phones.0.value"),
                            constant("phone_primary", "phones.0.primary",
                                     json::Value::boolean(true), "phone")});
  person.update_method = "PATCH";
  person.lookups = {search("/persons/search", "email", "email")};
  person.changes = changed_since();
  return person;
}

}  // namespace

Profile pipedrive_profile() {
  using namespace build;
  using T = FieldType;
  Profile profile;
  profile.name = "pipedrive";
  // 2-second burst windows, read from x-ratelimit-*; a conservative 10/s.
  profile.requests_per_minute = 600;
  profile.paging = Paging::cursor;
  profile.page_param = "cursor";
  profile.page_size_param = "limit";
  profile.page_size = 100;
  profile.next_path = "additional_data.next_cursor";
  profile.remaining_header = "x-ratelimit-remaining";
  profile.reset_header = "x-ratelimit-reset";
  profile.default_reset = std::chrono::seconds(2);  // the burst window
  profile.error_paths = {"error", "message"};

  profile.endpoints[Entity::customer] = person_endpoint();

  Endpoint product = endpoint(
      "/products", {required(field("name", "name")), field("sku", "code"),
                    field("price", "prices.0.price", T::number),
                    constant("currency", "prices.0.currency",
                             json::Value::string("BRL"), "price")});
  product.update_method = "PATCH";
  product.lookups = {search("/products/search", "code", "sku")};
  product.changes = changed_since();
  profile.endpoints[Entity::product] = product;

  Endpoint deal = endpoint(
      "/deals",
      {on_create(templated("title", "title", "Venda {local_id}")),
       field("total", "value", T::number),
       constant("currency", "currency", json::Value::string("BRL")),
       reference("customer_id", "person_id", Entity::customer, T::integer),
       field("date", "expected_close_date", T::date)});
  deal.update_method = "PATCH";
  profile.endpoints[Entity::sale] = deal;

  Endpoint activity = endpoint(
      "/activities",
      {field("subject", "subject"), field("type", "type"),
       field("due_date", "due_date", T::date),
       field("due_date", "due_time", T::time, "due_time"),
       field("done", "done", T::boolean),
       reference("customer_id", "person_id", Entity::customer, T::integer)});
  activity.update_method = "PATCH";
  activity.changes = changed_since();
  profile.endpoints[Entity::activity] = activity;
  return profile;
}

std::unique_ptr<Provider> make_pipedrive_provider(
    const integrations::Integration& integration) {
  return make_named_provider(
      pipedrive_profile(), integration,
      {{"x-api-token", require_credential(integration, "api_token")}});
}

}  // namespace crm::providers
