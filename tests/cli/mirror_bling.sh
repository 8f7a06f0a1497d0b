#!/usr/bin/env bash
# The CRM mirror on Bling (issue #14): list rows are partial and carry no
# update time. The first pull keeps the partial rows (their document and
# SKU are the lookups' keys); later pulls ask for dataAlteracaoInicial from
# Bling's own clock (its Date header, Brasilia time, 10 s earlier) and read
# each changed record whole, so a change made in Bling reaches the local
# table, and the whole record becomes the copy a PUT is built from.
source "$(dirname "$0")/lib.sh"
start_provider_fake bling --client-id cid --client-secret csec-123 --refresh-token r0-initial --rate 3
credentials='{"client_id": "cid", "client_secret": "csec-123", "refresh_token": "r0-initial"}'
sql "INSERT INTO crm_integracoes (id, id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 1, 'bling', '$FAKE_URL/Api/v3', '$credentials', '{\"requests_per_second\": 2}')"

# Runs a second apart: the fake's 3/s counts every client, each run paces
# only its own requests.
run_paced() { sleep 1; run_sync --loja 1; }

# In Bling already: a contact with the store's customer's document and a
# field the store does not map.
known=$(seed_remote contatos '[{"nome": "Ana Souza", "numeroDocumento": "52998224725", "tipo": "F",
  "situacao": "A", "email": "ana@x.com", "telefone": "", "fantasia": "Ana VIP"}]')
sql "INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '529.982.247-25'), (2, 1, 'Bia', 'bia@x.com', '11144477735')"
for id in 1 2; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "Processados: 2 \| Erros: 0 " "$out" "both pushed"
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 1")" "linked by document from the first pull's partial rows"
assert_eq "" "$(since_mark | grep 'numeroDocumento=' || true)" "no lookup request"
assert_eq 1 "$(since_mark | grep -c '^POST /Api/v3/contatos?')" "one create"
assert_eq 0 "$(fake_stat duplicate_creates)" "no duplicate"
assert_match "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$" \
  "$(sql "SELECT cursor_alteracao FROM crm_espelho_estado WHERE id_loja = 1 AND entidade = 'cliente'")" \
  "the next filter value is Bling's clock, as Bling writes it"

# Edited in Bling: the next pull asks for what changed and reads it whole.
curl -sf -X PATCH -d '{"telefone": "(11) 9999-0001"}' "$FAKE_URL/_records/contatos/$known" >/dev/null
mark
run_paced
assert_match "dataAlteracaoInicial=" "$(since_mark | grep '^GET /Api/v3/contatos?' | head -1)" "an incremental pull"
assert_match "^GET /Api/v3/contatos/$known\?" "$(since_mark | grep "contatos/$known" | head -1)" "the changed row read whole"
assert_match "Do CRM: 1$" "$out" "one local record changed"
assert_eq "(11) 9999-0001" "$(sql "SELECT telefone FROM clientes WHERE id = 1")" "Bling's phone is local now"

# A local change goes as one PUT built from that whole copy (fantasia kept).
sql "UPDATE clientes SET nome = 'Ana Souza Lima' WHERE id = 1"
enqueue 1 cliente 1
mark
run_paced
assert_eq "PUT /Api/v3/contatos/$known?" "$(since_mark | grep -v '^GET' || true)" "one write"
assert_eq "" "$(since_mark | grep "^GET /Api/v3/contatos/$known?" | sed -n 2p)" "no read before it (the pull's copy)"
assert_eq "Ana Souza Lima|Ana VIP|(11) 9999-0001" \
  "$(remote contatos ".[] | select(.id == $known) | \"\(.nome)|\(.fantasia)|\(.telefone)\"" | tr -d '"')" \
  "the PUT kept what the store does not map and what Bling changed"

# Unchanged: nothing written.
for id in 1 2; do enqueue 1 cliente "$id"; done
mark
run_paced
assert_match "Processados: 2 \| Erros: 0 " "$out" "done"
assert_eq "" "$(since_mark | grep -v '^GET' || true)" "no write for unchanged records"
assert_eq 0 "$(fake_stat rate_limited)" "the pulls and pushes kept to 3/s"
