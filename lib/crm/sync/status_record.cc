#include "crm/sync/status_record.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "crm/core/errors.h"
#include "crm/json/json.h"
#include "crm/records/record_repository.h"
#include "crm/records/table_mapping.h"

namespace crm::sync {
namespace {

/// The store of the record: given, or the only one with its rows, or the
/// only active integration.
int resolve_store(db::Connection& c, const RecordQuery& query) {
  if (query.store_id) return *query.store_id;
  const std::string entity(to_db(query.entity));
  std::vector<std::int64_t> stores;
  for (const db::Row& row :
       c.query("SELECT id_loja FROM crm_sync_queue WHERE entidade = ? AND "
               "id_registro = ? UNION SELECT id_loja FROM crm_sync_log WHERE "
               "entidade = ? AND id_registro = ? ORDER BY 1",
               {entity, query.record_id, entity, query.record_id})
           .rows) {
    stores.push_back(row.integer(0));
  }
  if (stores.size() == 1) return static_cast<int>(stores.front());
  if (stores.size() > 1) {
    throw UsageError(
        fmt::format("--record: {} {} has rows in stores {}: add --loja", entity,
                    query.record_id, fmt::join(stores, ", ")));
  }
  const db::Rows active =
      c.query("SELECT id_loja FROM crm_integracoes WHERE ativo = 1");
  if (active.size() != 1) {
    throw UsageError(fmt::format(
        "--record: {} {} has no queue or log row: name its store with --loja",
        entity, query.record_id));
  }
  return static_cast<int>(active.rows.front().integer(0));
}

void read_store_state(db::Connection& c, report::RecordStory& story) {
  const db::Rows integration =
      c.query("SELECT MAX(ativo) FROM crm_integracoes WHERE id_loja = ?",
              {story.store_id});
  if (integration.rows.front().is_null(0)) {
    story.store_state = "sem_integracao";
  } else if (integration.rows.front().integer(0) == 0) {
    story.store_state = "desativada";
  }
  for (const db::Row& row :
       c.query("SELECT estado, IFNULL(motivo, ''), IFNULL(DATE_FORMAT("
               "proxima_sonda, '%Y-%m-%d %H:%i:%s'), '') FROM "
               "crm_lojas_estado WHERE id_loja = ? AND estado <> 'ok'",
               {story.store_id})
           .rows) {
    story.store_state = row.text(0);
    story.store_reason = row.text(1);
    story.next_probe = row.text(2);
  }
}

void read_queue(db::Connection& c, const std::string& entity,
                report::RecordStory& story) {
  for (const db::Row& row :
       c.query("SELECT id, direcao, processado, IFNULL(erro, ''), "
               "tentativas, prioridade, DATE_FORMAT(criado_em, '%Y-%m-%d "
               "%H:%i:%s'), DATE_FORMAT(disponivel_em, '%Y-%m-%d %H:%i:%s'), "
               "IFNULL(DATE_FORMAT(processado_em, '%Y-%m-%d %H:%i:%s'), ''), "
               "disponivel_em <= NOW(), claim_token IS NOT NULL AND "
               "disponivel_em > NOW(), id_execucao FROM crm_sync_queue "
               "WHERE id_loja = ? AND entidade = ? AND id_registro = ? "
               "ORDER BY id",
               {story.store_id, entity, story.record_id})
           .rows) {
    report::StoryQueueRow queued;
    queued.id = row.integer(0);
    queued.direction = row.text(1);
    queued.done = row.integer(2) != 0;
    queued.error = row.text(3);
    queued.attempts = static_cast<int>(row.integer(4));
    queued.priority = static_cast<int>(row.integer(5));
    queued.created = row.text(6);
    queued.due_at = row.text(7);
    queued.finished = row.text(8);
    queued.due = row.integer(9) != 0;
    queued.claimed = !queued.done && row.integer(10) != 0;
    if (!row.is_null(11)) queued.run_id = row.integer(11);
    story.queue.push_back(std::move(queued));
  }
}

void read_log(db::Connection& c, const std::string& entity,
              report::RecordStory& story) {
  for (const db::Row& row :
       c.query("SELECT DATE_FORMAT(criado_em, '%Y-%m-%d %H:%i:%s'), "
               "id_execucao, direcao, status, IFNULL(operacao, ''), "
               "http_status, duracao_ms, IFNULL(external_id, ''), "
               "IFNULL(mensagem, '') FROM crm_sync_log WHERE id_loja = ? AND "
               "entidade = ? AND id_registro = ? ORDER BY id",
               {story.store_id, entity, story.record_id})
           .rows) {
    report::StoryLogRow logged;
    logged.created = row.text(0);
    if (!row.is_null(1)) logged.run_id = row.integer(1);
    logged.direction = row.text(2);
    logged.status = row.text(3);
    logged.operation = row.text(4);
    if (!row.is_null(5)) logged.http_status = static_cast<int>(row.integer(5));
    if (!row.is_null(6)) logged.duration_ms = row.integer(6);
    logged.external_id = row.text(7);
    logged.message = row.text(8);
    if (!logged.external_id.empty()) story.external_id = logged.external_id;
    story.log.push_back(std::move(logged));
  }
}

/// The local record through the store's mapping, when its configuration
/// can be read (a store that does not validate is shown without it).
void read_local(db::Connection& c, Entity entity, report::RecordStory& story) {
  if (story.store_state != "ok" && story.store_state != "pausada") return;
  const db::Rows settings = c.query(
      "SELECT IFNULL(configuracoes, '{}') FROM crm_integracoes WHERE "
      "id_loja = ? AND ativo = 1",
      {story.store_id});
  const auto parsed = json::parse(settings.rows.front().text(0));
  if (!parsed || !parsed->is_object()) return;
  const auto mappings = records::mappings_for_store(*parsed, story.store_id);
  const auto mapping = mappings.find(entity);
  if (mapping == mappings.end()) return;
  story.table = mapping->second.table;
  const auto found = records::RecordRepository(c).load_many(
      mapping->second, story.store_id, {story.record_id});
  story.local_exists = found.contains(story.record_id);
  if (!*story.local_exists) return;
  const LocalRecord& record = found.at(story.record_id);
  story.deleted = record.deleted;
  story.external_id = record.external_id.value_or("");
}

/// The mirror's row of the record's CRM id.
void read_mirror(db::Connection& c, report::RecordStory& story) {
  if (story.external_id.empty()) return;
  for (const db::Row& row :
       c.query("SELECT origem, DATE_FORMAT(visto_em, '%Y-%m-%d %H:%i:%s'), "
               "IFNULL(atualizado_crm, ''), campos, copia IS NOT NULL FROM "
               "crm_espelho WHERE id_loja = ? AND entidade = ? AND "
               "id_externo = ?",
               {story.store_id, story.entity, story.external_id})
           .rows) {
    story.mirror = report::StoryMirror{row.text(0), row.text(1), row.text(2),
                                       row.text(3), row.integer(4) != 0};
  }
}

}  // namespace

report::RecordStory read_record_story(db::Connection& c,
                                      const RecordQuery& query,
                                      int max_attempts) {
  report::RecordStory story;
  db::with_transaction(
      c,
      [&] {
        story = report::RecordStory{};
        story.entity = std::string(to_db(query.entity));
        story.record_id = query.record_id;
        story.max_attempts = max_attempts;
        story.store_id = resolve_store(c, query);
        read_store_state(c, story);
        read_queue(c, story.entity, story);
        read_log(c, story.entity, story);
        read_local(c, query.entity, story);
        read_mirror(c, story);
      },
      db::Isolation::repeatable_read);
  return story;
}

}  // namespace crm::sync
