# ActiveCampaign API v3 end to end: crm_sync against fake_activecampaign
# (Api-Token, resource-keyed envelopes, contact/sync upserts, deal values in
# cents, limit/offset paging with meta.total, 5 requests/s per account).
# Contacts, deals and deal tasks both ways; produto is "not supported".
source "$(dirname "$0")/lib.sh"
start_provider_fake activecampaign --token ac-tok --rate 5
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'activecampaign', '$FAKE_URL/api/3', '{\"api_token\": \"ac-tok\"}',
             '{\"page_size\": 2, \"requests_per_second\": 3, \"mirror\": {\"enabled\": false}}')"
# The mirror (on by default) has its own tests (mirror_*.sh); here every
# lookup and read goes to the CRM, request by request.
# A contact that already exists in ActiveCampaign with the same e-mail.
existing=$(seed_remote contacts '[{"email": "ana@x.com", "firstName": "Ana"}]')
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES
       (1, 1, 'Ana Souza Lima', 'ana@x.com', '555-0001'), (2, 1, 'Bruno', 'bruno@x.com', NULL);
     INSERT INTO produtos (id, id_loja, nome, sku, preco) VALUES (1, 1, 'Caneta', 'CAN-1', 2.50);
     INSERT INTO vendas (id, id_loja, id_cliente, total, data_venda) VALUES (1, 1, 2, 1234.56, '2026-11-20 10:00:00');
     INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, concluida, id_cliente) VALUES
       (1, 1, 'call', 'Ligar para Ana', '2026-11-25 14:00:00', 0, 1)"
enqueue 1 venda 1 to_crm 10
enqueue 1 atividade 1 to_crm 10
for id in 1 2; do enqueue 1 cliente "$id"; done
enqueue 1 produto 1

run_sync --loja 1
assert_eq 0 "$rc" "exit"
assert_eq "" "$err" "stderr"
assert_match "Processados: 4 \| Erros: 1 " "$out" "contacts, the deal and the task synced; the product refused"
assert_eq 0 "$(fake_stat rate_limited)" "paced under the 5 requests/s limit: no 429"
assert_eq "$existing" "$(sql "SELECT external_id FROM clientes WHERE id = 1")" "contact/sync upserted the known e-mail: no duplicate"
assert_eq 1 "$(remote contacts '[.[] | select(.email == "ana@x.com")] | length')" "one Ana"
assert_eq '{"email":"ana@x.com","firstName":"Ana","lastName":"Souza Lima","phone":"555-0001"}' \
  "$(remote contacts '.[] | select(.email == "ana@x.com") | del(.id)')" "contact fields (name split)"
bruno=$(sql "SELECT external_id FROM clientes WHERE id = 2")
assert_eq "{\"title\":\"Venda 1\",\"contact\":\"$bruno\",\"value\":123456,\"currency\":\"brl\",\"group\":\"1\",\"stage\":\"1\",\"owner\":\"1\"}" \
  "$(remote deals '.[0] | del(.id)')" "deal: value in cents, contact id as AC's string"
assert_eq "{\"title\":\"Ligar para Ana\",\"ownerType\":\"contact\",\"relid\":$existing,\"duedate\":\"2026-11-25\",\"status\":0,\"dealTasktype\":1}" \
  "$(remote dealTasks '.[0] | del(.id)')" "deal task"
assert_match "^1\|not supported: ActiveCampaign has no product catalog" "$(row_state produto 1)" "produto refused"
fake_faults '{"rate": 0}'

# Updates are PUTs to /contacts/{id} inside the envelope.
sql "UPDATE clientes SET telefone = '555-0002' WHERE id = 2"
enqueue 1 cliente 2
run_sync --loja 1
assert_eq "PUT /api/3/contacts/$bruno" "$(curl -sf "$FAKE_URL/_requests" | jq -r 'last | "\(.method) \(.path)"')" "update verb"
assert_eq '"555-0002"' "$(remote contacts ".[] | select(.id == \"$bruno\") | .phone")" "updated"

# A deal moved to another stage, renamed and reassigned in ActiveCampaign
# keeps them through the store's next update: title, group, stage and owner
# are sent on create only; the value still follows the sale.
deal=$(sql "SELECT external_id FROM vendas WHERE id = 1")
curl -sf -X PUT -H 'Api-Token: ac-tok' -d '{"deal": {"stage": "3", "title": "Negociação grande", "owner": "2"}}' \
  "$FAKE_URL/api/3/deals/$deal" >/dev/null
sql "UPDATE vendas SET total = 2000 WHERE id = 1"
enqueue 1 venda 1
run_sync --loja 1
assert_eq '{"deal":{"contact":"'"$bruno"'","value":200000,"currency":"brl"}}' \
  "$(curl -sf "$FAKE_URL/_requests" | jq -c 'last | .body | fromjson')" "the update sends no title, group, stage or owner"
assert_eq '"3|Negociação grande|2|200000"' "$(remote deals ".[] | select(.id == \"$deal\") | \"\(.stage)|\(.title)|\(.owner)|\(.value)\"")" \
  "the CRM's stage, title and owner stay; the value is updated"
sql "UPDATE vendas SET total = 1234.56 WHERE id = 1"
enqueue 1 venda 1
run_sync --loja 1

# From the CRM: a deal's value in cents comes back as a decimal.
sql "UPDATE vendas SET total = 0 WHERE id = 1"
curl -sf -X POST -d '{"rules": []}' "$FAKE_URL/_faults" >/dev/null
enqueue 1 venda 1 from_crm
run_sync --loja 1
assert_eq "1234.56" "$(sql "SELECT total FROM vendas WHERE id = 1")" "cents read back"

# Contacts and deal tasks come back too.
sql "UPDATE clientes SET nome = 'x', telefone = NULL WHERE id = 2;
     UPDATE atividades SET assunto = 'x', vencimento = NULL, concluida = 1 WHERE id = 1"
enqueue 1 cliente 2 from_crm
enqueue 1 atividade 1 from_crm
run_sync --loja 1
assert_match "Processados: 2 \| Erros: 0 " "$out" "fetch run"
assert_eq "Bruno|555-0002" "$(sql "SELECT CONCAT_WS('|', nome, telefone) FROM clientes WHERE id = 2")" "contact fetched"
assert_eq "Ligar para Ana|2026-11-25 00:00:00|0" \
  "$(sql "SELECT CONCAT_WS('|', assunto, vencimento, concluida) FROM atividades WHERE id = 1")" "deal task fetched"

# A task without a due date fails here, naming the local column, with no
# request (the document requires duedate); ActiveCampaign's own 422s carry
# their title.
sql "INSERT INTO atividades (id, id_loja, assunto, vencimento, id_cliente) VALUES (2, 1, 'Sem data', NULL, 1)"
requests_before=$(fake_stat requests)
enqueue 1 atividade 2
run_sync --loja 1
assert_eq "1|field 'due_date' (atividades.vencimento) is empty, and activecampaign requires it: not sent" \
  "$(row_state atividade 2)" "an empty required field, named with its column"
assert_eq "$requests_before" "$(fake_stat requests)" "no request for it"
sql "UPDATE atividades SET vencimento = '2026-12-01 09:00:00' WHERE id = 2"
fake_faults '{"rules": [{"method": "POST", "path_contains": "dealTasks", "status": 422, "count": 1,
              "body": "{\"errors\":[{\"title\":\"Task duedate is required\"}]}"}]}'
enqueue 1 atividade 2
run_sync --loja 1
assert_eq "1|POST /dealTasks: HTTP 422: Task duedate is required" "$(row_state atividade 2)" "422 message"

# 429 with a short Retry-After: waited out within the run, the same request
# again, nothing deferred. One longer than the rest of the run (deadline 50
# s) defers the item until then, no attempt spent.
fake_faults '{"rules": [{"status": 429, "headers": {"Retry-After": "1"}, "body": "{\"message\":\"Too Many Requests\"}", "count": 1}]}'
enqueue 1 cliente 1
run_sync --loja 1
assert_match "Processados: 1 \| Erros: 0 .*Adiados: 0$" "$out" "a 1-s 429 waited out"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0")" "done in the same run"
fake_faults '{"rules": [{"status": 429, "headers": {"Retry-After": "120"}, "body": "{\"message\":\"Too Many Requests\"}", "count": 1}]}'
enqueue 1 cliente 1
run_sync --loja 1
assert_match "Adiados: 1$" "$out" "429 run"
assert_match "^(119|120|121)$" "$(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue WHERE processado = 0")" "due after Retry-After"

# Import pages with limit/offset until meta.total (2 a page).
seed_remote contacts '[{"email": "carla@x.com", "firstName": "Carla"}]' >/dev/null
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 10 --json
assert_eq 0 "$rc" "import exit"
assert_eq "2 1 0 2 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados) \(.inalterados) \(.concluida)"' <<<"$out")" "3 contacts in 2 pages: one new; the two exported ones unchanged by an import right after their export"
assert_eq "carla@x.com" "$(sql "SELECT email FROM clientes WHERE nome = 'Carla'")" "imported"
assert_eq "Ana Souza Lima" "$(sql "SELECT nome FROM clientes WHERE id = 1")" "firstName and lastName joined again"

# A deal imported from ActiveCampaign names its contact by AC's id: the
# import resolves it to the local customer through the external ids.
new_deal=$(seed_remote deals "[{\"title\": \"Venda do CRM\", \"contact\": \"$bruno\", \"value\": 5000, \"currency\": \"brl\"}]")
sql "DELETE FROM crm_fila"
run_program "$CRM_SYNC_FULL" --loja 1 --entity venda --import --pages 10 --json
assert_eq "0|true" "$(jq -r '"\(.erros)|\(.concluida)"' <<<"$out")" "deal import (stderr: $err)"
assert_eq "2|50.00" "$(sql "SELECT CONCAT_WS('|', id_cliente, total) FROM vendas WHERE external_id = '$new_deal'")" \
  "the deal's contact is the local customer 2; the value in cents as a decimal"
