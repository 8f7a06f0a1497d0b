// The fair claim: which due rows one batch takes, store by store, so that a
// burst in one store never starves another (issue #16). Priority still goes
// first across stores; within one priority, every store with due rows gets
// an even share of what is left of the batch, and what a store cannot use
// goes to the others.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crm/core/entity.h"
#include "crm/db/connection.h"

namespace crm::queue {

struct ClaimFilter {
  /// Only these stores (those with a usable integration). A claim with none
  /// takes nothing; store_shares() reads every store then.
  std::vector<int> store_ids;
  std::optional<Entity> entity;
  /// The most rows a store may take: the requests its budget has left this
  /// minute (each row costs at least one). A store not listed has no cap;
  /// one listed with 0 takes nothing.
  std::map<int, int> store_caps;
  /// When more stores have due rows than the batch has rows, a run looks at
  /// `limit` of them, starting at (rotation x limit) in store order: the run
  /// id, so that consecutive runs look at different stores.
  std::uint64_t rotation = 0;
};

enum class Lock { no, yes };

/// Selects up to `limit` due rows (columns: id, id_loja, entidade,
/// id_registro, direcao, prioridade, tentativas, alteracoes), in rounds:
/// each round reads the next row of every store in the window (one seek
/// per store, one statement), takes the highest priority among them, gives
/// each store at that priority its fair share (fair_shares(), capped by
/// store_caps) and takes the shares with one seek per store, in
/// `prioridade DESC, criado_em, id` order off idx_claim_loja. With
/// Lock::yes the seeks are `FOR UPDATE SKIP LOCKED` (call it inside a READ
/// COMMITTED transaction): rows locked by another claim are skipped, and
/// the share they leave goes to the next round. Returns the rows with each
/// priority's rows interleaved store by store (priority first, then the
/// row's rank within its store).
[[nodiscard]] std::vector<db::Row> select_fair(db::Connection& connection,
                                               const ClaimFilter& filter,
                                               int limit, Lock lock);

/// One store's place in the next claim, for a status screen.
struct StoreShare {
  int store_id = 0;
  /// Rows a claim of `limit` would take from it now (0 when other stores'
  /// higher priorities fill the batch).
  int share = 0;
  /// The priority of its next row in claim order.
  int next_priority = 0;
  /// How long its next row (in claim order) has been queued.
  std::chrono::seconds next_wait{0};
};

/// Every store of `filter` with due rows (every store when store_ids is
/// empty), by store id: what a claim of `limit` would take from each, and
/// how long its next row has waited. Reads only (no lock, no write).
[[nodiscard]] std::vector<StoreShare> store_shares(db::Connection& connection,
                                                   const ClaimFilter& filter,
                                                   int limit);

/// The statements of the claim, exposed so that tests can EXPLAIN them.
/// The stores with at least one due row (a loose index scan of
/// idx_due_loja).
std::string due_stores_sql();
/// The next row of each store of a JSON [[store, highest priority], ...]
/// list, skipping `excluded` ids (already taken by this claim).
std::string store_heads_sql(const ClaimFilter& filter, std::size_t excluded);

/// One store's seek in a claim round.
struct Seek {
  int store_id = 0;
  int priority = 0;
  int rows = 0;
  /// Its rows this claim took in earlier rounds.
  std::vector<std::int64_t> excluded;
  /// Its next row as the round read it: a share of one row is taken by
  /// primary key (every such store in one branch of the statement) instead
  /// of a seek of its own.
  std::optional<std::int64_t> head;
};
std::string claim_seek_sql(const ClaimFilter& filter,
                           const std::vector<Seek>& seeks, Lock lock);
db::Params claim_seek_params(const ClaimFilter& filter,
                             const std::vector<Seek>& seeks);

}  // namespace crm::queue
