// ActiveCampaign API v3: the account's own base URL, Api-Token header,
// resource-keyed envelopes ({"contact": {...}}) with digit-string ids,
// contact/sync upserts by e-mail, deal values in cents, limit/offset paging
// with meta.total, 429 with Retry-After. CRM_APIS.md section 4.
#include "crm/providers/named_providers.h"
#include "crm/providers/profile_builders.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {

namespace {

/// The contacts' change filter. No order by udate is documented: a pull
/// cut by its page limit resumes at its offset, and the latest udate read
/// is the next filter value.
ChangeFilter contacts_changed() {
  ChangeFilter changes;
  changes.param = "filters[updated_after]";
  changes.updated_path = "udate";
  changes.clock_format = "%Y-%m-%dT%H:%M:%S-03:00";
  changes.clock_utc_offset_minutes = -180;
  return changes;
}

Endpoint resource(std::string path, std::string one, std::string many,
                  std::vector<FieldSpec> fields) {
  Endpoint out = build::endpoint(std::move(path), std::move(fields));
  out.request_envelope = one;
  out.record_envelope = one;
  out.list_envelope = std::move(many);
  return out;
}

}  // namespace

Profile activecampaign_profile() {
  using namespace build;
  using T = FieldType;
  Profile profile;
  profile.name = "activecampaign";
  profile.requests_per_minute = 300;  // 5 requests a second per account
  profile.requests_per_second = 5;
  profile.paging = Paging::offset;
  profile.page_param = "offset";
  profile.page_size_param = "limit";
  profile.page_size = 100;
  profile.total_path = "meta.total";
  profile.remaining_header = "ratelimit-remaining";
  profile.reset_header.clear();
  profile.default_reset = std::chrono::seconds(1);  // 5 requests per second
  profile.error_paths = {"errors.0.title", "errors.0.detail", "message"};

  FieldSpec email = field("email", "email");
  email.required = true;  // the key of contact/sync
  Endpoint contact =
      resource("/contacts", "contact", "contacts",
               {email, field("name", "firstName", T::first_name, "first_name"),
                field("name", "lastName", T::last_name, "last_name"),
                field("phone", "phone")});
  contact.create_path = "/contact/sync";  // upsert by e-mail: never a duplicate
  contact.changes = contacts_changed();
  profile.endpoints[Entity::customer] = contact;

  profile.endpoints[Entity::product] = unsupported(
      "ActiveCampaign has no product catalog (only e-commerce order lines)");

  // group (pipeline), stage and owner are account ids: set them per store.
  // They and the title are sent on create only: once the deal exists, its
  // stage, owner and title are the salespeople's (an update would move a
  // deal back to the first stage).
  profile.endpoints[Entity::sale] = resource(
      "/deals", "deal", "deals",
      {on_create(templated("title", "title", "Venda {local_id}")),
       required(reference("customer_id", "contact", Entity::customer)),
       required(field("total", "value", T::cents)),
       constant("currency", "currency", json::Value::string("brl")),
       on_create(constant("group", "group", json::Value::string("1"))),
       on_create(constant("stage", "stage", json::Value::string("1"))),
       on_create(constant("owner", "owner", json::Value::string("1")))});

  profile.endpoints[Entity::activity] = resource(
      "/dealTasks", "dealTask", "dealTasks",
      {field("subject", "title"),
       constant("owner_type", "ownerType", json::Value::string("contact")),
       required(
           reference("customer_id", "relid", Entity::customer, T::integer)),
       required(field("due_date", "duedate", T::date)),
       field("done", "status", T::integer),
       constant("task_type", "dealTasktype", json::Value::number(1LL))});
  return profile;
}

std::unique_ptr<Provider> make_activecampaign_provider(
    const integrations::Integration& integration) {
  return make_named_provider(
      activecampaign_profile(), integration,
      {{"Api-Token", require_credential(integration, "api_token")}});
}

}  // namespace crm::providers
