#include "crm/report/record_story.h"

#include <fmt/format.h>

#include <algorithm>

#include "crm/json/json.h"

namespace crm::report {
namespace {

std::string clock_of(const std::string& timestamp) {
  return timestamp.size() >= 16 ? timestamp.substr(11, 5) : timestamp;
}

std::string enqueue_command(const RecordStory& story) {
  return fmt::format("crm_enqueue --loja {} --entity {} --id {}",
                     story.store_id, story.entity, story.record_id);
}

/// The newest row of a direction: the pending one if any, else the last.
const StoryQueueRow* current_row(const RecordStory& story,
                                 const std::string& direction) {
  const StoryQueueRow* newest = nullptr;
  for (const StoryQueueRow& row : story.queue) {
    if (row.direction != direction) continue;
    if (!row.done) return &row;
    newest = &row;
  }
  return newest;
}

/// Why a pending row of this store is not claimed, or empty.
std::string store_wait(const RecordStory& story) {
  if (story.store_state == "pausada") {
    return fmt::format(
        "waits for store {}'s probe at {} (paused: {}; crm_status --resume "
        "{} lifts it)",
        story.store_id, clock_of(story.next_probe), story.store_reason,
        story.store_id);
  }
  if (story.store_state == "invalida") {
    return fmt::format(
        "waits: store {}'s configuration does not validate ({}); the first "
        "run after it is fixed takes it",
        story.store_id, story.store_reason);
  }
  if (story.store_state == "desativada" ||
      story.store_state == "sem_integracao") {
    return fmt::format("waits: store {} has no active integration",
                       story.store_id);
  }
  return {};
}

/// What a due row leads to, from the local record.
std::string due_action(const RecordStory& story, const StoryQueueRow& row) {
  const std::string attempt =
      fmt::format(" (attempt {} of {})", row.attempts + 1, story.max_attempts);
  if (story.local_exists && !*story.local_exists) {
    return fmt::format("fails at once: local record not found in {}",
                       story.table);
  }
  if (story.deleted && row.direction == "ecletech_para_crm") {
    return "deleted locally: follows the store's on_delete (default ignore: "
           "success without a request)";
  }
  if (row.direction == "crm_para_ecletech") {
    return story.external_id.empty()
               ? "fails: the local record has no external_id to fetch"
               : fmt::format(
                     "fetch external id {} and update the local "
                     "record{}",
                     story.external_id, attempt);
  }
  if (!story.external_id.empty()) {
    return fmt::format("update (external id {}){}", story.external_id, attempt);
  }
  return (story.entity == "cliente"
              ? std::string("create with lookup (by e-mail or document; a "
                            "match is linked instead)")
              : std::string("create")) +
         attempt;
}

}  // namespace

std::string next_action(const RecordStory& story,
                        const std::string& direction) {
  const StoryQueueRow* row = current_row(story, direction);
  if (!row) {
    return fmt::format("nothing: not queued ({} queues it)",
                       enqueue_command(story));
  }
  if (row->done && row->error.empty()) {
    return fmt::format("nothing: synced at {}; the next change queues it again",
                       row->finished);
  }
  if (row->done) {
    return fmt::format(
        "nothing: given up after {} attempt(s) ({}); re-enqueue with "
        "crm_enqueue --retry-failed or {}",
        row->attempts, row->error, enqueue_command(story));
  }
  if (row->claimed) {
    return fmt::format("being processed by run #{} (lease until {})",
                       row->run_id.value_or(0), clock_of(row->due_at));
  }
  if (std::string wait = store_wait(story); !wait.empty()) return wait;
  if (!row->due) {
    return fmt::format(
        "waits until {} ({})", clock_of(row->due_at),
        row->error.empty()
            ? std::string("not due yet")
            : fmt::format("back-off after attempt {} of {}: {}", row->attempts,
                          story.max_attempts, row->error));
  }
  return due_action(story, *row);
}

std::vector<std::string> story_directions(const RecordStory& story) {
  std::vector<std::string> directions;
  for (const StoryQueueRow& row : story.queue) {
    if (std::find(directions.begin(), directions.end(), row.direction) ==
        directions.end()) {
      directions.push_back(row.direction);
    }
  }
  if (directions.empty()) directions.push_back("ecletech_para_crm");
  return directions;
}

namespace {

std::string queue_row_text(const StoryQueueRow& row) {
  const std::string state = !row.done           ? "pendente"
                            : row.error.empty() ? "sucesso"
                                                : "desistida";
  return fmt::format(
      "  #{} {} {}, {} tentativas, prioridade {}, criada {}, disponível {}{}{}"
      "\n",
      row.id, row.direction, state, row.attempts, row.priority, row.created,
      row.due_at, row.finished.empty() ? "" : ", concluída " + row.finished,
      row.error.empty() ? "" : ", erro: " + row.error);
}

std::string log_row_text(const StoryLogRow& row) {
  return fmt::format(
      "  {} {}{} {} {}{}{}{}{}\n", row.created,
      row.run_id ? fmt::format("run #{} ", *row.run_id) : std::string(),
      row.direction, row.operation.empty() ? "-" : row.operation, row.status,
      row.http_status ? fmt::format(" HTTP {}", *row.http_status) : "",
      row.duration_ms ? fmt::format(" {} ms", *row.duration_ms) : "",
      row.external_id.empty() ? "" : " external_id " + row.external_id,
      row.message.empty() ? "" : ": " + row.message);
}

}  // namespace

std::string format_record_text(const RecordStory& story,
                               const std::string& timestamp) {
  std::string out = fmt::format(
      "{} {} {} loja {}: {}\n", timestamp, story.entity, story.record_id,
      story.store_id,
      !story.local_exists ? std::string("local record not read")
      : !*story.local_exists
          ? fmt::format("not found in {}", story.table)
          : fmt::format(
                "{}{}, external_id {}", story.table,
                story.deleted ? " (deleted)" : "",
                story.external_id.empty() ? "none" : story.external_id));
  out +=
      fmt::format("Loja {}: {}{}\n", story.store_id, story.store_state,
                  story.store_reason.empty() ? "" : " - " + story.store_reason);
  out += fmt::format("\nFila ({}):\n", story.queue.size());
  for (const StoryQueueRow& row : story.queue) out += queue_row_text(row);
  out += fmt::format("\nLog ({}):\n", story.log.size());
  for (const StoryLogRow& row : story.log) out += log_row_text(row);
  if (story.mirror) {
    out += fmt::format("\nEspelho do CRM ({}, visto {}{}{}): {}\n",
                       story.mirror->origin, story.mirror->seen,
                       story.mirror->updated_at.empty()
                           ? ""
                           : "; alterado no CRM " + story.mirror->updated_at,
                       story.mirror->has_copy ? "; com cópia" : "",
                       story.mirror->fields);
  }
  out += "\n";
  for (const std::string& direction : story_directions(story)) {
    out += fmt::format("Próxima execução ({}): {}\n", direction,
                       next_action(story, direction));
  }
  return out;
}

namespace {

json::Value integer(long long value) { return json::Value::number(value); }

json::Value text_or_null(const std::string& text) {
  return text.empty() ? json::Value() : json::Value::string(text);
}

json::Value queue_json(const RecordStory& story) {
  json::Value rows = json::Value::array();
  for (const StoryQueueRow& row : story.queue) {
    json::Value item = json::Value::object();
    item.set("id", integer((row.id)));
    item.set("direcao", json::Value::string(row.direction));
    item.set("processado", json::Value::boolean(row.done));
    item.set("erro", text_or_null(row.error));
    item.set("tentativas", integer(row.attempts));
    item.set("prioridade", integer(row.priority));
    item.set("criado_em", json::Value::string(row.created));
    item.set("disponivel_em", json::Value::string(row.due_at));
    item.set("processado_em", text_or_null(row.finished));
    item.set("em_execucao", json::Value::boolean(row.claimed));
    rows.push_back(std::move(item));
  }
  return rows;
}

json::Value log_json(const RecordStory& story) {
  json::Value rows = json::Value::array();
  for (const StoryLogRow& row : story.log) {
    json::Value item = json::Value::object();
    item.set("criado_em", json::Value::string(row.created));
    item.set("id_execucao",
             row.run_id ? integer((*row.run_id)) : json::Value());
    item.set("direcao", json::Value::string(row.direction));
    item.set("status", json::Value::string(row.status));
    item.set("operacao", text_or_null(row.operation));
    item.set("http_status",
             row.http_status ? integer(*row.http_status) : json::Value());
    item.set("duracao_ms",
             row.duration_ms ? integer((*row.duration_ms)) : json::Value());
    item.set("external_id", text_or_null(row.external_id));
    item.set("mensagem", text_or_null(row.message));
    rows.push_back(std::move(item));
  }
  return rows;
}

}  // namespace

std::string format_record_json(const RecordStory& story) {
  json::Value out = json::Value::object();
  out.set("programa", json::Value::string("crm_status"));
  out.set("entidade", json::Value::string(story.entity));
  out.set("id_registro", integer((story.record_id)));
  out.set("id_loja", integer(story.store_id));
  out.set("estado_loja", json::Value::string(story.store_state));
  out.set("motivo_loja", text_or_null(story.store_reason));
  out.set("existe_localmente", story.local_exists
                                   ? json::Value::boolean(*story.local_exists)
                                   : json::Value());
  out.set("excluido_localmente", json::Value::boolean(story.deleted));
  out.set("external_id", text_or_null(story.external_id));
  out.set("fila", queue_json(story));
  out.set("log", log_json(story));
  json::Value mirror;
  if (story.mirror) {
    mirror = json::Value::object();
    mirror.set("origem", json::Value::string(story.mirror->origin));
    mirror.set("visto_em", json::Value::string(story.mirror->seen));
    mirror.set("alterado_no_crm", text_or_null(story.mirror->updated_at));
    const auto fields = json::parse(story.mirror->fields);
    mirror.set("campos", fields ? *fields : json::Value());
    mirror.set("com_copia", json::Value::boolean(story.mirror->has_copy));
  }
  out.set("espelho", std::move(mirror));
  json::Value next = json::Value::array();
  for (const std::string& direction : story_directions(story)) {
    json::Value item = json::Value::object();
    item.set("direcao", json::Value::string(direction));
    item.set("acao", json::Value::string(next_action(story, direction)));
    next.push_back(std::move(item));
  }
  out.set("proxima_execucao", std::move(next));
  return json::dump(out);
}

}  // namespace crm::report
