// A fake Bling API v3 (CRM_APIS.md section 3, bling-openapi-v3.json):
// /Api/v3/{contatos,produtos,pedidos/vendas}[/{id}], OAuth2 bearer tokens from
// POST /Api/v3/oauth/token (Basic client auth, refresh tokens that rotate and
// die when used), {data} envelopes with int64 ids, full-record PUT (204 for
// contatos), ?pagina=&limite= paging, error.{type, message, description,
// fields[]}, 429 bodies with error.period and no rate headers.
// Bling's records carry no update time a client can read (its list rows are
// partial, its GETs have none), yet its lists filter by one:
// dataAlteracaoInicial (>=) and dataAlteracaoFinal (<=), "2026-11-30
// 02:50:00" on Brasília's wall clock, on contatos, produtos and
// pedidos/vendas; a malformed one, or both more than a year apart, is a 400.
// So the fake keeps each record's last change time beside it, not in it.
//
//   fake_bling --client-id C --client-secret S --refresh-token R0 ...
// Control: GET /_oauth {"refreshes", "access_token", "refresh_token"};
//          POST /_oauth {"expire_access": true} makes the access token invalid;
//          GET /_changes {"<resource>": {"<id>": "2026-11-30 02:50:00"}}, the
//          last change times the filters compare.
#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "crm/util/strings.h"
#include "fake_server.h"

namespace {

using fake::Value;

std::string error_json(const std::string& type, const std::string& message,
                       const std::string& description, Value fields = Value()) {
  Value error = Value::object();
  error.set("type", Value::string(type));
  error.set("message", Value::string(message));
  error.set("description", Value::string(description));
  if (!fields.is_null()) error.set("fields", std::move(fields));
  Value out = Value::object();
  out.set("error", std::move(error));
  return crm::json::dump(out);
}

class Bling final : public fake::Dialect {
 public:
  Bling(std::string client_id, std::string client_secret,
        std::string refresh_token)
      : m_client_id(std::move(client_id)),
        m_client_secret(std::move(client_secret)),
        m_initial_refresh(std::move(refresh_token)),
        m_refresh(m_initial_refresh) {}

  void routes(httplib::Server& server,
              const httplib::Server::Handler& api) override {
    const std::string many = R"(/Api/v3/(contatos|produtos|pedidos/vendas))";
    const std::string one = many + R"(/(\d+))";
    server.Get(many, api);
    server.Get(one, api);
    server.Post(many, api);
    server.Put(one, api);
    server.Delete(one, api);
    // The token endpoint goes through the same handler as the API: it counts
    // in the account's 3 requests/s like any other call.
    server.Post("/Api/v3/oauth/token", api);
  }

  void control(httplib::Server& server, std::mutex& mutex) override {
    m_mutex = &mutex;
    server.Get("/_oauth", [this](const httplib::Request&,
                                 httplib::Response& res) {
      std::lock_guard lock(*m_mutex);
      Value out = Value::object();
      out.set("refreshes", Value::number(static_cast<long long>(m_refreshes)));
      out.set("access_token", Value::string(m_access));
      out.set("refresh_token", Value::string(m_refresh));
      res.set_content(crm::json::dump(out), "application/json");
    });
    server.Post("/_oauth",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard lock(*m_mutex);
                  if (req.body.find("expire_access") != std::string::npos)
                    m_access = "expired";
                  res.set_content("{}", "application/json");
                });
    server.Get("/_changes",
               [this](const httplib::Request&, httplib::Response& res) {
                 std::lock_guard lock(*m_mutex);
                 Value out = Value::object();
                 for (const auto& [resource, times] : m_changed) {
                   Value by_id = Value::object();
                   for (const auto& [id, time] : times)
                     by_id.set(id, Value::string(fake::local_brasilia(time)));
                   out.set(resource, std::move(by_id));
                 }
                 res.set_content(crm::json::dump(out), "application/json");
               });
  }

  void reset() override {
    m_refresh = m_initial_refresh;
    m_access.clear();
    m_refreshes = 0;
    m_changed.clear();
  }

  /// Bling's records stay as they are: the change time goes beside them.
  void stamp(const std::string& resource, const std::string& id, Value&,
             const Value*, fake::Time now) override {
    m_changed[resource][id] = now;
  }

  bool authorized(const httplib::Request& req) override {
    if (is_token_call(req)) return true;  // client credentials, checked there
    std::lock_guard lock(*m_mutex);
    return !m_access.empty() && m_access != "expired" &&
           req.get_header_value("Authorization") == "Bearer " + m_access;
  }

  void unauthorized(httplib::Response& res) override {
    res.status = 401;
    res.set_content(error_json("invalid_token", "invalid_token",
                               "The access token provided is invalid"),
                    "application/json");
  }

  std::string error_body(int status, const std::string& message) override {
    return error_json(status >= 500 ? "SERVER_ERROR" : "BAD_REQUEST", message,
                      message);
  }

  void rate_limited(httplib::Response& res,
                    const fake::RateState& state) override {
    res.status = 429;
    Value out =
        crm::json::parse(
            error_json(
                "TOO_MANY_REQUESTS", "Limite de requisições atingido.",
                "O limite de requisições por segundo foi atingido, tente "
                "novamente mais tarde."))
            .value();
    Value error = *out.find("error");
    error.set("limit", Value::number(static_cast<long long>(state.limit)));
    error.set("period", Value::string("second"));
    out.set("error", std::move(error));
    res.set_content(crm::json::dump(out), "application/json");
  }

  Value id_value(const std::string& id) override {
    return Value::number_text(id);
  }
  long first_id() override { return 6423817750; }  // above 2^32, as Bling's are

  void api(const httplib::Request& req, httplib::Response& res,
           fake::Store& store) override {
    if (is_token_call(req)) return token(req, res);
    const std::string resource = req.matches[1];
    const std::string id =
        req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    const auto reply = [&](int status, Value data) {
      Value out = Value::object();
      out.set("data", std::move(data));
      res.status = status;
      res.set_content(crm::json::dump(out), "application/json");
    };
    if (req.method == "GET" && id.empty())
      return list(req, res, store, resource);
    Value* existing = id.empty() ? nullptr : store.find(resource, id);
    if (!id.empty() && existing == nullptr) {
      res.status = 404;
      res.set_content(error_json("RESOURCE_NOT_FOUND", "Recurso não encontrado",
                                 "O recurso requisitado não foi encontrado"),
                      "application/json");
      return;
    }
    if (req.method == "GET") return reply(200, *existing);
    if (req.method == "DELETE") {
      store.records[resource].erase(id);
      m_changed[resource].erase(id);
      res.status = 204;
      return;
    }
    auto body = crm::json::parse(req.body);
    if (!body || !body->is_object()) {
      res.status = 400;
      res.set_content(
          error_json("INVALID_REQUEST_BODY", "Corpo inválido", "JSON inválido"),
          "application/json");
      return;
    }
    if (auto problem = validate(resource, *body, store);
        !problem.first.empty()) {
      Value field = Value::object();
      field.set("code", Value::number(49LL));
      field.set("msg", Value::string(problem.second));
      field.set("element", Value::string(problem.first));
      field.set("namespace",
                Value::string(resource == "contatos" ? "CONTATOS" : "VENDAS"));
      Value fields = Value::array();
      fields.push_back(std::move(field));
      res.status = 400;
      res.set_content(
          error_json("VALIDATION_ERROR", "Não foi possível salvar o registro",
                     "Há erros de validação", std::move(fields)),
          "application/json");
      return;
    }
    if (req.method == "POST") {
      const std::string new_id = std::to_string(++store.next_id);
      body->set("id", Value::number_text(new_id));
      stamp(resource, new_id, *body, nullptr, store.now());
      store.count_create(resource, natural_key(resource, *body));
      store.records[resource][new_id] = *body;
      Value data = Value::object();
      data.set("id", Value::number_text(new_id));
      if (resource == "pedidos/vendas") data.set("alertas", Value::array());
      return reply(201, std::move(data));
    }
    body->set("id", Value::number_text(id));
    stamp(resource, id, *body, existing, store.now());
    *existing = *body;  // PUT: the full record
    if (resource == "contatos") {
      res.status = 204;
      return;
    }
    Value data = Value::object();
    data.set("id", Value::number_text(id));
    if (resource == "pedidos/vendas") data.set("alertas", Value::array());
    reply(200, std::move(data));
  }

 private:
  static bool is_token_call(const httplib::Request& req) {
    return req.path == "/Api/v3/oauth/token";
  }

  /// Called by api(), under the server's mutex.
  void token(const httplib::Request& req, httplib::Response& res) {
    const std::string basic =
        "Basic " +
        crm::util::base64_encode(m_client_id + ":" + m_client_secret);
    const auto refused = [&](int status, const std::string& description) {
      res.status = status;
      res.set_content(error_json("invalid_grant", "invalid_grant", description),
                      "application/json");
    };
    if (req.get_header_value("Authorization") != basic)
      return refused(401, "invalid client");
    if (req.get_header_value("Content-Type")
                .find("application/x-www-form-urlencoded") ==
            std::string::npos ||
        req.get_param_value("grant_type") != "refresh_token") {
      return refused(400, "grant_type must be refresh_token (form encoded)");
    }
    if (req.get_param_value("refresh_token") != m_refresh) {
      return refused(400, "Invalid refresh token");
    }
    ++m_refreshes;
    m_access = fmt::format("access-{}", m_refreshes);
    m_refresh =
        fmt::format("refresh-{}", m_refreshes);  // rotates; the old one dies
    Value out = Value::object();
    out.set("access_token", Value::string(m_access));
    out.set("expires_in", Value::number(21600LL));
    out.set("token_type", Value::string("Bearer"));
    out.set("scope", Value::string("98309 5990556 318257570"));
    out.set("refresh_token", Value::string(m_refresh));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  static std::string natural_key(const std::string& resource,
                                 const Value& body) {
    if (resource == "contatos")
      return fake::text_of(body.find("numeroDocumento"));
    if (resource == "produtos") return fake::text_of(body.find("codigo"));
    return fake::text_of(body.find("numeroLoja"));
  }

  /// (element, message) of the first problem, or empty.
  /// The order's total as Bling computes it: quantity x valor per line (the
  /// line's percent discount is already in its valor), less desconto (REAL
  /// or PERCENTUAL), plus transporte.frete and outrasDespesas; unrounded.
  static double order_total(const Value& order) {
    const double lines =
        fake::line_total(order.find("itens"), "quantidade", "valor");
    const double discount = fake::number_at(order, "desconto.valor");
    const bool percent =
        fake::text_of(order.find_path("desconto.unidade")) == "PERCENTUAL";
    return lines - (percent ? lines * discount / 100 : discount) +
           fake::number_at(order, "transporte.frete") +
           fake::number_at(order, "outrasDespesas");
  }

  static std::pair<std::string, std::string> validate(
      const std::string& resource, const Value& body, fake::Store& store) {
    const auto missing = [&](const char* field) {
      return fake::text_of(body.find_path(field)).empty();
    };
    static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
    if (resource == "contatos") {
      if (missing("nome"))
        return {"nome", "O nome do contato deve ser informado"};
      const std::string document = fake::text_of(body.find("numeroDocumento"));
      if (!document.empty() && !fake::is_digits(document)) {
        return {"numeroDocumento", "O CPF/CNPJ deve conter apenas números"};
      }
      const std::string type = fake::text_of(body.find("tipo"));
      if (!type.empty() && type != "F" && type != "J" && type != "E") {
        return {"tipo", "Tipo de pessoa inválido"};
      }
      return {};
    }
    if (resource == "produtos") {
      for (const char* field : {"nome", "tipo", "situacao", "formato"}) {
        if (missing(field))
          return {field, fmt::format("O campo {} deve ser informado", field)};
      }
      if (const Value* price = body.find("preco");
          price && !price->is_number()) {
        return {"preco", "O preço deve ser um número"};
      }
      return {};
    }
    const Value* contact = body.find_path("contato.id");
    if (contact == nullptr || !contact->is_number() ||
        !store.find("contatos", contact->text())) {
      return {"contato", "O contato informado não existe"};
    }
    for (const char* field : {"data", "dataSaida", "dataPrevista"}) {
      if (!std::regex_match(fake::text_of(body.find(field)), date)) {
        return {field, fmt::format("A data {} é inválida", field)};
      }
    }
    const Value* items = body.find("itens");
    if (items == nullptr || !items->is_array() || items->items().empty()) {
      return {"itens", "A venda deve ter ao menos um item"};
    }
    for (const Value& item : items->items()) {
      const Value* product = item.find_path("produto.id");
      if (product == nullptr || !product->is_number() ||
          !store.find("produtos", product->text())) {
        return {"itens", "O produto informado não existe"};
      }
    }
    const Value* installments = body.find("parcelas");
    if (installments && installments->is_array() &&
        !installments->items().empty() &&
        fake::cents_of(fake::sum_of(installments, "valor")) !=
            fake::cents_of(order_total(body))) {
      return {"parcelas",
              "A soma das parcelas deve ser igual ao total da venda"};
    }
    return {};
  }

  void list(const httplib::Request& req, httplib::Response& res,
            fake::Store& store, const std::string& resource) {
    const long page =
        req.has_param("pagina") ? std::stol(req.get_param_value("pagina")) : 1;
    const long size = req.has_param("limite")
                          ? std::stol(req.get_param_value("limite"))
                          : 100;
    if (size < 1 || size > 100) {
      res.status = 400;
      res.set_content(
          error_json("VALIDATION_ERROR", "limite inválido", "limite: 1 a 100"),
          "application/json");
      return;
    }
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto& [name, value] : req.params) {
      if (name == "numeroDocumento")
        filters.emplace_back("numeroDocumento", value);
      if (name == "codigos[]") filters.emplace_back("codigo", value);
      if (name == "numerosLojas[]") filters.emplace_back("numeroLoja", value);
    }
    std::optional<fake::Time> from, to;
    for (const auto& [name, bound] : {std::pair{"dataAlteracaoInicial", &from},
                                      {"dataAlteracaoFinal", &to}}) {
      if (!req.has_param(name)) continue;
      *bound = wall_clock(req.get_param_value(name));
      if (!*bound)
        return refuse_filter(res, name,
                             "Data inválida: use AAAA-MM-DD HH:MM:SS");
    }
    if (from && to && *to - *from > k_widest_range_s)
      return refuse_filter(res, "dataAlteracaoFinal",
                           "O intervalo de datas não pode ser maior que 1 ano");
    // Inclusive at both ends, to the second.
    const auto keep = [&](const std::string& id, const Value&) {
      const auto times = m_changed.find(resource);
      const auto changed =
          times == m_changed.end() ? std::nullopt : lookup(times->second, id);
      return (!from || (changed && *changed >= *from)) &&
             (!to || (changed && *changed <= *to));
    };
    auto records =
        fake::select(store, resource, filters, (page - 1) * size, size, keep)
            .first;
    Value data = Value::array();
    for (Value& record : records) {
      data.push_back(list_row(resource, std::move(record)));
    }
    Value out = Value::object();
    out.set("data", std::move(data));
    res.status = 200;
    res.set_content(crm::json::dump(out), "application/json");
  }

  /// The widest dataAlteracao range Bling takes ("1 year"; a leap one).
  static constexpr fake::Time k_widest_range_s = 366 * 24 * 3600;

  /// "2026-11-30 02:50:00" on Brasília's wall clock, the only shape taken.
  static std::optional<fake::Time> wall_clock(const std::string& text) {
    const auto written = fake::read_time(text);
    if (!written || written->separator != ' ' || written->offset_s ||
        written->fraction)
      return {};
    return written->at(fake::k_brasilia_offset_s);
  }

  static std::optional<fake::Time> lookup(
      const std::map<std::string, fake::Time>& times, const std::string& id) {
    const auto it = times.find(id);
    if (it == times.end()) return {};
    return it->second;
  }

  /// A list filter Bling refuses: 400 VALIDATION_ERROR naming the parameter.
  static void refuse_filter(httplib::Response& res, const std::string& name,
                            const std::string& message) {
    Value field = Value::object();
    field.set("code", Value::number(49LL));
    field.set("msg", Value::string(message));
    field.set("element", Value::string(name));
    Value fields = Value::array();
    fields.push_back(std::move(field));
    res.status = 400;
    res.set_content(error_json("VALIDATION_ERROR", "Filtro inválido", message,
                               std::move(fields)),
                    "application/json");
  }

  /// A record as Bling's list calls show it: only some of its fields (no
  /// e-mail on contatos, no supplier cost on produtos, no itens or parcelas
  /// on pedidos); a GET of the record has them all.
  static Value list_row(const std::string& resource, Value record) {
    static const std::map<std::string, std::vector<std::string>> k_listed = {
        {"contatos",
         {"id", "nome", "codigo", "situacao", "numeroDocumento", "telefone",
          "celular"}},
        {"produtos",
         {"id", "idProdutoPai", "nome", "codigo", "preco", "tipo", "situacao",
          "formato", "descricaoCurta", "imagemURL"}},
        {"pedidos/vendas",
         {"id", "numero", "numeroLoja", "data", "dataSaida", "dataPrevista",
          "totalProdutos", "total", "contato", "situacao", "loja"}}};
    const auto listed = k_listed.find(resource);
    if (listed == k_listed.end()) return record;
    Value row = Value::object();
    for (const std::string& key : listed->second) {
      if (const Value* value = record.find(key)) row.set(key, *value);
    }
    return row;
  }

  std::string m_client_id;
  std::string m_client_secret;
  std::string m_initial_refresh;
  std::string m_refresh;
  std::string m_access;
  long m_refreshes = 0;
  std::mutex* m_mutex = nullptr;
  /// Each record's last change (creation included), by resource and id.
  std::map<std::string, std::map<std::string, fake::Time>> m_changed;
};

}  // namespace

int main(int argc, char** argv) {
  return fake::run(argc, argv, "fake_bling", [](const auto& options) {
    return std::make_unique<Bling>(
        fake::option(options, "client-id", "client"),
        fake::option(options, "client-secret", "secret"),
        fake::option(options, "refresh-token", "refresh-0"));
  });
}
