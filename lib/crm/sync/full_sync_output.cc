#include "crm/sync/full_sync_output.h"

#include <fmt/format.h>

#include "crm/json/json.h"
#include "crm/util/strings.h"

namespace crm::sync {

std::string format_full_sync_lines(const FullSyncResult& result,
                                   const FullSyncOptions& options,
                                   std::string_view timestamp) {
  if (result.skipped) {
    return fmt::format(
        "{} Sincronização completa ignorada: outra execução para a loja {} "
        "está em andamento",
        timestamp, options.store_id);
  }
  const std::int64_t total = result.total();
  std::string what = util::counted(total, "registro", "registros");
  util::Gender gender = util::Gender::masculine;
  if (options.entities.size() == 1) {
    const Entity entity = options.entities.front();
    what = util::counted(total, to_db(entity), plural(entity));
    if (is_feminine(entity)) gender = util::Gender::feminine;
  }
  const std::string queued = util::agree("enfileirad", total, gender);
  const std::int64_t minutes = result.estimated_minutes();
  return fmt::format(
      "{} Sincronização completa: {} {}\nTempo estimado: ~{}", timestamp, what,
      options.dry_run ? fmt::format("{} {} (dry-run)",
                                    total == 1 ? "seria" : "seriam", queued)
                      : queued,
      util::counted(minutes, "minuto", "minutos"));
}

std::string full_sync_json(const FullSyncResult& result,
                           const FullSyncOptions& options) {
  std::string counts;
  for (const auto& exported : result.entities) {
    counts += fmt::format("{}\"{}\":{}", counts.empty() ? "" : ",",
                          to_db(exported.entity), exported.records);
  }
  return fmt::format(
      "{{\"programa\":\"crm_sync_full\",\"status\":\"{}\",\"enfileirados\":{},"
      "\"por_entidade\":{{{}}},\"backlog\":{},\"minutos_estimados\":{},\"dry_"
      "run\":{}}}",
      result.skipped ? "ignorado" : "ok", result.total(), counts,
      result.backlog, result.estimated_minutes(), options.dry_run);
}

std::string format_import_line(const ImportResult& result, Entity entity,
                               std::string_view timestamp) {
  if (result.skipped) {
    return fmt::format(
        "{} Importação ignorada: outra execução de crm_sync_full está em "
        "andamento",
        timestamp);
  }
  std::string state =
      result.finished ? "concluída" : "continua na próxima execução";
  if (result.stopped_by) {
    state = (result.rate_limited ? "limite de requisições; continua depois: "
                                 : "interrompida: ") +
            *result.stopped_by;
  }
  return fmt::format(
      "{} Importação de {}: Páginas: {} | Criados: {} | Atualizados: {} | "
      "Vinculados: {} | "
      "Erros: {} | {}",
      timestamp, plural(entity), result.pages, result.created, result.updated,
      result.linked, result.failed, state);
}

std::string import_json(const ImportResult& result) {
  return fmt::format(
      "{{\"programa\":\"crm_sync_full\",\"status\":\"{}\",\"id_job\":{},"
      "\"paginas\":{},"
      "\"criados\":{},\"atualizados\":{},\"inalterados\":{},"
      "\"vinculados\":{},\"erros\":{},\"ultimo_erro\":{},"
      "\"concluida\":{},"
      "\"mensagem\":{}}}",
      result.skipped ? "ignorado" : "ok", result.job_id, result.pages,
      result.created, result.updated, result.unchanged, result.linked,
      result.failed,
      result.last_failure ? json::quote(*result.last_failure) : "null",
      result.finished,
      result.stopped_by ? json::quote(*result.stopped_by) : "null");
}

}  // namespace crm::sync
