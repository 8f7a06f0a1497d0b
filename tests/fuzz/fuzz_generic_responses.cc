// Every response the generic adapter reads (lookup, create, update, fetch,
// delete, list page) with a fuzzed status, headers and body: the result is
// always a request or an outcome, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "crm/json/json.h"
#include "crm/providers/generic_provider.h"

namespace {

crm::integrations::Integration integration() {
  crm::integrations::Integration out;
  out.store_id = 1;
  out.provider = "generic";
  out.base_url = "http://crm.test/api";
  out.credentials.set("token", "T");
  out.settings = *crm::json::parse(R"({"on_delete":"delete","page_size":2})");
  return out;
}

crm::WorkItem item(crm::Direction direction, std::optional<std::string> external_id,
                   bool deleted) {
  crm::WorkItem work;
  work.row.direction = direction;
  crm::LocalRecord record;
  record.id = 7;
  record.external_id = std::move(external_id);
  record.deleted = deleted;
  record.fields = {{"name", "Ana"}, {"email", "a@x.com"}, {"phone", std::nullopt},
                   {"document", "1"}};
  work.record = record;
  return work;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto provider = crm::providers::make_generic_provider(integration());
  static constexpr int k_statuses[] = {0, 200, 201, 204, 301, 400, 404, 408, 422, 429, 500, 503};
  if (size < 2) return 0;
  crm::http::Response response;
  response.status = k_statuses[data[0] % (sizeof k_statuses / sizeof k_statuses[0])];
  if (response.status == 0) response.transfer_error = "fuzzed transfer error";
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto newline = rest.find('\n');
  if (newline != std::string_view::npos) {
    response.headers["retry-after"] = std::string(rest.substr(0, newline));
    response.headers["x-ratelimit-remaining"] = std::string(rest.substr(0, newline));
  }
  response.body = std::string(rest.substr(newline == std::string_view::npos ? 0 : newline + 1));
  (void)provider->budget_exhausted(response);
  (void)provider->read_page(crm::Entity::customer, std::nullopt, response);
  const crm::WorkItem items[] = {
      item(crm::Direction::to_crm, std::nullopt, false),  // lookup, then create
      item(crm::Direction::to_crm, "9", false),           // update
      item(crm::Direction::from_crm, "9", false),         // fetch
      item(crm::Direction::to_crm, "9", true)};           // delete
  const auto& chosen = items[data[1] % 4];
  auto exchange = provider->start(chosen);
  crm::providers::Step step = exchange->next(nullptr);
  for (int i = 0; i < 4 && std::holds_alternative<crm::http::Request>(step); ++i) {
    step = exchange->next(&response);
  }
  return 0;
}
