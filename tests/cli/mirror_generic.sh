#!/usr/bin/env bash
# The mirror on a generic REST API (off by default; no change filter is
# known): turned on, it is refreshed by a scan of every list page, trusted
# for lookups within trust_s, and unchanged records cost no request.
source "$(dirname "$0")/lib.sh"
start_fake
add_integration 1 '{"mirror": {"enabled": true, "trust_s": 600}}'
known=$(seed_remote clientes '[{"nome": "Ana", "email": "ana@x.com"}]')
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (1, 1, 'Ana', 'ana@x.com'), (2, 1, 'Bia', 'bia@x.com')"
enqueue 1 cliente 1
enqueue 1 cliente 2
before=$(fake_stat requests)
run_sync --loja 1
assert_match "Processados: 2 \| Erros: 0 " "$out" "pushed"
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 1")" "linked from the scan"
requests=$(curl -sf "$FAKE_URL/_requests" | jq -r ".[-$(($(fake_stat requests) - before)):][] | \"\(.method) \(.path)?\(.query)\"")
assert_eq 0 "$(grep -c 'email=' <<<"$requests" || true)" "no lookup request"
assert_eq 1 "$(grep -c '^POST' <<<"$requests")" "one create"
enqueue 1 cliente 1
enqueue 1 cliente 2
before=$(fake_stat requests)
run_sync --loja 1
assert_match "Processados: 2 \| Erros: 0 " "$out" "re-enqueued"
assert_eq "$before" "$(fake_stat requests)" "unchanged: no request (and the scan is not due again)"


# A store that looks customers up by phone: the mirror keeps no key for it,
# so a fresh mirror's "no match" is not a clear one and the CRM is asked
# (the person with this phone is linked, not created again).
sql "UPDATE crm_integracoes SET configuracoes = '{\"mirror\": {\"enabled\": true, \"trust_s\": 600},
       \"entities\": {\"cliente\": {\"lookup\": {\"param\": \"telefone\", \"field\": \"phone\"}}}}'
     WHERE id_loja = 1"
by_phone=$(seed_remote clientes '[{"nome": "Caio", "email": "caio.crm@x.com", "telefone": "5550003"}]')
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone) VALUES (3, 1, 'Caio', 'caio@x.com', '5550003')"
enqueue 1 cliente 3
run_sync --loja 1
assert_match "Processados: 1 \| Erros: 0 " "$out" "pushed"
assert_eq "$by_phone" "$(sql "SELECT external_id FROM clientes WHERE id = 3")" "linked through the CRM's lookup by phone"
assert_eq 1 "$(remote clientes '[.[] | select(.telefone == "5550003")] | length')" "no second record with that phone"

# With more stores than a run's limit, a run pulls for the stores with due
# rows first, then for those the longest without a pull; the next runs take
# the others' turn.
for store in 2 3 4; do add_integration "$store" '{"mirror": {"enabled": true}}'; done
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (40, 4, 'Duda', 'duda@x.com')"
enqueue 4 cliente 40
pulled() { sql "SELECT GROUP_CONCAT(DISTINCT id_loja ORDER BY id_loja SEPARATOR ' ') FROM crm_espelho_estado"; }
run_sync --limit 2
assert_eq 0 "$rc" "run (stderr: $err)"
assert_eq "1 2 4" "$(pulled)" "store 4 (due rows) and store 2 (never pulled, first by id) this run"
run_sync --limit 2
assert_eq "1 2 3 4" "$(pulled)" "store 3's turn in the next run"
