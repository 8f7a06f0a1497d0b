# Pipedrive API v2 end to end: crm_sync against fake_pipedrive (x-api-token,
# integer ids, PATCH, /persons/search, cursor paging, x-ratelimit-* headers
# in a 2-second window). Every entity both ways: persons, products, deals
# (waiting for their person inside the run) and activities; a known e-mail is
# linked; the budget header at zero pauses the store; 429 honours Retry-After.
source "$(dirname "$0")/lib.sh"
start_provider_fake pipedrive --token pd-tok --rate 100 --window-ms 2000
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'pipedrive', '$FAKE_URL/api/v2', '{\"api_token\": \"pd-tok\"}', '{\"page_size\": 2, \"mirror\": {\"enabled\": false}}')"
# The mirror (on by default) has its own tests (mirror_*.sh); here every
# lookup and read goes to the CRM, request by request.
known=$(seed_remote persons '[{"name": "Known", "emails": [{"value": "known@x.com", "primary": true}]}]')
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '+55 11 5555-0001'), (2, 1, 'Sem Contato', NULL, NULL),
       (3, 1, 'Known Person', 'known@x.com', NULL);
     INSERT INTO produtos (id, id_loja, nome, sku, preco) VALUES (1, 1, 'Caneta', 'CAN-1', 2.50);
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES
       (1, 1, 1, 15.00, 'open', '2026-11-20 10:00:00');
     INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, concluida, id_cliente) VALUES
       (1, 1, 'call', 'Ligar para Ana', '2026-11-25 14:00:00', 0, 1)"
enqueue 1 venda 1 to_crm 10
enqueue 1 atividade 1 to_crm 10
for id in 1 2 3; do enqueue 1 cliente "$id"; done
enqueue 1 produto 1

run_sync --loja 1
assert_eq 0 "$rc" "exit"
assert_eq "" "$err" "stderr"
assert_match "Processados: 6 \| Erros: 0 " "$out" "everything synced in one run"
ana=$(sql "SELECT external_id FROM clientes WHERE id = 1")
assert_eq '{"name":"Ana Souza","emails":[{"value":"ana@x.com","primary":true}],"phones":[{"value":"+55 11 5555-0001","primary":true}]}' \
  "$(remote persons ".[] | select(.id == $ana) | del(.id)")" "person body"
assert_eq '{"name":"Sem Contato"}' "$(remote persons '.[] | select(.name == "Sem Contato") | del(.id)')" \
  "no e-mail: no emails array at all (its primary flag goes with it)"
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 3")" "linked through /persons/search"
assert_eq 5 "$(fake_stat creates)" "two persons, a product, a deal, an activity; the link creates nothing"
assert_eq '{"name":"Caneta","code":"CAN-1","prices":[{"price":2.5,"currency":"BRL"}]}' \
  "$(remote products '.[0] | del(.id)')" "product body"
assert_eq "{\"title\":\"Venda 1\",\"value\":15,\"currency\":\"BRL\",\"person_id\":$ana,\"expected_close_date\":\"2026-11-20\"}" \
  "$(remote deals '.[0] | del(.id)')" "deal body: person_id is the person's integer id"
assert_eq "{\"subject\":\"Ligar para Ana\",\"type\":\"call\",\"due_date\":\"2026-11-25\",\"due_time\":\"14:00:00\",\"done\":false,\"person_id\":$ana}" \
  "$(remote activities '.[0] | del(.id)')" "activity body"

# Updates are PATCHes of the mapped fields.
sql "UPDATE atividades SET concluida = 1 WHERE id = 1"
enqueue 1 atividade 1
run_sync --loja 1
assert_eq "PATCH /api/v2/activities/$(sql "SELECT external_id FROM atividades WHERE id = 1")" \
  "$(curl -sf "$FAKE_URL/_requests" | jq -r 'last | "\(.method) \(.path)"')" "update verb"
assert_eq true "$(remote activities '.[0].done')" "activity done"

# From the CRM: the person's first e-mail and phone come back.
curl -sf -X POST -d "[{\"name\": \"Remota\", \"emails\": [{\"value\": \"r@x.com\", \"primary\": true}], \"phones\": [{\"value\": \"123\", \"primary\": true}]}]" \
  "$FAKE_URL/_records/persons" | jq -r '.[0]' >"$scratch/remote_id"
sql "INSERT INTO clientes (id, id_loja, nome, external_id) VALUES (4, 1, 'old', '$(cat "$scratch/remote_id")')"
enqueue 1 cliente 4 from_crm
run_sync --loja 1
assert_eq "Remota|r@x.com|123" "$(sql "SELECT CONCAT_WS('|', nome, email, telefone) FROM clientes WHERE id = 4")" "fetched"

# Products, deals and activities come back too (date and time joined again).
sql "UPDATE produtos SET nome = 'x', preco = 0 WHERE id = 1; UPDATE vendas SET total = 0, data_venda = NULL WHERE id = 1;
     UPDATE atividades SET assunto = 'x', vencimento = NULL, concluida = 0 WHERE id = 1"
for entity in produto venda atividade; do enqueue 1 "$entity" 1 from_crm; done
run_sync --loja 1
assert_match "Processados: 3 \| Erros: 0 " "$out" "fetch run"
assert_eq "Caneta|2.50" "$(sql "SELECT CONCAT_WS('|', nome, preco) FROM produtos WHERE id = 1")" "product fetched"
assert_eq "15.00|2026-11-20 00:00:00" "$(sql "SELECT CONCAT_WS('|', total, data_venda) FROM vendas WHERE id = 1")" "deal fetched"
assert_eq "Ligar para Ana|2026-11-25 14:00:00|1" \
  "$(sql "SELECT CONCAT_WS('|', assunto, vencimento, concluida) FROM atividades WHERE id = 1")" "activity fetched"

# x-ratelimit-remaining at 0 pauses the store for the rest of the run.
fake_faults '{"rate": 2, "window_ms": 60000}'
for id in 1 2 3; do enqueue 1 cliente "$id"; done
run_sync --loja 1 --concurrency 1
assert_match "Processados: 2 \| Erros: 0 .*Adiados: 1$" "$out" "two sent, then the budget header said stop"
assert_eq 0 "$(fake_stat rate_limited)" "no 429 provoked"

# 429 with Retry-After: 90, beyond the run's deadline: due again in about
# 90 s, no attempt spent (a shorter one is waited out within the run).
fake_faults '{"rate": 0, "rules": [{"status": 429, "headers": {"Retry-After": "90"}, "body": "{\"success\":false,\"error\":\"Request over limit\"}", "count": 1}]}'
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
run_sync --loja 1
assert_match "Adiados: 1$" "$out" "429 run"
assert_match "^(89|90|91)$" "$(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue WHERE processado = 0")" "due after Retry-After"

# Import pages with the cursor until next_cursor is null (2 persons a page).
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 10 --json
assert_eq 0 "$rc" "import exit"
assert_eq "2 0 0 4 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados) \(.inalterados) \(.concluida)"' <<<"$out")" "4 persons, all known locally, 2 pages: an import right after their export changes none"

# Empty optional values are left out and compared ones trimmed: a '' phone
# sends no phones (not [{"value": "", ...}]), an e-mail with spaces around
# it is searched and sent without them.
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES (30, 1, 'Espaços', '  esp@x.com ', '')"
enqueue 1 cliente 30
run_sync --loja 1
assert_match "(^|&)term=esp%40x.com(&|$)|(^|&)term=esp@x.com(&|$)" \
  "$(curl -sf "$FAKE_URL/_requests" | jq -r '[.[] | select(.path | endswith("/persons/search"))] | last | .query')" \
  "searched trimmed"
assert_eq '{"name":"Espaços","emails":[{"value":"esp@x.com","primary":true}]}' \
  "$(curl -sf "$FAKE_URL/_requests" | jq -c 'last | .body | fromjson')" "no phones for an empty phone; the e-mail trimmed"
