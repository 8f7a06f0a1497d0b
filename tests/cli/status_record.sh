# crm_status --record ENTITY ID [--loja N]: the story of one record through
# a create, a failed update and its retry, and what the next run would do
# at each step; a given-up record points to crm_enqueue.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES
       (1, 1, 'Ana', 'ana@x.com'), (2, 1, 'Invalid422', 'bad@x.com')"
record() { run_program "$CRM_STATUS" --record "$@"; }
j() { jq -r "$1" <<<"$out"; }

record cliente 1 --json
assert_eq 0 "$rc" "exit before anything happened"
assert_eq "true||nothing: not queued (crm_enqueue --loja 1 --entity cliente --id 1 queues it)" \
  "$(j '"\(.existe_localmente)|\(.external_id // "")|\(.proxima_execucao[0].acao)"')" "a record never queued"

enqueue 1 cliente 1
record cliente 1 --json
assert_eq "create with lookup (by e-mail or document; a match is linked instead) (attempt 1 of 10)" \
  "$(j '.proxima_execucao[0].acao')" "before the create"

run_sync --loja 1
external=$(sql "SELECT external_id FROM clientes WHERE id = 1")
[[ -n $external ]] || fail "no external id after the create"

# An update that fails with a 503: a back-off until a time the database knows.
sql "UPDATE clientes SET nome = 'Ana Maria' WHERE id = 1"
enqueue 1 cliente 1
fake_faults '{"rules": [{"method": "PUT", "status": 503, "body": "{\"message\":\"try later\"}"},
                        {"method": "PATCH", "status": 503, "body": "{\"message\":\"try later\"}"}]}'
run_sync --loja 1
record cliente 1 --json
assert_eq 0 "$rc" "exit"
assert_eq "$external" "$(j .external_id)" "external id"
assert_eq "2" "$(j '.fila | length')" "two queue rows"
assert_eq "true|false" "$(j '[.fila[].processado] | map(tostring) | join("|")')" "first done, second pending"
assert_match "HTTP 503: try later" "$(j '.fila[1].erro')" "the pending row's error"
assert_eq "create sucesso 2xx $external|null erro 503 null" \
  "$(j '[.log[] | "\(.operacao) \(.status) \(if .http_status >= 200 and .http_status < 300 then "2xx" else .http_status end) \(.external_id)"] | join("|")')" \
  "log rows: the create and the failed update (a failure records no operation; its message names the request)"
until=$(sql "SELECT DATE_FORMAT(disponivel_em, '%H:%i') FROM crm_sync_queue WHERE processado = 0 AND id_registro = 1")
assert_match "^waits until $until \\(back-off after attempt 1 of 10: .*HTTP 503: try later\\)$" \
  "$(j '.proxima_execucao[0].acao')" "next action during the back-off"

record cliente 1
assert_eq 0 "$rc" "screen exit"
grep -q "^Próxima execução (ecletech_para_crm): waits until $until " <<<"$out" || fail "screen: $out"
grep -Eq "^  .* - erro HTTP 503 [0-9]+ ms: P[A-Z]+ /clientes/$external: HTTP 503: try later$" <<<"$out" || fail "screen log line: $out"

# The back-off is over: the next run retries the update.
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0 AND id_registro = 1"
record cliente 1 --json
assert_eq "update (external id $external) (attempt 2 of 10)" "$(j '.proxima_execucao[0].acao')" "next action when due"
fake_faults '{"rules": []}'
run_sync --loja 1
record cliente 1 --json
assert_eq "create sucesso|null erro|update sucesso" "$(j '[.log[] | "\(.operacao) \(.status)"] | join("|")')" "the retry in the log"
assert_match "^nothing: synced at [0-9-]+ [0-9:]+; the next change queues it again$" "$(j '.proxima_execucao[0].acao')" "after the retry"

# A record given up at once.
enqueue 1 cliente 2
fake_faults '{"rules": [{"method": "POST", "body_contains": "Invalid422", "status": 422, "body": "{\"message\":\"email is invalid\"}"}]}'
run_sync --loja 1
record cliente 2 --json
assert_eq "nothing: given up after 1 attempt(s) (POST /clientes: HTTP 422: email is invalid); re-enqueue with crm_enqueue --retry-failed or crm_enqueue --loja 1 --entity cliente --id 2" \
  "$(j '.proxima_execucao[0].acao')" "given up"

# A record that does not exist locally; usage errors.
enqueue_missing() { sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES (1, 'cliente', 77, 'ecletech_para_crm')"; }
enqueue_missing
record cliente 77 --loja 1 --json
assert_eq "false|fails at once: local record not found in clientes" "$(j '"\(.existe_localmente)|\(.proxima_execucao[0].acao)"')" "missing local record"
record cliente
assert_eq 2 "$rc" "--record without an id"
record cliente 1 2
assert_eq 2 "$rc" "--record with two ids"
record pessoa 1
assert_eq 2 "$rc" "--record with a bad entity"
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES (2, 'cliente', 1, 'ecletech_para_crm')"
record cliente 1
assert_eq 2 "$rc" "rows in two stores without --loja"
assert_match "cliente 1 has rows in stores 1, 2: add --loja" "$err" "names the stores"
