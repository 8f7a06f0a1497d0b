# crm_sync_full: set-based enqueue respecting de-duplication (the higher
# priority wins), soft-deleted records skipped, --only-new, --since, dry run,
# the estimate line, the export job's progress, and the per-store lock.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '
sql "INSERT INTO clientes (id_loja, nome, email, atualizado_em)
       SELECT 1, CONCAT('c', seq), CONCAT('c', seq, '@x.com'), '2026-01-01 00:00:00' FROM seq_1_to_50;
     INSERT INTO clientes (id_loja, nome) SELECT 2, CONCAT('other', seq) FROM seq_1_to_20;
     UPDATE clientes SET deletado_em = NOW(), atualizado_em = atualizado_em WHERE id BETWEEN 46 AND 50;
     UPDATE clientes SET external_id = CONCAT('ext', id), atualizado_em = atualizado_em WHERE id BETWEEN 11 AND 20;
     UPDATE clientes SET atualizado_em = NOW() WHERE id IN (1, 12, 30, 48);
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, prioridade)
       VALUES (1, 'cliente', 1, 'ecletech_para_crm', 7), (1, 'cliente', 2, 'ecletech_para_crm', 7),
              (1, 'cliente', 3, 'ecletech_para_crm', 7)"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --dry-run
assert_eq 0 "$rc" "dry-run exit"
assert_match "${ts_re}Sincronização completa: 45 clientes seriam enfileirados \(dry-run\)$" "$(head -1 <<<"$out")" "dry-run line"
assert_eq 3 "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "dry run enqueued nothing"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --verbose
assert_eq 0 "$rc" "exit"
assert_eq "" "$err" "stderr"
assert_match "clientes: 45 registros \(42 novos na fila\)$" "$(sed -n 1p <<<"$out")" "verbose line"
assert_match "${ts_re}Sincronização completa: 45 clientes enfileirados$" "$(sed -n 2p <<<"$out")" "seed line 1"
assert_eq "Tempo estimado: ~1 minuto" "$(sed -n 3p <<<"$out")" "seed line 2"
assert_eq "45|3|0" "$(sql "SELECT COUNT(*), SUM(prioridade = 7), SUM(id_registro > 45) FROM crm_sync_queue WHERE processado = 0" | tr '\t' '|')" "one row per record, priorities kept, deleted skipped"
assert_eq "exportacao|processando|45" "$(sql "SELECT tipo, status, total FROM crm_fila" | tr '\t' '|')" "export job"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --priority 9 --json
assert_eq "45 45" "$(jq -r '"\(.enfileirados) \(.backlog)"' <<<"$out")" "again: same rows"
assert_eq "45|45" "$(sql "SELECT COUNT(*), SUM(prioridade = 9) FROM crm_sync_queue WHERE processado = 0" | tr '\t' '|')" "no duplicates, priority raised to 9"

sql "DELETE FROM crm_sync_queue; DELETE FROM crm_fila"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --only-new --json
assert_eq 35 "$(jq -r .enfileirados <<<"$out")" "--only-new"
sql "DELETE FROM crm_sync_queue; DELETE FROM crm_fila"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --since "$(date '+%Y-%m-%d')" --json
assert_eq 3 "$(jq -r .enfileirados <<<"$out")" "--since (1, 12, 30; 48 is deleted)"
assert_eq "1 12 30" "$(sql "SELECT id_registro FROM crm_sync_queue ORDER BY id_registro" | tr '\n' ' ' | sed 's/ $//')" "--since rows"

# The export job follows the queue: done when crm_sync has drained it.
sql "DELETE FROM crm_sync_queue; DELETE FROM crm_fila"
run_program "$CRM_SYNC_FULL" --loja 1 --entity all
assert_match "${ts_re}Sincronização completa: 45 registros enfileirados$" "$(head -1 <<<"$out")" "all entities"
assert_eq 4 "$(sql "SELECT COUNT(*) FROM crm_fila")" "one job per entity"
run_sync --loja 1 --limit 20
assert_eq "processando|44|20" "$(sql "SELECT status, progresso, processados FROM crm_fila WHERE entidade = 'cliente'" | tr '\t' '|')" "job progress after 20 rows"
run_sync --loja 1
assert_eq "concluido|100" "$(sql "SELECT status, progresso FROM crm_fila WHERE entidade = 'cliente'" | tr '\t' '|')" "job done"
assert_eq "concluido" "$(sql "SELECT DISTINCT status FROM crm_fila WHERE entidade <> 'cliente'")" "empty jobs are done"

# Never twice at once for one store: the second skips with one line, exit 0.
mysql_cmd "$CRM_DB_NAME" -e "SELECT GET_LOCK(CONCAT(DATABASE(), ':crm_sync_full:1'), 0), SLEEP(3)" >/dev/null &
holder=$!
sleep 0.5
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente
run_program_other=$(CRM_DB_NAME=$CRM_DB_NAME "$CRM_SYNC_FULL" --loja 2 --entity cliente --dry-run)
wait "$holder"
assert_eq 0 "$rc" "skipped exit"
assert_match "${ts_re}Sincronização completa ignorada: outra execução para a loja 1 está em andamento$" "$out" "skip line"
assert_match "20 clientes seriam enfileirados" "$run_program_other" "another store is not blocked"

# A store without an active integration: exit 1, one line, nothing written
# (a dry run too).
for dry in "" --dry-run; do
  run_program "$CRM_SYNC_FULL" --loja 999 --entity cliente $dry
  assert_eq 1 "$rc" "store without integration $dry: exit"
  assert_eq "" "$out" "store without integration $dry: stdout"
  assert_match "^\[[0-9-]{10} [0-9:]{8}\] ERRO: store 999: no active integration in crm_integracoes$" "$err" "store without integration $dry: message"
done
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_execucoes WHERE id_loja = 999")" "no run recorded for store 999"

for args in "--entity cliente" "--loja 1" "--loja 1 --entity pessoa" "--loja 1 --entity cliente --since ontem" \
            "--loja 1 --entity cliente --import --pages 0" \
            "--loja 1 --entity cliente --since 2026-13-45" "--loja 1 --entity cliente --since 2026-02-29"; do
  # shellcheck disable=SC2086
  CRM_DB_PORT=1 run_program "$CRM_SYNC_FULL" $args  # checked before connecting
  assert_eq 2 "$rc" "usage error for '$args'"
  assert_eq 1 "$(wc -l <<<"$err")" "one line for '$args'"
done
assert_match "ERRO: --since: no such day: expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', got '2026-02-29' \(see crm_sync_full --help\)$" "$err" "bad date message"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --since "2026-01-01 24:00:00"
assert_eq 2 "$rc" "hour 24"
sql "UPDATE crm_integracoes SET configuracoes = '{\"tables\": {\"cliente\": {\"updated_column\": null}}}'"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --since 2026-01-01
assert_eq 1 "$rc" "--since without an updated column"
assert_match "ERRO: --since: table clientes has no updated column" "$err" "its message"
