# crm_cleanup removes exactly what is older than the cut-offs, in chunks, while
# crm_sync runs alongside; a second crm_cleanup skips; --dry-run counts only.
source "$(dirname "$0")/lib.sh"
start_fake 20
add_integration 1
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '
# 3000 old successes, 500 recent successes, 200 old failures (40 days),
# 100 failures of 10 days (kept: failed rows live 30 days), 2500 old log rows.
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, NULL, NOW() - INTERVAL 8 DAY FROM seq_1_to_3000;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, NULL, NOW() - INTERVAL 6 DAY FROM seq_3001_to_3500;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, 'HTTP 422', NOW() - INTERVAL 40 DAY FROM seq_3501_to_3700;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, 'HTTP 422', NOW() - INTERVAL 10 DAY FROM seq_3701_to_3800;
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, criado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 'sucesso', NOW() - INTERVAL 31 DAY FROM seq_1_to_2500;
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, criado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 'sucesso', NOW() - INTERVAL 29 DAY FROM seq_2501_to_2600"
add_customers 1 300

run_program "$CRM_CLEANUP" --dry-run --json
assert_eq 0 "$rc" "dry run exit"
assert_eq "5700 3000 200 2500" "$(jq -r '"\(.removidos) \(.fila) \(.falhas) \(.log)"' <<<"$out")" "dry-run counts"
assert_eq 3800 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1")" "dry run deleted nothing"

# crm_sync works the 300 pending customers while cleanup deletes in chunks.
"$CRM_SYNC" --limit 300 --concurrency 4 >"$scratch/sync.out" 2>"$scratch/sync.err" &
sync_pid=$!
run_program "$CRM_CLEANUP" --verbose
wait "$sync_pid" || fail "crm_sync failed alongside cleanup: $(cat "$scratch/sync.err")"
assert_eq 0 "$rc" "cleanup exit"
assert_eq "" "$err" "cleanup stderr"
assert_match "${ts_re}Limpeza concluída: 5700 registros removidos$" "$(tail -1 <<<"$out")" "cleanup line"
assert_match "fila \(sucesso\): 3000 \| fila \(falhas\): 200 \| log: 2500$" "$(head -1 <<<"$out")" "verbose breakdown"
assert_eq 500 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE id_registro BETWEEN 3001 AND 3500")" "recent successes kept"
assert_eq 100 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE erro IS NOT NULL")" "recent failures kept"
assert_eq 300 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE entidade = 'cliente' AND processado = 1 AND erro IS NULL")" "crm_sync finished its rows"
assert_eq 400 "$(sql "SELECT COUNT(*) FROM crm_sync_log")" "log rows left (100 recent + 300 new)"
assert_match "$summary_re" "$(cat "$scratch/sync.out")" "crm_sync line"
assert_eq "success" "$(sql "SELECT status FROM crm_execucoes WHERE programa = 'crm_cleanup'")" "cleanup run row"

# A second cleanup while another holds the lock exits 0 and says it skipped.
mysql_cmd "$CRM_DB_NAME" -e "SELECT GET_LOCK(CONCAT(DATABASE(), ':crm_cleanup'), 0), SLEEP(3)" >/dev/null &
holder=$!
sleep 0.5
run_program "$CRM_CLEANUP"
wait "$holder"
assert_eq 0 "$rc" "skipped cleanup exit"
assert_match "${ts_re}Limpeza ignorada: outra execução de crm_cleanup está em andamento$" "$out" "skip line"
