# An export job counts the rows given up while it is open: it never shows
# 100% with 0 failures when rows failed.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_customers 1 5
sql "DELETE FROM crm_sync_queue"
fake_faults '{"rules": [{"method": "POST", "body_contains": "Cliente 2 ", "status": 422,
                         "body": "{\"message\": \"invalid\"}"}]}'
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente
assert_eq 0 "$rc" "export"
run_sync
assert_match "Processados: 4 \| Erros: 1 " "$out" "one row given up"
assert_eq "concluido|100|1" "$(sql "SELECT status, progresso, falhas FROM crm_fila" | tr '\t' '|')" "the job shows its failure"
run_program "$CRM_STATUS" --json
assert_eq 1 "$(jq -r '.jobs[0].falhas' <<<"$out")" "crm_status --json"
run_program "$CRM_STATUS"
assert_match "exportacao cliente loja 1: concluido 100% \(5/5\), 1 falhas" "$out" "the screen"
