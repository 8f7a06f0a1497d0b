// The four named adapters, request by request, with canned responses shaped
// like the providers' documents (the OpenAPI examples for Pipedrive and
// ActiveCampaign, CRM_APIS.md's quoted bodies for Bling and GestaoClick).
#include <catch2/catch.hpp>

#include "crm/core/errors.h"
#include "crm/providers/named_providers.h"
#include "crm/providers/oauth.h"
#include "crm/providers/provider_factory.h"
#include "crm/providers/rest_provider.h"
#include "provider_test_support.h"

using crm::Entity;
using crm::ItemOutcome;
using crm::OutcomeKind;
using crm::http::Request;
using crm::providers::FieldSpec;
using crm::providers::FieldType;
using test::outcome_of;
using test::request_of;
using test::response;

namespace {

crm::integrations::Integration integration(
    const std::string& provider, std::map<std::string, std::string> credentials,
    const std::string& settings = "{}") {
  crm::integrations::Integration out;
  out.id = 3;
  out.store_id = 7;
  out.provider = provider;
  out.base_url = "https://crm.test/base/";
  for (auto& [key, value] : credentials) out.credentials.set(key, value);
  out.settings = *crm::json::parse(settings);
  return out;
}

crm::WorkItem item(Entity entity,
                   std::map<std::string, std::optional<std::string>> fields,
                   std::optional<std::string> external_id = {},
                   crm::Direction direction = crm::Direction::to_crm) {
  crm::WorkItem out;
  out.row.id = 1;
  out.row.store_id = 7;
  out.row.entity = entity;
  out.row.record_id = 12;
  out.row.direction = direction;
  crm::LocalRecord record;
  record.id = 12;
  record.external_id = std::move(external_id);
  record.fields = std::move(fields);
  out.record = record;
  return out;
}

crm::LocalRecord referenced(
    std::optional<std::string> external_id,
    std::map<std::string, std::optional<std::string>> fields = {}) {
  crm::LocalRecord record;
  record.external_id = std::move(external_id);
  record.fields = std::move(fields);
  return record;
}

std::string header(const Request& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

TEST_CASE(
    "pipedrive: a person is searched by exact e-mail, then created with v2 "
    "arrays",
    "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("pipedrive", {{"api_token", "pd-secret"}}));
  auto exchange = provider->start(
      item(Entity::customer,
           {{"name", "Ana"}, {"email", "ana@x.com"}, {"phone", std::nullopt}}));
  const Request search = request_of(exchange->next(nullptr));
  CHECK(search.url ==
        "https://crm.test/base/persons/"
        "search?fields=email&exact_match=true&term=ana%40x.com");
  CHECK(header(search, "x-api-token") == "pd-secret");
  // The document's example for a search without hits has no items.
  const auto none = response(
      200,
      R"({"success":true,"data":{"items":[]},"additional_data":{"next_cursor":null}})");
  const Request create = request_of(exchange->next(&none));
  CHECK(create.method == "POST");
  CHECK(create.url == "https://crm.test/base/persons");
  CHECK(create.body ==
        R"({"name":"Ana","emails":[{"value":"ana@x.com","primary":true}]})");
  // POST /persons 200 example (trimmed): integer id.
  const auto created = response(
      200,
      R"({"success":true,"data":{"id":1,"name":"Person Name","first_name":"Person","emails":[{"value":"email1@email.com","primary":true,"label":"work"}]}})");
  const ItemOutcome outcome = outcome_of(exchange->next(&created));
  CHECK(outcome.kind == OutcomeKind::success);
  CHECK(outcome.external_id == "1");
}

TEST_CASE(
    "pipedrive: a search hit links with a PATCH, errors and budgets read its "
    "envelope",
    "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("pipedrive", {{"api_token", "t"}}));
  auto exchange = provider->start(item(
      Entity::customer, {{"name", "Jane"}, {"email", "jane@pipedrive.com"}}));
  (void)exchange->next(nullptr);
  // GET /persons/search 200 example (trimmed).
  const auto hit = response(
      200,
      R"({"success":true,"data":{"items":[{"result_score":0.5092,"item":{"id":1,"type":"person","name":"Jane Doe","emails":["jane@pipedrive.com"]}}]}})");
  const Request link = request_of(exchange->next(&hit));
  CHECK(link.method == "PATCH");
  CHECK(link.url == "https://crm.test/base/persons/1");
  const auto refused = response(
      403,
      R"({"success":false,"error":"You have reached the limit of deals","error_info":"Please check developers.pipedrive.com","data":null,"additional_data":null,"code":"feature_capping_deals_limit"})");
  const ItemOutcome failed = outcome_of(exchange->next(&refused));
  CHECK(failed.kind == OutcomeKind::permanent);
  CHECK(failed.message ==
        "PATCH /persons/1: HTTP 403: You have reached the limit of deals");

  auto budget = response(
      200, "{}", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2"}});
  CHECK(provider->budget_exhausted(budget) == std::chrono::seconds(2));
  budget.headers.erase("x-ratelimit-reset");
  CHECK(provider->budget_exhausted(budget) ==
        std::chrono::seconds(2));  // the burst window
}

TEST_CASE("pipedrive: a deal sends its person's integer id, or waits for it",
          "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("pipedrive", {{"api_token", "t"}}));
  auto deal = item(Entity::sale, {{"customer_id", "5"},
                                  {"total", "1234.50"},
                                  {"date", "2026-11-20 10:00:00"}});
  deal.referenced[{Entity::customer, 5}] = referenced(std::nullopt);
  const ItemOutcome waiting = outcome_of(provider->start(deal)->next(nullptr));
  CHECK(waiting.kind == OutcomeKind::waiting);
  CHECK(waiting.message ==
        "waiting: cliente 5 not synced to the CRM yet (no external_id)");
  REQUIRE(waiting.waiting_for.size() == 1);
  CHECK(waiting.waiting_for.front() == crm::RecordKey{Entity::customer, 5});

  deal.referenced[{Entity::customer, 5}] = referenced("42");
  const Request create = request_of(provider->start(deal)->next(nullptr));
  CHECK(
      create.body ==
      R"({"title":"Venda 12","value":1234.50,"currency":"BRL","person_id":42,"expected_close_date":"2026-11-20"})");

  auto orphan = item(Entity::sale, {{"customer_id", "9"}});
  const ItemOutcome missing =
      outcome_of(provider->start(orphan)->next(nullptr));
  CHECK(missing.kind == OutcomeKind::permanent);
  CHECK(missing.message ==
        "field 'customer_id': cliente 9 does not exist locally");
}

TEST_CASE("pipedrive: list pages follow next_cursor", "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("pipedrive", {{"api_token", "t"}}));
  CHECK(request_of(provider->list_page(Entity::customer, std::nullopt)).url ==
        "https://crm.test/base/persons?limit=100");
  CHECK(request_of(provider->list_page(Entity::customer, "eyJ9")).url ==
        "https://crm.test/base/persons?limit=100&cursor=eyJ9");
  // GET /persons 200 example (trimmed).
  const auto page = response(
      200,
      R"({"success":true,"data":[{"id":1,"name":"Person Name","emails":[{"value":"email1@email.com","primary":true}],"phones":[{"value":"12345","primary":true}]}],"additional_data":{"next_cursor":"eyJmaWVsZCI6ImlkIn0"}})");
  const auto read = provider->read_page(Entity::customer, std::nullopt, page);
  REQUIRE(std::holds_alternative<crm::providers::Page>(read));
  const auto& first = std::get<crm::providers::Page>(read);
  CHECK(first.next_cursor == "eyJmaWVsZCI6ImlkIn0");
  REQUIRE(first.records.size() == 1);
  CHECK(first.records[0].external_id == "1");
  using Fields =
      std::vector<std::pair<std::string, std::optional<std::string>>>;
  CHECK(first.records[0].fields == Fields{{"name", "Person Name"},
                                          {"email", "email1@email.com"},
                                          {"phone", "12345"}});
  const auto last = response(
      200,
      R"({"success":true,"data":[],"additional_data":{"next_cursor":null}})");
  CHECK_FALSE(std::get<crm::providers::Page>(
                  provider->read_page(Entity::customer, "x", last))
                  .next_cursor);
}

TEST_CASE(
    "bling: contatos carry digits and a person type, ids above 32 bits stay "
    "whole",
    "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("bling", {{"access_token", "acc"}}));
  auto exchange = provider->start(
      item(Entity::customer, {{"name", "Beta Ltda"},
                              {"email", std::nullopt},
                              {"document", "12.345.678/0001-95"}}));
  const Request lookup = request_of(exchange->next(nullptr));
  CHECK(lookup.url ==
        "https://crm.test/base/contatos?numeroDocumento=12345678000195");
  CHECK(header(lookup, "Authorization") == "Bearer acc");
  const auto none = response(200, R"({"data":[]})");
  const Request create = request_of(exchange->next(&none));
  CHECK(
      create.body ==
      R"({"nome":"Beta Ltda","numeroDocumento":"12345678000195","tipo":"J","situacao":"A","indicadorIe":9})");
  const auto created = response(201, R"({"data":{"id":6423817751}})");
  CHECK(outcome_of(exchange->next(&created)).external_id == "6423817751");

  // An update reads the record first and writes the mapped fields over it:
  // the PUT replaces the record, and what the store does not map stays.
  auto update = provider->start(
      item(Entity::customer, {{"name", "Ana"}, {"document", std::nullopt}},
           "6423817751"));
  const Request read = request_of(update->next(nullptr));
  CHECK(read.method == "GET");
  CHECK(read.url == "https://crm.test/base/contatos/6423817751");
  const auto current = response(
      200,
      R"({"data":{"id":6423817751,"nome":"Ana Velha","tipo":"F","endereco":{"geral":{"cep":"01001-000"}}}})");
  const Request put = request_of(update->next(&current));
  CHECK(put.method == "PUT");
  CHECK(
      put.body ==
      R"({"nome":"Ana","tipo":"F","endereco":{"geral":{"cep":"01001-000"}},"situacao":"A","indicadorIe":9})");
  const auto no_content = response(204, "");
  CHECK(outcome_of(update->next(&no_content)).kind == OutcomeKind::success);
}

TEST_CASE("bling: an order sends contato, itens and parcelas from child rows",
          "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("bling", {{"access_token", "acc"}}));
  auto order = item(Entity::sale,
                    {{"customer_id", "5"}, {"date", "2026-11-20 10:00:00"}});
  order.record->children["lines"] = {{{"product_id", "8"},
                                      {"description", "Caneta"},
                                      {"quantity", "2.000"},
                                      {"price", "2.50"}}};
  order.record->children["installments"] = {{{"due_date", "2026-12-20"},
                                             {"amount", "5.00"},
                                             {"payment_method", "7"}}};
  order.referenced[{Entity::customer, 5}] =
      referenced("6423817751", {{"name", "Beta Ltda"}});
  order.referenced[{Entity::product, 8}] = referenced("6423817752");
  auto exchange = provider->start(order);
  const Request lookup = request_of(exchange->next(nullptr));
  CHECK(lookup.url ==
        "https://crm.test/base/pedidos/vendas?numerosLojas%5B%5D=12");
  const auto none = response(200, R"({"data":[]})");
  const Request create = request_of(exchange->next(&none));
  CHECK(
      create.body ==
      R"({"numeroLoja":"12","data":"2026-11-20","dataSaida":"2026-11-20","dataPrevista":"2026-11-20",)"
      R"("contato":{"id":6423817751,"nome":"Beta Ltda"},)"
      R"("itens":[{"id":0,"descricao":"Caneta","produto":{"id":6423817752},"quantidade":2.000,"valor":2.50,"valorLista":2.50}],)"
      R"("parcelas":[{"id":0,"dataVencimento":"2026-12-20","valor":5.00,"formaPagamento":{"id":7}}]})");
}

TEST_CASE("bling: errors, 429 periods and an expired access token", "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("bling", {{"access_token", "acc"}}));
  auto exchange = provider->start(
      item(Entity::product, {{"name", "Caneta"}, {"sku", std::nullopt}}));
  (void)exchange->next(nullptr);
  // ErrorResponse as in the document (CRM_APIS.md 3.2).
  const auto invalid = response(
      400,
      R"({"error":{"type":"VALIDATION_ERROR","message":"Não foi possível salvar a venda","description":"A venda não pode ser salva","fields":[{"code":49,"msg":"As parcelas não batem","element":"parcelas","namespace":"VENDAS"}]}})");
  const ItemOutcome failed = outcome_of(exchange->next(&invalid));
  CHECK(failed.kind == OutcomeKind::permanent);
  CHECK(failed.message ==
        "POST /produtos: HTTP 400: Não foi possível salvar a venda; A venda "
        "não pode ser salva; As parcelas não batem");

  const auto per_second = response(
      429,
      R"({"error":{"type":"TOO_MANY_REQUESTS","message":"Limite de requisições atingido.","description":"O limite de requisições por segundo foi atingido, tente novamente mais tarde.","limit":3,"period":"second"}})");
  auto again = provider->start(item(Entity::product, {{"name", "Caneta"}}));
  (void)again->next(nullptr);
  const ItemOutcome limited = outcome_of(again->next(&per_second));
  CHECK(limited.kind == OutcomeKind::rate_limited);
  CHECK(limited.retry_after == std::chrono::seconds(1));
  const auto per_day = response(
      429,
      R"({"error":{"type":"TOO_MANY_REQUESTS","limit":120000,"period":"day"}})");
  auto daily = provider->start(item(Entity::product, {{"name", "Caneta"}}));
  (void)daily->next(nullptr);
  CHECK(outcome_of(daily->next(&per_day)).retry_after ==
        std::chrono::seconds(3600));

  const auto expired = response(
      401,
      R"({"error":{"type":"invalid_token","message":"invalid_token","description":"The access token provided has expired"}})");
  auto rejected = provider->start(item(Entity::product, {{"name", "Caneta"}}));
  (void)rejected->next(nullptr);
  const ItemOutcome paused = outcome_of(rejected->next(&expired));
  CHECK(paused.kind == OutcomeKind::rate_limited);
  CHECK(provider->credentials_expired(expired));

  const ItemOutcome unsupported =
      outcome_of(provider->start(item(Entity::activity, {}))->next(nullptr));
  CHECK(unsupported.kind == OutcomeKind::permanent);
  CHECK(unsupported.message.starts_with(
      "not supported: Bling API v3 has no tasks"));
}

TEST_CASE("bling: OAuth refresh request and response", "[unit]") {
  const Request request = crm::providers::refresh_request(
      "https://crm.test/oauth/token", "cid", "sec", "r/1+");
  CHECK(request.method == "POST");
  CHECK(header(request, "Authorization") == "Basic Y2lkOnNlYw==");
  CHECK(request.body == "grant_type=refresh_token&refresh_token=r%2F1%2B");
  const auto ok = response(
      200,
      R"({"access_token":"a2","expires_in":21600,"token_type":"Bearer","scope":"1 2","refresh_token":"r2"})");
  const auto pair = std::get<crm::providers::TokenPair>(
      crm::providers::read_refresh_response(ok));
  CHECK(pair.access_token == "a2");
  CHECK(pair.refresh_token == "r2");
  CHECK(pair.expires_in == 21600);
  const auto dead = response(
      400,
      R"({"error":{"type":"invalid_grant","message":"invalid_grant","description":"Invalid refresh token"}})");
  CHECK(std::get<std::string>(crm::providers::read_refresh_response(dead)) ==
        "token refresh: HTTP 400: invalid_grant: Invalid refresh token");
  const auto half = response(200, R"({"access_token":"a2"})");
  CHECK(std::get<std::string>(crm::providers::read_refresh_response(half))
            .starts_with("token refresh: HTTP 200 without access_token and "
                         "refresh_token"));
}

TEST_CASE(
    "activecampaign: contacts upsert through contact/sync, deals in cents",
    "[unit]") {
  auto provider = crm::providers::make_provider(
      integration("activecampaign", {{"api_token", "ac"}}));
  auto exchange =
      provider->start(item(Entity::customer, {{"name", "John Doe"},
                                              {"email", "johndoe@example.com"},
                                              {"phone", "7223224241"}}));
  const Request sync = request_of(exchange->next(nullptr));
  CHECK(sync.url == "https://crm.test/base/contact/sync");
  CHECK(header(sync, "Api-Token") == "ac");
  CHECK(
      sync.body ==
      R"({"contact":{"email":"johndoe@example.com","firstName":"John","lastName":"Doe","phone":"7223224241"}})");
  // POST /contact/sync 201 example (trimmed): string ids in a "contact"
  // envelope.
  const auto created = response(
      201,
      R"({"fieldValues":[],"contact":{"email":"johndoe@example.com","phone":"7223224241","firstName":"John","lastName":"Doe","cdate":"2022-04-14T10:03:23-05:00","id":"10"}})");
  CHECK(outcome_of(exchange->next(&created)).external_id == "10");

  const ItemOutcome no_email = outcome_of(
      provider->start(item(Entity::customer, {{"name", "X"}, {"email", ""}}))
          ->next(nullptr));
  CHECK(no_email.kind == OutcomeKind::permanent);
  CHECK(no_email.message ==
        "field 'email' is empty, and activecampaign requires it: not sent");

  auto deal = item(Entity::sale, {{"customer_id", "5"}, {"total", "1234.56"}});
  deal.referenced[{Entity::customer, 5}] = referenced("10");
  CHECK(
      request_of(provider->start(deal)->next(nullptr)).body ==
      R"({"deal":{"title":"Venda 12","contact":"10","value":123456,"currency":"brl","group":"1","stage":"1","owner":"1"}})");

  auto fetch = provider->start(
      item(Entity::sale, {{"total", "0"}}, "3", crm::Direction::from_crm));
  CHECK(request_of(fetch->next(nullptr)).url ==
        "https://crm.test/base/deals/3");
  const auto got = response(
      200,
      R"({"deal":{"id":"3","title":"Venda 12","value":"123456","currency":"brl"}})");
  const ItemOutcome fetched = outcome_of(fetch->next(&got));
  using Fields =
      std::vector<std::pair<std::string, std::optional<std::string>>>;
  CHECK(fetched.remote_fields == Fields{{"total", "1234.56"}});

  const auto duplicate = response(
      422,
      R"({"errors":[{"title":"Email address already exists in the system","detail":"","code":"duplicate","source":{"pointer":"/data/attributes/email"}}]})");
  auto again = provider->start(item(Entity::customer, {{"email", "a@x.com"}}));
  (void)again->next(nullptr);
  CHECK(outcome_of(again->next(&duplicate)).message ==
        "POST /contact/sync: HTTP 422: Email address already exists in the "
        "system");
  CHECK(outcome_of(provider->start(item(Entity::product, {}))->next(nullptr))
            .message ==
        "not supported: ActiveCampaign has no product catalog (only e-commerce "
        "order lines)");
}

TEST_CASE("activecampaign: pages by offset until meta.total", "[unit]") {
  auto provider = crm::providers::make_provider(integration(
      "activecampaign", {{"api_token", "ac"}}, R"({"page_size": 2})"));
  CHECK(request_of(provider->list_page(Entity::customer, std::nullopt)).url ==
        "https://crm.test/base/contacts?limit=2&offset=0");
  const auto page = response(
      200,
      R"({"scoreValues":[],"contacts":[{"email":"adam@activecampaign.com","firstName":"Adam","lastName":"","id":"1"},{"email":"b@x.com","firstName":"B","lastName":"C","id":"2"}],"meta":{"total":"3","page_input":{}}})");
  const auto first = std::get<crm::providers::Page>(
      provider->read_page(Entity::customer, std::nullopt, page));
  CHECK(first.next_cursor == "2");
  CHECK(first.records[1].fields.front() ==
        std::pair<std::string, std::optional<std::string>>{"email", "b@x.com"});
  const auto end = response(
      200,
      R"({"contacts":[{"email":"c@x.com","id":"3"}],"meta":{"total":"3"}})");
  CHECK_FALSE(std::get<crm::providers::Page>(
                  provider->read_page(Entity::customer, "2", end))
                  .next_cursor);
}

TEST_CASE(
    "gestaoclick: documents formatted, validation 404s read data.mensagem",
    "[unit]") {
  auto provider = crm::providers::make_provider(integration(
      "gestaoclick", {{"access_token", "tok"}, {"secret_access_token", "sec"}},
      R"({"on_delete": "delete"})"));
  auto exchange = provider->start(item(
      Entity::customer,
      {{"name", "Ana"}, {"email", "ana@x.com"}, {"document", "47718252620"}}));
  const Request lookup = request_of(exchange->next(nullptr));
  CHECK(lookup.url == "https://crm.test/base/clientes?cpf_cnpj=477.182.526-20");
  CHECK(header(lookup, "access-token") == "tok");
  CHECK(header(lookup, "secret-access-token") == "sec");
  const auto none = response(
      200,
      R"({"code":200,"status":"success","meta":{"total_registros":0,"proxima_pagina":null},"data":[]})");
  const Request by_email = request_of(exchange->next(&none));
  CHECK(by_email.url == "https://crm.test/base/clientes?email=ana%40x.com");
  const Request create = request_of(exchange->next(&none));
  CHECK(
      create.body ==
      R"({"tipo_pessoa":"PF","nome":"Ana","email":"ana@x.com","cpf":"477.182.526-20"})");
  const auto invalid = response(
      404,
      R"({"code":404,"status":"error","data":{"erro":"Not Found","mensagem":"O campo nome é obrigatório"}})");
  const ItemOutcome failed = outcome_of(exchange->next(&invalid));
  CHECK(failed.kind == OutcomeKind::permanent);
  CHECK(failed.message ==
        "POST /clientes: HTTP 404: O campo nome é obrigatório; Not Found");

  // on_delete "delete": a 404 with a message is an error, without one the
  // record is gone.
  auto removed = item(Entity::customer, {}, "9");
  removed.record->deleted = true;
  auto deletion = provider->start(removed);
  CHECK(request_of(deletion->next(nullptr)).method == "DELETE");
  CHECK(outcome_of(deletion->next(&invalid)).kind == OutcomeKind::permanent);
  auto again = provider->start(removed);
  (void)again->next(nullptr);
  const auto gone = response(
      404, R"({"code":404,"status":"error","data":{"erro":"Not Found"}})");
  CHECK(outcome_of(again->next(&gone)).message ==
        "deleted locally; already absent in CRM");
}

TEST_CASE(
    "gestaoclick: a sale's lines and installments, list pages by "
    "proxima_pagina",
    "[unit]") {
  auto provider = crm::providers::make_provider(integration(
      "gestaoclick", {{"access_token", "tok"}, {"secret_access_token", "sec"}},
      R"({"entities": {"venda": {"extra_fields": {"status": {"path": "situacao_id", "values": {"pago": "3"}}}}}})"));
  auto sale = item(Entity::sale,
                   {{"customer_id", "5"},
                    {"status", "pago"},
                    {"date", "2026-11-20 10:00:00"}},
                   "77");
  sale.record->children["lines"] = {
      {{"product_id", "8"}, {"quantity", "2"}, {"price", "2.50"}}};
  sale.record->children["installments"] = {{{"due_date", "2026-12-20"},
                                            {"amount", "5.00"},
                                            {"payment_method", std::nullopt}}};
  sale.referenced[{Entity::customer, 5}] = referenced("1001");
  sale.referenced[{Entity::product, 8}] = referenced("2002");
  auto exchange = provider->start(sale);
  CHECK(request_of(exchange->next(nullptr)).url ==
        "https://crm.test/base/vendas/77");
  const auto current = response(
      200,
      R"({"code":200,"status":"success","data":{"id":"77","codigo":"12","vendedor_id":"4","produtos":[{"produto":{"produto_id":"1","quantidade":"9"}}]}})");
  const Request put = request_of(exchange->next(&current));
  CHECK(put.method == "PUT");
  CHECK(put.url == "https://crm.test/base/vendas/77");
  CHECK(
      put.body ==
      R"({"id":"77","codigo":"12","vendedor_id":"4",)"
      R"("produtos":[{"produto":{"produto_id":"2002","quantidade":"2","valor_venda":"2.50"}}],)"
      R"("tipo":"produto","cliente_id":"1001","data":"2026-11-20","situacao_id":"3",)"
      R"("pagamentos":[{"pagamento":{"data_vencimento":"2026-12-20","valor":"5.00"}}]})");
  const auto missing = response(
      404, R"({"code":404,"status":"error","data":{"erro":"Not Found"}})");
  auto gone = provider->start(sale);
  (void)gone->next(nullptr);
  CHECK(outcome_of(gone->next(&missing)).message ==
        "GET /vendas/77: HTTP 404: Not Found");

  CHECK(request_of(provider->list_page(Entity::product, std::nullopt)).url ==
        "https://crm.test/base/produtos?pagina=1");
  const auto page = response(
      200,
      R"({"code":200,"status":"success","meta":{"total_registros":3,"total_paginas":2,"pagina_atual":1,"proxima_pagina":2},"data":[{"id":"9","nome":"Caneta","codigo_interno":"CAN-1","valor_venda":"2.5000","valor_custo":"1.0000"}]})");
  const auto read = std::get<crm::providers::Page>(
      provider->read_page(Entity::product, std::nullopt, page));
  CHECK(read.next_cursor == "2");
  CHECK(read.records.at(0).external_id == "9");
  CHECK(outcome_of(provider->start(item(Entity::activity, {}))->next(nullptr))
            .message.starts_with(
                "not supported: GestaoClick has no activities resource"));
}

TEST_CASE("named providers refuse missing credentials and bad mappings by name",
          "[unit]") {
  REQUIRE_THROWS_WITH(crm::providers::make_provider(
                          integration("gestaoclick", {{"access_token", "t"}})),
                      "crm_integracoes: store 7: credenciais: missing "
                      "'secret_access_token' (gestaoclick)");
  REQUIRE_THROWS_WITH(
      crm::providers::make_provider(integration(
          "pipedrive", {{"api_token", "t"}},
          R"({"entities": {"cliente": {"extra_fields": {"x": {"path": "y", "type": "person_type"}}}}})")),
      Catch::Contains("type person_type needs \"values\""));
  REQUIRE_THROWS_WITH(
      crm::providers::make_provider(integration(
          "bling", {{"access_token", "t"}}, R"({"entities": {"tarefa": {}}})")),
      Catch::Contains("unknown entity 'tarefa'"));
}

TEST_CASE("field conversions", "[unit]") {
  const auto convert = [](FieldType type, std::optional<std::string> value,
                          std::vector<std::string> values = {}) {
    FieldSpec spec;
    spec.type = type;
    spec.values = std::move(values);
    const auto out = crm::providers::to_remote(value, spec);
    return out ? crm::json::dump(*out) : std::string("(refused)");
  };
  CHECK(convert(FieldType::cents, "12.345") == "1235");
  CHECK(convert(FieldType::cents, "-0.10") == "-10");
  CHECK(convert(FieldType::cents, "abc") == "(refused)");
  CHECK(convert(FieldType::digits, "123.456.789-01") == R"("12345678901")");
  CHECK(convert(FieldType::cpf, "12345678901") == R"("123.456.789-01")");
  CHECK(convert(FieldType::cpf, "12345678000195") ==
        "null");  // a CNPJ is not sent as cpf
  CHECK(convert(FieldType::cnpj, "12.345.678/0001-95") ==
        R"("12.345.678/0001-95")");
  CHECK(convert(FieldType::person_type, std::nullopt, {"F", "J"}) == R"("F")");
  CHECK(convert(FieldType::person_type, "", {"F", "J"}) == R"("F")");
  CHECK(convert(FieldType::date, "2026-11-20 10:00:00") == R"("2026-11-20")");
  CHECK(convert(FieldType::date, "20/11/2026") == "(refused)");
  CHECK(convert(FieldType::datetime, "2026-11-20") ==
        R"("2026-11-20T00:00:00")");
  CHECK(convert(FieldType::time, "2026-11-20 10:30:00") == R"("10:30:00")");
  CHECK(convert(FieldType::first_name, " Ana  Maria Souza ") == R"("Ana")");
  CHECK(convert(FieldType::last_name, "Ana Maria Souza") == R"("Maria Souza")");
  CHECK(convert(FieldType::last_name, "Ana") == "null");

  FieldSpec cents;
  cents.type = FieldType::cents;
  CHECK(crm::providers::from_remote(crm::json::Value::number_text("123456"),
                                    cents) == "1234.56");
  CHECK(crm::providers::from_remote(crm::json::Value::string("-5"), cents) ==
        "-0.05");
}

TEST_CASE(
    "gestaoclick: a walk-in sale goes with the store's walk_in_customer "
    "(without one it fails here: GestaoClick requires cliente_id)",
    "[unit]") {
  const auto sale_without_customer = [] {
    auto sale = item(Entity::sale, {{"customer_id", std::nullopt},
                                    {"status", "3"},
                                    {"date", "2026-11-20 10:00:00"}});
    sale.record->children["lines"] = {
        {{"product_id", "8"}, {"quantity", "1"}, {"price", "2.50"}}};
    sale.record->children["installments"] = {{{"due_date", "2026-12-20"},
                                              {"amount", "2.50"},
                                              {"payment_method", "1"}}};
    sale.referenced[{Entity::product, 8}] = referenced("2002");
    return sale;
  };
  const std::map<std::string, std::string> credentials = {
      {"access_token", "tok"}, {"secret_access_token", "sec"}};
  auto configured = crm::providers::make_provider(integration(
      "gestaoclick", credentials, R"({"walk_in_customer": "900"})"));
  auto exchange = configured->start(sale_without_customer());
  Request first = request_of(exchange->next(nullptr));
  if (first.method == "GET") {  // a lookup first: nothing found
    const auto none = response(200, R"({"code":200,"data":[]})");
    first = request_of(exchange->next(&none));
  }
  CHECK(first.method == "POST");
  CHECK(first.body.find(R"("cliente_id":"900")") != std::string::npos);

  auto plain =
      crm::providers::make_provider(integration("gestaoclick", credentials));
  auto without = plain->start(sale_without_customer());
  const crm::ItemOutcome refused = outcome_of(without->next(nullptr));
  CHECK(refused.kind == crm::OutcomeKind::permanent);
  CHECK(refused.message ==
        "field 'customer_id' is empty, and gestaoclick requires it: not sent");
}
