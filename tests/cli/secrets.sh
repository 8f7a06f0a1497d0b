# No token and no database password in any output, log row or error of a
# failing run, even when the CRM echoes the token back in its error body.
source "$(dirname "$0")/lib.sh"
start_fake 0
token=S3cr3t-T0ken-$RANDOM
export CRM_TEST_TOKEN=$token
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais)
     VALUES (1, 'generic', '$FAKE_URL/api', '{\"token\": \"$token\"}'),
            (2, 'generic', '$FAKE_URL/api', '{\"token\": {\"env\": \"CRM_TEST_TOKEN\"}}')"
add_customers 1 5
add_customers 2 5
# The fake refuses every request (422) and echoes the token in its error
# body. (A 401 pauses the store instead: store_containment.sh.)
curl -sf -X POST -d "{\"rules\": [{\"status\": 422, \"body\": \"{\\\"message\\\": \\\"token $token is not valid\\\"}\"}]}" \
  "$FAKE_URL/_faults" >/dev/null

outputs=()
run_sync --verbose;      outputs+=("$out" "$err")
run_sync --json;         outputs+=("$out" "$err")
run_sync --dry-run -v;   outputs+=("$out" "$err")
CRM_DB_PASSWORD=wrong-$CRM_DB_PASSWORD run_sync; outputs+=("$out" "$err")
run_program "$CRM_SYNC" --print-config; outputs+=("$out" "$err")
run_program "$CRM_STATUS" --json; outputs+=("$out" "$err")

assert_eq 10 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro LIKE '%HTTP 422: token *** is not valid%'")" "the echoed token is redacted in erro"
stored=$(sql "SELECT CONCAT_WS('|', erro) FROM crm_sync_queue;
              SELECT CONCAT_WS('|', mensagem, external_id) FROM crm_sync_log;
              SELECT CONCAT_WS('|', mensagem, resultado) FROM crm_execucoes")
for text in "${outputs[@]}" "$stored" "$(cat "$scratch/fake.log")"; do
  [[ $text != *"$token"* ]] || fail "the CRM token leaked: $text"
  [[ $text != *"$CRM_DB_PASSWORD"* ]] || fail "the database password leaked: $text"
done
grep -q '^db_password = \*\*\* (environment)$' <<<"${outputs[8]}" || fail "print-config masks the password: ${outputs[8]}"
