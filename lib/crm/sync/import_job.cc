#include "crm/sync/import_job.h"

#include <fmt/format.h>

#include "crm/db/named_lock.h"
#include "crm/http/curl_transport.h"
#include "crm/integrations/integration_repository.h"
#include "crm/providers/provider_factory.h"
#include "crm/queue/request_budget.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"
#include "crm/sync/credentials.h"
#include "crm/util/strings.h"
#include "crm/util/time.h"

namespace crm::sync {
namespace {

/// Local fields that identify the same real-world record, per entity.
std::vector<std::string> link_fields(Entity entity) {
  switch (entity) {
    case Entity::customer:
      return {"email", "document"};
    case Entity::product:
      return {"sku"};
    case Entity::sale:
    case Entity::activity:
      return {};
  }
  return {};
}

std::optional<std::string> value_of(const providers::RemoteRecord& record,
                                    const std::string& field) {
  for (const auto& [name, value] : record.fields) {
    if (name == field) return value;
  }
  return std::nullopt;
}

/// Sends one request and waits for it, within the deadline.
http::Response fetch(const http::Request& request,
                     const util::Deadline& deadline) {
  http::Request bounded = request;
  bounded.timeout = std::min(bounded.timeout, deadline.remaining());
  return http::perform(bounded);
}

}  // namespace

ImportResult run_import(db::Connection& connection,
                        const config::Environment& environment,
                        const ImportOptions& options) {
  ImportResult result;
  const util::Deadline deadline(options.deadline);
  const auto lock = db::NamedLock::try_acquire(
      connection, fmt::format("crm_sync_full:{}", options.store_id),
      std::chrono::seconds(0));
  if (!lock) {
    result.skipped = true;
    return result;
  }
  integrations::IntegrationRepository integrations(connection, environment);
  auto active = integrations.load_active(options.store_id);
  if (active.empty()) {
    throw FatalError(
        fmt::format("store {}: no active integration in crm_integracoes",
                    options.store_id));
  }
  prepare_credentials(connection, active.front());
  const auto provider = providers::make_provider(active.front());
  const auto mapping =
      records::mappings_for_store(active.front().settings, options.store_id)
          .at(options.entity);
  records::RecordRepository records(connection);
  // Page requests count against the store's shared request budget too.
  queue::RequestBudget budget(connection);
  std::optional<int> per_minute =
      providers::default_requests_per_minute(active.front().provider);
  if (const json::Value* limit =
          active.front().settings.find("requests_per_minute");
      limit != nullptr && limit->is_number()) {
    per_minute = std::stoi(limit->text());
  }

  const db::Rows open = connection.query(
      "SELECT id, cursor_pagina FROM crm_fila WHERE tipo = 'importacao' AND "
      "id_loja = ? AND "
      "entidade = ? AND status IN ('pendente', 'processando') ORDER BY id "
      "LIMIT 1",
      {options.store_id, to_db(options.entity)});
  std::optional<std::string> cursor;
  if (open.empty()) {
    connection.execute(
        "INSERT INTO crm_fila (tipo, id_loja, entidade, direcao, status) "
        "VALUES ('importacao', ?, ?, 'crm_para_ecletech', 'processando')",
        {options.store_id, to_db(options.entity)});
    result.job_id = static_cast<std::int64_t>(connection.last_insert_id());
  } else {
    result.job_id = open.rows[0].integer(0);
    cursor = open.rows[0].get(1);
  }

  while (result.pages < options.max_pages && !deadline.passed()) {
    if (per_minute &&
        budget.reserve(options.store_id, *per_minute, 1).requests == 0) {
      result.rate_limited = true;
      result.stopped_by = fmt::format(
          "the store's request budget of {}/min is spent", *per_minute);
      break;
    }
    providers::Step step = provider->list_page(options.entity, cursor);
    std::variant<providers::Page, ItemOutcome> read =
        std::holds_alternative<ItemOutcome>(step)
            ? std::variant<providers::Page, ItemOutcome>(
                  std::get<ItemOutcome>(step))
            : provider->read_page(
                  options.entity, cursor,
                  fetch(std::get<http::Request>(step), deadline));
    if (auto* failed = std::get_if<ItemOutcome>(&read)) {
      result.rate_limited = failed->kind == OutcomeKind::rate_limited;
      result.stopped_by = failed->message;
      if (failed->kind == OutcomeKind::permanent) {
        connection.execute(
            "UPDATE crm_fila SET status = 'erro', erro = ? WHERE id = ?",
            {failed->message, static_cast<long long>(result.job_id)});
      } else {
        connection.execute(
            "UPDATE crm_fila SET erro = ? WHERE id = ?",
            {failed->message, static_cast<long long>(result.job_id)});
      }
      break;
    }
    const providers::Page& page = std::get<providers::Page>(read);
    ImportResult counts;
    db::with_transaction(connection, [&] {
      counts = ImportResult{};
      for (const providers::RemoteRecord& remote : page.records) {
        if (auto id = records.find_by(mapping, options.store_id, "external_id",
                                      remote.external_id)) {
          records.apply_remote(mapping, *id, remote.fields);
          ++counts.updated;
          continue;
        }
        std::optional<std::int64_t> match;
        for (const std::string& field : link_fields(options.entity)) {
          const auto value = value_of(remote, field);
          if (!value || value->empty()) continue;
          // A document may be kept formatted on one side and as digits on
          // the other (GestaoClick formats, Bling does not).
          std::vector<std::string> spellings{*value};
          if (field == "document") {
            const std::string digits = util::digits_only(*value);
            for (const std::string& other :
                 {digits, util::format_document(digits)}) {
              if (!other.empty() && other != *value) spellings.push_back(other);
            }
          }
          for (const std::string& spelling : spellings) {
            match = records.find_by(mapping, options.store_id, field, spelling);
            if (match) break;
          }
          if (match) break;
        }
        if (match) {
          records.save_external_id(mapping, *match, remote.external_id);
          records.apply_remote(mapping, *match, remote.fields);
          ++counts.linked;
          continue;
        }
        try {
          records.create(mapping, options.store_id, remote.external_id,
                         remote.fields);
          ++counts.created;
        } catch (const db::DbError& error) {
          // The CRM's data breaks a local constraint (NOT NULL, UNIQUE, type):
          // that record fails, the import goes on. Connection loss is fatal.
          if (error.is_connection_lost()) throw;
          ++counts.failed;
        }
      }
      connection.execute(
          "UPDATE crm_fila SET cursor_pagina = ?, processados = processados + "
          "?, "
          "criados = criados + ?, atualizados = atualizados + ?, vinculados = "
          "vinculados + ?, "
          "falhas = falhas + ?, erro = NULL, status = ?, progresso = ?, "
          "concluido_em = IF(? = 'concluido', NOW(), NULL) WHERE id = ?",
          {page.next_cursor, static_cast<long long>(page.records.size()),
           static_cast<long long>(counts.created),
           static_cast<long long>(counts.updated),
           static_cast<long long>(counts.linked),
           static_cast<long long>(counts.failed),
           page.next_cursor ? "processando" : "concluido",
           page.next_cursor ? 0 : 100,
           page.next_cursor ? "processando" : "concluido",
           static_cast<long long>(result.job_id)});
    });
    result.created += counts.created;
    result.updated += counts.updated;
    result.linked += counts.linked;
    result.failed += counts.failed;
    ++result.pages;
    cursor = page.next_cursor;
    if (!cursor) {
      result.finished = true;
      break;
    }
  }
  return result;
}

}  // namespace crm::sync
