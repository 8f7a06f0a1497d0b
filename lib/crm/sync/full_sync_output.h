// crm_sync_full's output lines, as pure functions.
#pragma once

#include <string>
#include <string_view>

#include "crm/sync/full_sync.h"
#include "crm/sync/import_job.h"

namespace crm::sync {

/// The seed's two lines ("Sincronização completa: N clientes enfileirados" /
/// "Tempo estimado: ~M minutos"), or the line saying the run skipped.
std::string format_full_sync_lines(const FullSyncResult& result,
                                   const FullSyncOptions& options,
                                   std::string_view timestamp);
std::string full_sync_json(const FullSyncResult& result,
                           const FullSyncOptions& options);

/// "Importação de clientes: Páginas: 2 | Criados: ... | concluída".
std::string format_import_line(const ImportResult& result, Entity entity,
                               std::string_view timestamp);
std::string import_json(const ImportResult& result);

}  // namespace crm::sync
