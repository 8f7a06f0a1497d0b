# Chaos: a CRM with 10% 5xx, 5% timeouts past the request timeout, 5%
# truncated JSON, 5% HTML error pages, 3% oversized bodies and 429 bursts. Every row ends as a
# success or with a clear error; no crash; a 429 never costs an attempt; no
# run overruns its deadline by more than a second.
source "$(dirname "$0")/lib.sh"
start_fake 10
add_integration 1 '{"timeout_ms": 400, "concurrency": 16}'
add_products 1 300
fake_faults '{"error_rate": 0.10, "timeout_rate": 0.05, "hang_ms": 1500, "malformed_rate": 0.05,
              "html_rate": 0.05, "oversize_rate": 0.03, "seed": 3,
              "rules": [{"method": "POST", "status": 429, "count": 5, "headers": {"Retry-After": "1"}}]}'
for round in $(seq 1 20); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0") == 0 ]] && break
  started=$(date +%s%N)
  run_sync --deadline 1 --limit 300
  elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  assert_eq 0 "$rc" "round $round exit code"
  assert_eq "" "$err" "round $round stderr"
  assert_match "$summary_re" "$out" "round $round summary"
  echo "round $round: ${elapsed_ms} ms, $(grep -o "Processados.*" <<<"$out")"
  run_ms=$(sed -E 's/.*Tempo: ([0-9]+)\.([0-9]{2})s.*/\1\20/' <<<"$out")
  (( 10#$run_ms < 2000 )) || fail "round $round ran ${run_ms} ms with --deadline 1"
  # what back-off and Retry-After would do over the next minutes
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
  [[ $round == 2 ]] && fake_faults '{"rules": [{"method": "POST", "status": 429, "count": 20, "headers": {"Retry-After": "1"}}]}'
done
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0")" "every row final"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NOT NULL AND tentativas < 10")" "nothing transient gives up before its 10 attempts (unreadable answers included)"
bad=$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NOT NULL AND erro NOT REGEXP '^POST /produtos: (HTTP [0-9]{3}: .+|Operation timed out after [0-9]+ milliseconds.*|response body larger than 4194304 bytes)$'")
assert_eq 0 "$bad" "every error is a clear one-line message"
# Attempts are counted only for recorded outcomes: one log row per attempt,
# and none for the 429s.
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue q WHERE q.tentativas <> (SELECT COUNT(*) FROM crm_sync_log l WHERE l.id_fila = q.id)")" "attempts = logged outcomes"
[[ $(fake_stat creates) -ge $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE erro IS NULL") ]] || fail "creates"
echo "final: $(sql "SELECT SUM(erro IS NULL), SUM(erro IS NOT NULL) FROM crm_sync_queue" | tr '\t' ' ') (done, given up); CRM: $(curl -sf "$FAKE_URL/_stats")"
# Each kind of fault really happened, and was recorded as such.
for pattern in 'HTTP 503: service unavailable' 'timed out' 'response is not JSON' \
               'HTML page' 'response body larger than'; do
  seen=$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE mensagem LIKE '%$pattern%'")
  [[ $seen -gt 0 ]] || fail "no '$pattern' outcome was logged"
done
