# Two overlapping crm_sync runs over 2,000 rows, then eight over 10,000:
# every row is processed exactly once and none is left claimed.
source "$(dirname "$0")/lib.sh"
start_fake 5
add_integration 1

for runs in 2 8; do
  rows=$(( runs == 2 ? 2000 : 10000 ))
  curl -sf -X POST -d "" "$FAKE_URL/_reset" >/dev/null
  sql "DELETE FROM crm_sync_queue; DELETE FROM clientes; DELETE FROM crm_sync_log"
  add_customers 1 "$rows"
  pids=()
  for i in $(seq 1 "$runs"); do
    "$CRM_SYNC" --limit $(( rows / runs * 3 / 4 )) --concurrency 8 >"$scratch/run$i.out" 2>"$scratch/run$i.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "a run failed: $(cat "$scratch"/run*.err)"; done
  # drain what the overlapping runs left (they claim 3/4 of the rows together);
  # on an overloaded machine a few transfers may fail and back off: let the
  # back-off pass, as the next minutes would
  for _ in $(seq 1 10); do
    [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0") == 0 ]] && break
    sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0 AND claim_token IS NULL"
    run_sync --limit 5000 --concurrency 16
    assert_eq 0 "$rc" "drain run"
  done
  sql "SELECT CONCAT('transient error seen: ', mensagem) FROM crm_sync_log WHERE status = 'erro' LIMIT 5" >&2
  cat "$scratch"/run*.err >"$scratch/all.err"
  assert_eq "" "$(cat "$scratch/all.err")" "stderr of $runs runs"
  assert_eq "$rows" "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NULL")" "$runs runs: rows done"
  assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")" "$runs runs: rows left claimed"
  assert_eq "$rows" "$(fake_stat creates)" "$runs runs: creates"
  assert_eq 0 "$(fake_stat duplicate_creates)" "$runs runs: duplicate creates"
  assert_eq "$rows" "$(sql "SELECT COUNT(DISTINCT id_fila) FROM crm_sync_log")" "$runs runs: log rows for every item"
  assert_eq "$rows" "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE status = 'sucesso'")" "$runs runs: one success per item"
  per_run=$(sql "SELECT COUNT(*) FROM crm_execucoes WHERE processados > 0")
  [[ $per_run -ge 2 ]] || fail "$runs runs: only $per_run runs did work (expected overlap)"
  sql "DELETE FROM crm_execucoes"
done
