#!/usr/bin/env bash
# The CRM mirror on ActiveCampaign (issue #14): contacts are pulled with
# filters[updated_after] from the latest udate seen; a new contact costs
# one request (contact/sync, no e-mail search), an unchanged one none, and
# a name edited in ActiveCampaign reaches the local table (first and last
# name joined again) without coming back.
source "$(dirname "$0")/lib.sh"
start_provider_fake activecampaign --token ac-tok --rate 5
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'activecampaign', '$FAKE_URL/api/3', '{\"api_token\": \"ac-tok\"}', '{\"requests_per_second\": 3}')"

writes() { since_mark | grep -v '^GET /api/3/contacts?' || true; }
run_paced() { sleep 1; run_sync --loja 1; }  # the fake's 5/s counts every run

sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '555-0001'), (2, 1, 'Bruno Lima', 'bruno@x.com', NULL)"
for id in 1 2; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "Processados: 2 \| Erros: 0 " "$out" "pushed"
assert_eq 2 "$(writes | grep -c '^POST /api/3/contact/sync?')" "one request per new contact"
assert_eq 2 "$(writes | grep -c .)" "and nothing else (no e-mail search)"

ana=$(sql "SELECT external_id FROM clientes WHERE id = 1")
curl -sf -X PATCH -d '{"lastName": "Souza Lima"}' "$FAKE_URL/_records/contacts/$ana" >/dev/null
for id in 1 2; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "filters\[updated_after\]=" "$(since_mark | grep '^GET /api/3/contacts?' | head -1)" "an incremental pull"
assert_match "Do CRM: 1$" "$out" "one local record changed"
assert_eq "Ana Souza Lima" "$(sql "SELECT nome FROM clientes WHERE id = 1")" "the name edited in ActiveCampaign"
assert_eq "" "$(writes)" "nothing sent back, nothing sent for the unchanged one"
assert_match "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}-03:00$" \
  "$(sql "SELECT cursor_alteracao FROM crm_espelho_estado WHERE id_loja = 1 AND entidade = 'cliente'")" \
  "the next filter value is the latest udate"
