#include "crm/sync/status_mirror.h"

#include <string>
#include <utility>

namespace crm::sync {
namespace {

using Mirrors = std::map<std::pair<int, std::string>, report::MirrorReport>;

report::MirrorReport& mirror_of(Mirrors& mirrors, const db::Row& row) {
  report::MirrorReport& mirror =
      mirrors[{static_cast<int>(row.integer(0)), row.text(1)}];
  mirror.entity = row.text(1);
  return mirror;
}

/// Records per store and entity.
void add_records(db::Connection& c, Mirrors& mirrors) {
  for (const db::Row& row :
       c.query("SELECT id_loja, entidade, COUNT(*) FROM crm_espelho "
               "GROUP BY id_loja, entidade")
           .rows) {
    mirror_of(mirrors, row).records = row.integer(2);
  }
}

/// Where each pull stands: its ages by the database clock, its cursor,
/// whether a page limit cut it, its last failure.
void add_states(db::Connection& c, Mirrors& mirrors) {
  for (const db::Row& row :
       c.query("SELECT id_loja, entidade, cursor_alteracao, cursor_pagina "
               "IS NOT NULL, TIMESTAMPDIFF(SECOND, completo_em, NOW()), "
               "TIMESTAMPDIFF(SECOND, leitura_em, NOW()), "
               "IFNULL(LEFT(erro, 300), '') FROM crm_espelho_estado")
           .rows) {
    report::MirrorReport& mirror = mirror_of(mirrors, row);
    mirror.cursor = row.get(2);
    mirror.pull_under_way = row.integer(3) != 0;
    if (!row.is_null(4)) mirror.complete_age_seconds = row.integer(4);
    if (!row.is_null(5)) mirror.pull_age_seconds = row.integer(5);
    mirror.error = row.text(6);
  }
}

/// The last hour's pulled changes and conflicts, with the last conflict's
/// message (one range over idx_criado).
void add_last_hour(db::Connection& c, Mirrors& mirrors) {
  for (const db::Row& row :
       c.query("SELECT h.id_loja, h.entidade, h.puxadas, h.conflitos, "
               "IFNULL(LEFT(l.mensagem, 300), '') FROM (SELECT id_loja, "
               "entidade, SUM(operacao = 'pull') AS puxadas, "
               "SUM(operacao = 'conflict') AS conflitos, "
               "MAX(IF(operacao = 'conflict', id, NULL)) AS ultimo "
               "FROM crm_sync_log WHERE criado_em >= NOW() - INTERVAL 1 HOUR "
               "AND operacao IN ('pull', 'conflict') "
               "GROUP BY id_loja, entidade) h "
               "LEFT JOIN crm_sync_log l ON l.id = h.ultimo")
           .rows) {
    report::MirrorReport& mirror = mirror_of(mirrors, row);
    mirror.pulled_1h = row.integer(2);
    mirror.conflicts_1h = row.integer(3);
    mirror.last_conflict = row.text(4);
  }
}

}  // namespace

std::map<int, std::vector<report::MirrorReport>> read_mirrors(
    db::Connection& c) {
  Mirrors mirrors;
  add_records(c, mirrors);
  add_states(c, mirrors);
  add_last_hour(c, mirrors);
  std::map<int, std::vector<report::MirrorReport>> stores;
  for (auto& [key, mirror] : mirrors) {
    stores[key.first].push_back(std::move(mirror));
  }
  return stores;
}

}  // namespace crm::sync
