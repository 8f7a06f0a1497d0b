# 100 queued customers: one run creates them all, records every outcome and
# prints the seed's line; a second run finds nothing to do.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_customers 1 100

run_sync
assert_eq 0 "$rc" "exit code"
assert_eq "" "$err" "stderr of a healthy run"
assert_match "$summary_re" "$out" "summary line"
assert_eq "100 0 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "counts"

assert_eq 100 "$(sql "SELECT COUNT(*) FROM clientes WHERE external_id IS NOT NULL")" "external ids stored"
assert_eq 100 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NULL AND claim_token IS NULL")" "rows done"
assert_eq 100 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE status = 'sucesso' AND operacao = 'create' AND http_status = 201")" "log rows"
assert_eq "1 crm_sync success 100" "$(sql "SELECT COUNT(*), programa, status, processados FROM crm_execucoes" | tr "\t" " ")" "run row"
assert_eq 100 "$(fake_stat creates)" "creates seen by the CRM"
assert_eq 0 "$(fake_stat duplicate_creates)" "duplicate creates"
# each external id is the id the CRM gave that record
crm_pairs=$(curl -sf "$FAKE_URL/_records/clientes" | jq -r '.[] | "\(.codigo) \(.id)"' | sort)
db_pairs=$(sql "SELECT id, external_id FROM clientes" | tr '\t' ' ' | sort)
assert_eq "$crm_pairs" "$db_pairs" "local id -> CRM id"

run_sync --json
assert_eq 0 "$rc" "second run exit code"
assert_eq 0 "$(jq -r .processados <<<"$out")" "second run processed"
assert_eq 0 "$(jq -r .requisicoes <<<"$out")" "second run requests"
assert_eq 100 "$(fake_stat creates)" "no more creates"
