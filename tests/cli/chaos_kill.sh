# Chaos: crm_sync killed with SIGKILL at random points, 20 rounds over 1,000
# rows, then drained: every row processed, no duplicate create in the CRM,
# no row left claimed.
source "$(dirname "$0")/lib.sh"
start_fake 20
add_integration 1
add_customers 1 1000
kill_runs 20 42 --limit 50 --concurrency 8
killed_claims=$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")
echo "rows left claimed by killed runs: $killed_claims; created so far: $(fake_stat creates)"
# Let the killed runs' leases expire, then drain as cron would.
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE claim_token IS NOT NULL"
for _ in $(seq 1 20); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0") == 0 ]] && break
  run_sync --limit 500 --concurrency 16
  assert_eq 0 "$rc" "drain run"
  assert_eq "" "$err" "drain stderr"
done
assert_synced_once 1000
