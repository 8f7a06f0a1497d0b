# Chaos with every kind of bad answer, four runs at once: 5xx, timeouts,
# truncated JSON, HTML, bodies that are not UTF-8, searches answered
# "data": null or with the wrong shape, writes whose answer is lost, and 429
# bursts. No run exits non-zero, the CRM gets no duplicate, and once the
# faults stop every row is synced; nothing is given up.
source "$(dirname "$0")/lib.sh"
# The rounds come back to back, so a row may fail in all of them: in
# production 10 attempts span about 4 hours of back-off, longer than this
# burst of faults; here the horizon is made longer than the ten rounds.
export CRM_MAX_ATTEMPTS=30
start_fake 10
add_integration 1 '{"timeout_ms": 400, "concurrency": 8}'
add_customers 1 200
fake_faults '{"error_rate": 0.05, "timeout_rate": 0.03, "hang_ms": 1500, "malformed_rate": 0.05,
              "html_rate": 0.05, "binary_rate": 0.05, "null_lookup_rate": 0.1, "shape_rate": 0.05,
              "after_write_rate": 0.1, "seed": 11,
              "rules": [{"method": "POST", "status": 429, "count": 10, "headers": {"Retry-After": "1"}}]}'
runs=0 nonzero=0
for round in $(seq 1 10); do
  pids=()
  for worker in 1 2 3 4; do
    "$CRM_SYNC" --deadline 2 --limit 40 >"$scratch/run.$worker.out" 2>"$scratch/run.$worker.err" &
    pids+=($!)
  done
  worker=0
  for pid in "${pids[@]}"; do
    runs=$((runs + 1)) worker=$((worker + 1))
    if ! wait "$pid"; then
      nonzero=$((nonzero + 1))
      echo "round $round run $worker failed: $(cat "$scratch/run.$worker.err")"
    fi
  done
  # what back-off, Retry-After and pauses would do over the next minutes
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0 AND claim_token IS NULL;
       UPDATE crm_lojas_estado SET proxima_sonda = NOW()"
done
faulty_given_up=$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NOT NULL")
# The faults stop; the rest goes through.
fake_faults '{"error_rate": 0, "timeout_rate": 0, "malformed_rate": 0, "html_rate": 0, "binary_rate": 0,
              "null_lookup_rate": 0, "shape_rate": 0, "after_write_rate": 0, "rules": []}'
for round in $(seq 1 10); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0") == 0 ]] && break
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0;
       UPDATE crm_lojas_estado SET proxima_sonda = NOW()"
  run_sync --limit 200
  runs=$((runs + 1))
  [[ $rc == 0 ]] || nonzero=$((nonzero + 1))
done
echo "chaos_mix: $runs runs, $nonzero exited non-zero, $(fake_stat duplicate_creates) duplicates," \
     "$faulty_given_up given up under faults, CRM: $(curl -sf "$FAKE_URL/_stats" | jq -c '{requests, creates}')"
assert_eq 0 "$nonzero" "runs that exited non-zero"
assert_eq 0 "$(fake_stat duplicate_creates)" "duplicates in the CRM"
assert_eq 200 "$(curl -sf "$FAKE_URL/_records/clientes" | jq 'length')" "records in the CRM"
assert_eq "200|0" "$(sql "SELECT SUM(processado = 1 AND erro IS NULL), SUM(erro IS NOT NULL AND processado = 1) FROM crm_sync_queue" | tr '\t' '|')" "every row synced, nothing given up"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_execucoes WHERE status <> 'success'")" "every run closed as a success"
