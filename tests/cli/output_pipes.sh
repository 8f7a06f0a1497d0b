# Output fit for pipes: with --json --verbose stdout is exactly one JSON
# document and the per-item lines go to stderr (crm_sync, crm_sync_full,
# crm_status); the Portuguese summary lines agree with their counts
# ("1 cliente enfileirado", "2 vendas enfileiradas", "1 registro removido").
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_customers 1 3
one_document() {  # what
  assert_eq 1 "$(jq -s length <<<"$out")" "$1: stdout is one JSON document"
  [[ -n $err ]] || fail "$1: no verbose lines on stderr"
  [[ $(grep -cv '^\[[0-9-]\{10\} [0-9:]\{8\}\] ' <<<"$err") == 0 ]] || fail "$1: stderr: $err"
}

run_sync --json --verbose
assert_eq 0 "$rc" "crm_sync exit"
one_document "crm_sync"
assert_eq 3 "$(jq -r .processados <<<"$out")" "crm_sync counts"
assert_eq 3 "$(grep -c 'cliente' <<<"$err")" "one verbose line per item"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --json --verbose
assert_eq 0 "$rc" "crm_sync_full exit"
one_document "crm_sync_full"

sql "INSERT INTO crm_execucoes (programa, host, pid, status, iniciado_em, prazo_em)
       VALUES ('crm_sync', 'h', 1, 'running', NOW() - INTERVAL 1 HOUR, NOW() - INTERVAL 50 MINUTE)"
run_program "$CRM_STATUS" --fix-stuck --json --verbose
assert_eq 0 "$rc" "crm_status exit"
one_document "crm_status"
assert_match "1 execuções travadas marcadas como aborted|1 execução travada marcada como aborted" "$err" "the verbose line"

# Without --json the verbose lines stay on stdout, before the summary.
run_sync --verbose
assert_eq "" "$err" "human --verbose: nothing on stderr"

# Agreement in the summary lines.
sql "DELETE FROM crm_sync_queue; DELETE FROM clientes WHERE id > 1"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --dry-run
assert_match "Sincronização completa: 1 cliente seria enfileirado \(dry-run\)$" "$(head -1 <<<"$out")" "one customer, dry run"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente
assert_match "Sincronização completa: 1 cliente enfileirado$" "$(head -1 <<<"$out")" "one customer"
assert_match "^Tempo estimado: ~[0-9]+ minutos?$" "$(sed -n 2p <<<"$out")" "estimate line"
minutes=$(sed -n 2p <<<"$out" | sed -E 's/[^0-9]//g')
[[ $minutes == 1 ]] && assert_eq "Tempo estimado: ~1 minuto" "$(sed -n 2p <<<"$out")" "one minute"
sql "INSERT INTO vendas (id_loja, total) VALUES (1, 10), (1, 20)"
run_program "$CRM_SYNC_FULL" --loja 1 --entity venda
assert_match "Sincronização completa: 2 vendas enfileiradas$" "$(head -1 <<<"$out")" "two sales"
# (10 days old: well inside the 30 days failed rows are kept, whatever
# second crm_cleanup starts in)
sql "UPDATE crm_sync_queue SET processado = 1, processado_em = NOW() - INTERVAL 10 DAY, erro = 'x'
       WHERE entidade = 'venda' LIMIT 1"
run_program "$CRM_ENQUEUE" --retry-failed
assert_match "Reenfileirados: 1 registro que falhou$" "$out" "one retried"
sql "UPDATE crm_sync_queue SET processado = 1, processado_em = NOW() - INTERVAL 30 DAY WHERE entidade = 'cliente'"
run_program "$CRM_CLEANUP"
assert_match "Limpeza concluída: 1 registro removido$" "$out" "one removed"
run_program "$CRM_CLEANUP"
assert_match "Limpeza concluída: 0 registros removidos$" "$out" "none removed"
