// crm_status --record: the story of one record and what the next run does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm::report {

/// One crm_sync_queue row of the record.
struct StoryQueueRow {
  std::int64_t id = 0;
  std::string direction;  ///< ecletech_para_crm | crm_para_ecletech
  bool done = false;      ///< processado = 1
  std::string error;      ///< erro; empty when NULL
  int attempts = 0;
  int priority = 0;
  std::string created;   ///< "YYYY-MM-DD HH:MM:SS"
  std::string due_at;    ///< disponivel_em
  std::string finished;  ///< processado_em; empty when NULL
  bool due = false;      ///< disponivel_em <= NOW() (database clock)
  bool claimed = false;  ///< leased by a run whose lease has not expired
  std::optional<std::int64_t> run_id;
};

/// One crm_sync_log row of the record.
struct StoryLogRow {
  std::string created;
  std::optional<std::int64_t> run_id;
  std::string direction;
  std::string status;     ///< sucesso | erro
  std::string operation;  ///< create | update | fetch | link; may be empty
  std::optional<int> http_status;
  std::optional<std::int64_t> duration_ms;
  std::string external_id;
  std::string message;
};

/// The store's mirror row of the record's CRM id (crm_espelho).
struct StoryMirror {
  std::string origin;      ///< leitura | parcial | envio
  std::string seen;        ///< "YYYY-MM-DD HH:MM:SS" of the last write
  std::string updated_at;  ///< the CRM's update time; empty: unknown
  std::string fields;      ///< the CRM's mapped fields, as JSON
  bool has_copy = false;   ///< a whole copy a PUT is built from
};

struct RecordStory {
  std::string entity;  ///< cliente | produto | venda | atividade
  std::int64_t record_id = 0;
  int store_id = 0;
  /// ok | pausada | invalida | desativada | sem_integracao, and why.
  std::string store_state = "ok";
  std::string store_reason;
  std::string next_probe;  ///< "YYYY-MM-DD HH:MM:SS" of a paused store
  /// The local record as the store's mapping reads it; nullopt when it was
  /// not read (the store has no usable configuration or the entity is off).
  std::optional<bool> local_exists;
  bool deleted = false;
  std::string external_id;  ///< on the local record; else the log's last
  std::string table;        ///< the local table read; empty when not read
  std::vector<StoryQueueRow> queue;  ///< oldest first
  std::vector<StoryLogRow> log;      ///< oldest first
  int max_attempts = 10;
  /// What the mirror knows of the record's CRM id; nullopt: nothing.
  std::optional<StoryMirror> mirror;
};

/// What the next crm_sync run does with the record in `direction`, in one
/// English sentence ("update (external id 77)", "create with lookup (by
/// e-mail or document; links a match)", "waits until 10:42 (back-off after
/// attempt 2 of 10)", "given up: ... re-enqueue with crm_enqueue ...").
[[nodiscard]] std::string next_action(const RecordStory& story,
                                      const std::string& direction);

/// The directions the record has queue rows in, in first-seen order
/// (ecletech_para_crm when it has none).
[[nodiscard]] std::vector<std::string> story_directions(
    const RecordStory& story);

/// The screen: the record, its queue rows, its log rows, the next action.
[[nodiscard]] std::string format_record_text(const RecordStory& story,
                                             const std::string& timestamp);
/// One JSON object.
[[nodiscard]] std::string format_record_json(const RecordStory& story);

}  // namespace crm::report
