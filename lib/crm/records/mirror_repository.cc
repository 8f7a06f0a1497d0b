#include "crm/records/mirror_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string_view>

#include "crm/json/json.h"
#include "crm/util/strings.h"

namespace crm::records {
namespace {

constexpr const char* k_columns =
    "id_externo, campos, copia, atualizado_crm, origem";

std::string field_text(
    const std::map<std::string, std::optional<std::string>>& fields,
    const std::string& name) {
  const auto it = fields.find(name);
  return it == fields.end() || !it->second
             ? std::string()
             : std::string(util::trim(*it->second));
}

std::string fields_json(
    const std::map<std::string, std::optional<std::string>>& fields) {
  json::Value out = json::Value::object();
  for (const auto& [name, value] : fields) {
    out.set(name, value ? json::Value::string(*value) : json::Value());
  }
  return json::dump(out);
}

std::map<std::string, std::optional<std::string>> fields_of(
    const std::optional<std::string>& text) {
  std::map<std::string, std::optional<std::string>> fields;
  const auto parsed = text ? json::parse(*text) : std::nullopt;
  if (!parsed || !parsed->is_object()) return fields;
  for (const auto& [name, value] : parsed->members()) {
    fields[name] = value.scalar_text();
  }
  return fields;
}

std::map<std::string, MirrorRow> rows_of(const db::Rows& rows) {
  std::map<std::string, MirrorRow> out;
  for (const db::Row& row : rows.rows) {
    MirrorRow mirror;
    mirror.record.external_id = row.text(0);
    mirror.record.fields = fields_of(row.get(1));
    mirror.record.copy = row.get(2);
    mirror.updated_at = row.get(3);
    mirror.origin = row.text(4);
    out.emplace(mirror.record.external_id, std::move(mirror));
  }
  return out;
}

/// "col IN (?, ?)" with its values appended to `params`; "" when none.
std::string in_list(const std::string& column,
                    const std::vector<std::string>& values,
                    db::Params& params) {
  std::vector<std::string> kept;
  for (const std::string& value : values) {
    if (!value.empty()) kept.push_back(value);
  }
  if (kept.empty()) return {};
  for (std::string& value : kept) params.emplace_back(std::move(value));
  return fmt::format("{} IN ({})", column, db::placeholders(kept.size()));
}

std::optional<std::string> or_null(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

}  // namespace

std::string fingerprint(
    const std::map<std::string, std::optional<std::string>>& fields) {
  std::uint64_t hash = 14695981039346656037ULL;
  const auto mix = [&](std::string_view text) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  };
  for (const auto& [name, value] : fields) {  // std::map: sorted
    const std::string_view text = value ? util::trim(*value) : "";
    if (text.empty()) continue;
    mix(name);
    mix("=");
    mix(text);
    mix("\n");
  }
  return fmt::format("{:016x}", hash);
}

MirrorKeys mirror_keys(
    const std::map<std::string, std::optional<std::string>>& fields) {
  MirrorKeys keys;
  keys.email = field_text(fields, "email");
  std::transform(keys.email.begin(), keys.email.end(), keys.email.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* name : {"document", "cpf", "cnpj"}) {
    keys.document = util::digits_only(field_text(fields, name));
    if (!keys.document.empty()) break;
  }
  keys.sku = field_text(fields, "sku");
  return keys;
}

namespace {

constexpr const char* k_state_columns =
    "id_loja, entidade, cursor_alteracao, cursor_pagina, maior_alteracao, "
    "TIMESTAMPDIFF(SECOND, completo_em, NOW()), "
    "TIMESTAMPDIFF(SECOND, varredura_em, NOW()), "
    "TIMESTAMPDIFF(SECOND, leitura_em, NOW())";

MirrorState state_of(const db::Row& row) {
  MirrorState state;
  state.since = row.get(2);
  state.page_cursor = row.get(3);
  state.latest = row.get(4);
  if (!row.is_null(5)) state.complete_age = row.integer(5);
  if (!row.is_null(6)) state.scan_age = row.integer(6);
  if (!row.is_null(7)) state.pull_age = row.integer(7);
  return state;
}

}  // namespace

std::map<std::pair<int, Entity>, MirrorState> MirrorRepository::states(
    const std::vector<int>& store_ids) {
  std::map<std::pair<int, Entity>, MirrorState> states;
  if (store_ids.empty()) return states;
  db::Params params(store_ids.begin(), store_ids.end());
  const db::Rows rows = m_connection.query(
      fmt::format("SELECT {} FROM crm_espelho_estado WHERE id_loja IN ({})",
                  k_state_columns, db::placeholders(store_ids.size())),
      params);
  for (const db::Row& row : rows.rows) {
    if (const auto entity = parse_entity(row.text(1))) {
      states[{static_cast<int>(row.integer(0)), *entity}] = state_of(row);
    }
  }
  return states;
}

void MirrorRepository::save_state(int store_id, Entity entity,
                                  const MirrorState& state, bool completed,
                                  bool scanned,
                                  const std::optional<std::string>& error) {
  m_connection.execute(
      "INSERT INTO crm_espelho_estado (id_loja, entidade, cursor_alteracao, "
      "cursor_pagina, maior_alteracao, completo_em, varredura_em, "
      "leitura_em, erro) VALUES (?, ?, ?, ?, ?, IF(?, NOW(), NULL), IF(?, "
      "NOW(), NULL), NOW(), ?) ON DUPLICATE KEY UPDATE cursor_alteracao = "
      "VALUES(cursor_alteracao), cursor_pagina = VALUES(cursor_pagina), "
      "maior_alteracao = VALUES(maior_alteracao), completo_em = IF(?, "
      "NOW(), completo_em), varredura_em = IF(?, NOW(), varredura_em), "
      "leitura_em = NOW(), erro = VALUES(erro)",
      {store_id, to_db(entity), state.since, state.page_cursor, state.latest,
       completed ? 1 : 0, scanned ? 1 : 0, error, completed ? 1 : 0,
       scanned ? 1 : 0});
}

std::map<std::string, MirrorRow> MirrorRepository::load(
    int store_id, Entity entity, const std::vector<std::string>& ids) {
  db::Params params = {store_id, to_db(entity)};
  const std::string in = in_list("id_externo", ids, params);
  if (in.empty()) return {};
  return rows_of(m_connection.query(
      fmt::format("SELECT {} FROM crm_espelho WHERE id_loja = ? AND "
                  "entidade = ? AND {}",
                  k_columns, in),
      params));
}

std::map<std::string, MirrorRow> MirrorRepository::find_by_keys(
    int store_id, Entity entity, const std::vector<std::string>& emails,
    const std::vector<std::string>& documents,
    const std::vector<std::string>& skus) {
  db::Params params = {store_id, to_db(entity)};
  std::vector<std::string> any;
  for (auto&& condition : {in_list("chave_email", emails, params),
                           in_list("chave_documento", documents, params),
                           in_list("chave_sku", skus, params)}) {
    if (!condition.empty()) any.push_back(condition);
  }
  if (any.empty()) return {};
  std::string where;
  for (const std::string& condition : any) {
    where += (where.empty() ? "" : " OR ") + condition;
  }
  return rows_of(m_connection.query(
      fmt::format("SELECT {} FROM crm_espelho WHERE id_loja = ? AND "
                  "entidade = ? AND ({})",
                  k_columns, where),
      params));
}

void MirrorRepository::upsert(int store_id, Entity entity, const MirrorRow& row,
                              bool keep_copy) {
  upsert_many(store_id, entity, {row}, keep_copy);
}

void MirrorRepository::upsert_many(int store_id, Entity entity,
                                   const std::vector<MirrorRow>& rows,
                                   bool keep_copy) {
  constexpr std::size_t k_chunk = 200;
  constexpr std::size_t k_row_values = 11;
  const std::string one = "(" + db::placeholders(k_row_values) + ")";
  for (std::size_t start = 0; start < rows.size(); start += k_chunk) {
    const std::size_t count = std::min(k_chunk, rows.size() - start);
    std::string values;
    db::Params params;
    params.reserve(count * k_row_values + 1);
    for (std::size_t i = start; i < start + count; ++i) {
      const MirrorRow& row = rows[i];
      const MirrorKeys keys = mirror_keys(row.record.fields);
      values += (values.empty() ? "" : ", ") + one;
      for (db::Value value :
           {db::Value(store_id), db::Value(to_db(entity)),
            db::Value(row.record.external_id),
            db::Value(or_null(keys.email.substr(0, 191))),
            db::Value(or_null(keys.document.substr(0, 20))),
            db::Value(or_null(keys.sku.substr(0, 191))),
            db::Value(row.updated_at),
            db::Value(fingerprint(row.record.fields)),
            db::Value(fields_json(row.record.fields)),
            db::Value(row.record.copy), db::Value(row.origin)}) {
        params.push_back(std::move(value));
      }
    }
    params.emplace_back(keep_copy ? 1 : 0);
    m_connection.execute(
        "INSERT INTO crm_espelho (id_loja, entidade, id_externo, "
        "chave_email, chave_documento, chave_sku, atualizado_crm, impressao, "
        "campos, copia, origem) VALUES " +
            values +
            " ON DUPLICATE KEY UPDATE chave_email = VALUES(chave_email), "
            "chave_documento = VALUES(chave_documento), chave_sku = "
            "VALUES(chave_sku), atualizado_crm = "
            "COALESCE(VALUES(atualizado_crm), atualizado_crm), impressao = "
            "VALUES(impressao), campos = VALUES(campos), copia = IF(? AND "
            "VALUES(copia) IS NULL, copia, VALUES(copia)), origem = "
            "VALUES(origem), visto_em = NOW()",
        params);
  }
}

void MirrorRepository::remove(int store_id, Entity entity,
                              const std::string& external_id) {
  m_connection.execute(
      "DELETE FROM crm_espelho WHERE id_loja = ? AND entidade = ? AND "
      "id_externo = ?",
      {store_id, to_db(entity), external_id});
}

}  // namespace crm::records
