# An application's own schema to GestaoClick and back, by configuration
# alone (the schema and the shared steps: app_schema.inc). GestaoClick has
# separate cpf and cnpj fields and discounts per line only: the order
# discount is spread over the lines, cent-exact, and the fake checks lines -
# discounts + freight = installments as GestaoClick does. It answers "" for
# every unset field.
source "$(dirname "$0")/app_schema.inc"
start_provider_fake gestaoclick --token tok-1 --secret sec-1 --page-size 2 --rate 30
walk_in=$(seed_remote clientes '[{"nome": "Consumidor Final", "tipo_pessoa": "PF"}]')
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'gestaoclick', '$FAKE_URL/api',
             '{\"access_token\": \"tok-1\", \"secret_access_token\": \"sec-1\"}',
             '{\"requests_per_second\": 20, \"walk_in_customer\": \"$walk_in\", ${app_tables//\"/\\\"},
               \"entities\": {
                 \"cliente\": {
                   \"extra_fields\": {
                     \"tipo_pessoa\": {\"path\": \"tipo_pessoa\", \"field\": \"person\", \"values\": {\"F\": \"PF\", \"J\": \"PJ\"}},
                     \"cpf\": {\"path\": \"cpf\", \"type\": \"cpf\"},
                     \"cnpj\": {\"path\": \"cnpj\", \"type\": \"cnpj\"}},
                   \"lookup\": [{\"param\": \"cpf_cnpj\", \"field\": \"cpf\", \"type\": \"cpf\"},
                                {\"param\": \"cpf_cnpj\", \"field\": \"cnpj\", \"type\": \"cnpj\"},
                                {\"param\": \"email\", \"field\": \"email\"}]},
                 \"venda\": {\"extra_fields\": {\"status\": {\"path\": \"situacao_id\", \"values\": {\"pago\": \"3\", \"aberto\": \"1\"}}}}}}')"

# The effective profile says what the store will send, overrides applied.
run_sync --print-profile --loja 1
assert_eq 0 "$rc" "--print-profile (stderr: $err)"
assert_eq '{"path":"tipo_pessoa","field":"person","values":{"F":"PF","J":"PJ"}}|{"path":"cpf","type":"cpf"}|clientes_app|null' \
  "$(jq -c -r '[(.entities.cliente.fields.tipo_pessoa | tojson), (.entities.cliente.fields.cpf | tojson),
               .tables.cliente.table, (.tables.atividade | tojson)] | join("|")' <<<"$out")" \
  "the store's fields and tables"

export_everything
customer() { remote clientes ".[] | select(.email == \"$1\") | {tipo_pessoa, cpf, cnpj, telefone}"; }
assert_eq '{"tipo_pessoa":"PF","cpf":"529.982.247-25","cnpj":null,"telefone":"(21) 2222-3333"}' "$(customer ana@x.com)" \
  "a person: its CPF column, formatted; no cnpj sent"
assert_eq '{"tipo_pessoa":"PJ","cpf":null,"cnpj":"11.222.333/0001-81","telefone":null}' "$(customer beta@x.com)" \
  "a company: its CNPJ column; no cpf, no NULL phone"
sale() { remote vendas ".[] | select(.codigo == \"$1\") | $2"; }
assert_eq '"3"|"2026-11-20"' "$(sale 1 '.situacao_id')|$(sale 1 '.data')" "status mapped, date"
assert_eq '["R$","R$"]' "$(sale 2 '[.produtos[].produto.tipo_desconto]')" "line discounts in reais"
assert_eq '["0.92","0.08"]' "$(sale 2 '[.produtos[].produto.desconto_valor]')" "and 0.08 on 2.50: 1.00 by largest remainder"
assert_eq '["3.33","6.67"]' "$(sale 4 '[.produtos[].produto.desconto_valor]')" "10.00 over 33.33 and 66.67"
assert_eq "\"$walk_in\"" "$(sale 3 '.cliente_id')" "a walk-in sale goes with the store's walk-in customer"
assert_eq '["1.49"]' "$(sale 3 '[.pagamentos[].pagamento.valor]')" \
  "three lines of 0.495 rounded locally: the cent settled on the installment"
assert_eq '["7.50","7.50"]' "$(sale 1 '[.pagamentos[].pagamento.valor]')" "installments that add up are sent as they are"

assert_sales_import_keeps_local
assert_triggers_follow
assert_eq '"Ana Souza Lima"' "$(remote clientes '.[] | select(.email == "ana@x.com") | .nome')" "the update reached the CRM"

# Back from the CRM: records with "" for every unset field and documents as
# digits. A local customer not yet in the CRM is linked by its CPF.
sql "INSERT INTO clientes_app (id, nome, email, cpf, tipo_pessoa, telefone) VALUES
       (5, 'Gil Nunes', NULL, '390.533.447-05', 'F', '(11) 5555-0000')"
seed_remote clientes '[
  {"nome": "Gil Nunes", "tipo_pessoa": "PF", "cpf": "39053344705", "email": "", "telefone": ""},
  {"nome": "Duda", "tipo_pessoa": "PF", "email": "duda@x.com"},
  {"nome": "Eva", "tipo_pessoa": "PF", "email": "eva@x.com"}]' >/dev/null
import_twice cliente
assert_eq "3 1 0 3 0" "$(jq -r '"\(.criados) \(.vinculados) \(.atualizados) \(.inalterados) \(.erros)"' <<<"$first")" \
  "first import: Consumidor Final, Duda and Eva created, Gil linked by CPF, the exported three unchanged"
row() { sql "SELECT CONCAT_WS('|', nome, IFNULL(email, 'NULL'), IFNULL(cpf, 'NULL'), IFNULL(cnpj, 'NULL'), tipo_pessoa, IFNULL(telefone, 'NULL')) FROM clientes_app WHERE id = $1"; }
assert_eq "Gil Nunes|NULL|390.533.447-05|NULL|F|(11) 5555-0000" "$(row 5)" "the local spelling and phone kept; '' written nowhere"
assert_eq "Ana Souza Lima|ana@x.com|529.982.247-25|NULL|F|(21) 2222-3333" "$(row 1)" "an exported customer unchanged by the import"
assert_eq "2|0" "$(sql "SELECT COUNT(*), COUNT(cpf) FROM clientes_app WHERE email IN ('duda@x.com', 'eva@x.com')" | tr '\t' '|')" \
  "two new customers without documents: NULL in the UNIQUE columns, not ''"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM clientes_app WHERE '' IN (email, cpf, cnpj, telefone)")" "no '' anywhere"
import_twice produto
assert_eq "Caneta|2.50|1.00" "$(sql "SELECT CONCAT_WS('|', descricao, preco_venda, preco_custo) FROM produtos_app WHERE id = 1")" \
  "products come back unchanged"
