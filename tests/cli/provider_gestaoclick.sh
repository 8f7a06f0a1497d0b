# GestaoClick end to end: crm_sync against fake_gestaoclick (two token
# headers, digit-string ids, 404 validation errors, full-record PUT,
# ?pagina paging, 3 requests/s). Customers (PF and PJ), products and a full
# sale (lines and installments from child tables) go to the CRM in one run;
# the sale waits for its customer and products inside that run; atividade
# is a permanent "not supported"; then update, link by CPF, a validation
# 404, a fetch from the CRM, a 429 and a paged import.
source "$(dirname "$0")/lib.sh"
start_provider_fake gestaoclick --token tok-1 --secret sec-1 --page-size 2 --rate 3
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'gestaoclick', '$FAKE_URL/api',
             '{\"access_token\": \"tok-1\", \"secret_access_token\": \"sec-1\"}',
             '{\"requests_per_second\": 2}')"
# (the fake enforces GestaoClick's 3/s; pacing at 2/s leaves room for a loaded
# test machine's scheduling jitter)
sql "INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '12345678901'),
       (2, 1, 'Loja Beta Ltda', 'beta@x.com', '12.345.678/0001-95');
     INSERT INTO produtos (id, id_loja, nome, sku, preco, custo) VALUES
       (1, 1, 'Caneta', 'CAN-1', 2.50, 1.00), (2, 1, 'Caderno', 'CAD-1', 10.00, 4.00);
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES
       (1, 1, 1, 15.00, '3', '2026-11-20 10:00:00');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES
       (1, 1, 'Caneta', 2, 2.50), (1, 2, 'Caderno', 1, 10.00);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES
       (1, '2026-12-20', 7.50, 1), (1, '2027-01-20', 7.50, 1);
     INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, id_cliente) VALUES
       (1, 1, 'call', 'Ligar', '2026-11-25 14:00:00', 1)"
# The sale first (higher priority): it must wait for the others in this run.
enqueue 1 venda 1 to_crm 10
for id in 1 2; do enqueue 1 cliente "$id"; enqueue 1 produto "$id"; done
enqueue 1 atividade 1

# A dry run walks every exchange on a pretend CRM: the lookups, each create
# with its body, and the sale, parked until its customer's pretend create,
# naming that pretend id. Nothing reaches the CRM.
run_sync --loja 1 --dry-run -v
assert_eq 0 "$rc" "dry run exit"
assert_eq 0 "$(fake_stat requests)" "a dry run sends nothing"
dry=$out
grep -q 'cliente #1 (loja 1, ecletech_para_crm): would send GET .*/api/clientes?cpf_cnpj=123.456.789-01$' <<<"$dry" \
  || fail "customer lookup missing: $dry"
grep -q 'cliente #1 (loja 1, ecletech_para_crm): would send POST .*/api/clientes {.*"cpf":"123.456.789-01"' <<<"$dry" \
  || fail "customer create body missing: $dry"
grep -q 'venda #1 (loja 1, ecletech_para_crm): would send POST .*/api/vendas {.*"cliente_id":"\?990000000001' <<<"$dry" \
  || fail "sale body with its customer's pretend id missing: $dry"
assert_match "would record: venda #1 \(loja 1, ecletech_para_crm\): sucesso create" "$dry" "the sale's outcome"
assert_eq "$(grep -n 'would send POST .*/api/clientes {.*"Ana Souza"' <<<"$dry" | cut -d: -f1)" \
  "$(grep -n 'would send POST .*/api/clientes {.*"Ana Souza"' <<<"$dry" | cut -d: -f1 | head -1)" "one create per customer"

run_sync --loja 1
assert_eq 0 "$rc" "exit"
assert_eq "" "$err" "stderr"
assert_match "$summary_re" "$out" "summary"
assert_match "Processados: 5 \| Erros: 1 " "$out" "five synced, the activity refused"
assert_eq 0 "$(fake_stat rate_limited)" "paced under the 3 requests/s limit: no 429"

ana=$(sql "SELECT external_id FROM clientes WHERE id = 1")
assert_match '^[0-9]+$' "$ana" "customer external id (digit string)"
assert_eq '{"tipo_pessoa":"PF","nome":"Ana Souza","email":"ana@x.com","cpf":"123.456.789-01"}' \
  "$(remote clientes ".[] | select(.id == \"$ana\") | del(.id)")" "PF customer as GestaoClick wants it"
assert_eq 'PJ|12.345.678/0001-95|null' \
  "$(remote clientes '.[] | select(.email == "beta@x.com") | "\(.tipo_pessoa)|\(.cnpj)|\(.cpf)"' | tr -d '"')" "PJ customer"
assert_eq '"1.00"' "$(remote produtos '.[] | select(.codigo_interno == "CAN-1") | .valor_custo')" "product cost"
sale=$(remote vendas '.[0]')
assert_eq "$ana" "$(jq -r .cliente_id <<<"$sale")" "sale's cliente_id is the customer's external id"
assert_eq "produto|1|3|2026-11-20" "$(jq -r '"\(.tipo)|\(.codigo)|\(.situacao_id)|\(.data)"' <<<"$sale")" "sale header"
assert_eq "$(sql "SELECT GROUP_CONCAT(external_id ORDER BY id) FROM produtos")" \
  "$(jq -r '[.produtos[].produto.produto_id] | join(",")' <<<"$sale")" "lines name the products' external ids"
assert_eq "7.50,7.50" "$(jq -r '[.pagamentos[].pagamento.valor] | join(",")' <<<"$sale")" "installments"
assert_eq "$(jq -r .id <<<"$sale")" "$(sql "SELECT external_id FROM vendas WHERE id = 1")" "sale external id saved"
assert_match "^1\|not supported: GestaoClick has no activities resource" "$(row_state atividade 1)" "atividade refused for good"
# The runs below follow each other within a second: the fake's window would
# count the previous run's requests.
fake_faults '{"rate": 0}'

# An update reads the record and writes the mapped fields over it, then PUTs
# the whole (GestaoClick's PUT replaces it): what the store does not map, such
# as an address typed into GestaoClick, stays.
curl -sf -X PUT -H 'access-token: tok-1' -H 'secret-access-token: sec-1' \
  -d '{"tipo_pessoa": "PF", "nome": "Ana Souza", "cpf": "123.456.789-01",
       "enderecos": [{"endereco": {"cep": "01001-000", "logradouro": "Praça da Sé"}}]}' \
  "$FAKE_URL/api/clientes/$ana" >/dev/null
sql "UPDATE clientes SET nome = 'Ana Souza Lima' WHERE id = 1"
enqueue 1 cliente 1
# The dry run shows the read and the PUT it would build from it.
run_sync --loja 1 --dry-run -v
grep -q "cliente #1 (loja 1, ecletech_para_crm): would send GET .*/api/clientes/$ana\$" <<<"$out" \
  || fail "read before update missing: $out"
grep -q "cliente #1 (loja 1, ecletech_para_crm): would send PUT .*/api/clientes/$ana {.*\"nome\":\"Ana Souza Lima\"" <<<"$out" \
  || fail "update body missing: $out"
run_sync --loja 1
assert_match "Processados: 1 \| Erros: 0 " "$out" "update run"
assert_eq "PUT /api/clientes/$ana" "$(curl -sf "$FAKE_URL/_requests" | jq -r 'last | "\(.method) \(.path)"')" "update verb"
assert_eq "Ana Souza Lima|PF|123.456.789-01|01001-000" \
  "$(remote clientes ".[] | select(.id == \"$ana\") | \"\(.nome)|\(.tipo_pessoa)|\(.cpf)|\(.enderecos[0].endereco.cep)\"" | tr -d '"')" \
  "mapped fields updated, the unmapped address kept"

# A customer already in GestaoClick (same CPF) is linked, not created again.
known=$(seed_remote clientes '[{"nome": "Carla", "tipo_pessoa": "PF", "cpf": "987.654.321-00"}]')
creates=$(fake_stat creates)
sql "INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES (3, 1, 'Carla', NULL, '98765432100')"
enqueue 1 cliente 3
run_sync --loja 1
assert_eq "$known" "$(sql "SELECT external_id FROM clientes WHERE id = 3")" "linked by cpf_cnpj"
assert_eq "$creates" "$(fake_stat creates)" "no create for a known customer"
assert_eq "link" "$(sql "SELECT operacao FROM crm_sync_log WHERE entidade = 'cliente' AND id_registro = 3")" "logged as link"

# Installments that do not add up are refused here, with both totals and
# no request; GestaoClick's own validation errors come as a 404 with a message.
sql "INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES (2, 1, 1, 5, '3', '2026-11-21');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES (2, 1, 'Caneta', 2, 2.50);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor) VALUES (2, '2026-12-21', 4.00);
     INSERT INTO produtos (id, id_loja, nome, sku, preco, external_id) VALUES (9, 1, 'Sumido', 'SUM-9', 1, '424242');
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES (3, 1, 1, 1, '3', '2026-11-21');
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES (3, 9, 'Sumido', 1, 1);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor) VALUES (3, '2026-12-21', 1)"
requests_before=$(fake_stat requests)
enqueue 1 venda 2
run_sync --loja 1
assert_match "Erros: 1 " "$out" "validation run"
assert_eq "1|sale total 5.00 as gestaoclick computes it (lines 5.00 - discounts 0.00 + freight 0.00) differs from the installments' 4.00: not sent" \
  "$(row_state venda 2)" "installments off by more than a cent per line"
assert_eq "$requests_before" "$(fake_stat requests)" "no request for a sale that cannot add up"
enqueue 1 venda 3
run_sync --loja 1
assert_eq "1|POST /vendas: HTTP 404: Produto não encontrado; Not Found" \
  "$(row_state venda 3)" "the 404's data.mensagem is the error, given up at once"

# From the CRM: a fetch maps GestaoClick's fields back onto the local record.
remote_id=$(seed_remote clientes '[{"nome": "Remoto", "email": "r@x.com", "tipo_pessoa": "PJ", "cnpj": "11.222.333/0001-81"}]')
sql "INSERT INTO clientes (id, id_loja, nome, external_id) VALUES (4, 1, 'old', '$remote_id')"
enqueue 1 cliente 4 from_crm
run_sync --loja 1
assert_eq "Remoto|r@x.com|11.222.333/0001-81" \
  "$(sql "SELECT CONCAT_WS('|', nome, email, documento) FROM clientes WHERE id = 4")" "fetched"

# Every entity comes back from the CRM over local changes.
sql "UPDATE produtos SET nome = 'x', preco = 0 WHERE id = 1;
     UPDATE vendas SET status = 'x', data_venda = NULL WHERE id = 1"
enqueue 1 produto 1 from_crm
enqueue 1 venda 1 from_crm
run_sync --loja 1
assert_match "Processados: 2 \| Erros: 0 " "$out" "fetch run"
assert_eq "Caneta|2.50|1.00" "$(sql "SELECT CONCAT_WS('|', nome, preco, custo) FROM produtos WHERE id = 1")" "product fetched"
assert_eq "3|2026-11-20 00:00:00" "$(sql "SELECT CONCAT_WS('|', status, data_venda) FROM vendas WHERE id = 1")" "sale fetched"

# 429 (no Retry-After): the per-second window another client used; the
# store waits a second within the run and the request goes again.
limit_body='{\"code\":429,\"status\":\"error\",\"data\":{\"mensagem\":\"O limite de requisicoes foi atingido\"}}'
fake_faults "{\"rules\": [{\"method\": \"POST\", \"status\": 429, \"body\": \"$limit_body\", \"count\": 1}]}"
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (5, 1, 'Eva', 'eva@x.com')"
enqueue 1 cliente 5
run_sync --loja 1
assert_match "Processados: 1 \| Erros: 0 .*Adiados: 0$" "$out" "one 429: waited out within the run"
# Still refused after three waits (a daily limit): deferred, no attempt spent.
fake_faults "{\"rules\": [{\"method\": \"POST\", \"status\": 429, \"body\": \"$limit_body\", \"count\": -1}]}"
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (60, 1, 'Fabi', 'fabi@x.com')"
enqueue 1 cliente 60
run_sync --loja 1
assert_match "Processados: 0 \| Erros: 0 .*Adiados: 1$" "$out" "429 run"
assert_eq "0|0" "$(sql "SELECT CONCAT_WS('|', processado, tentativas) FROM crm_sync_queue WHERE entidade = 'cliente' AND id_registro = 60")" "no attempt spent"
assert_match "^5[0-9]|^6[0-1]" "$(sql "SELECT TIMESTAMPDIFF(SECOND, NOW(), disponivel_em) FROM crm_sync_queue
                                    WHERE entidade = 'cliente' AND id_registro = 60")" "due again in about 60 s"
fake_faults '{"rules": []}'

# Import follows meta.proxima_pagina (2 records a page here).
seed_remote produtos '[{"nome": "Lapis", "codigo_interno": "LAP-1", "valor_venda": "1.00", "valor_custo": "0.50"},
                       {"nome": "Borracha", "codigo_interno": "BOR-1", "valor_venda": "0.80", "valor_custo": "0.30"},
                       {"nome": "Regua", "codigo_interno": "REG-1", "valor_venda": "3.00", "valor_custo": "1.20"}]' >/dev/null
run_program "$CRM_SYNC_FULL" --loja 1 --entity produto --import --pages 10 --json
assert_eq 0 "$rc" "import exit"
assert_eq "3 3 2 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados + .inalterados) \(.concluida)"' <<<"$out")" "import: 3 pages, 3 new, 2 known"
assert_eq "1.00|0.50" "$(sql "SELECT CONCAT_WS('|', preco, custo) FROM produtos WHERE sku = 'LAP-1'")" "imported product's prices"

# An import links by document even when GestaoClick keeps it formatted and
# the store keeps digits.
formatted=$(seed_remote clientes '[{"nome": "Doc Formatado", "tipo_pessoa": "PF", "cpf": "222.333.444-05"}]')
sql "INSERT INTO clientes (id, id_loja, nome, documento) VALUES (6, 1, 'Doc Digitos', '22233344405')"
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 20
assert_eq 0 "$rc" "customer import exit"
assert_eq "$formatted" "$(sql "SELECT external_id FROM clientes WHERE id = 6")" "linked across document spellings"

# Empty values never reach GestaoClick as a broken request: a product
# without the cost GestaoClick requires fails here, naming the local column;
# a sale whose customer was given up ends too, naming the customer, instead
# of waiting for it forever.
sql "DELETE FROM crm_sync_queue;
     INSERT INTO produtos (id, id_loja, nome, sku, preco, custo) VALUES (20, 1, 'Sem custo', 'SC-1', 5, NULL);
     INSERT INTO clientes (id, id_loja, nome, email) VALUES (20, 1, '   ', 'sem-nome@x.com');
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda) VALUES (20, 1, 20, 5, '3', '2026-11-20');
     INSERT INTO venda_itens (id_venda, id_produto, quantidade, valor_unitario) VALUES (20, 1, 2, 2.50)"
requests_before=$(fake_stat requests)
enqueue 1 produto 20
enqueue 1 cliente 20
run_sync --loja 1
assert_eq "1|field 'cost' (produtos.custo) is empty, and gestaoclick requires it: not sent" "$(row_state produto 20)" \
  "a required field empty: failed here, its column named"
assert_eq "1|field 'name' (clientes.nome) is empty, and gestaoclick requires it: not sent" "$(row_state cliente 20)" \
  "only spaces is no value"
assert_eq "$requests_before" "$(fake_stat requests)" "neither reached GestaoClick"
enqueue 1 venda 20
run_sync --loja 1
assert_match "^1\|field 'customer_id': cliente 20 was given up and never reached gestaoclick \(field 'name' \(clientes.nome\) is empty" \
  "$(row_state venda 20)" "the sale of a given-up customer ends, naming it"
