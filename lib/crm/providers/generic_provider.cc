#include "crm/providers/generic_provider.h"

#include <fmt/format.h>

#include "crm/core/errors.h"
#include "crm/providers/profile_config.h"
#include "crm/providers/rest_provider.h"

namespace crm::providers {
namespace {

FieldSpec field(std::string name, std::string path,
                FieldType type = FieldType::string) {
  FieldSpec spec;
  spec.label = name;
  spec.field = std::move(name);
  spec.path = std::move(path);
  spec.type = type;
  return spec;
}

Endpoint endpoint(std::string path, std::vector<FieldSpec> fields) {
  Endpoint out;
  out.path = std::move(path);
  out.fields = std::move(fields);
  return out;
}

/// The demo tables' shape, for a CRM that speaks plain JSON over /<recurso>.
}  // namespace

Profile generic_profile() {
  using T = FieldType;
  Profile profile;
  profile.name = "generic";
  profile.omit_nulls = false;
  profile.first_error_only = true;  // its error paths are alternative shapes
  profile.endpoints[Entity::customer] =
      endpoint("/clientes",
               {field("local_id", "codigo", T::integer), field("name", "nome"),
                field("email", "email"), field("phone", "telefone"),
                field("document", "documento")});
  profile.endpoints[Entity::customer].lookups.push_back(
      Lookup{.path = {},
             .param = "email",
             .field = "email",
             .type = T::string,
             .fixed_params = {},
             .list_path = "data",
             .id_path = "id",
             .proof = {}});
  profile.endpoints[Entity::product] =
      endpoint("/produtos",
               {field("local_id", "codigo", T::integer), field("name", "nome"),
                field("sku", "sku"), field("price", "preco", T::number)});
  profile.endpoints[Entity::sale] =
      endpoint("/vendas", {field("local_id", "codigo", T::integer),
                           field("customer_id", "cliente_codigo", T::integer),
                           field("total", "total", T::number),
                           field("status", "status"), field("date", "data")});
  profile.endpoints[Entity::activity] =
      endpoint("/atividades",
               {field("local_id", "codigo", T::integer), field("type", "tipo"),
                field("subject", "assunto"), field("due_date", "vencimento"),
                field("done", "concluida", T::boolean)});
  return profile;
}

std::unique_ptr<Provider> make_generic_provider(
    const integrations::Integration& integration) {
  const std::string where = settings_where(integration);
  const json::Value& config = integration.settings;
  Profile profile = generic_profile();
  profile.base_url = base_url_of(integration);
  std::string header = "Authorization";
  std::string prefix = "Bearer ";
  std::string credential = "token";
  if (const json::Value* auth = config.find("auth")) {
    if (!auth->is_object()) {
      throw FatalError(where + ": 'auth' must be an object");
    }
    for (auto [key, target] :
         {std::pair{"header", &header}, std::pair{"prefix", &prefix},
          std::pair{"credential", &credential}}) {
      if (const json::Value* value = auth->find(key)) {
        if (!value->is_string()) {
          throw FatalError(
              fmt::format("{}: auth: '{}' must be a string", where, key));
        }
        *target = value->text();
      }
    }
  }
  const auto secret = integration.credentials.get(credential);
  if (!secret) {
    throw FatalError(
        fmt::format("crm_integracoes: store {}: credenciais: missing '{}'",
                    integration.store_id, credential));
  }
  profile.auth_headers = {{header, prefix + *secret}};
  apply_configuration(profile, config, where);
  if (profile.on_delete == OnDelete::deactivate &&
      config.find("deactivate") == nullptr) {
    throw FatalError(
        fmt::format("{}: on_delete 'deactivate' needs 'deactivate': "
                    "{{\"field\": ..., \"value\": ...}}",
                    where));
  }
  return make_rest_provider(std::move(profile));
}

}  // namespace crm::providers
