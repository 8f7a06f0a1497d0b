#!/usr/bin/env bash
# The CRM mirror on Pipedrive (issue #14), with the mirror's defaults: each
# run pulls what changed (updated_since) before it pushes; a new record
# costs one request (no search: the fresh mirror is the lookup); a record
# created in the CRM a moment before the run is linked, not duplicated; a
# re-enqueued record that did not change costs none; a phone edited in the
# CRM reaches the local table in the next run and does not come back; edits
# on both sides are resolved by the field's owner and logged with both
# values; 1,000 unchanged records re-enqueued send no request; kill -9 and
# writes answered 503 after they happened leave no duplicate.
source "$(dirname "$0")/lib.sh"
start_provider_fake pipedrive --token pd-tok
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais)
     VALUES (1, 'pipedrive', '$FAKE_URL/api/v2', '{\"api_token\": \"pd-tok\"}')"

# push requests since the mark: everything but the mirror's list pages
pushes() { since_mark | grep -v '^GET /api/v2/\(persons\|products\|activities\)?' || true; }
count() { grep -c . || true; }
# every customer of store 1 queued for the CRM again
enqueue_all() {
  sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
       SELECT 1, 'cliente', id, 'ecletech_para_crm' FROM clientes WHERE id_loja = 1
         AND id NOT IN (SELECT id_registro FROM crm_sync_queue WHERE entidade = 'cliente' AND processado = 0)"
}
person() { remote persons ".[] | select(.id == $1) | $2" | tr -d '"'; }

# A first run reads the (empty) CRM whole: the mirror is complete.
mark
run_sync
assert_eq 0 "$rc" "first run (stderr: $err)"
assert_eq 3 "$(sql "SELECT COUNT(*) FROM crm_espelho_estado WHERE completo_em IS NOT NULL AND cursor_pagina IS NULL")" \
  "customers, products and activities mirrored whole"
assert_eq "GET /api/v2/activities?limit=100
GET /api/v2/persons?limit=100
GET /api/v2/products?limit=100" "$(since_mark | sort)" "a first pull lists everything, no filter"

# A person created in the CRM a moment before the run, and five new local
# customers, one with that e-mail (spelled in other case).
known=$(seed_remote persons '[{"name": "Known", "emails": [{"value": "known@x.com", "primary": true}]}]')
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES
       (1, 1, 'Ana', 'ana@x.com', '11 5555-0001'), (2, 1, 'Bia', 'bia@x.com', NULL),
       (3, 1, 'Caio', 'caio@x.com', NULL), (4, 1, 'Duda', NULL, '11 5555-0004'),
       (5, 1, 'Known', ' Known@X.com ', NULL)"
for id in 1 2 3 4 5; do enqueue 1 cliente "$id"; done
mark
run_sync
assert_match "Processados: 5 \| Erros: 0 " "$out" "five pushed"
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 5")" "the CRM's own record is linked"
assert_eq 0 "$(fake_stat duplicate_creates)" "no duplicate"
assert_eq 4 "$(pushes | grep -c '^POST /api/v2/persons?')" "four creates"
assert_eq 4 "$(pushes | count)" "one request per new record: no search, the link sent nothing (same values)"
assert_match "updated_since=" "$(since_mark | grep persons | head -1)" "the second pull asks for changes only"
assert_match "linked to existing CRM record $known \(mirror: same values, nothing sent\)" \
  "$(sql "SELECT mensagem FROM crm_sync_log WHERE id_registro = 5 AND entidade = 'cliente' ORDER BY id DESC LIMIT 1")" \
  "the link is logged as served by the mirror"

# Re-enqueued and unchanged: nothing sent, and crm-sync's own writes pulled
# back are not changes.
for id in 1 2 3 4 5; do enqueue 1 cliente "$id"; done
mark
run_sync
assert_match "Processados: 5 \| Erros: 0 .*Adiados: 0$" "$out" "unchanged records succeed, no 'Do CRM'"
assert_eq "" "$(pushes)" "no request for unchanged records"
assert_eq 5 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE operacao = 'skip' AND mensagem LIKE 'unchanged: the CRM has these values%'")" \
  "logged as unchanged"

# crm_status --record shows what the mirror knows of the record.
run_program "$CRM_STATUS" --record cliente 1 --loja 1
assert_match "Espelho do CRM \((leitura|envio), visto [0-9-]+ [0-9:]+.*\): \{.*\"email\":\"ana@x.com\"" "$out" "--record: the mirror's row"
run_program "$CRM_STATUS" --record cliente 1 --loja 1 --json
assert_eq "ana@x.com|false" "$(jq -r '"\(.espelho.campos.email)|\(.espelho.com_copia)"' <<<"$out")" "--record --json: espelho"

# A phone edited in the CRM reaches the local table in the next run, and is
# not sent back.
ana=$(sql "SELECT external_id FROM clientes WHERE id = 1")
curl -sf -X PATCH -d '{"phones": [{"value": "11 9999-0001", "primary": true}]}' "$FAKE_URL/_records/persons/$ana" >/dev/null
mark
run_sync
assert_match "Do CRM: 1$" "$out" "one local record changed from the CRM"
assert_eq "11 9999-0001" "$(sql "SELECT telefone FROM clientes WHERE id = 1")" "the CRM's phone is local now"
assert_eq "pull|pulled from CRM (mirror): phone" \
  "$(sql "SELECT CONCAT_WS('|', operacao, mensagem) FROM crm_sync_log WHERE id_registro = 1 AND direcao = 'crm_para_ecletech' ORDER BY id DESC LIMIT 1")" \
  "logged as a pull"
enqueue 1 cliente 1  # what a trigger on the local write would do
mark
run_sync
assert_eq "" "$(pushes)" "the pulled change does not go back to the CRM"
assert_match "^\[[^]]*\] Processados: 1 \| Erros: 0 .*Adiados: 0$" "$out" "and is not pulled again"

# A phone filled in in the CRM where the record had none reaches the table
# too (the mirror knew the record without one: an empty base).
bia=$(sql "SELECT external_id FROM clientes WHERE id = 2")
curl -sf -X PATCH -d '{"phones": [{"value": "11 9999-0002", "primary": true}]}' "$FAKE_URL/_records/persons/$bia" >/dev/null
run_sync --loja 1
assert_match "Do CRM: 1$" "$out" "pulled"
assert_eq "11 9999-0002" "$(sql "SELECT telefone FROM clientes WHERE id = 2")" "a phone filled in in the CRM"

# Both sides edited the name since the last sync. Default owner "newest":
# the CRM's edit is later (the local one an hour ago) and wins; the queued
# local change then has nothing to send.
sql "UPDATE clientes SET nome = 'Ana Local', atualizado_em = NOW() - INTERVAL 1 HOUR WHERE id = 1"
enqueue 1 cliente 1
curl -sf -X PATCH -d '{"name": "Ana CRM"}' "$FAKE_URL/_records/persons/$ana" >/dev/null
mark
run_sync
assert_match "Do CRM: 1 \(1 conflitos\)$" "$out" "one conflict"
assert_eq "Ana CRM" "$(sql "SELECT nome FROM clientes WHERE id = 1")" "newest: the CRM's later edit won"
assert_eq "" "$(pushes)" "nothing to send after it"
assert_match "^conflict on 'name' \(clientes.nome\): local 'Ana Local' vs CRM 'Ana CRM' \(was 'Ana'; .*owner newest: took the CRM's value$" \
  "$(sql "SELECT mensagem FROM crm_sync_log WHERE operacao = 'conflict' ORDER BY id DESC LIMIT 1")" \
  "the conflict is logged with both values"

# The local edit is the later one (stamped an hour ahead): it stays and
# goes to the CRM.
curl -sf -X PATCH -d '{"name": "Ana Antiga"}' "$FAKE_URL/_records/persons/$ana" >/dev/null
sql "UPDATE clientes SET nome = 'Ana Loja', atualizado_em = NOW() + INTERVAL 1 HOUR WHERE id = 1"
enqueue 1 cliente 1
mark
run_sync
assert_eq "Ana Loja" "$(sql "SELECT nome FROM clientes WHERE id = 1")" "newest: the later local edit stays"
assert_eq "Ana Loja" "$(person "$ana" .name)" "and reached the CRM"
assert_eq "PATCH /api/v2/persons/$ana?" "$(pushes)" "one request"
assert_match "owner newest: kept the local value \(it goes to the CRM\)$" \
  "$(sql "SELECT mensagem FROM crm_sync_log WHERE operacao = 'conflict' ORDER BY id DESC LIMIT 1")" "logged"

# Owner "crm" for the phone: the CRM's value wins whatever the times.
sql "UPDATE crm_integracoes SET configuracoes = '{\"mirror\": {\"owner\": {\"cliente.phone\": \"crm\"}},
       \"requests_per_minute\": 1000000}'
     WHERE id_loja = 1;
     UPDATE clientes SET telefone = '11 1111-1111', atualizado_em = NOW() + INTERVAL 1 HOUR WHERE id = 1"
enqueue 1 cliente 1
curl -sf -X PATCH -d '{"phones": [{"value": "11 2222-2222", "primary": true}]}' "$FAKE_URL/_records/persons/$ana" >/dev/null
run_sync
assert_eq "11 2222-2222" "$(sql "SELECT telefone FROM clientes WHERE id = 1")" "owner crm: the CRM's phone won"
assert_match "owner crm: took the CRM's value$" \
  "$(sql "SELECT mensagem FROM crm_sync_log WHERE operacao = 'conflict' ORDER BY id DESC LIMIT 1")" "logged"

# Activities are mirrored too: one marked done in Pipedrive is done locally
# after the next run; its person (a CRM id) is compared, never pulled.
sql "INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, concluida, id_cliente) VALUES
       (1, 1, 'call', 'Ligar para Ana', '2026-12-01 14:00:00', 0, 1)"
enqueue 1 atividade 1
mark
run_sync --loja 1
assert_eq 1 "$(pushes | grep -c '^POST /api/v2/activities?')" "created"
assert_eq 1 "$(pushes | grep -c .)" "in one request"
task=$(sql "SELECT external_id FROM atividades WHERE id = 1")
curl -sf -X PATCH -d '{"done": true}' "$FAKE_URL/_records/activities/$task" >/dev/null
enqueue 1 atividade 1
mark
run_sync --loja 1
assert_eq "1|1" "$(sql "SELECT CONCAT_WS('|', concluida, id_cliente) FROM atividades WHERE id = 1")" \
  "done in Pipedrive, done locally; the customer untouched"
assert_eq "" "$(pushes)" "and nothing sent back"

# A person deleted in Pipedrive stays in the mirror (deletes are not in the
# change feed): the mirror's match for a new customer with that e-mail is
# answered 404, dropped, and the next attempt creates.
caio=$(sql "SELECT external_id FROM clientes WHERE id = 3")
curl -sf -X DELETE -H "x-api-token: pd-tok" "$FAKE_URL/api/v2/persons/$caio" >/dev/null
sql "UPDATE clientes SET email = NULL WHERE id = 3;
     INSERT INTO clientes (id, id_loja, nome, email) VALUES (6, 1, 'Caio Novo', 'caio@x.com')"
enqueue 1 cliente 6
run_sync --loja 1
assert_match "^0\|PATCH .*: HTTP 404: the CRM record the mirror matched is gone; dropped from the mirror" "$(row_state cliente 6)" \
  "a 404 for the mirror's match: retried, not failed"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_espelho WHERE id_externo = '$caio'")" "dropped from the mirror"
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
run_sync --loja 1
assert_match "^1\|$" "$(row_state cliente 6)" "created on the next attempt"
assert_eq "Caio Novo" "$(person "$(sql "SELECT external_id FROM clientes WHERE id = 6")" .name)" "a new person"
sql "DELETE FROM clientes WHERE id = 3"  # its person is gone
# (the fake counts the e-mail created again as a duplicate: it is not one,
# the first person is gone)
assert_eq 1 "$(fake_stat duplicate_creates)" "the deleted person's e-mail, created again"

# A first read longer than its page limit resumes where it stopped, and
# until it completes the mirror answers no lookup (store 2, 2 a page, 1 page
# a run, over the same CRM's 5 persons).
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (2, 'pipedrive', '$FAKE_URL/api/v2', '{\"api_token\": \"pd-tok\"}',
             '{\"page_size\": 2, \"mirror\": {\"pages_per_run\": 1}}');
     INSERT INTO clientes (id, id_loja, nome, email) VALUES (90, 2, 'Eva', 'eva@x.com')"
enqueue 2 cliente 90
mark
run_sync --loja 2
assert_match "^GET /api/v2/persons/search\?" "$(pushes | head -1)" "an incomplete mirror: the lookup goes to the CRM"
assert_eq "c2|" "$(sql "SELECT CONCAT_WS('|', cursor_pagina, IFNULL(completo_em, '')) FROM crm_espelho_estado
                        WHERE id_loja = 2 AND entidade = 'cliente'")" "stopped after one page, at its cursor"
run_sync --loja 2
run_sync --loja 2
assert_eq "|1" "$(sql "SELECT CONCAT_WS('|', IFNULL(cursor_pagina, ''), completo_em IS NOT NULL) FROM crm_espelho_estado
                       WHERE id_loja = 2 AND entidade = 'cliente'")" "resumed to the end: complete"
assert_eq 6 "$(sql "SELECT COUNT(*) FROM crm_espelho WHERE id_loja = 2 AND entidade = 'cliente'")" "every person mirrored"

# A dry run neither pulls nor uses the mirror.
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (91, 2, 'Fabi', 'fabi@x.com')"
enqueue 2 cliente 91
run_sync --loja 2 --dry-run --verbose
assert_eq "" "$(grep -o 'updated_since' <<<"$out" || true)" "no pull in a dry run"
assert_match "would send GET .*/persons/search" "$out" "its lookup shown as a request"

# A pull that finds the store's token refused pauses the store: its rows
# are not claimed (no attempt spent), and it is probed later as usual.
fake_faults '{"rules": [{"method": "GET", "path_contains": "/persons", "status": 401, "count": 1}]}'
run_sync --loja 2
assert_match "Lojas pausadas: 1" "$out" "paused by its pull"
assert_eq "0|0" "$(sql "SELECT CONCAT_WS('|', processado, tentativas) FROM crm_sync_queue WHERE id_registro = 91")" \
  "its row not claimed"
fake_faults '{"rules": []}'
# Its probe due and nothing queued: the pull is the probe, and resumes it.
sql "UPDATE crm_lojas_estado SET proxima_sonda = NOW() WHERE id_loja = 2; DELETE FROM crm_sync_queue WHERE id_loja = 2"
run_sync --loja 2
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_lojas_estado WHERE id_loja = 2 AND estado = 'pausada'")" \
  "the pull was the probe: the store is resumed with nothing queued"
sql "DELETE FROM crm_integracoes WHERE id_loja = 2; DELETE FROM crm_lojas_estado WHERE id_loja = 2;
     DELETE FROM crm_sync_queue WHERE id_loja = 2"

# 1,000 records synced, then re-enqueued unchanged: no request for them.
sql "INSERT INTO clientes (id_loja, nome, email) SELECT 1, CONCAT('Lote ', seq), CONCAT('lote', seq, '@x.com')
     FROM seq_1_to_1000"
enqueue_all
run_sync --limit 2000 --concurrency 16
assert_match "Processados: 1005 \| Erros: 0 " "$out" "the 1,000 created (and the 5 above, unchanged)"
enqueue_all
mark
run_sync --limit 2000 --concurrency 16
assert_match "Processados: 1005 \| Erros: 0 " "$out" "1,005 re-enqueued records done"
assert_eq "" "$(pushes)" "1,005 unchanged records: 0 requests"
echo "the pull of the 1,000 records crm-sync wrote: $(since_mark | count) list pages"

# Exactly once with mirror lookups: kill -9 mid-run, then the fault mix;
# creates answered 503 after they were stored are linked by later runs.
# (the pull first caught up with the 1,005 records above, so that the
# killed runs get to their pushes)
enqueue_new() {  # name prefix: queue the customers named so
  sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
       SELECT 1, 'cliente', id, 'ecletech_para_crm' FROM clientes WHERE nome LIKE '$1 %'"
}
run_sync
run_sync
sql "INSERT INTO clientes (id_loja, nome, email) SELECT 1, CONCAT('Caos ', seq), CONCAT('caos', seq, '@x.com')
     FROM seq_1_to_200"
enqueue_new Caos
duplicates_before=$(fake_stat duplicate_creates)
fake_faults '{"latency_ms": 20, "after_write_rate": 0.3, "seed": 7}'
kill_runs 8 14 --limit 60 --concurrency 8
# Then the fault mix, four runs at a time: 5xx, timeouts, HTML, garbage,
# null and wrongly shaped answers, 429s, creates answered 503 after they
# were stored. A pull that fails leaves the mirror stale: those runs look
# up in the CRM (where a null or an object is never "no match").
sql "INSERT INTO clientes (id_loja, nome, email) SELECT 1, CONCAT('Mix ', seq), CONCAT('mix', seq, '@x.com')
     FROM seq_1_to_150"
enqueue_new Mix
sql "UPDATE crm_integracoes SET configuracoes = JSON_SET(configuracoes, '$.timeout_ms', 400) WHERE id_loja = 1"
fake_faults '{"latency_ms": 10, "error_rate": 0.05, "timeout_rate": 0.03, "hang_ms": 1500, "malformed_rate": 0.05,
              "html_rate": 0.05, "null_lookup_rate": 0.1, "shape_rate": 0.05, "after_write_rate": 0.1, "seed": 11,
              "rules": [{"method": "POST", "status": 429, "count": 10, "headers": {"Retry-After": "1"}}]}'
for _ in $(seq 1 6); do
  pids=()
  for worker in 1 2 3 4; do
    "$CRM_SYNC" --deadline 3 --limit 40 >>"$scratch/mix.out" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "a run under the fault mix exited non-zero"; done
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0 AND claim_token IS NULL;
       UPDATE crm_lojas_estado SET proxima_sonda = NOW()"
done
echo "fault mix: $(grep -c 'Processados' "$scratch/mix.out") runs, $(grep -o 'Erros: [0-9]*' "$scratch/mix.out" |
  awk '{s += $2} END {print s}') item errors, $(sql "SELECT COUNT(*) FROM clientes WHERE nome LIKE 'Mix %'
  AND external_id IS NOT NULL") of 150 new customers done in it"
fake_faults '{"latency_ms": 0, "error_rate": 0, "timeout_rate": 0, "malformed_rate": 0, "html_rate": 0,
              "null_lookup_rate": 0, "shape_rate": 0, "after_write_rate": 0, "rules": []}'
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0;
     UPDATE crm_lojas_estado SET proxima_sonda = NOW();
     UPDATE crm_sync_queue SET processado = 0, erro = NULL, tentativas = 0, disponivel_em = NOW()
       WHERE processado = 1 AND erro IS NOT NULL"
for _ in $(seq 1 30); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0") == 0 ]] && break
  run_sync --limit 500 --concurrency 8
  assert_eq 0 "$rc" "drain run (stderr: $err)"
  sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0;
       UPDATE crm_lojas_estado SET proxima_sonda = NOW()"
done
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0 OR erro IS NOT NULL")" "all done"
assert_eq "$duplicates_before" "$(fake_stat duplicate_creates)" "no duplicate under kill -9 and the fault mix"
links=$(sql "SELECT COUNT(DISTINCT id_registro) FROM crm_sync_log WHERE operacao = 'link'
              AND id_registro IN (SELECT id FROM clientes WHERE nome LIKE 'Caos %' OR nome LIKE 'Mix %')")
echo "creates the CRM had stored, linked by later runs: $links"
assert_match "^[1-9]" "$links" "the mirror linked creates the CRM had stored (the path under test ran)"
assert_eq 1355 "$(sql "SELECT COUNT(DISTINCT external_id) FROM clientes WHERE id_loja = 1")" \
  "every customer of store 1 linked to its own person"
assert_eq "$(remote persons length)" "$(sql "SELECT COUNT(DISTINCT external_id) FROM clientes")" \
  "one person per linked customer (store 2's one included)"
