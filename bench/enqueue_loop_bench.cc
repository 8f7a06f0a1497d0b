// The seed 000 baseline for crm_sync_full: one SELECT and one INSERT per
// record (ModelCrmSyncQueue::enfileirar in a loop), over customers 1..N of
// store 1. Prints the wall time.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "crm/config/config_loader.h"
#include "crm/db/connection.h"

int main(int argc, char** argv) {
  const long long count = argc > 1 ? std::atoll(argv[1]) : 20000;
  const crm::Config config =
      crm::config::load_config(crm::config::process_environment(), {});
  auto connection = crm::db::Connection::open(config.db);
  const auto started = std::chrono::steady_clock::now();
  for (long long id = 1; id <= count; ++id) {
    const auto existing = connection->query(
        "SELECT id FROM crm_sync_queue WHERE entidade = 'cliente' AND "
        "id_registro = ? "
        "AND direcao = 'ecletech_para_crm' AND processado = 0",
        {id});
    if (existing.empty()) {
      connection->execute(
          "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, "
          "direcao, prioridade) "
          "VALUES (1, 'cliente', ?, 'ecletech_para_crm', 0)",
          {id});
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  fmt::print("per-row loop: {} records in {:.2f} s\n", count, seconds);
}
