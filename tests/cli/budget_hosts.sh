# Three "hosts" (separate processes with their own host names) against one
# database and one CRM with a budget of 30 requests a minute: together they
# send at most 30 in the minute; the rest costs no attempt (a run that finds
# the budget spent does not claim the store's rows; rows claimed before it
# was spent are deferred to the next minute), and every row is processed
# exactly once when budget is there again.
source "$(dirname "$0")/lib.sh"
start_fake 50
add_integration 1 '{"requests_per_minute": 30}'
add_products 1 90
# If the three runs would straddle a minute boundary, wait for the next minute.
(( $(date +%-S) < 50 )) || sleep $(( 61 - $(date +%-S) ))
pids=()
for host in 1 2 3; do
  CRM_HOST_NAME=host$host "$CRM_SYNC" --limit 40 --concurrency 4 --json >"$scratch/host$host.out" 2>"$scratch/host$host.err" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a host failed: $(cat "$scratch"/host*.err)"; done
assert_eq "" "$(cat "$scratch"/host*.err)" "stderr"
sent=$(fake_stat requests)
(( sent <= 30 && sent >= 25 )) || fail "the CRM saw $sent requests with a budget of 30"
assert_eq "$sent" "$(fake_stat max_requests_per_minute)" "requests in the busiest minute"
assert_eq "$sent" "$(sql "SELECT usadas FROM crm_orcamento")" "budget used = requests sent"
assert_eq "$sent" "$(jq -s 'map(.processados) | add' "$scratch"/host*.out)" "processed by the three hosts"
claimed=$(jq -s 'map(.processados + .adiados) | add' "$scratch"/host*.out)
(( claimed >= sent && claimed <= 90 )) || fail "$claimed rows processed or deferred, $sent sent"
assert_eq "host1 host2 host3" "$(sql "SELECT DISTINCT host FROM crm_execucoes ORDER BY host" | tr '\n' ' ' | sed 's/ $//')" "run rows per host"
assert_eq "$((90 - sent))|0" "$(sql "SELECT COUNT(*), SUM(tentativas) FROM crm_sync_queue WHERE processado = 0" | tr '\t' '|')" "deferred rows cost no attempt"
wait_min=$(sql "SELECT COALESCE(MIN(TIMESTAMPDIFF(SECOND, NOW(), disponivel_em)), 0) FROM crm_sync_queue
                WHERE processado = 0 AND disponivel_em > NOW()")
(( wait_min >= 0 && wait_min <= 61 )) || fail "deferred rows due in $wait_min s, not at the next minute"

# With budget again (a bigger one here, instead of waiting two minutes), the
# rest is processed exactly once.
sql "UPDATE crm_integracoes SET configuracoes = '{\"requests_per_minute\": 1000}';
     UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
run_sync --limit 100
assert_eq 0 "$rc" "final run"
assert_eq 90 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NULL")" "all rows done"
assert_eq 90 "$(fake_stat creates)" "creates"
assert_eq 0 "$(fake_stat duplicate_creates)" "duplicate creates"
