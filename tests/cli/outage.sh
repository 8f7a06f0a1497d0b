# A CRM outage of over two hours gives up nothing and costs no attempt.
# Time is moved by moving the database's due times (no real waiting): each
# round, the store's next probe and its rows' due times are set to now, as
# they would be when their pause ran out. First the CRM refuses connections
# (paused at once), then it answers 503 to everything (paused after 8
# failures in a row), then it is back: the probe goes through, all synced.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1 '{"concurrency": 4}'
add_customers 1 30
live=$FAKE_URL
sql "UPDATE crm_integracoes SET base_url = 'http://127.0.0.1:1/api'"
time_passes() {  # the pause ran out: probe due, deferred rows due
  sql "UPDATE crm_lojas_estado SET proxima_sonda = NOW();
       UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
}
untouched() { sql "SELECT CONCAT(SUM(processado = 0), '|', SUM(tentativas)) FROM crm_sync_queue"; }

paused_minutes=0
for round in $(seq 1 8); do
  run_sync
  assert_eq 0 "$rc" "refused, round $round"
  assert_eq "30|0" "$(untouched)" "refused, round $round: pending, no attempt"
  paused_minutes=$((paused_minutes + $(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), proxima_sonda) + 1 FROM crm_lojas_estado") / 60))
  (( round == 1 )) && assert_match "ERRO: store 1 paused: the CRM is unreachable" "$err" "one ERRO line"
  (( round > 1 )) && assert_eq "" "$err" "round $round: no new ERRO line"
  time_passes
done
assert_eq "8|1" "$(sql "SELECT pausas_seguidas, estado = 'pausada' FROM crm_lojas_estado" | tr '\t' '|')" "8 pauses in a row"
run_program "$CRM_STATUS" --check
assert_eq 1 "$rc" "--check: a paused store is a WARNING"
(( paused_minutes >= 120 )) || fail "the simulated outage lasted only $paused_minutes minutes"
echo "refused for $paused_minutes simulated minutes"

# Now the CRM answers, but only 503: the probe fails, the store pauses again.
sql "UPDATE crm_integracoes SET base_url = '$live/api'"
fake_faults '{"error_rate": 1.0}'
for round in 1 2; do
  run_sync
  assert_eq 0 "$rc" "503, round $round"
  assert_eq "30|0" "$(untouched)" "503, round $round: no attempt"
  time_passes
done
assert_match "the probe failed: .*HTTP 503" "$(sql "SELECT motivo FROM crm_lojas_estado")" "the probe's failure is the reason"

# Without a probe (resumed by hand) a wall of 503s pauses it after 8.
run_program "$CRM_STATUS" --resume 1
run_sync
assert_eq 0 "$rc" "503 after --resume"
assert_match "ERRO: store 1 paused: 8 requests in a row failed" "$err" "paused by the run of failures"
assert_eq "30|0" "$(untouched)" "their attempts given back"

# Back: the probe goes through and the batch follows in the same run.
fake_faults '{"error_rate": 0}'
time_passes
run_sync
assert_eq 0 "$rc" "recovered"
assert_eq "" "$err" "no ERRO line"
assert_eq "30|0" "$(sql "SELECT SUM(processado = 1 AND erro IS NULL), SUM(erro IS NOT NULL) FROM crm_sync_queue" | tr '\t' '|')" "everything synced, nothing given up"
assert_eq "ok" "$(sql "SELECT estado FROM crm_lojas_estado")" "the store is ok again"
assert_eq 0 "$(fake_stat duplicate_creates)" "no duplicates"
