# A run killed with SIGKILL mid-batch: once its lease expires a later run
# processes its rows, with no duplicate create in the CRM.
source "$(dirname "$0")/lib.sh"
start_fake 300
add_integration 1
add_customers 1 120

"$CRM_SYNC" --concurrency 4 --limit 120 >"$scratch/killed.out" 2>&1 &
victim=$!
sleep 1.5
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true

claimed=$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")
[[ $claimed -gt 0 ]] || fail "the killed run left no claimed rows (killed too late?)"
done_before=$(fake_stat creates)
[[ $done_before -gt 0 ]] || fail "the killed run created nothing (killed too early?)"
assert_eq "running" "$(sql "SELECT status FROM crm_execucoes")" "the killed run's row"

# While the lease holds, another run does not touch those rows.
run_sync --limit 200
assert_match "$summary_re" "$out" "summary during the lease"
assert_eq 0 "${BASH_REMATCH[1]}" "rows processed during the lease"

# Let the lease expire (what the clock would do in deadline + 60 s).
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE claim_token IS NOT NULL"
curl -sf -X POST -d '{"latency_ms": 0}' "$FAKE_URL/_faults" >/dev/null
run_sync --limit 200 --concurrency 16
assert_eq 0 "$rc" "recovery run"
assert_synced_once 120
# attempts: killed rows were attempted twice, never given up
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE tentativas > 2")" "attempts"
