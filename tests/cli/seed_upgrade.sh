# A seed-era database (the PHP application's crm_sync_queue, crm_sync_log and
# crm_fila, tests/fixtures/seed_era_schema.sql, in latin1, no
# schema_migrations): crm_migrate applies everything from 001, keeps every row,
# and leaves the tables with the columns and indexes of a fresh installation;
# crm_sync and crm_status then work, and a second crm_migrate applies nothing.
source "$(dirname "$0")/lib.sh"

tables="crm_sync_queue crm_sync_log crm_fila"
# SHOW CREATE TABLE without the AUTO_INCREMENT counter. A latin1 TEXT column
# becomes MEDIUMTEXT when converted to utf8mb4 (so its text still fits).
schema() {
  for table in $tables; do
    sql "SHOW CREATE TABLE $table" | cut -f2 |
      sed -E 's/ AUTO_INCREMENT=[0-9]+//; s/mediumtext/text/g'
  done
}
# lib.sh built this database with today's migrations: the reference.
reference=$(schema)

mysql_cmd -e "DROP DATABASE \`$CRM_DB_NAME\`; CREATE DATABASE \`$CRM_DB_NAME\` CHARACTER SET latin1"
mysql_cmd "$CRM_DB_NAME" <"$CRM_SOURCE_DIR/tests/fixtures/seed_era_schema.sql"
# What the PHP application left: a pending customer that failed once, a
# duplicate pending row from its SELECT-then-INSERT race, finished rows; log
# rows; a finished, a running and an untyped job.
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, prioridade, tentativas,
                                 processado, erro, criado_em, processado_em) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm', 10, 1, 0, 'timeout', NOW() - INTERVAL 2 HOUR, NULL),
       (1, 'cliente', 1, 'ecletech_para_crm', 5, 0, 0, NULL, NOW() - INTERVAL 1 HOUR, NULL),
       (1, 'produto', 7, 'ecletech_para_crm', 0, 0, 1, NULL, NOW() - INTERVAL 3 HOUR, NOW() - INTERVAL 3 HOUR),
       (2, 'venda', 8, 'crm_para_ecletech', 0, 3, 1, 'Não encontrado', NOW() - INTERVAL 3 HOUR, NOW() - INTERVAL 3 HOUR);
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, mensagem, criado_em) VALUES
       (1, 'produto', 7, 'ecletech_para_crm', 'sucesso', 'Sincronizado para CRM', NOW() - INTERVAL 3 HOUR),
       (2, 'venda', 8, 'crm_para_ecletech', 'erro', 'Não encontrado', NOW() - INTERVAL 3 HOUR);
     INSERT INTO crm_fila (id_loja, tipo_job, status, progresso, total_registros, registros_processados,
                           criado_em, iniciado_em, finalizado_em) VALUES
       (1, 'sync_clientes', 'concluido', 100, 50, 50, NOW() - INTERVAL 5 HOUR, NOW() - INTERVAL 5 HOUR, NOW() - INTERVAL 4 HOUR),
       (1, 'sync_produtos', 'processando', 45, 200, 90, NOW() - INTERVAL 2 HOUR, NOW() - INTERVAL 2 HOUR, NULL),
       (2, NULL, 'pendente', 0, 0, 0, NOW() - INTERVAL 1 HOUR, NULL, NULL)"
log_rows() {
  sql "SELECT id, id_loja, entidade, id_registro, direcao, status, mensagem, criado_em
       FROM crm_sync_log WHERE id <= 2 ORDER BY id"
}
log_before=$(log_rows)

run_program "$CRM_MIGRATE" --with-demo-tables --verbose
assert_eq 0 "$rc" "crm_migrate exit (stderr: $err)"
assert_eq "aplicada 001_crm_sync_queue" "$(head -1 <<<"$out" | cut -d' ' -f3-)" "first migration"
grep -q "aplicada 006_crm_fila_seed_upgrade$" <<<"$out" || fail "crm_fila upgrade not applied: $out"
grep -q "aplicada 010_crm_sync_log_seed_upgrade$" <<<"$out" || fail "crm_sync_log upgrade not applied: $out"
assert_eq "$reference" "$(schema)" "the seed tables' schema after crm_migrate"

# Every row kept: the queue's (002 closes the younger duplicate with a note),
# the log's as they were, the jobs' mapped to today's columns.
assert_eq "1|cliente|1|0|10|1|timeout
2|cliente|1|1|5|0|duplicate pending row merged into #1 by migration 002
3|produto|7|1|0|0|
4|venda|8|1|0|3|Não encontrado" \
  "$(sql "SELECT id, entidade, id_registro, processado, prioridade, tentativas, IFNULL(erro, '')
          FROM crm_sync_queue ORDER BY id" | tr '\t' '|')" "queue rows"
assert_eq "$log_before" "$(log_rows)" "log rows"
assert_eq "1|exportacao|1|cliente|concluido|100|50|50|1|
2|exportacao|1|produto|erro|45|200|90|0|seed-era job not run by crm-sync: run crm_sync_full again
3|exportacao|2|cliente|erro|0|0|0|0|seed-era job not run by crm-sync: run crm_sync_full again" \
  "$(sql "SELECT id, tipo, id_loja, entidade, status, progresso, total, processados,
                 concluido_em IS NOT NULL, IFNULL(erro, '') FROM crm_fila ORDER BY id" | tr '\t' '|')" \
  "job rows"

# crm_sync writes its log rows (id_fila, duracao_ms, ...) and crm_status reads them.
start_fake 0
add_integration 1
add_customers 1 3
run_sync
assert_eq 0 "$rc" "crm_sync exit (stderr: $err)"
assert_match "$summary_re" "$out" "crm_sync summary"
assert_eq "3 0 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "processed, errors, deferred"
assert_eq 3 "$(fake_stat creates)" "creates"
assert_eq "1 2 3" "$(sql "SELECT id_registro FROM crm_sync_log WHERE id > 2 AND status = 'sucesso'
                          AND id_fila IS NOT NULL AND id_execucao IS NOT NULL AND duracao_ms IS NOT NULL
                          AND external_id IS NOT NULL ORDER BY id_registro" | tr '\n' ' ' | sed 's/ $//')" \
  "the run's log rows"

run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "crm_status exit (stderr: $err)"
assert_eq 0 "$(jq -r .pendentes <<<"$out")" "pending after the run"
assert_match '^[0-9.]+$' "$(jq -r .latencia_media_ms_24h <<<"$out")" "average latency"
assert_eq "3:erro 2:erro 1:concluido" "$(jq -r '[.jobs[] | "\(.id):\(.status)"] | join(" ")' <<<"$out")" "jobs"

run_program "$CRM_MIGRATE" --with-demo-tables
assert_eq 0 "$rc" "second crm_migrate exit"
assert_match '^\[[0-9-]{10} [0-9:]{8}\] Migrações aplicadas: 0$' "$out" "second crm_migrate applies nothing"
assert_eq "$reference" "$(schema)" "schema after the second crm_migrate"
