# crm_status shows each store's share of the next crm_sync claim (issue
# #16): the fair claim's split of 100 rows between the stores with due rows,
# a store capped by what its budget has left this minute, none for a paused
# store or for rows still backing off, and how long each next row waited.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2
add_integration 3
add_integration 4 '{"requests_per_minute": 20}'
add_integration 5
sql "INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde, proxima_sonda)
       VALUES (3, 'pausada', 'the CRM is unreachable', NOW(), NOW() + INTERVAL 10 MINUTE)"
add_customers 1 150
add_customers 2 30
add_customers 3 40
add_customers 4 40
add_customers 5 10
sql "UPDATE crm_sync_queue SET criado_em = NOW() - INTERVAL 7 MINUTE WHERE id_loja = 2;
     UPDATE crm_sync_queue SET prioridade = 10 WHERE id_loja = 2 AND id_registro % 2 = 0;
     UPDATE crm_sync_queue SET disponivel_em = NOW() + INTERVAL 1 HOUR WHERE id_loja = 5"

run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "crm_status --json exit"
assert_eq "" "$err" "nothing on stderr"
j() { jq -r "$1" <<<"$out"; }
assert_eq 100 "$(j .lote_proximo)" "the claim the shares are of"
# Store 2's 15 rows at priority 10 go first, then its other 15 and a share
# each for stores 1 and 4; store 4 takes only its budget of 20 requests.
assert_eq "1:50 2:30 3:0 4:20 5:0" \
  "$(j '[.lojas[] | "\(.id_loja):\(.parte_proximo_lote)"] | join(" ")')" "shares"
assert_eq "1:0 2:10 3:null 4:0 5:null" \
  "$(j '[.lojas[] | "\(.id_loja):\(.proxima_prioridade)"] | join(" ")')" "next row's priority"
wait_s=$(j '.lojas[] | select(.id_loja == 2) | .proxima_espera_s')
[[ $wait_s -ge 420 ]] || fail "store 2's next row waited $wait_s s, less than its 7 minutes"
run_program "$CRM_STATUS"
assert_eq 0 "$rc" "screen exit"
grep -Eq '^  Loja 1 ok; 150 pendentes: .*; próximo lote: 50 de 100$' <<<"$out" || fail "store 1 line: $out"
grep -Eq '^  Loja 3 pausada: the CRM is unreachable .*; próximo lote: 0 de 100$' <<<"$out" || fail "paused store line: $out"
grep -Eq '^  Loja 5 ok; 10 pendentes: cliente 10 \(0 prontos\); próximo lote: 0 de 100$' <<<"$out" || fail "store 5 line: $out"

# With its budget spent, store 4 takes nothing and store 1 takes its place.
sql "INSERT INTO crm_orcamento (id_loja, minuto, usadas)
       VALUES (4, DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:00'), 20)"
run_program "$CRM_STATUS" --json
assert_eq "1:70 2:30 3:0 4:0 5:0" \
  "$(j '[.lojas[] | "\(.id_loja):\(.parte_proximo_lote)"] | join(" ")')" "shares with store 4's budget spent"

# The run itself takes what the screen said (store 4's budget back first).
sql "DELETE FROM crm_orcamento"
run_sync --limit 100
assert_eq 0 "$rc" "crm_sync exit"
done_rows() {
  sql "SELECT COUNT(*) FROM crm_sync_queue WHERE id_loja = $1 AND processado = 1 AND erro IS NULL"
}
assert_eq "50 30 0 0" "$(done_rows 1) $(done_rows 2) $(done_rows 3) $(done_rows 5)" "rows the run took per store"
