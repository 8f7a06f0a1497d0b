// Every response an adapter reads (lookup, create, update, fetch, delete,
// list page), for each provider (generic, GestaoClick, Pipedrive, Bling,
// ActiveCampaign) and entity, with a fuzzed status, headers and body: the
// result is always a request or an outcome, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crm/json/json.h"
#include "crm/providers/provider_factory.h"

namespace {

std::vector<std::unique_ptr<crm::providers::Provider>> providers() {
  std::vector<std::unique_ptr<crm::providers::Provider>> out;
  for (const char* name :
       {"generic", "gestaoclick", "pipedrive", "bling", "activecampaign"}) {
    crm::integrations::Integration integration;
    integration.store_id = 1;
    integration.provider = name;
    integration.base_url = "http://crm.test/api";
    for (const char* key :
         {"token", "access_token", "secret_access_token", "api_token"}) {
      integration.credentials.set(key, "T");
    }
    integration.settings =
        *crm::json::parse(R"({"on_delete":"delete","page_size":2})");
    out.push_back(crm::providers::make_provider(integration));
  }
  return out;
}

crm::WorkItem item(crm::Entity entity, crm::Direction direction,
                   std::optional<std::string> external_id, bool deleted) {
  crm::WorkItem work;
  work.row.entity = entity;
  work.row.direction = direction;
  crm::LocalRecord record;
  record.id = 7;
  record.external_id = std::move(external_id);
  record.deleted = deleted;
  record.fields = {{"name", "Ana Souza"},
                   {"email", "a@x.com"},
                   {"phone", std::nullopt},
                   {"document", "12345678901"},
                   {"sku", "S1"},
                   {"price", "2.50"},
                   {"customer_id", "3"},
                   {"total", "9.90"},
                   {"date", "2026-11-20 10:00:00"},
                   {"subject", "Ligar"},
                   {"due_date", "2026-11-21 09:00:00"},
                   {"done", "0"}};
  record.children["lines"] = {
      {{"product_id", "4"}, {"quantity", "1"}, {"price", "9.90"}}};
  record.children["installments"] = {
      {{"due_date", "2026-12-20"}, {"amount", "9.90"}}};
  work.record = record;
  crm::LocalRecord customer;
  customer.external_id = "11";
  customer.fields = {{"name", "Ana"}};
  work.referenced[{crm::Entity::customer, 3}] = customer;
  crm::LocalRecord product;
  product.external_id = "12";
  work.referenced[{crm::Entity::product, 4}] = product;
  return work;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto all = providers();
  static constexpr int k_statuses[] = {0,   200, 201, 204, 301, 400, 401,
                                       404, 408, 422, 429, 500, 503};
  if (size < 3) return 0;
  const auto& provider = all[data[2] % all.size()];
  const auto entity =
      crm::k_all_entities[(data[2] / all.size()) % crm::k_all_entities.size()];
  crm::http::Response response;
  response.status =
      k_statuses[data[0] % (sizeof k_statuses / sizeof k_statuses[0])];
  if (response.status == 0) response.transfer_error = "fuzzed transfer error";
  const std::string_view rest(reinterpret_cast<const char*>(data + 3),
                              size - 3);
  const auto newline = rest.find('\n');
  if (newline != std::string_view::npos) {
    const std::string value(rest.substr(0, newline));
    for (const char* name : {"retry-after", "x-ratelimit-remaining",
                             "x-ratelimit-reset", "ratelimit-remaining"}) {
      response.headers[name] = value;
    }
  }
  response.body = std::string(
      rest.substr(newline == std::string_view::npos ? 0 : newline + 1));
  (void)provider->budget_exhausted(response);
  (void)provider->credentials_expired(response);
  (void)provider->read_page(entity, std::nullopt, response);
  (void)provider->read_page(entity, "2", response);
  const crm::WorkItem items[] = {
      item(entity, crm::Direction::to_crm, std::nullopt,
           false),                                       // lookup, then create
      item(entity, crm::Direction::to_crm, "9", false),  // update
      item(entity, crm::Direction::from_crm, "9", false),  // fetch
      item(entity, crm::Direction::to_crm, "9", true)};    // delete
  auto exchange = provider->start(items[data[1] % 4]);
  crm::providers::Step step = exchange->next(nullptr);
  for (int i = 0; i < 4 && std::holds_alternative<crm::http::Request>(step);
       ++i) {
    step = exchange->next(&response);
  }
  return 0;
}
