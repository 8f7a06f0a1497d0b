#include "crm/providers/generic_provider.h"

#include <catch2/catch.hpp>

#include "crm/core/errors.h"
#include "provider_test_support.h"

using crm::ItemOutcome;
using crm::OutcomeKind;
using crm::http::Request;
using crm::http::Response;
using crm::providers::Step;

using test::outcome_of;
using test::request_of;
using test::response;

namespace {

crm::integrations::Integration integration(const std::string& settings = "{}") {
  crm::integrations::Integration out;
  out.store_id = 7;
  out.provider = "generic";
  out.base_url = "http://crm.test/api/";
  out.credentials.set("token", "T0K3N");
  out.settings = *crm::json::parse(settings);
  return out;
}

crm::WorkItem customer(std::optional<std::string> external_id = {},
                       bool deleted = false) {
  crm::WorkItem item;
  item.row.id = 1;
  item.row.store_id = 7;
  item.row.record_id = 12;
  crm::LocalRecord record;
  record.id = 12;
  record.external_id = std::move(external_id);
  record.deleted = deleted;
  record.fields = {{"name", "Ana \"A\""},
                   {"email", "ana@ex.com"},
                   {"phone", std::nullopt},
                   {"document", "123"}};
  item.record = record;
  return item;
}

}  // namespace

TEST_CASE("generic: a new customer is looked up by e-mail, then created",
          "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  auto exchange = provider->start(customer());
  const Step lookup = exchange->next(nullptr);
  CHECK(request_of(lookup).method == "GET");
  CHECK(request_of(lookup).url ==
        "http://crm.test/api/clientes?email=ana%40ex.com");
  CHECK(request_of(lookup).headers.at(0) ==
        std::pair<std::string, std::string>{"Authorization", "Bearer T0K3N"});
  const Response empty = response(200, R"({"data":[]})");
  const Step create = exchange->next(&empty);
  CHECK(request_of(create).method == "POST");
  CHECK(request_of(create).url == "http://crm.test/api/clientes");
  CHECK(
      request_of(create).body ==
      R"({"codigo":12,"nome":"Ana \"A\"","email":"ana@ex.com","telefone":null,"documento":"123"})");
  const Response created = response(201, R"({"data":{"id":"1001"}})");
  const ItemOutcome done = outcome_of(exchange->next(&created));
  CHECK(done.kind == OutcomeKind::success);
  CHECK(done.operation == crm::Operation::create);
  CHECK(done.external_id == "1001");
}

TEST_CASE("generic: a customer found by the lookup is linked and updated",
          "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  auto exchange = provider->start(customer());
  exchange->next(nullptr);
  const Response found =
      response(200, R"({"data":[{"id":555,"email":"ana@ex.com"}]})");
  const Step update = exchange->next(&found);
  CHECK(request_of(update).method == "PUT");
  CHECK(request_of(update).url == "http://crm.test/api/clientes/555");
  const Response ok = response(200, R"({"data":{"id":555}})");
  const ItemOutcome done = outcome_of(exchange->next(&ok));
  CHECK(done.operation == crm::Operation::link);
  CHECK(done.external_id == "555");
}

TEST_CASE("generic: errors become outcomes with the API's message", "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  auto exchange = provider->start(customer("9"));
  CHECK(request_of(exchange->next(nullptr)).method == "PUT");
  const Response invalid = response(422, R"({"message":"email is invalid"})");
  const ItemOutcome failed = outcome_of(exchange->next(&invalid));
  CHECK(failed.kind == OutcomeKind::permanent);
  CHECK(failed.message == "PUT /clientes/9: HTTP 422: email is invalid");

  auto second = provider->start(customer());
  second->next(nullptr);
  const Response garbage = response(200, R"({"data":[)");
  const ItemOutcome broken = outcome_of(second->next(&garbage));
  CHECK(broken.kind == OutcomeKind::transient);  // retried, never a create
  CHECK(broken.message.starts_with(
      "GET /clientes?email=...: HTTP 200: response is not JSON"));

  auto third = provider->start(customer());
  third->next(nullptr);
  const Response no_list = response(200, R"({"data":[]})");
  third->next(&no_list);
  const Response no_id = response(201, R"({"data":{}})");
  CHECK(outcome_of(third->next(&no_id)).message ==
        "POST /clientes: HTTP 201: no id at 'data.id' in the response");
}

TEST_CASE(
    "generic: a lookup answer that is not a clear 'no match' never "
    "leads to a create",
    "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  for (const char* body :
       {R"({"success":true,"data":null})", R"({"data":{}})", R"({"other":[]})",
        R"({"data":"none"})", R"({"data":[{"name":"no id"}]})",
        "<html>502 Bad Gateway</html>"}) {
    INFO(body);
    auto exchange = provider->start(customer());
    CHECK(request_of(exchange->next(nullptr)).method == "GET");
    const Response answer = response(200, body);
    const crm::providers::Step step = exchange->next(&answer);
    REQUIRE(std::holds_alternative<ItemOutcome>(step));
    CHECK(std::get<ItemOutcome>(step).kind == OutcomeKind::transient);
  }
  auto exchange = provider->start(customer());
  exchange->next(nullptr);
  const Response empty = response(200, R"({"data":[]})");
  CHECK(request_of(exchange->next(&empty)).method == "POST");
}

TEST_CASE("generic: fetching maps remote fields back to local ones", "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  auto item = customer("77");
  item.row.direction = crm::Direction::from_crm;
  auto exchange = provider->start(item);
  const Request get = request_of(exchange->next(nullptr));
  CHECK(get.url == "http://crm.test/api/clientes/77");
  const Response remote = response(
      200,
      R"({"data":{"id":"77","nome":"Ana Maria","email":null,"codigo":1}})");
  const ItemOutcome done = outcome_of(exchange->next(&remote));
  CHECK(done.operation == crm::Operation::fetch);
  using Fields =
      std::vector<std::pair<std::string, std::optional<std::string>>>;
  CHECK(done.remote_fields ==
        Fields{{"name", "Ana Maria"}, {"email", std::nullopt}});
}

TEST_CASE("generic: deleted records follow on_delete", "[unit]") {
  auto ignore = crm::providers::make_generic_provider(integration());
  const ItemOutcome skipped =
      outcome_of(ignore->start(customer("5", true))->next(nullptr));
  CHECK(skipped.kind == OutcomeKind::success);
  CHECK(skipped.message == "skipped: deleted locally");

  auto remove = crm::providers::make_generic_provider(
      integration(R"({"on_delete":"delete"})"));
  auto exchange = remove->start(customer("5", true));
  CHECK(request_of(exchange->next(nullptr)).method == "DELETE");

  auto deactivate = crm::providers::make_generic_provider(integration(
      R"({"on_delete":"deactivate","deactivate":{"field":"ativo","value":false},
          "update_method":"PATCH"})"));
  const Request patch =
      request_of(deactivate->start(customer("5", true))->next(nullptr));
  CHECK(patch.method == "PATCH");
  CHECK(patch.body == R"({"ativo":false})");
}

TEST_CASE("generic: configuration shapes requests and rejects mistakes",
          "[unit]") {
  auto custom = crm::providers::make_generic_provider(integration(R"({
      "auth": {"header": "X-Api-Key", "prefix": ""},
      "request_envelope": "customer", "record_envelope": "", "id_field": "customer.uid",
      "entities": {"cliente": {"path": "/v2/customers", "lookup": null,
                   "fields": {"name": "profile.full_name", "document": {"path": "doc", "type": "integer"}}}}})"));
  auto exchange = custom->start(customer());
  const Request create = request_of(exchange->next(nullptr));
  CHECK(create.url == "http://crm.test/api/v2/customers");
  CHECK(create.headers.at(0) ==
        std::pair<std::string, std::string>{"X-Api-Key", "T0K3N"});
  CHECK(create.body ==
        R"({"customer":{"profile":{"full_name":"Ana \"A\""},"doc":123}})");
  const Response created = response(201, R"({"customer":{"uid":"c-9"}})");
  CHECK(outcome_of(exchange->next(&created)).external_id == "c-9");

  REQUIRE_THROWS_WITH(
      crm::providers::make_generic_provider(
          integration(R"({"on_delete":"purge"})")),
      Catch::Contains("'on_delete' must be ignore, deactivate or delete"));
  REQUIRE_THROWS_WITH(crm::providers::make_generic_provider(
                          integration(R"({"auth":{"credential":"key"}})")),
                      "crm_integracoes: store 7: credenciais: missing 'key'");
  REQUIRE_THROWS_WITH(
      crm::providers::make_generic_provider(integration(
          R"({"entities":{"cliente":{"fields":{"x":{"path":"y","type":"datum"}}}}})")),
      Catch::Contains("unknown type 'datum'"));
}

TEST_CASE(
    "generic: a value that does not fit its type fails the item, not the run",
    "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration(
      R"({"entities":{"cliente":{"lookup":null,"fields":{"document":{"path":"doc","type":"number"}}}}})"));
  auto item = customer();
  item.record->fields["document"] = "123.456.789-00";
  const ItemOutcome failed = outcome_of(provider->start(item)->next(nullptr));
  CHECK(failed.kind == OutcomeKind::permanent);
  CHECK(failed.message ==
        "field 'document': cannot send '123.456.789-00' as a number");
}

TEST_CASE("generic: a budget header at zero pauses the store", "[unit]") {
  auto provider = crm::providers::make_generic_provider(integration());
  Response ok = response(200, "{}");
  CHECK_FALSE(provider->budget_exhausted(ok).has_value());
  ok.headers["x-ratelimit-remaining"] = "0";
  ok.headers["x-ratelimit-reset"] = "12";
  CHECK(provider->budget_exhausted(ok) == std::chrono::seconds(12));
}
