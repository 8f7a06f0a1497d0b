# The deadline: no request starts after it (nor when less than a second is
# left), requests in flight are cut at it and cost no attempt (the deadline
# is to blame, not the item), unstarted rows get their attempt back and are
# due at once; the run ends within a second of the deadline.
source "$(dirname "$0")/lib.sh"
start_fake 2500
add_integration 1
add_customers 1 20

started=$(date +%s.%N)
run_sync --concurrency 2 --deadline 2 --verbose --metrics-file "$scratch/crm_sync.prom"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
assert_eq 0 "$rc" "exit code"
assert_eq "" "$err" "stderr"
(( $(echo "$elapsed < 3.0" | bc) )) || fail "run took ${elapsed}s with --deadline 2"
items=$out
assert_match "$summary_re" "$(tail -1 <<<"$out")" "summary"
# Two lookups (2.5 s each) were cut at the 2 s deadline: released, no
# attempt; the other 18 never started.
assert_eq "0 0 20" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "counts"
assert_eq "20|0" "$(sql "SELECT COUNT(*), SUM(tentativas) FROM crm_sync_queue WHERE processado = 0" | tr '\t' '|')" "released rows, no attempt spent"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE disponivel_em > NOW()")" "released rows are due now"
assert_eq 2 "$(grep -c "adiado: cut by the run's deadline: retried in the next run" <<<"$items")" "cut lookups: $items"

# With 1.2 s answers the lookups finish at about 1.2 s; the creates would
# have under a second left, so they are not started: released, no attempt.
sql "UPDATE crm_sync_queue SET processado = 0, erro = NULL, tentativas = 0, disponivel_em = NOW()"
curl -sf -X POST -d '{"latency_ms": 1200}' "$FAKE_URL/_faults" >/dev/null
run_sync --concurrency 2 --deadline 2
assert_match "$summary_re" "$out" "summary"
assert_eq "0 0 20" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "counts with no time for the creates"
assert_eq 0 "$(sql "SELECT SUM(tentativas) FROM crm_sync_queue")" "no attempt spent"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")" "nothing left claimed"

# The metrics file is complete Prometheus text.
grep -qx 'crm_sync_last_run_deferred 20' "$scratch/crm_sync.prom" || fail "metrics: $(cat "$scratch/crm_sync.prom")"
grep -qx '# TYPE crm_sync_last_run_errors gauge' "$scratch/crm_sync.prom" || fail "metrics type line"
