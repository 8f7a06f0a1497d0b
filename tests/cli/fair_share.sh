# Fair share across stores (issue #16): store 1 queues a burst of 1,000
# changes, then store 2 queues 10 at the same priority; one run of 100 sends
# store 2's 10 and 90 of the burst. A store alone still fills the batch. A
# paused store and a store whose request budget is spent take no share:
# their rows are not claimed (still pending, no attempt used, not deferred).
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2
add_customers 1 1000
sql "UPDATE crm_sync_queue SET criado_em = NOW() - INTERVAL 1 HOUR WHERE id_loja = 1"
add_customers 2 10
done_rows() {  # STORE -> rows done
  sql "SELECT COUNT(*) FROM crm_sync_queue WHERE id_loja = $1 AND processado = 1 AND erro IS NULL"
}
untouched() {  # STORE -> "pending|attempts|claimed"
  sql "SELECT CONCAT(SUM(processado = 0), '|', SUM(tentativas), '|', COUNT(claim_token))
       FROM crm_sync_queue WHERE id_loja = $1"
}

run_sync --limit 100
assert_eq 0 "$rc" "exit code"
assert_eq "" "$err" "stderr"
assert_match "$summary_re" "$out" "summary line"
assert_eq 100 "${BASH_REMATCH[1]}" "a full batch"
assert_eq 10 "$(done_rows 2)" "store 2's ten changes in the first run"
assert_eq 90 "$(done_rows 1)" "the rest of the batch from the burst"

# Store 2 has nothing left: store 1 alone takes the whole batch.
run_sync --limit 100
assert_match "$summary_re" "$out" "summary line"
assert_eq 100 "${BASH_REMATCH[1]}" "a store alone fills the batch"
assert_eq 190 "$(done_rows 1)" "store 1 after two runs"

# Store 1 paused (its probe not due): none of its rows is claimed.
sql "INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde, proxima_sonda, pausas_seguidas)
     VALUES (1, 'pausada', 'the CRM is unreachable', NOW(), NOW() + INTERVAL 1 HOUR, 1)"
sql "DELETE FROM clientes WHERE id_loja = 2; DELETE FROM crm_sync_queue WHERE id_loja = 2"
add_customers 2 5
before=$(untouched 1)
assert_eq "810|190|0" "$before" "store 1 before the pause"
run_sync --limit 100
assert_match "${summary_re%\$} \| Lojas pausadas: 1$" "$out" "summary line"
assert_eq 5 "${BASH_REMATCH[1]}" "only store 2's rows"
assert_eq 0 "${BASH_REMATCH[3]}" "nothing deferred"
assert_eq 5 "$(done_rows 2)" "store 2 done"
assert_eq "$before" "$(untouched 1)" "paused store: pending, attempts unchanged, not claimed"

# Store 3's request budget is spent for this minute (and the next, so a
# run that crosses a minute boundary sees it spent too): not claimed either.
add_integration 3 '{"requests_per_minute": 5}'
add_customers 3 20
sql "INSERT INTO crm_orcamento (id_loja, minuto, usadas) VALUES
       (3, DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:00'), 5),
       (3, DATE_FORMAT(NOW() + INTERVAL 1 MINUTE, '%Y-%m-%d %H:%i:00'), 5)"
add_customers 2 3
run_sync --dry-run --verbose
assert_eq 0 "$rc" "dry run"
assert_match "store 3: request budget of 5/min spent for this minute" "$out" "the dry run leaves it out too"
assert_eq 0 "$(grep -c 'loja 3' <<<"$out" || true)" "the dry run shows no item of store 3"
run_sync --limit 100 --verbose
assert_eq 0 "$rc" "exit code"
assert_match "store 3: request budget of 5/min spent for this minute; its rows are not claimed" "$out" "the verbose line says why"
assert_eq 0 "$(grep -c 'loja 3' <<<"$out" || true)" "no item of store 3"
assert_match "${summary_re%\$} \| Lojas pausadas: 1$" "$(tail -1 <<<"$out")" "summary line"
assert_eq 0 "${BASH_REMATCH[3]}" "nothing deferred: the spent store's rows were never claimed"
assert_eq 20 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE id_loja = 3 AND disponivel_em <= NOW()")" "still due"
assert_eq "20|0|0" "$(untouched 3)" "spent store: pending, no attempt, not claimed"
assert_eq 8 "$(done_rows 2)" "store 2 goes on"
assert_eq "$before" "$(untouched 1)" "paused store still untouched"
