#include "crm/queue/fair_claim.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "crm/queue/fair_share.h"

namespace crm::queue {
namespace {

constexpr int k_top_priority = std::numeric_limits<int>::max();
/// Rounds of one claim: one per priority it reaches, plus one each time a
/// store's share was short (its rows ran out or were locked by another run).
/// More is a queue under heavy contention: the batch comes back short.
constexpr int k_max_rounds = 8;

/// The next row of one store in claim order.
struct Head {
  int store_id = 0;
  int priority = 0;
  std::int64_t id = 0;
  std::int64_t wait_seconds = 0;
};

/// A share of one row whose row is known: taken by primary key.
bool by_head(const Seek& seek) { return seek.rows == 1 && seek.head; }

/// A row taken, with its rank among its store's rows in this claim.
struct Taken {
  db::Row row;
  int rank = 0;
};

std::string excluded_ids(const char* column, std::size_t count) {
  return count == 0 ? std::string()
                    : fmt::format(" AND {} NOT IN ({})", column,
                                  db::placeholders(count));
}

/// The stores of `filter` with a due row, by id, without those capped at 0.
std::vector<int> due_stores(db::Connection& connection,
                            const ClaimFilter& filter) {
  const auto capped = [&filter](int store) {
    const auto cap = filter.store_caps.find(store);
    return cap != filter.store_caps.end() && cap->second <= 0;
  };
  std::vector<int> due;
  if (filter.store_ids.size() == 1) {
    // One store: its seek tells; no need to read the others'.
    if (!capped(filter.store_ids[0])) {
      due.push_back(filter.store_ids[0]);
    }
    return due;
  }
  const std::set<int> wanted(filter.store_ids.begin(), filter.store_ids.end());
  for (const db::Row& row :
       connection.query_unprepared(due_stores_sql()).rows) {
    const int store = static_cast<int>(row.integer(0));
    if ((wanted.empty() || wanted.contains(store)) && !capped(store)) {
      due.push_back(store);
    }
  }
  return due;
}

/// At most `limit` of the due stores: a run cannot give more stores a row,
/// and each store costs a seek. Consecutive rotations cover every store.
std::vector<int> window_of(const std::vector<int>& due, int limit,
                           std::uint64_t rotation) {
  const std::size_t size = due.size();
  const auto count = static_cast<std::size_t>(std::max(limit, 1));
  if (size <= count) {
    return due;
  }
  const std::size_t start =
      static_cast<std::size_t>((rotation % size) * (count % size) % size);
  std::vector<int> window;
  for (std::size_t i = 0; i < count; ++i) {
    window.push_back(due[(start + i) % size]);
  }
  std::sort(window.begin(), window.end());
  return window;
}

/// The next row of each store (up to its ceiling priority), oldest first.
std::vector<Head> store_heads(db::Connection& connection,
                              const ClaimFilter& filter,
                              const std::map<int, int>& ceilings,
                              const std::vector<std::int64_t>& excluded) {
  std::string stores = "[";
  for (const auto& [store, ceiling] : ceilings) {
    stores += fmt::format("{}[{}, {}]", stores.size() > 1 ? ", " : "", store,
                          ceiling);
  }
  stores += "]";
  db::Params params;
  if (filter.entity) {
    params.emplace_back(std::string(to_db(*filter.entity)));
  }
  for (std::int64_t id : excluded) {
    params.emplace_back(static_cast<long long>(id));
  }
  params.emplace_back(stores);
  std::vector<Head> heads;
  for (const db::Row& row :
       connection.query(store_heads_sql(filter, excluded.size()), params)
           .rows) {
    heads.push_back(Head{static_cast<int>(row.integer(0)),
                         static_cast<int>(row.integer(1)), row.integer(2),
                         row.integer(3)});
  }
  std::sort(heads.begin(), heads.end(), [](const Head& a, const Head& b) {
    return std::tie(b.wait_seconds, a.id) < std::tie(a.wait_seconds, b.id);
  });
  return heads;
}

}  // namespace

namespace {

/// One claim's rounds (see select_fair).
class FairSelection {
 public:
  FairSelection(db::Connection& connection, const ClaimFilter& filter,
                int limit, Lock lock)
      : m_connection(connection),
        m_filter(filter),
        m_limit(limit),
        m_lock(lock) {}

  std::vector<db::Row> run() {
    for (int store : window_of(due_stores(m_connection, m_filter), m_limit,
                               m_filter.rotation)) {
      m_ceilings[store] = k_top_priority;
    }
    for (int round = 0; round < k_max_rounds && left() > 0 &&
                        !m_ceilings.empty() && take_round();
         ++round) {
    }
    std::stable_sort(
        m_taken.begin(), m_taken.end(), [](const Taken& a, const Taken& b) {
          const auto priority_a = -a.row.integer(5);
          const auto priority_b = -b.row.integer(5);
          return std::tie(priority_a, a.rank) < std::tie(priority_b, b.rank);
        });
    std::vector<db::Row> rows;
    for (Taken& taken : m_taken) {
      rows.push_back(std::move(taken.row));
    }
    return rows;
  }

 private:
  [[nodiscard]] int left() const {
    return m_limit - static_cast<int>(m_taken.size());
  }

  [[nodiscard]] int cap_left(int store) const {
    const auto cap = m_filter.store_caps.find(store);
    const int taken = m_counts.contains(store) ? m_counts.at(store) : 0;
    return (cap == m_filter.store_caps.end() ? m_limit : cap->second) - taken;
  }

  /// One round: the highest priority among the stores' next rows, shared
  /// between the stores at it. False when there is nothing left to take.
  bool take_round() {
    std::vector<std::int64_t> excluded;
    for (const auto& [store, ids] : m_ids) {
      excluded.insert(excluded.end(), ids.begin(), ids.end());
    }
    const std::vector<Head> heads =
        store_heads(m_connection, m_filter, m_ceilings, excluded);
    std::map<int, int> ceilings;
    for (const Head& head : heads) {
      ceilings[head.store_id] = m_ceilings.at(head.store_id);
    }
    m_ceilings = std::move(ceilings);  // stores with nothing due drop out
    if (heads.empty()) {
      return false;
    }
    const int priority = std::max_element(heads.begin(), heads.end(),
                                          [](const Head& a, const Head& b) {
                                            return a.priority < b.priority;
                                          })
                             ->priority;
    std::vector<Contender> contenders;
    for (const Head& head : heads) {
      if (head.priority == priority) {
        contenders.push_back({head.store_id, cap_left(head.store_id)});
      }
    }
    const std::map<int, int> shares = fair_shares(contenders, left());
    if (shares.empty()) {
      return false;
    }
    std::vector<Seek> seeks;
    for (const Head& head : heads) {
      if (const auto share = shares.find(head.store_id);
          share != shares.end()) {
        // A store whose next row another claim took under our nose is
        // sought (SKIP LOCKED walks past it), not asked by its id again.
        seeks.push_back(Seek{head.store_id, priority, share->second,
                             m_ids[head.store_id],
                             m_contended.contains(head.store_id)
                                 ? std::nullopt
                                 : std::optional<std::int64_t>(head.id)});
      }
    }
    take(seeks);
    return true;
  }

  /// Takes every store's share at the round's priority in one statement; a
  /// store that came back short has nothing more to give at that priority
  /// (or another run holds it).
  void take(const std::vector<Seek>& seeks) {
    const db::Rows rows =
        m_connection.query(claim_seek_sql(m_filter, seeks, m_lock),
                           claim_seek_params(m_filter, seeks));
    std::map<int, int> got;
    for (const db::Row& row : rows.rows) {
      const int store = static_cast<int>(row.integer(1));
      ++got[store];
      m_ids[store].push_back(row.integer(0));
      m_taken.push_back(Taken{row, m_counts[store]++});
    }
    for (const Seek& seek : seeks) {
      if (got[seek.store_id] < seek.rows && by_head(seek)) {
        // Its next row was locked or taken by another claim: that says
        // nothing about its other rows; the next round seeks them.
        m_contended.insert(seek.store_id);
      } else if (got[seek.store_id] < seek.rows &&
                 seek.priority > std::numeric_limits<int>::min()) {
        m_ceilings[seek.store_id] = seek.priority - 1;
      }
      if (cap_left(seek.store_id) <= 0) {
        m_ceilings.erase(seek.store_id);
      }
    }
  }

  db::Connection& m_connection;
  const ClaimFilter& m_filter;
  int m_limit;
  Lock m_lock;
  /// The stores still in the claim -> the highest priority left to read.
  std::map<int, int> m_ceilings;
  std::map<int, std::vector<std::int64_t>> m_ids;
  std::map<int, int> m_counts;
  /// Stores whose next row, asked by id, was held by another claim.
  std::set<int> m_contended;
  std::vector<Taken> m_taken;
};

}  // namespace

std::vector<db::Row> select_fair(db::Connection& connection,
                                 const ClaimFilter& filter, int limit,
                                 Lock lock) {
  if (limit <= 0) {
    return {};
  }
  return FairSelection(connection, filter, limit, lock).run();
}

std::vector<StoreShare> store_shares(db::Connection& connection,
                                     const ClaimFilter& filter, int limit) {
  std::map<int, int> ceilings;
  for (int store : due_stores(connection, filter)) {
    ceilings[store] = k_top_priority;
  }
  std::map<int, StoreShare> shares;
  if (ceilings.empty()) {
    return {};
  }
  for (const Head& head : store_heads(connection, filter, ceilings, {})) {
    shares[head.store_id] = StoreShare{head.store_id, 0, head.priority,
                                       std::chrono::seconds(head.wait_seconds)};
  }
  ClaimFilter all = filter;
  all.store_ids.clear();
  for (const auto& [store, share] : shares) {
    all.store_ids.push_back(store);
  }
  for (const db::Row& row : select_fair(connection, all, limit, Lock::no)) {
    ++shares[static_cast<int>(row.integer(1))].share;
  }
  std::vector<StoreShare> out;
  for (const auto& [store, share] : shares) {
    out.push_back(share);
  }
  return out;
}

std::string due_stores_sql() {
  // GROUP BY both key parts with the condition in HAVING: MariaDB then
  // reads the index with a loose scan (one jump per store and state); a
  // WHERE processado = 0 makes it read every pending entry instead.
  return "SELECT id_loja FROM crm_sync_queue FORCE INDEX (idx_due_loja) "
         "GROUP BY processado, id_loja HAVING processado = 0 AND "
         "MIN(disponivel_em) <= NOW()";
}

std::string store_heads_sql(const ClaimFilter& filter, std::size_t excluded) {
  // One statement for every store: a dependent subquery per store (an
  // index seek each) over the store list as a JSON table, then the row by
  // its primary key. Cheaper than a UNION of one SELECT per store.
  return fmt::format(
      "SELECT h.id_loja, q.prioridade, q.id, TIMESTAMPDIFF(SECOND, "
      "q.criado_em, NOW()) FROM (SELECT s.id_loja, (SELECT c.id FROM "
      "crm_sync_queue c FORCE INDEX (idx_claim_loja) WHERE c.processado = 0 "
      "AND c.id_loja = s.id_loja AND c.prioridade <= s.teto AND "
      "c.disponivel_em <= NOW(){}{} ORDER BY c.prioridade DESC, c.criado_em "
      "ASC, c.id ASC LIMIT 1) AS cabeca FROM JSON_TABLE(?, '$[*]' COLUMNS "
      "(id_loja INT PATH '$[0]', teto INT PATH '$[1]')) AS s) AS h JOIN "
      "crm_sync_queue q ON q.id = h.cabeca",
      filter.entity ? " AND c.entidade = ?" : "",
      excluded_ids("c.id", excluded));
}

namespace {

constexpr const char* k_columns =
    "id, id_loja, entidade, id_registro, direcao, prioridade, tentativas, "
    "alteracoes";

}  // namespace

std::string claim_seek_sql(const ClaimFilter& filter,
                           const std::vector<Seek>& seeks, Lock lock) {
  // Equality on (processado, id_loja, prioridade): the ORDER BY is read off
  // idx_claim_loja, so SKIP LOCKED locks only the rows taken (a filesort
  // would lock every candidate and starve overlapping runs, STACK.md 4.2).
  // Shares of one row (many stores, a short batch) are one primary-key
  // branch: each is its store's next row, already known.
  const std::string entity = filter.entity ? " AND entidade = ?" : "";
  const std::string locking =
      lock == Lock::yes ? " FOR UPDATE SKIP LOCKED" : "";
  std::string sql;
  const auto heads = std::count_if(seeks.begin(), seeks.end(), by_head);
  if (heads > 0) {
    sql = fmt::format(
        "(SELECT {} FROM crm_sync_queue WHERE id IN ({}) AND processado = 0 "
        "AND prioridade = ? AND disponivel_em <= NOW(){}{})",
        k_columns, db::placeholders(static_cast<std::size_t>(heads)), entity,
        locking);
  }
  for (const Seek& seek : seeks) {
    if (by_head(seek)) {
      continue;
    }
    sql += fmt::format(
        "{}(SELECT {} FROM crm_sync_queue FORCE INDEX (idx_claim_loja) WHERE "
        "processado = 0 AND id_loja = ? AND prioridade = ? AND disponivel_em "
        "<= NOW(){}{} ORDER BY prioridade DESC, criado_em ASC, id ASC LIMIT "
        "?{})",
        sql.empty() ? "" : " UNION ALL ", k_columns, entity,
        excluded_ids("id", seek.excluded.size()), locking);
  }
  return sql;
}

db::Params claim_seek_params(const ClaimFilter& filter,
                             const std::vector<Seek>& seeks) {
  db::Params params;
  const auto add_entity = [&] {
    if (filter.entity) {
      params.emplace_back(std::string(to_db(*filter.entity)));
    }
  };
  const auto first_head = std::find_if(seeks.begin(), seeks.end(), by_head);
  if (first_head != seeks.end()) {
    for (const Seek& seek : seeks) {
      if (by_head(seek)) {
        params.emplace_back(static_cast<long long>(*seek.head));
      }
    }
    params.emplace_back(first_head->priority);  // one round, one priority
    add_entity();
  }
  for (const Seek& seek : seeks) {
    if (by_head(seek)) {
      continue;
    }
    params.emplace_back(seek.store_id);
    params.emplace_back(seek.priority);
    add_entity();
    for (std::int64_t id : seek.excluded) {
      params.emplace_back(static_cast<long long>(id));
    }
    params.emplace_back(seek.rows);
  }
  return params;
}

}  // namespace crm::queue
