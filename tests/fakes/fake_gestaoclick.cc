// A fake GestaoClick (CRM_APIS.md section 1, the API Blueprint facts):
// /api/{clientes,produtos,vendas}[/{id}], headers access-token and
// secret-access-token, {code, status, data} envelopes with digit-string ids,
// ?pagina=N with meta.proxima_pagina, full-record PUT with the create's
// required fields, validation failures as HTTP 404 with data.mensagem, 429
// "O limite de requisicoes foi atingido" without Retry-After. Records carry
// cadastrado_em and modificado_em on Brasília's wall clock ("2026-11-30
// 02:50:00"), in lists too; the API has no filter by them (CRM_APIS.md 0).
//
//   fake_gestaoclick --token ACCESS --secret SECRET [--page-size N] ...
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <regex>

#include "fake_server.h"

namespace {

using fake::Value;

std::string envelope(int code, const std::string& status, Value data) {
  Value out = Value::object();
  out.set("code", Value::number(static_cast<long long>(code)));
  out.set("status", Value::string(status));
  out.set("data", std::move(data));
  return crm::json::dump(out);
}

class GestaoClick final : public fake::Dialect {
 public:
  GestaoClick(std::string token, std::string secret, long page_size)
      : m_token(std::move(token)),
        m_secret(std::move(secret)),
        m_page_size(page_size) {}

  void routes(httplib::Server& server,
              const httplib::Server::Handler& api) override {
    const std::string one = R"(/api/(clientes|produtos|vendas)/([^/]+))";
    server.Get(R"(/api/(clientes|produtos|vendas))", api);
    server.Get(one, api);
    server.Post(R"(/api/(clientes|produtos|vendas))", api);
    server.Put(one, api);
    server.Delete(one, api);
  }

  bool authorized(const httplib::Request& req) override {
    return req.get_header_value("access-token") == m_token &&
           req.get_header_value("secret-access-token") == m_secret;
  }

  void unauthorized(httplib::Response& res) override {
    res.status = 401;
    res.set_content(error_body(401, "Token de acesso inválido"),
                    "application/json");
  }

  std::string error_body(int status, const std::string& message) override {
    Value data = Value::object();
    data.set("erro", Value::string(status == 404 ? "Not Found" : "Error"));
    data.set("mensagem", Value::string(message));
    return envelope(status, "error", std::move(data));
  }

  void rate_limited(httplib::Response& res, const fake::RateState&) override {
    res.status = 429;
    res.set_content(error_body(429, "O limite de requisicoes foi atingido"),
                    "application/json");
  }

  fake::StampFields stamp_fields(const std::string&) override {
    return {"cadastrado_em", "modificado_em"};
  }
  std::string time_text(fake::Time time) override {
    return fake::local_brasilia(time);
  }

  void api(const httplib::Request& req, httplib::Response& res,
           fake::Store& store) override {
    const std::string resource = req.matches[1];
    const std::string id =
        req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    const auto reply = [&](int status, const std::string& body) {
      res.status = status;
      res.set_content(body, "application/json");
    };
    // Validation failures are HTTP 404 with a message (CRM_APIS.md 1.2).
    const auto invalid = [&](const std::string& message) {
      reply(404, error_body(404, message));
    };
    if (req.method == "GET" && id.empty())
      return list(req, res, store, resource);
    Value* existing = id.empty() ? nullptr : store.find(resource, id);
    if (!id.empty() && existing == nullptr) {
      // A missing record: 404 without a message.
      Value data = Value::object();
      data.set("erro", Value::string("Not Found"));
      return reply(404, envelope(404, "error", std::move(data)));
    }
    if (req.method == "GET")
      return reply(200,
                   envelope(200, "success", answered(resource, *existing)));
    if (req.method == "DELETE") {
      store.records[resource].erase(id);
      return reply(200,
                   envelope(200, "success",
                            Value::string("Registro excluido com sucesso")));
    }
    auto body = crm::json::parse(req.body);
    if (!body || !body->is_object()) return invalid("JSON inválido");
    if (const std::string problem = validate(resource, *body, store);
        !problem.empty()) {
      return invalid(problem);
    }
    if (req.method == "POST") {
      const std::string new_id = std::to_string(++store.next_id);
      body->set("id", Value::string(new_id));
      stamp(resource, new_id, *body, nullptr, store.now());
      store.count_create(resource, natural_key(resource, *body));
      if (resource == "vendas")
        body->set("valor_total",
                  Value::string(fmt::format("{:.2f}", total_of(*body))));
      store.records[resource][new_id] = *body;
      return reply(200, envelope(200, "success", *body));
    }
    // PUT replaces the record: fields left out are gone (full record).
    body->set("id", Value::string(id));
    stamp(resource, id, *body, existing, store.now());
    *existing = *body;
    reply(200, envelope(200, "success", *existing));
  }

 private:
  static std::string natural_key(const std::string& resource,
                                 const Value& body) {
    if (resource == "clientes") return fake::text_of(body.find("email"));
    if (resource == "produtos")
      return fake::text_of(body.find("codigo_interno"));
    return fake::text_of(body.find("codigo"));
  }

  /// The sale's total as GestaoClick computes it: quantity x price per
  /// line less its discount (R$ desconto_valor, or % desconto_porcentagem),
  /// plus valor_frete; unrounded.
  static double total_of(const Value& sale) {
    double total = fake::number_at(sale, "valor_frete");
    const Value* lines = sale.find("produtos");
    if (lines == nullptr || !lines->is_array()) return total;
    for (const Value& line : lines->items()) {
      const bool no_quantity =
          fake::text_of(line.find_path("produto.quantidade")).empty();
      const double gross =
          (no_quantity ? 1.0 : fake::number_at(line, "produto.quantidade")) *
          fake::number_at(line, "produto.valor_venda");
      const bool percent =
          fake::text_of(line.find_path("produto.tipo_desconto")) == "%";
      total +=
          gross -
          (percent
               ? gross * fake::number_at(line, "produto.desconto_porcentagem") /
                     100
               : fake::number_at(line, "produto.desconto_valor"));
    }
    return total;
  }

  /// A record as GestaoClick answers it: every field of the resource
  /// present, the unset ones as "" (never null or missing).
  static Value answered(const std::string& resource, Value record) {
    static const std::map<std::string, std::vector<std::string>> k_fields = {
        {"clientes",
         {"tipo_pessoa", "nome", "razao_social", "cpf", "cnpj", "rg",
          "inscricao_estadual", "email", "telefone", "celular", "ativo"}},
        {"produtos",
         {"nome", "codigo_interno", "codigo_barra", "valor_venda",
          "valor_custo", "estoque", "ativo"}},
        {"vendas",
         {"codigo", "cliente_id", "situacao_id", "data", "valor_frete",
          "observacoes"}}};
    const auto fields = k_fields.find(resource);
    if (fields == k_fields.end()) return record;
    for (const std::string& field : fields->second) {
      if (record.find(field) == nullptr) record.set(field, Value::string(""));
    }
    return record;
  }

  static bool is_money(const Value* value) {
    const std::string text = fake::text_of(value);
    return !text.empty() &&
           std::regex_match(text, std::regex(R"(-?\d+(\.\d+)?)"));
  }

  /// What the blueprint says the API refuses; empty when valid.
  std::string validate(const std::string& resource, const Value& body,
                       fake::Store& store) {
    const auto missing = [&](const char* field) {
      return fake::text_of(body.find(field)).empty();
    };
    if (resource == "clientes") {
      if (missing("nome")) return "O campo nome é obrigatório";
      const std::string type = fake::text_of(body.find("tipo_pessoa"));
      if (type != "PF" && type != "PJ" && type != "ES") {
        return "O campo tipo_pessoa é obrigatório (PF, PJ ou ES)";
      }
      static const std::regex cpf(R"(\d{3}\.\d{3}\.\d{3}-\d{2})");
      static const std::regex cnpj(R"(\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2})");
      if (!missing("cpf") &&
          !std::regex_match(fake::text_of(body.find("cpf")), cpf)) {
        return "CPF inválido";
      }
      if (!missing("cnpj") &&
          !std::regex_match(fake::text_of(body.find("cnpj")), cnpj)) {
        return "CNPJ inválido";
      }
      return {};
    }
    if (resource == "produtos") {
      if (missing("nome")) return "O campo nome é obrigatório";
      if (missing("codigo_interno"))
        return "O campo codigo_interno é obrigatório";
      if (!is_money(body.find("valor_custo")))
        return "O campo valor_custo é obrigatório";
      return {};
    }
    for (const char* field :
         {"tipo", "codigo", "cliente_id", "situacao_id", "data"}) {
      if (missing(field)) return fmt::format("O campo {} é obrigatório", field);
    }
    if (!std::regex_match(fake::text_of(body.find("data")),
                          std::regex(R"(\d{4}-\d{2}-\d{2})"))) {
      return "Data inválida";
    }
    if (!store.find("clientes", fake::text_of(body.find("cliente_id")))) {
      return "Cliente não encontrado";
    }
    const Value* lines = body.find("produtos");
    if (lines && lines->is_array()) {
      for (const Value& line : lines->items()) {
        if (!store.find("produtos",
                        fake::text_of(line.find_path("produto.produto_id")))) {
          return "Produto não encontrado";
        }
      }
    }
    const Value* payments = body.find("pagamentos");
    if (payments && payments->is_array() && !payments->items().empty() &&
        fake::cents_of(fake::sum_of(payments, "pagamento.valor")) !=
            fake::cents_of(total_of(body))) {
      return "O valor do pedido não pode ser diferente do valor das parcelas";
    }
    return {};
  }

  void list(const httplib::Request& req, httplib::Response& res,
            fake::Store& store, const std::string& resource) {
    const long page =
        req.has_param("pagina") ? std::stol(req.get_param_value("pagina")) : 1;
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto& [name, value] : req.params) {
      if (name == "pagina" || name == "ordenacao" || name == "direcao")
        continue;
      if (name == "cpf_cnpj") {
        // One filter over both documents.
        const long cpf_matches =
            fake::select(store, resource, {{"cpf", value}}, 0, 1).second;
        filters.emplace_back(cpf_matches > 0 ? "cpf" : "cnpj", value);
        continue;
      }
      filters.emplace_back(
          name == "codigo" && resource == "produtos" ? "codigo_interno" : name,
          value);
    }
    auto [records, total] = fake::select(store, resource, filters,
                                         (page - 1) * m_page_size, m_page_size);
    const long pages = (total + m_page_size - 1) / m_page_size;
    Value meta = Value::object();
    meta.set("total_registros", Value::number(static_cast<long long>(total)));
    meta.set("total_paginas", Value::number(static_cast<long long>(pages)));
    meta.set("total_registros_pagina",
             Value::number(static_cast<long long>(records.size())));
    meta.set("pagina_atual", Value::number(static_cast<long long>(page)));
    meta.set("limite_por_pagina",
             Value::number(static_cast<long long>(m_page_size)));
    meta.set("proxima_pagina",
             page < pages ? Value::number(static_cast<long long>(page + 1))
                          : Value());
    Value data = Value::array();
    for (Value& record : records) {
      data.push_back(answered(resource, std::move(record)));
    }
    Value out = Value::object();
    out.set("code", Value::number(200LL));
    out.set("status", Value::string("success"));
    out.set("meta", std::move(meta));
    out.set("data", std::move(data));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  std::string m_token;
  std::string m_secret;
  long m_page_size;
};

}  // namespace

int main(int argc, char** argv) {
  return fake::run(argc, argv, "fake_gestaoclick", [](const auto& options) {
    return std::make_unique<GestaoClick>(
        fake::option(options, "token", "test-token"),
        fake::option(options, "secret", "test-secret"),
        std::stol(fake::option(options, "page-size", "100")));
  });
}
