// GestaoClick (Betel): https://api.gestaoclick.com/api, two token headers,
// {code, status, data} envelopes with digit-string ids, ?pagina=N paging
// until meta.proxima_pagina is null, validation errors as HTTP 404 with
// data.mensagem, full-record PUT. CRM_APIS.md section 1.
#include "crm/providers/named_providers.h"
#include "crm/providers/profile_builders.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {
namespace {

/// /clientes: CPF or CNPJ by person type, looked up by either, then e-mail.
Endpoint customer_endpoint() {
  using namespace build;
  using T = FieldType;
  FieldSpec person_type =
      field("document", "tipo_pessoa", T::person_type, "tipo_pessoa");
  person_type.values = {"PF", "PJ"};
  Endpoint customer = endpoint(
      "/clientes",
      {person_type, required(field("name", "nome")), field("email", "email"),
       field("phone", "telefone"), field("document", "cpf", T::cpf, "cpf"),
       field("document", "cnpj", T::cnpj, "cnpj")});
  customer.lookups = {lookup("cpf_cnpj", "document", T::cpf),
                      lookup("cpf_cnpj", "document", T::cnpj),
                      lookup("email", "email")};
  customer.deactivate = {"ativo", json::Value::string("0")};
  // No change filter is documented: the mirror is refreshed by a scan.
  customer.changes.updated_path = "modificado_em";
  return customer;
}

/// /produtos, looked up by codigo.
Endpoint product_endpoint() {
  using namespace build;
  Endpoint product =
      endpoint("/produtos", {required(field("name", "nome")),
                             required(field("sku", "codigo_interno")),
                             field("price", "valor_venda"),
                             required(field("cost", "valor_custo"))});
  product.lookups = {lookup("codigo", "sku")};
  product.deactivate = {"ativo", json::Value::string("0")};
  product.changes.updated_path = "modificado_em";
  return product;
}

/// /vendas with its produtos and pagamentos.
Endpoint sale_endpoint() {
  using namespace build;
  using T = FieldType;
  Endpoint sale = endpoint(
      "/vendas",
      {constant("tipo", "tipo", json::Value::string("produto")),
       field("local_id", "codigo", T::string, "codigo"),
       required(reference("customer_id", "cliente_id", Entity::customer)),
       required(field("status", "situacao_id")),
       required(field("date", "data", T::date)),
       field("freight", "valor_frete")});
  sale.children = {
      ChildSpec{"lines",
                "produtos",
                {reference("product_id", "produto.produto_id", Entity::product),
                 field("quantity", "produto.quantidade"),
                 field("price", "produto.valor_venda"),
                 field("discount", "produto.desconto_valor"),
                 constant("discount_type", "produto.tipo_desconto",
                          json::Value::string("R$"), "discount")}},
      ChildSpec{"installments",
                "pagamentos",
                {field("due_date", "pagamento.data_vencimento", T::date),
                 field("amount", "pagamento.valor"),
                 field("payment_method", "pagamento.forma_pagamento_id")}}};
  // Discounts per line only: an order discount is spread over the lines.
  sale.totals = SaleArithmetic{.order_discount = false};
  return sale;
}

}  // namespace

Profile gestaoclick_profile() {
  using namespace build;
  Profile profile;
  profile.name = "gestaoclick";
  profile.requests_per_minute = 180;  // 3 requests a second
  profile.requests_per_second = 3;
  profile.paging = Paging::page;
  profile.page_param = "pagina";
  profile.page_size_param.clear();  // not in the blueprint: pages hold 100
  profile.page_size = 100;
  profile.next_path = "meta.proxima_pagina";
  profile.remaining_header.clear();  // no rate headers; 429 only
  profile.full_record_updates = true;
  profile.read_before_update = true;
  profile.error_paths = {"data.mensagem", "data.erro", "mensagem", "message"};
  profile.not_found_has_message = true;

  profile.endpoints[Entity::customer] = customer_endpoint();
  profile.endpoints[Entity::product] = product_endpoint();
  profile.endpoints[Entity::sale] = sale_endpoint();
  profile.endpoints[Entity::activity] = unsupported(
      "GestaoClick has no activities resource (orcamentos or ordens_servicos "
      "are the nearest: "
      "set configuracoes.entities.atividade to map one)");
  return profile;
}

std::unique_ptr<Provider> make_gestaoclick_provider(
    const integrations::Integration& integration) {
  return make_named_provider(
      gestaoclick_profile(), integration,
      {{"access-token", require_credential(integration, "access_token")},
       {"secret-access-token",
        require_credential(integration, "secret_access_token")}});
}

}  // namespace crm::providers
