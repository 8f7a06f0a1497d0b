#include "crm/sync/import_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "crm/http/curl_transport.h"
#include "crm/integrations/integration_repository.h"
#include "crm/integrations/store_settings.h"
#include "crm/providers/provider_factory.h"
#include "crm/queue/request_budget.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"
#include "crm/sync/credentials.h"
#include "crm/sync/full_sync.h"
#include "crm/sync/import_merge.h"
#include "crm/sync/scheduler.h"
#include "crm/util/strings.h"
#include "crm/util/time.h"

namespace crm::sync {
namespace {

/// Local fields that identify the same real-world record, per entity.
std::vector<std::string> link_fields(Entity entity) {
  switch (entity) {
    case Entity::customer:
      // "cpf" and "cnpj": an application with one column for each.
      return {"email", "document", "cpf", "cnpj"};
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

/// The spellings a local field may hold a value in: a document may be kept
/// formatted on one side and as digits on the other (GestaoClick formats,
/// Bling does not).
std::vector<std::string> spellings_of(const std::string& field,
                                      const std::string& value) {
  std::vector<std::string> spellings{value};
  if (is_document_field(field)) {
    const std::string digits = util::digits_only(value);
    for (const std::string& other : {digits, util::format_document(digits)}) {
      if (!other.empty() && other != value) spellings.push_back(other);
    }
  }
  return spellings;
}

/// The local record without an external id that is the same real-world
/// record as `remote` (same e-mail, document or SKU), if any.
std::optional<std::int64_t> find_match(records::RecordRepository& records,
                                       const records::TableMapping& mapping,
                                       const ImportOptions& options,
                                       const providers::RemoteRecord& remote) {
  for (const std::string& field : link_fields(options.entity)) {
    const auto value = value_of(remote, field);
    if (!value || value->empty()) continue;
    for (const std::string& spelling : spellings_of(field, *value)) {
      if (auto match =
              records.find_by(mapping, options.store_id, field, spelling)) {
        return match;
      }
    }
  }
  return std::nullopt;
}

/// An open import job of the store and entity, or a new one.
struct ImportJob {
  std::int64_t id = 0;
  std::optional<std::string> cursor;  ///< nullopt: from the first page
};

ImportJob open_job(db::Connection& connection, const ImportOptions& options) {
  const db::Rows open = connection.query(
      "SELECT id, cursor_pagina FROM crm_fila WHERE tipo = 'importacao' AND "
      "id_loja = ? AND "
      "entidade = ? AND status IN ('pendente', 'processando') ORDER BY id "
      "LIMIT 1",
      {options.store_id, to_db(options.entity)});
  ImportJob job;
  if (open.empty()) {
    connection.execute(
        "INSERT INTO crm_fila (tipo, id_loja, entidade, direcao, status) "
        "VALUES ('importacao', ?, ?, 'crm_para_ecletech', 'processando')",
        {options.store_id, to_db(options.entity)});
    job.id = static_cast<std::int64_t>(connection.last_insert_id());
  } else {
    job.id = open.rows[0].integer(0);
    job.cursor = open.rows[0].get(1);
  }
  return job;
}

/// The import's request starts, spaced as crm_sync spaces a store paced
/// per second (1.1/N s apart), so reading records one by one stays under
/// the provider's limit.
class Pacer {
 public:
  explicit Pacer(std::optional<int> per_second) : m_per_second(per_second) {}

  /// Waits for the next slot (nothing when unpaced).
  void next() {
    if (!m_per_second || *m_per_second <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < m_next) std::this_thread::sleep_until(m_next);
    m_next = std::max(now, m_next) + spacing(*m_per_second);
  }

 private:
  std::optional<int> m_per_second;
  std::chrono::steady_clock::time_point m_next{};
};

/// What the page loop works with.
struct PageLoop {
  db::Connection& connection;
  const providers::Provider& provider;
  const std::map<Entity, records::TableMapping>& mappings;
  const records::TableMapping& mapping;
  records::RecordRepository& records;
  queue::RequestBudget& budget;
  std::optional<int> per_minute;
  Pacer& pacer;
  const util::Deadline& deadline;
  const ImportOptions& options;
};

/// One request of the import: within the store's per-minute budget and
/// pacing; nullopt when the budget is spent.
std::optional<http::Response> send_paced(const PageLoop& loop,
                                         const http::Request& request) {
  if (loop.per_minute &&
      loop.budget.reserve(loop.options.store_id, *loop.per_minute, 1)
              .requests == 0) {
    return std::nullopt;
  }
  loop.pacer.next();
  return fetch(request, loop.deadline);
}

/// Each record of a page whose list rows are partial (Bling), read whole.
/// A record the CRM no longer has keeps its list row; anything else stops
/// the page (nothing of it is written, the cursor stays).
std::optional<ItemOutcome> read_whole_records(const PageLoop& loop,
                                              providers::Page& page) {
  const Entity entity = loop.options.entity;
  if (!loop.provider.partial_list_rows(entity)) return std::nullopt;
  for (providers::RemoteRecord& record : page.records) {
    providers::Step step =
        loop.provider.record_request(entity, record.external_id);
    if (auto* stop = std::get_if<ItemOutcome>(&step)) return std::move(*stop);
    const auto response = send_paced(loop, std::get<http::Request>(step));
    if (!response) {
      return ItemOutcome::failed(OutcomeKind::rate_limited,
                                 "the store's request budget is spent");
    }
    auto read =
        loop.provider.read_record(entity, record.external_id, *response);
    if (auto* whole = std::get_if<providers::RemoteRecord>(&read)) {
      record = std::move(*whole);
    } else if (std::get<ItemOutcome>(read).kind != OutcomeKind::permanent) {
      return std::get<ItemOutcome>(std::move(read));
    }
  }
  return std::nullopt;
}

/// References read as CRM ids (a deal's contact) become local ids through
/// the referenced table's external ids; one without a local record is left
/// empty (it never overwrites, and a new record gets NULL).
void resolve_references(const PageLoop& loop, providers::Page& page) {
  std::set<std::string> resolved;  // a field may be sent by two specs
  for (const providers::Reference& ref :
       loop.provider.references(loop.options.entity)) {
    if (!ref.child.empty() || !resolved.insert(ref.field).second) continue;
    const auto target = loop.mappings.find(ref.target);
    for (providers::RemoteRecord& record : page.records) {
      for (auto& [field, value] : record.fields) {
        if (field != ref.field || !value || value->empty()) continue;
        const auto local =
            target == loop.mappings.end()
                ? std::nullopt
                : loop.records.find_by(target->second, loop.options.store_id,
                                       "external_id", *value);
        value = local ? std::optional<std::string>(std::to_string(*local))
                      : std::nullopt;
      }
    }
  }
}

/// One page from the CRM, or why it cannot be read.
std::variant<providers::Page, ItemOutcome> read_next_page(
    const PageLoop& loop, const std::optional<std::string>& cursor) {
  providers::Step step = loop.provider.list_page(loop.options.entity, cursor);
  if (std::holds_alternative<ItemOutcome>(step)) {
    return std::get<ItemOutcome>(step);
  }
  loop.pacer.next();
  auto read = loop.provider.read_page(
      loop.options.entity, cursor,
      fetch(std::get<http::Request>(step), loop.deadline));
  if (auto* page = std::get_if<providers::Page>(&read)) {
    if (auto stop = read_whole_records(loop, *page)) return std::move(*stop);
    resolve_references(loop, *page);
  }
  return read;
}

/// A page that failed: a permanent failure ends the job, others are noted.
void record_page_failure(db::Connection& connection, std::int64_t job_id,
                         const ItemOutcome& failed) {
  if (failed.kind == OutcomeKind::permanent) {
    connection.execute(
        "UPDATE crm_fila SET status = 'erro', erro = ? WHERE id = ?",
        {failed.message, static_cast<long long>(job_id)});
  } else {
    connection.execute("UPDATE crm_fila SET erro = ? WHERE id = ?",
                       {failed.message, static_cast<long long>(job_id)});
  }
}

/// Writes onto local record `id` only what the CRM changes (import_merge.h:
/// no empty value over local data, local spelling kept); false when
/// nothing changed.
bool apply_changes(const PageLoop& loop, std::int64_t id,
                   const providers::RemoteRecord& remote) {
  records::TableMapping plain = loop.mapping;
  plain.children.clear();
  const auto found = loop.records.load_many(plain, loop.options.store_id, {id});
  const FieldValues changes = found.contains(id)
                                  ? changed_fields(found.at(id), remote.fields)
                                  : values_for_create(remote.fields);
  if (changes.empty()) {
    return false;
  }
  loop.records.apply_remote(loop.mapping, id, changes);
  return true;
}

/// Updates the record with this external id, or links the matching one, or
/// creates it; counts which into `counts`. A record the local table refuses
/// is counted as failed, with its reason and CRM id, and the page goes on.
void import_record(const PageLoop& loop, const providers::RemoteRecord& remote,
                   ImportResult& counts) {
  records::RecordRepository& records = loop.records;
  const records::TableMapping& mapping = loop.mapping;
  try {
    if (auto id = records.find_by(mapping, loop.options.store_id, "external_id",
                                  remote.external_id)) {
      ++(apply_changes(loop, *id, remote) ? counts.updated : counts.unchanged);
      return;
    }
    if (const auto match = find_match(records, mapping, loop.options, remote)) {
      records.save_external_id(mapping, *match, remote.external_id);
      apply_changes(loop, *match, remote);
      ++counts.linked;
      return;
    }
    records.create(mapping, loop.options.store_id, remote.external_id,
                   values_for_create(remote.fields));
    ++counts.created;
  } catch (const db::DbError& error) {
    // The CRM's data breaks a local constraint (NOT NULL, UNIQUE, too long,
    // type): that record fails, the import goes on. Anything else is not the
    // record's fault: on a deadlock InnoDB rolled back the whole page, so
    // counting one failure and committing the new cursor would lose the
    // page; with_transaction retries it instead (and a lock wait timeout
    // too), and any other error ends the run with the cursor unmoved.
    if (!error.is_data_error()) throw;
    ++counts.failed;
    counts.last_failure = util::safe_text(
        fmt::format("CRM record {}: {}", remote.external_id, error.what()),
        1000);
  }
}

/// The job's cursor, counts and status after a page.
void save_page_progress(db::Connection& connection, std::int64_t job_id,
                        const providers::Page& page,
                        const ImportResult& counts) {
  connection.execute(
      "UPDATE crm_fila SET cursor_pagina = ?, processados = processados + "
      "?, "
      "criados = criados + ?, atualizados = atualizados + ?, vinculados = "
      "vinculados + ?, "
      "falhas = falhas + ?, erro = COALESCE(?, erro), status = ?, "
      "progresso = ?, "
      "concluido_em = IF(? = 'concluido', NOW(), NULL) WHERE id = ?",
      {page.next_cursor, static_cast<long long>(page.records.size()),
       static_cast<long long>(counts.created),
       static_cast<long long>(counts.updated),
       static_cast<long long>(counts.linked),
       static_cast<long long>(counts.failed),
       counts.last_failure ? db::Value(*counts.last_failure)
                           : db::Value(nullptr),
       page.next_cursor ? "processando" : "concluido",
       page.next_cursor ? 0 : 100,
       page.next_cursor ? "processando" : "concluido",
       static_cast<long long>(job_id)});
}

/// A page's local writes and the job's new cursor, in one transaction,
/// retried whole on a deadlock or lock wait timeout.
ImportResult import_page(const PageLoop& loop, std::int64_t job_id,
                         const providers::Page& page) {
  ImportResult counts;
  db::with_transaction(loop.connection, [&] {
    counts = ImportResult{};
    for (const providers::RemoteRecord& remote : page.records) {
      import_record(loop, remote, counts);
    }
    save_page_progress(loop.connection, job_id, page, counts);
  });
  return counts;
}

/// Reads pages from `cursor` until the last page, the page limit, the
/// deadline, the request budget or a failure; adds up into `result`.
void import_pages(const PageLoop& loop, std::optional<std::string> cursor,
                  ImportResult& result) {
  while (result.pages < loop.options.max_pages && !loop.deadline.passed()) {
    if (loop.per_minute &&
        loop.budget.reserve(loop.options.store_id, *loop.per_minute, 1)
                .requests == 0) {
      result.rate_limited = true;
      result.stopped_by = fmt::format(
          "the store's request budget of {}/min is spent", *loop.per_minute);
      return;
    }
    const auto read = read_next_page(loop, cursor);
    if (const auto* failed = std::get_if<ItemOutcome>(&read)) {
      result.rate_limited = failed->kind == OutcomeKind::rate_limited;
      result.stopped_by = failed->message;
      record_page_failure(loop.connection, result.job_id, *failed);
      return;
    }
    const providers::Page& page = std::get<providers::Page>(read);
    const ImportResult counts = import_page(loop, result.job_id, page);
    result.created += counts.created;
    result.updated += counts.updated;
    result.linked += counts.linked;
    result.failed += counts.failed;
    result.unchanged += counts.unchanged;
    if (counts.last_failure) {
      result.last_failure = counts.last_failure;
    }
    ++result.pages;
    cursor = page.next_cursor;
    if (!cursor) {
      result.finished = true;
      return;
    }
  }
}

}  // namespace

ImportResult run_import(db::Connection& connection,
                        const config::Environment& environment,
                        const ImportOptions& options) {
  ImportResult result;
  const util::Deadline deadline(options.deadline);
  const auto lock = try_lock_full_sync(connection, options.store_id);
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
  const auto mappings =
      records::mappings_for_store(active.front().settings, options.store_id);
  if (!mappings.contains(options.entity)) {
    throw FatalError(
        records::disabled_message(options.store_id, options.entity));
  }
  const records::TableMapping& mapping = mappings.at(options.entity);
  records::RecordRepository records(connection);
  // Page requests count against the store's shared request budget too.
  queue::RequestBudget budget(connection);
  std::optional<int> per_minute = integrations::parse_store_settings(
                                      active.front().settings, options.store_id)
                                      .requests_per_minute;
  if (!per_minute) {
    per_minute = provider->rate_limits().per_minute;
  }

  Pacer pacer(integrations::parse_store_settings(active.front().settings,
                                                 options.store_id)
                  .requests_per_second.value_or(
                      provider->rate_limits().per_second.value_or(0)));
  const ImportJob job = open_job(connection, options);
  result.job_id = job.id;
  const PageLoop loop{connection, *provider,  mappings, mapping,  records,
                      budget,     per_minute, pacer,    deadline, options};
  import_pages(loop, job.cursor, result);
  return result;
}

}  // namespace crm::sync
