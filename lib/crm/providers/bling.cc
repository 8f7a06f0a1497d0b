// Bling ERP API v3: OAuth2 bearer (refreshed by sync/credentials before the
// run), {data} envelopes with int64 ids, full-record PUT (204 for contatos),
// ?pagina=&limite= paging until a short page, error.{message, description,
// fields[]}, 429 bodies whose error.period tells second from day.
// CRM_APIS.md section 3.
#include "crm/providers/named_providers.h"
#include "crm/providers/profile_builders.h"
#include "crm/providers/profile_config.h"

namespace crm::providers {
namespace {

/// /contatos: person type from the document, deactivated by situacao I.
/// The lists' change filter. Rows carry no update time, so the next filter
/// value is Bling's clock (its Date header) in Brasilia time, UTC-3.
ChangeFilter changed_since() {
  ChangeFilter changes;
  changes.param = "dataAlteracaoInicial";
  changes.clock_format = "%Y-%m-%d %H:%M:%S";
  changes.clock_utc_offset_minutes = -180;
  return changes;
}

Endpoint contact_endpoint() {
  using namespace build;
  using T = FieldType;
  FieldSpec person_type = field("document", "tipo", T::person_type, "tipo");
  person_type.values = {"F", "J"};
  Endpoint contact = endpoint(
      "/contatos",
      {required(field("name", "nome")), field("email", "email"),
       field("phone", "telefone"),
       field("document", "numeroDocumento", T::digits), person_type,
       constant("situacao", "situacao", json::Value::string("A")),
       // Required by the document: 9, not a taxpayer (a store
       // whose customers have a state registration overrides it).
       constant("indicadorIe", "indicadorIe", json::Value::number(9LL))});
  contact.lookups = {lookup("numeroDocumento", "document", T::digits)};
  contact.deactivate = {"situacao", json::Value::string("I")};
  contact.partial_list_rows = true;  // list rows: no e-mail
  contact.changes = changed_since();
  contact.read_only = {"id"};
  return contact;
}

/// /produtos: simple products, looked up by codigo.
Endpoint product_endpoint() {
  using namespace build;
  using T = FieldType;
  Endpoint product = endpoint(
      "/produtos", {required(at_most(120, field("name", "nome"))),
                    field("sku", "codigo"), field("price", "preco", T::number),
                    field("cost", "fornecedor.precoCusto", T::number),
                    constant("tipo", "tipo", json::Value::string("P")),
                    constant("situacao", "situacao", json::Value::string("A")),
                    constant("formato", "formato", json::Value::string("S"))});
  product.lookups = {lookup("codigos[]", "sku")};
  product.deactivate = {"situacao", json::Value::string("I")};
  product.partial_list_rows = true;  // list rows: no cost (fornecedor)
  product.changes = changed_since();
  // Computed by Bling, not taken on write (and a simple product has no
  // variations to send back).
  product.read_only = {"id", "imagemURL", "estoque.saldoVirtualTotal",
                       "variacoes"};
  return product;
}

/// /pedidos/vendas with its itens and parcelas, looked up by numeroLoja.
Endpoint order_endpoint() {
  using namespace build;
  using T = FieldType;
  // The document marks itens[].id and parcelas[].id required even on create:
  // 0 asks for new lines.
  Endpoint order = endpoint(
      "/pedidos/vendas",
      {field("local_id", "numeroLoja", T::string, "numeroLoja"),
       required(field("date", "data", T::date)),
       required(field("date", "dataSaida", T::date, "dataSaida")),
       required(field("date", "dataPrevista", T::date, "dataPrevista")),
       required(reference("customer_id", "contato.id", Entity::customer,
                          T::integer)),
       reference("customer_id", "contato.nome", Entity::customer, T::string,
                 "name", "customer_name"),
       field("discount", "desconto.valor", T::number),
       constant("discount_unit", "desconto.unidade",
                json::Value::string("REAL"), "discount"),
       field("freight", "transporte.frete", T::number)});
  order.children = {
      ChildSpec{
          "lines",
          "itens",
          {constant("line_id", "id", json::Value::number(0LL)),
           required(with_fallback(field("description", "descricao"),
                                  "product_id.name")),
           reference("product_id", "produto.id", Entity::product, T::integer),
           required(field("quantity", "quantidade", T::number)),
           required(field("price", "valor", T::number)),
           required(field("price", "valorLista", T::number, "valorLista"))}},
      ChildSpec{"installments",
                "parcelas",
                {constant("installment_id", "id", json::Value::number(0LL)),
                 required(field("due_date", "dataVencimento", T::date)),
                 required(field("amount", "valor", T::number)),
                 // An account id (GET /formas-pagamentos); a store can set
                 // configuracoes.defaults.payment_method for rows without.
                 required(field("payment_method", "formaPagamento.id",
                                T::integer))}}};
  // numeroLoja is only a number: an order of another store or typed in
  // Bling may share it. The lookup links only an order of this sale's
  // contato.
  order.lookups = {lookup("numerosLojas[]", "local_id")};
  order.lookups.front().proof = {"contato.id"};
  // An order discount (desconto.valor, an amount); line discounts are
  // percentages in Bling, so local line discounts join the order's.
  order.totals = SaleArithmetic{.order_discount = true};
  order.partial_list_rows = true;  // list rows: no items, installments
  order.read_only = {"id", "totalProdutos", "total"};
  return order;
}

}  // namespace

Profile bling_profile() {
  using namespace build;
  Profile profile;
  profile.name = "bling";
  profile.requests_per_minute = 180;  // 3 requests a second
  profile.requests_per_second = 3;
  profile.paging = Paging::page;
  profile.page_param = "pagina";
  profile.page_size_param = "limite";
  profile.page_size = 100;
  profile.remaining_header.clear();  // no rate headers; 429 with a body
  profile.full_record_updates = true;
  profile.read_before_update = true;
  profile.error_paths = {"error.message", "error.description",
                         "error.fields.0.msg", "error.fields.1.msg",
                         "error.fields.2.msg"};
  profile.period_in_body = true;
  profile.oauth = true;

  profile.endpoints[Entity::customer] = contact_endpoint();
  profile.endpoints[Entity::product] = product_endpoint();
  profile.endpoints[Entity::sale] = order_endpoint();
  profile.endpoints[Entity::activity] = unsupported(
      "Bling API v3 has no tasks or activities resource (propostas-comerciais "
      "are quotes)");
  return profile;
}

std::unique_ptr<Provider> make_bling_provider(
    const integrations::Integration& integration) {
  return make_named_provider(
      bling_profile(), integration,
      {{"Authorization",
        "Bearer " + require_credential(integration, "access_token")}});
}

}  // namespace crm::providers
