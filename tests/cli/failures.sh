# Transient errors back off and give up after 10 attempts keeping the last
# error; a 422 and a missing local record give up at once; a 429 costs no
# attempt, respects Retry-After and stops requests to that store in the run.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES
       (1, 1, 'Transient Ltda', 't@x.com'), (2, 1, 'Invalid422', 'i@x.com'), (3, 1, 'Fine', 'f@x.com');
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm'), (1, 'cliente', 2, 'ecletech_para_crm'),
       (1, 'cliente', 3, 'ecletech_para_crm'), (1, 'cliente', 999, 'ecletech_para_crm')"
fake_faults '{"rules": [
  {"method": "POST", "body_contains": "Transient", "status": 503, "body": "{\"message\":\"service unavailable\"}"},
  {"method": "POST", "body_contains": "Invalid422", "status": 422, "body": "{\"message\":\"email is invalid\"}"}]}'

row() { sql "SELECT processado, tentativas, COALESCE(erro, 'NULL') FROM crm_sync_queue WHERE id_registro = $1" | tr '\t' '|'; }

run_sync --loja 1
assert_eq 0 "$rc" "exit code with item failures"
assert_match "$summary_re" "$out" "summary"
assert_eq "1 3 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "counts"
assert_eq "0|1|POST /clientes: HTTP 503: service unavailable" "$(row 1)" "transient, first attempt"
backoff=$(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue WHERE id_registro = 1")
[[ $backoff -ge 55 && $backoff -le 60 ]] || fail "transient back-off: $backoff s"
assert_eq "1|1|POST /clientes: HTTP 422: email is invalid" "$(row 2)" "permanent"
assert_eq "1|1|NULL" "$(row 3)" "success"
assert_eq "1|1|local record not found: clientes id 999 (loja 1)" "$(row 999)" "missing record"
assert_eq "erro|503" "$(sql "SELECT status, http_status FROM crm_sync_log WHERE id_registro = 1" | tr '\t' '|')" "log of the transient failure"

# Not due yet: the next run leaves it alone.
run_sync --loja 1
assert_match "$summary_re" "$out" "summary"
assert_eq "0 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" "nothing due during back-off"

for attempt in $(seq 2 10); do
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE id_registro = 1"
  run_sync --loja 1
  assert_eq 0 "$rc" "attempt $attempt"
done
assert_eq "1|10|POST /clientes: HTTP 503: service unavailable" "$(row 1)" "given up after 10 attempts"
assert_eq 10 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE id_registro = 1 AND status = 'erro'")" "ten log rows"

# The horizon is configurable: max_attempts (config file or CRM_MAX_ATTEMPTS).
sql "UPDATE crm_sync_queue SET processado = 0, tentativas = 0, processado_em = NULL, disponivel_em = NOW() WHERE id_registro = 1"
for attempt in 1 2; do
  CRM_MAX_ATTEMPTS=2 run_sync --loja 1
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE id_registro = 1"
done
assert_eq "1|2|POST /clientes: HTTP 503: service unavailable" "$(row 1)" "given up after max_attempts = 2"

# 429 with Retry-After on store 2, one request at a time.
add_customers 2 20
fake_faults '{"rules": [{"method": "GET", "count": 1, "status": 429,
  "headers": {"Retry-After": "120"}, "body": "{\"message\":\"slow down\"}"}]}'
before=$(fake_stat requests)
run_sync --loja 2 --concurrency 1
assert_eq 0 "$rc" "exit code when rate limited"
assert_match "$summary_re" "$out" "summary"
assert_eq "0 0 20" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" "all 20 deferred"
assert_eq 1 "$(( $(fake_stat requests) - before ))" "requests after the 429"
assert_eq "20|0|0" "$(sql "SELECT COUNT(*), SUM(tentativas), SUM(processado) FROM crm_sync_queue WHERE id_loja = 2" | tr '\t' '|')" "no attempt counted"
wait_min=$(sql "SELECT MIN(TIMESTAMPDIFF(SECOND, NOW(), disponivel_em)) FROM crm_sync_queue WHERE id_loja = 2")
[[ $wait_min -ge 115 && $wait_min -le 120 ]] || fail "Retry-After not respected: due in $wait_min s"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE id_loja = 2")" "deferred rows are not logged as processed"

# A CRM value the local table refuses (an e-mail longer than VARCHAR(255)) fails
# that one pull for good; the run and the other items go on.
long_email="$(printf 'x%.0s' $(seq 1 300))@example.com"
curl -sf -X POST -d "[{\"nome\": \"Long\", \"email\": \"$long_email\"}, {\"nome\": \"Short\", \"email\": \"s@x.com\"}]" \
  "$FAKE_URL/_records/clientes" >/dev/null
ids=($(curl -sf "$FAKE_URL/_records/clientes" | jq -r '.[] | select(.nome == "Long" or .nome == "Short") | .id'))
sql "INSERT INTO clientes (id, id_loja, nome, external_id) VALUES (50, 1, 'a', '${ids[0]}'), (51, 1, 'b', '${ids[1]}');
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES
       (1, 'cliente', 50, 'crm_para_ecletech'), (1, 'cliente', 51, 'crm_para_ecletech')"
fake_faults '{"rules": []}'
run_sync --loja 1 --entity cliente
assert_eq 0 "$rc" "a refused value is not fatal"
assert_eq "" "$err" "stderr"
assert_match "^1\|1\|the local table refused the CRM's values: database: UPDATE .*Data too long for column 'email'.*\(error 1406\)$" \
  "$(sql "SELECT processado, tentativas, erro FROM crm_sync_queue WHERE id_registro = 50" | tr '\t' '|')" "the refused pull"
assert_eq "Short|s@x.com" "$(sql "SELECT nome, email FROM clientes WHERE id = 51" | tr '\t' '|')" "the other pull"
