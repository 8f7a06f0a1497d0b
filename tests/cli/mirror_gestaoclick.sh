#!/usr/bin/env bash
# The CRM mirror on GestaoClick (issue #14), which documents no change
# filter: a scan of every page refreshes the mirror at the store's interval
# (default nightly), and only within `trust_s` of a completed scan does the
# mirror answer lookups and serve the copies a replacing PUT is built from.
# Trusted: a new customer costs one request (no CPF and e-mail lookups), a
# changed one a single PUT that keeps what the store does not map (from the
# scan's copy, no read), an unchanged one none. Untrusted (the default):
# lookups and reads go to the CRM as before, and the scan waits its night.
source "$(dirname "$0")/lib.sh"
start_provider_fake gestaoclick --token tok-1 --secret sec-1 --page-size 2 --rate 3
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'gestaoclick', '$FAKE_URL/api',
             '{\"access_token\": \"tok-1\", \"secret_access_token\": \"sec-1\"}',
             '{\"requests_per_second\": 2, \"mirror\": {\"scan_interval_s\": 3600, \"trust_s\": 600}}')"

pushes() { since_mark | grep -v '^GET /api/\(clientes\|produtos\)?pagina=' || true; }
# The fake enforces GestaoClick's 3 requests/s over every client, and each
# run paces only its own requests: runs here start a second apart.
run_paced() { sleep 1; run_sync --loja 1; }

# In the CRM already: a customer with what the store does not map.
known=$(seed_remote clientes '[{"tipo_pessoa": "PF", "nome": "Ana CRM", "cpf": "529.982.247-25",
  "email": "ana@x.com", "telefone": "", "observacoes": "cliente VIP", "ativo": "1"}]')
seed_remote clientes '[{"tipo_pessoa": "PF", "nome": "Outro", "email": "o@x.com"},
                       {"tipo_pessoa": "PF", "nome": "Mais um", "email": "m@x.com"}]' >/dev/null
sql "INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES
       (1, 1, 'Ana CRM', 'ana@x.com', '52998224725'), (2, 1, 'Bia', 'bia@x.com', NULL),
       (3, 1, 'Caio', NULL, '111.444.777-35')"
for id in 1 2 3; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "Processados: 3 \| Erros: 0 " "$out" "three pushed"
assert_eq 3 "$(since_mark | grep -c '^GET /api/\(clientes\|produtos\)?pagina=')" "the scan read every page (2 a page: 3 customers, no product)"
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 1")" "linked by CPF from the scan"
assert_eq 2 "$(pushes | grep -c '^POST /api/clientes?')" "two creates"
assert_eq 2 "$(pushes | grep -c .)" "one request per new record; the link sent nothing (same values)"
assert_eq 0 "$(fake_stat duplicate_creates)" "no duplicate"
assert_eq 1 "$(sql "SELECT COUNT(*) FROM crm_espelho_estado WHERE entidade = 'cliente' AND varredura_em IS NOT NULL")" \
  "the scan is recorded"

# A change to the scanned customer: one PUT, built from the scan's copy
# (the unmapped observacoes stays).
sql "UPDATE clientes SET telefone = '(11) 5555-0001' WHERE id = 1"
enqueue 1 cliente 1
mark
run_paced
assert_eq "PUT /api/clientes/$known?" "$(pushes)" "one request for a changed record, no read"
assert_eq "cliente VIP|(11) 5555-0001" \
  "$(remote clientes ".[] | select(.id == \"$known\") | \"\(.observacoes)|\(.telefone)\"" | tr -d '"')" \
  "the PUT kept what the store does not map"
assert_eq "" "$(since_mark | grep 'pagina=' || true)" "no scan within its interval"

# A new customer's first change reads the record once (a create leaves no
# copy); the next one goes from the copy of that PUT.
bia=$(sql "SELECT external_id FROM clientes WHERE id = 2")
sql "UPDATE clientes SET telefone = '1' WHERE id = 2"
enqueue 1 cliente 2
mark
run_paced
assert_eq "GET /api/clientes/$bia?
PUT /api/clientes/$bia?" "$(pushes)" "first change after a create: read, then PUT"
sql "UPDATE clientes SET telefone = '2' WHERE id = 2"
enqueue 1 cliente 2
mark
run_paced
assert_eq "PUT /api/clientes/$bia?" "$(pushes)" "the next one: the PUT alone"

# Unchanged: nothing sent.
for id in 1 2 3; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "Processados: 3 \| Erros: 0 " "$out" "unchanged"
assert_eq "" "$(pushes)" "no request for unchanged records"

# A scan is due once its interval passed; its change reaches the table.
curl -sf -X PATCH -d '{"telefone": "(11) 9999-0001"}' "$FAKE_URL/_records/clientes/$known" >/dev/null
sql "UPDATE crm_espelho_estado SET varredura_em = NOW() - INTERVAL 2 HOUR WHERE id_loja = 1"
mark
run_paced
assert_match "Do CRM: 1$" "$out" "the scan brought the CRM's change"
assert_eq "(11) 9999-0001" "$(sql "SELECT telefone FROM clientes WHERE id = 1")" "in the local table"
assert_eq 0 "$(fake_stat rate_limited)" "the scan and the pushes kept to 3/s"

# Untrusted (the default trust_s 0): lookups and reads go to the CRM.
sql "UPDATE crm_integracoes SET configuracoes = '{\"requests_per_second\": 2}' WHERE id_loja = 1;
     INSERT INTO clientes (id, id_loja, nome, email) VALUES (4, 1, 'Duda', 'duda@x.com');
     UPDATE clientes SET telefone = '3' WHERE id = 2"
enqueue 1 cliente 4
enqueue 1 cliente 2
mark
run_paced
assert_match "Processados: 2 \| Erros: 0 " "$out" "pushed"
assert_eq "$(printf '%s\n' "GET /api/clientes/$bia?" "PUT /api/clientes/$bia?" \
  "GET /api/clientes?email=duda@x.com" "POST /api/clientes?" | sort)" "$(pushes | sort)" "without trust: a lookup before the create, a read before the PUT"
