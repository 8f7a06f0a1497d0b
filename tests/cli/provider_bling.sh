# Bling API v3 end to end: crm_sync against fake_bling (OAuth2 with rotating
# refresh tokens, int64 ids, full-record PUT with 204, pagina/limite paging,
# VALIDATION_ERROR fields, 429 bodies with period, 3 requests/s).
source "$(dirname "$0")/lib.sh"
start_provider_fake bling --client-id cid --client-secret csec-123 --refresh-token r0-initial --rate 3
credentials='{"client_id": "cid", "client_secret": "csec-123", "refresh_token": "r0-initial"}'
sql "INSERT INTO crm_integracoes (id, id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 1, 'bling', '$FAKE_URL/Api/v3', '$credentials',
             '{\"page_size\": 2, \"requests_per_second\": 2, \"mirror\": {\"enabled\": false}}')"
# The mirror (on by default) has its own tests (mirror_*.sh); here every
# lookup and read goes to the CRM, request by request.
oauth() { curl -sf "$FAKE_URL/_oauth" | jq -r ".$1"; }
sql "INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '123.456.789-01'), (2, 1, 'Loja Beta Ltda', 'beta@x.com', '12345678000195');
     INSERT INTO produtos (id, id_loja, nome, sku, preco, custo) VALUES
       (1, 1, 'Caneta', 'CAN-1', 2.50, 1.00), (2, 1, 'Caderno', 'CAD-1', 10.00, NULL);
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES (1, 1, 2, 15.00, NULL, '2026-11-20 10:00:00');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES
       (1, 1, 'Caneta', 2, 2.50), (1, 2, 'Caderno', 1, 10.00);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES
       (1, '2026-12-20', 7.50, 7), (1, '2027-01-20', 7.50, 7);
     INSERT INTO atividades (id, id_loja, assunto) VALUES (1, 1, 'Ligar')"
enqueue 1 venda 1 to_crm 10
for id in 1 2; do enqueue 1 cliente "$id"; enqueue 1 produto "$id"; done
enqueue 1 atividade 1

run_sync --loja 1
assert_eq 0 "$rc" "exit"
assert_eq "" "$err" "stderr"
assert_match "Processados: 5 \| Erros: 1 " "$out" "five synced, the activity refused"
assert_eq 1 "$(oauth refreshes)" "one refresh before the run"
assert_eq "refresh-1|1" "$(sql "SELECT CONCAT_WS('|', refresh_token, expira_em > NOW() + INTERVAL 5 HOUR) FROM crm_oauth_tokens WHERE id_integracao = 1")" \
  "the rotated refresh token stored with its expiry"
assert_eq 0 "$(fake_stat rate_limited)" "paced under the 3 requests/s limit: no 429"
beta=$(sql "SELECT external_id FROM clientes WHERE id = 2")
assert_match '^64238177[0-9]{2}$' "$beta" "an id above 2^32 kept whole"
assert_eq '{"nome":"Ana Souza","email":"ana@x.com","numeroDocumento":"12345678901","tipo":"F","situacao":"A","indicadorIe":9}' \
  "$(remote contatos '.[] | select(.email == "ana@x.com") | del(.id)')" "contato: digits only, type from the document"
assert_eq "J" "$(remote contatos ".[] | select(.id == $beta) | .tipo" | tr -d '"')" "a CNPJ is a company"
assert_eq '{"nome":"Caderno","codigo":"CAD-1","preco":10,"tipo":"P","situacao":"A","formato":"S"}' \
  "$(remote produtos '.[] | select(.codigo == "CAD-1") | del(.id)')" "produto without a cost: no fornecedor"
assert_eq 1 "$(remote produtos '.[] | select(.codigo == "CAN-1") | .fornecedor.precoCusto')" "cost"
order=$(remote pedidos/vendas '.[0]')
assert_eq "$beta|Loja Beta Ltda|1|2026-11-20|2026-11-20" \
  "$(jq -r '"\(.contato.id)|\(.contato.nome)|\(.numeroLoja)|\(.data)|\(.dataPrevista)"' <<<"$order")" "order header"
assert_eq "$(sql "SELECT GROUP_CONCAT(external_id ORDER BY id) FROM produtos")" \
  "$(jq -r '[.itens[].produto.id] | join(",")' <<<"$order")" "items name the products"
assert_eq "7,7|7.5,7.5" "$(jq -r '"\([.parcelas[].formaPagamento.id] | join(","))|\([.parcelas[].valor] | join(","))"' <<<"$order")" "installments"
assert_match "^1\|not supported: Bling API v3 has no tasks" "$(row_state atividade 1)" "atividade refused"
# The runs below follow each other within a second: the fake's window would
# count the previous run's requests.
fake_faults '{"rate": 0}'

# A second run reuses the stored access token.
sql "UPDATE clientes SET nome = 'Ana Souza Lima' WHERE id = 1"
enqueue 1 cliente 1
run_sync --loja 1
assert_match "Processados: 1 \| Erros: 0 " "$out" "update run"
assert_eq 1 "$(oauth refreshes)" "no refresh while the token is valid"
assert_eq "Ana Souza Lima|12345678901" "$(remote contatos '.[] | select(.email == "ana@x.com") | "\(.nome)|\(.numeroDocumento)"' | tr -d '"')" \
  "PUT carried the full record"

# The CRM rejects the access token (revoked or expired early): the items wait
# without an attempt, the token is marked expired, the next run refreshes.
curl -sf -X POST -d '{"expire_access": true}' "$FAKE_URL/_oauth" >/dev/null
enqueue 1 cliente 2
run_sync --loja 1
assert_match "Processados: 0 \| Erros: 0 .*Adiados: 1$" "$out" "401 run"
assert_eq 0 "$(sql "SELECT expira_em > NOW() FROM crm_oauth_tokens")" "token marked expired"
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE processado = 0"
# Two runs at once need the refresh: one refreshes (under the lock), the
# other uses its result; a second refresh with the dead token would fail.
"$CRM_SYNC" --loja 1 >"$scratch/a.out" 2>&1 & first=$!
"$CRM_SYNC" --loja 1 >"$scratch/b.out" 2>&1 & second=$!
wait "$first" || fail "first concurrent run: $(cat "$scratch/a.out")"
wait "$second" || fail "second concurrent run: $(cat "$scratch/b.out")"
assert_eq 2 "$(oauth refreshes)" "exactly one refresh for the two runs"
assert_eq "refresh-2" "$(sql "SELECT refresh_token FROM crm_oauth_tokens")" "rotated again, stored"
assert_eq "1|" "$(row_state cliente 2)" "the waiting item went through"

# A dry run sends nothing and refreshes nothing.
sql "UPDATE crm_oauth_tokens SET expira_em = NOW()"
enqueue 1 cliente 2
run_sync --loja 1 --dry-run
assert_eq 0 "$rc" "dry run exit"
assert_eq 2 "$(oauth refreshes)" "no refresh in a dry run"

# A dead refresh token stops its store (not the run) with one clear error
# and no secret.
sql "UPDATE crm_oauth_tokens SET refresh_token = 'stale-token', expira_em = NOW()"
run_sync --loja 1
assert_eq 0 "$rc" "dead refresh token: the run goes on (other stores would run)"
assert_match "ERRO: store 1 not run: crm_integracoes: store 1: bling OAuth: token refresh: HTTP 400: invalid_grant: Invalid refresh token \(if the refresh token was revoked or is older than 30 days, authorize again: docs/providers/bling.md\) \(checked again every run; the other stores go on\)$" \
  "$err" "dead refresh token message"
assert_match "Lojas pausadas: 1$" "$out" "counted in the summary"
assert_eq "invalida" "$(sql "SELECT estado FROM crm_lojas_estado WHERE id_loja = 1")" "the store is marked invalid"
[[ "$out$err" != *csec-123* && "$out$err" != *stale-token* ]] || fail "a secret was printed"
# Authorizing again: a new refresh token in credenciais starts a new chain.
sql "UPDATE crm_integracoes SET credenciais = JSON_SET(credenciais, '$.refresh_token', '$(oauth refresh_token)')"
run_sync --loja 1
assert_eq 0 "$rc" "after authorizing again"
assert_eq "ok" "$(sql "SELECT estado FROM crm_lojas_estado WHERE id_loja = 1")" "valid again"
assert_eq 3 "$(oauth refreshes)" "the new chain's first refresh"

# Installments that do not add up are refused here, with both totals and
# no request; Bling's own validation errors read error.fields.
sql "INSERT INTO vendas (id, id_loja, id_cliente, total, data_venda) VALUES (2, 1, 1, 5, '2026-11-21');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES (2, 1, 'Caneta', 2, 2.50);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES (2, '2026-12-21', 4.00, 7);
     INSERT INTO produtos (id, id_loja, nome, sku, preco, external_id) VALUES (9, 1, 'Sumido', 'SUM-9', 1, '424242');
     INSERT INTO vendas (id, id_loja, id_cliente, total, data_venda) VALUES (3, 1, 1, 1, '2026-11-21');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES (3, 9, 'Sumido', 1, 1);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES (3, '2026-12-21', 1, 7)"
requests_before=$(fake_stat requests)
enqueue 1 venda 2
run_sync --loja 1
assert_eq "1|sale total 5.00 as bling computes it (lines 5.00 - discounts 0.00 + freight 0.00) differs from the installments' 4.00: not sent" \
  "$(row_state venda 2)" "installments off by more than a cent per line"
assert_eq "$requests_before" "$(fake_stat requests)" "no request for a sale that cannot add up"
enqueue 1 venda 3
run_sync --loja 1
assert_eq "1|POST /pedidos/vendas: HTTP 400: Não foi possível salvar o registro; Há erros de validação; O produto informado não existe" \
  "$(row_state venda 3)" "Bling's validation message"
# Products and orders come back from the CRM over local changes.
sql "UPDATE produtos SET nome = 'x', preco = 0, custo = NULL WHERE id = 1; UPDATE vendas SET data_venda = NULL WHERE id = 1"
enqueue 1 produto 1 from_crm
enqueue 1 venda 1 from_crm
run_sync --loja 1
assert_match "Processados: 2 \| Erros: 0 " "$out" "fetch run"
assert_eq "Caneta|2.50|1.00" "$(sql "SELECT CONCAT_WS('|', nome, preco, custo) FROM produtos WHERE id = 1")" "product fetched"
assert_eq "2026-11-20 00:00:00" "$(sql "SELECT data_venda FROM vendas WHERE id = 1")" "order fetched"
fake_faults '{"rate": 0, "rules": [{"status": 429, "count": 1, "body": "{\"error\":{\"type\":\"TOO_MANY_REQUESTS\",\"message\":\"Limite de requisições atingido.\",\"description\":\"diário\",\"limit\":120000,\"period\":\"day\"}}"}]}'
enqueue 1 produto 1
run_sync --loja 1
assert_match "Adiados: 1$" "$out" "429 run"
assert_match "^(3599|3600|3601)$" "$(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue WHERE processado = 0")" \
  "the daily limit pauses for an hour"

# From the CRM, and an import that stops at the first short page.
remote_id=$(seed_remote contatos '[{"nome": "Remoto", "email": "r@x.com", "numeroDocumento": "11122233344", "tipo": "F"}]')
sql "INSERT INTO clientes (id, id_loja, nome, external_id) VALUES (3, 1, 'old', '$remote_id')"
enqueue 1 cliente 3 from_crm
run_sync --loja 1 --entity cliente
assert_eq "Remoto|r@x.com|11122233344" "$(sql "SELECT CONCAT_WS('|', nome, email, documento) FROM clientes WHERE id = 3")" "fetched"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 10 --json
assert_eq 0 "$rc" "import exit"
assert_eq "2 0 3 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados + .inalterados) \(.concluida)"' <<<"$out")" "3 contatos, pages of 2: the short second page ends it"

# A lookup links only an order that proves it is this sale: numeroLoja is
# only a number, and an order of another contact shares it (typed in Bling,
# or another store's). That one is left alone and a new order created; an
# order of this sale's contact is linked. A line without a description
# goes with its product's name (Bling requires descricao).
stranger=$(seed_remote contatos '[{"nome": "Outra Pessoa", "tipo": "F"}]')
ana=$(sql "SELECT external_id FROM clientes WHERE id = 1")
theirs=$(seed_remote pedidos/vendas "[{\"numeroLoja\": \"4\", \"contato\": {\"id\": $stranger}, \"data\": \"2020-01-01\", \"total\": 99}]")
ours=$(seed_remote pedidos/vendas "[{\"numeroLoja\": \"5\", \"contato\": {\"id\": $ana}, \"data\": \"2026-11-20\"}]")
sql "INSERT INTO vendas (id, id_loja, id_cliente, total, data_venda) VALUES
       (4, 1, 1, 2.50, '2026-11-24 10:00:00'), (5, 1, 1, 2.50, '2026-11-24 11:00:00');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES
       (4, 1, NULL, 1, 2.50), (5, 1, 'Caneta azul', 1, 2.50)"
enqueue 1 venda 4
enqueue 1 venda 5
run_sync --loja 1 --entity venda
assert_match "Processados: 2 \| Erros: 0 " "$out" "both orders sent"
assert_eq "create" "$(sql "SELECT operacao FROM crm_sync_log WHERE entidade = 'venda' AND id_registro = 4 ORDER BY id DESC LIMIT 1")" \
  "another contact's order with numeroLoja 4 is not linked: a new one is created"
assert_eq "2020-01-01|99|$stranger" "$(remote pedidos/vendas ".[] | select(.id == $theirs) | \"\(.data)|\(.total)|\(.contato.id)\"" | tr -d '"')" \
  "and the stranger's order is untouched"
assert_eq "$ours|link" "$(sql "SELECT CONCAT_WS('|', v.external_id, l.operacao) FROM vendas v JOIN crm_sync_log l
                                ON l.entidade = 'venda' AND l.id_registro = v.id WHERE v.id = 5 ORDER BY l.id DESC LIMIT 1")" \
  "the order of this sale's contact is linked"
assert_eq '"Caneta"' "$(remote pedidos/vendas ".[] | select(.numeroLoja == \"4\" and .id != $theirs) | .itens[0].descricao")" \
  "a line without a description goes with its product's name"

# Imports: Bling's list rows are partial (no e-mail, no cost, no items), so
# each record is read whole; a reference (an order's contato) resolves to
# the local record through its external id.
eva=$(seed_remote contatos '[{"nome": "Eva Lima", "email": "eva@x.com", "numeroDocumento": "39053344705", "tipo": "F", "situacao": "A"}]')
seed_remote produtos '[{"nome": "Borracha", "codigo": "BOR-1", "preco": 1.5, "fornecedor": {"precoCusto": 0.7}, "tipo": "P", "situacao": "A", "formato": "S"}]' >/dev/null
order=$(seed_remote pedidos/vendas "[{\"numeroLoja\": \"900\", \"contato\": {\"id\": $eva}, \"data\": \"2026-11-25\"}]")
fake_faults '{"rate": 3, "rules": []}'  # Bling's 3/s again (the 429 section above lifted it)
limited_before=$(fake_stat rate_limited)
for entity in cliente produto venda; do
  sql "DELETE FROM crm_fila"
  run_program "$CRM_SYNC_FULL" --loja 1 --entity "$entity" --import --pages 50 --json
  assert_eq "0|true" "$(jq -r '"\(.erros)|\(.concluida)"' <<<"$out")" "import of $entity (stderr: $err)"
done
assert_eq "Eva Lima|eva@x.com" "$(sql "SELECT CONCAT_WS('|', nome, email) FROM clientes WHERE external_id = '$eva'")" \
  "the contact's e-mail, read from the record (the list row has none)"
assert_eq "0.70" "$(sql "SELECT custo FROM produtos WHERE sku = 'BOR-1'")" "the product's cost, read from the record"
assert_eq "$(sql "SELECT id FROM clientes WHERE external_id = '$eva'")|2026-11-25 00:00:00" \
  "$(sql "SELECT CONCAT_WS('|', id_cliente, data_venda) FROM vendas WHERE external_id = '$order'")" \
  "the order's contato resolved to the local customer"
assert_eq "$limited_before" "$(fake_stat rate_limited)" \
  "the imports' page and record reads paced under Bling's 3/s: no 429"

# A write built from a read carries only what Bling takes on write: the
# PUT of a product drops what Bling computes (id, imagemURL,
# estoque.saldoVirtualTotal, variacoes) and keeps what the store does not map.
lapis=$(seed_remote produtos '[{"nome": "Lápis", "codigo": "LAP-9", "preco": 1, "tipo": "P", "situacao": "A", "formato": "S",
                               "imagemURL": "https://x/img.png", "estoque": {"minimo": 1, "saldoVirtualTotal": 5}, "variacoes": []}]')
sql "INSERT INTO produtos (id, id_loja, nome, sku, preco, external_id) VALUES (40, 1, 'Lápis HB', 'LAP-9', 1.20, '$lapis')"
enqueue 1 produto 40
run_sync --loja 1 --entity produto
put=$(curl -sf "$FAKE_URL/_requests" | jq -c '[.[] | select(.method == "PUT")] | last | .body | fromjson')
assert_eq 'null|null|null|null|1|Lápis HB' \
  "$(jq -r '"\(.id)|\(.imagemURL)|\(.variacoes)|\(.estoque.saldoVirtualTotal)|\(.estoque.minimo)|\(.nome)"' <<<"$put")" \
  "the PUT without computed fields, with the unmapped stock minimum"
# Installments without a payment method go with the store's default.
sql "UPDATE crm_integracoes SET configuracoes = JSON_SET(configuracoes, '$.defaults', JSON_OBJECT('payment_method', '55'));
     INSERT INTO vendas (id, id_loja, id_cliente, total, data_venda) VALUES (41, 1, 1, 2.50, '2026-11-26 10:00:00');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES (41, 1, 'Caneta', 1, 2.50);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES (41, '2026-12-26', 2.50, NULL)"
enqueue 1 venda 41
run_sync --loja 1 --entity venda
assert_eq 55 "$(remote pedidos/vendas '.[] | select(.numeroLoja == "41") | .parcelas[0].formaPagamento.id')" \
  "configuracoes.defaults.payment_method fills the empty payment method"
