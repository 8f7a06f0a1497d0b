// Times QueueRepository::claim (the real code path) on whatever queue the
// database holds: N claims of `limit` rows, each rolled back by releasing the
// rows again so every claim sees the same queue. Prints median and p99 in ms.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "crm/config/config_loader.h"
#include "crm/db/connection.h"
#include "crm/queue/queue_repository.h"

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  const int limit = argc > 2 ? std::atoi(argv[2]) : 100;
  const crm::Config config =
      crm::config::load_config(crm::config::process_environment(), {});
  auto connection = crm::db::Connection::open(config.db);
  crm::queue::QueueRepository queue(*connection);
  crm::queue::ClaimFilter filter;
  filter.store_ids = {1};
  crm::queue::ClaimOptions options;
  options.limit = limit;
  std::vector<double> ms;
  std::size_t claimed = 0;
  for (int i = 0; i < rounds; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const auto claim = queue.claim(filter, options);
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - started)
                     .count());
    claimed += claim.rows.size();
    std::vector<crm::queue::Finished> release;
    for (const auto& row : claim.rows) {
      release.push_back(
          {row, crm::ItemOutcome::failed(crm::OutcomeKind::released, "bench")});
    }
    queue.finish(claim.token, release);
  }
  std::sort(ms.begin(), ms.end());
  fmt::print(
      "claims {} rows/claim {:.0f} median_ms {:.2f} p99_ms {:.2f} max_ms "
      "{:.2f}\n",
      rounds, static_cast<double>(claimed) / rounds, ms[ms.size() / 2],
      ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], ms.back());
}
