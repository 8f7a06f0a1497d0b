# Five stores in one run: healthy (1), a mapping typo (2), a wrong token
# (3), a CRM that is down (4), and a healthy one behind a fault mix with
# bodies that are not UTF-8, "data": null and wrong-shape search answers and
# writes whose answer is lost (5). The healthy stores are synced; the broken
# ones are not run or paused, with no attempt used and nothing given up,
# one ERRO line each; crm_status names each with its reason; once fixed and
# resumed, everything is synced exactly once.
source "$(dirname "$0")/lib.sh"
# Store 5's rounds come back to back under faults: a horizon longer than
# them, as 10 attempts over 4 hours are in production.
export CRM_MAX_ATTEMPTS=30
start_fake 0; good=$FAKE_URL
start_fake_binary "$FAKE_CRM" --token right-token; strict=$FAKE_URL
start_fake 0; faulty=$FAKE_URL
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes) VALUES
       (1, 'generic', '$good/api', '{\"token\": \"test-token\"}', NULL),
       (2, 'generic', '$good/api', '{\"token\": \"test-token\"}',
        '{\"tables\": {\"cliente\": {\"columns\": {\"email\": \"emial\"}}}}'),
       (3, 'generic', '$strict/api', '{\"token\": \"wrong-token\"}', NULL),
       (4, 'generic', 'http://127.0.0.1:1/api', '{\"token\": \"test-token\"}', NULL),
       (5, 'generic', '$faulty/api', '{\"token\": \"test-token\"}', NULL)"
for store in 1 2 3 4 5; do add_customers "$store" 20; done
FAKE_URL=$faulty fake_faults '{"binary_rate": 0.1, "null_lookup_rate": 0.15, "shape_rate": 0.1,
                               "after_write_rate": 0.1, "seed": 5}'
untouched() {  # STORE: its rows still pending, no attempt used
  sql "SELECT CONCAT(SUM(processado = 0), '|', SUM(tentativas)) FROM crm_sync_queue WHERE id_loja = $1"
}

run_sync --limit 100
assert_eq 0 "$rc" "exit code"
assert_eq 3 "$(grep -c 'ERRO: ' <<<"$err")" "one ERRO line per broken store: $err"
assert_match "ERRO: store 2 not run: crm_integracoes: store 2: configuracoes: tables\.cliente\.columns\.email: column 'emial' does not exist in table 'clientes'" "$err" "typo"
assert_match "ERRO: store 3 paused: the CRM refused the credentials \(HTTP 401\)" "$err" "401"
assert_match "ERRO: store 4 paused: the CRM is unreachable: " "$err" "down"
assert_match "Lojas pausadas: 3$" "$out" "summary counts them"
assert_eq "20|0" "$(sql "SELECT SUM(processado = 1 AND erro IS NULL), SUM(processado = 1 AND erro IS NOT NULL) FROM crm_sync_queue WHERE id_loja = 1" | tr '\t' '|')" "store 1 synced"
for store in 2 3 4; do
  assert_eq "20|0" "$(untouched "$store")" "store $store: pending, no attempt used"
done
status=$("$CRM_STATUS" --json)
assert_eq "2 invalida|3 pausada|4 pausada" \
  "$(jq -r '[.lojas_fora[] | "\(.id_loja) \(.estado)"] | join("|")' <<<"$status")" "crm_status names them"
assert_match "HTTP 401" "$(jq -r '.lojas_fora[1].motivo' <<<"$status")" "with the reason"
run_program "$CRM_STATUS" --check
assert_eq 2 "$rc" "--check: a store that is not run is critical"
assert_match "store 2 invalida" "$out" "--check names it"
run_program "$CRM_STATUS" --prometheus
grep -qx 'crm_store_out_of_service{loja="3",estado="pausada"} 1' <<<"$out" || fail "Prometheus gauge: $out"
run_program "$CRM_STATUS"
assert_match "Loja 4 pausada desde [0-9-]+ [0-9:]+: the CRM is unreachable: .* \(próxima sonda em [0-9]+ s; crm_status --resume 4\)" "$out" "the screen"
run_sync --dry-run -v
assert_match "would skip store 2: crm_integracoes: store 2: configuracoes: tables" "$out" "the dry run names the store it skips"
assert_match "would skip store 3: paused: the CRM refused the credentials" "$out" "and the paused one"

# The next minute: no new ERRO line while they stay out; store 5 goes on.
run_sync --limit 100
assert_eq 0 "$rc" "second run"
assert_eq "" "$err" "no ERRO line while the stores stay out"
for store in 2 3 4; do
  assert_eq "20|0" "$(untouched "$store")" "store $store still untouched"
done

# Store 5 behind its faults: runs until done (back-off moved forward).
for round in $(seq 1 15); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE id_loja = 5 AND processado = 0") == 0 ]] && break
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE id_loja = 5 AND processado = 0"
  run_sync --loja 5
  assert_eq 0 "$rc" "store 5 round $round"
done
assert_eq "20|0" "$(sql "SELECT SUM(erro IS NULL), SUM(erro IS NOT NULL) FROM crm_sync_queue WHERE id_loja = 5" | tr '\t' '|')" "store 5 synced, nothing given up: $(sql "SELECT CONCAT(tentativas, ' ', erro) FROM crm_sync_queue WHERE id_loja = 5 AND erro IS NOT NULL")"
assert_eq 0 "$(FAKE_URL=$faulty fake_stat duplicate_creates)" "no duplicate from null or wrong-shape searches or lost answers"
assert_eq 20 "$(FAKE_URL=$faulty curl -sf "$faulty/_records/clientes" | jq 'length')" "20 records in store 5's CRM"
assert_match 'bad .{1,2}xFF.{1,2}xFE bytes' "$(sql "SELECT GROUP_CONCAT(mensagem) FROM crm_sync_log WHERE id_loja = 5")" "a non-UTF-8 answer is logged, escaped"

# Fixed, resumed: everything once, nothing given up.
sql "UPDATE crm_integracoes SET configuracoes = NULL WHERE id_loja = 2;
     UPDATE crm_integracoes SET credenciais = '{\"token\": \"right-token\"}' WHERE id_loja = 3;
     UPDATE crm_integracoes SET base_url = '$good/api' WHERE id_loja = 4"
run_program "$CRM_STATUS" --resume 3
assert_match "Loja 3 retomada: 20 linhas liberadas" "$out" "resume line"
run_program "$CRM_STATUS" --resume 4
run_sync --limit 100
assert_eq 0 "$rc" "run after the fixes"
assert_eq "" "$err" "no ERRO line"
assert_eq "100|0" "$(sql "SELECT SUM(erro IS NULL AND processado = 1), SUM(erro IS NOT NULL) FROM crm_sync_queue" | tr '\t' '|')" "everything synced once, nothing given up"
assert_eq "0|0" "$(FAKE_URL=$good fake_stat duplicate_creates)|$(FAKE_URL=$strict fake_stat duplicate_creates)" "no duplicates"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_lojas_estado WHERE estado <> 'ok'")" "every store ok again"
