# An application's own schema to Bling and back, by configuration alone
# (the schema and the shared steps: app_schema.inc). Bling keeps CPF or CNPJ
# as digits in one field, numeroDocumento: the store's two columns map onto
# it with cpf_digits and cnpj_digits, and read back each into its own. The
# order discount is Bling's own desconto; the fake checks lines - desconto +
# frete = parcelas as Bling does.
source "$(dirname "$0")/app_schema.inc"
start_provider_fake bling --client-id cid --client-secret csec --refresh-token r0 --rate 30 --page-size 2
walk_in=$(seed_remote contatos '[{"nome": "Consumidor Final", "tipo": "F"}]')
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'bling', '$FAKE_URL/Api/v3',
             '{\"client_id\": \"cid\", \"client_secret\": \"csec\", \"refresh_token\": \"r0\"}',
             '{\"requests_per_second\": 20, \"walk_in_customer\": \"$walk_in\", ${app_tables//\"/\\\"},
               \"entities\": {
                 \"cliente\": {
                   \"extra_fields\": {
                     \"document\": null,
                     \"tipo\": {\"path\": \"tipo\", \"field\": \"person\"},
                     \"cpf\": {\"path\": \"numeroDocumento\", \"type\": \"cpf_digits\"},
                     \"cnpj\": {\"path\": \"numeroDocumento\", \"type\": \"cnpj_digits\"}},
                   \"lookup\": [{\"param\": \"numeroDocumento\", \"field\": \"cpf\", \"type\": \"cpf_digits\"},
                                {\"param\": \"numeroDocumento\", \"field\": \"cnpj\", \"type\": \"cnpj_digits\"}]}}}')"

export_everything
contact() { remote contatos ".[] | select(.email == \"$1\") | \"\(.tipo)|\(.numeroDocumento)\"" | tr -d '"'; }
assert_eq "F|52998224725" "$(contact ana@x.com)" "a person: its CPF column as digits"
assert_eq "J|11222333000181" "$(contact beta@x.com)" "a company: its CNPJ column as digits"
order() { remote pedidos/vendas ".[] | select(.numeroLoja == \"$1\") | $2"; }
assert_eq '{"valor":1,"unidade":"REAL"}' "$(order 2 '.desconto')" "the order discount is Bling's desconto"
assert_eq '[null,null]' "$(order 2 '[.itens[].desconto]')" "the lines carry none"
assert_eq '{"valor":10,"unidade":"REAL"}' "$(order 4 '.desconto')" "10.00 off 100.00"
assert_eq "$walk_in" "$(order 3 '.contato.id')" "a walk-in sale goes with the store's walk-in contact"
assert_eq 'null' "$(order 3 '.contato.nome')" "and no customer name of its own"
assert_eq '[1.49]' "$(order 3 '[.parcelas[].valor]')" \
  "three lines of 0.495 rounded locally: the cent settled on the installment"

assert_sales_import_keeps_local
assert_triggers_follow
assert_eq '"Ana Souza Lima"' "$(remote contatos '.[] | select(.email == "ana@x.com") | .nome')" "the update reached Bling"

# Back from Bling: a local customer not yet in Bling is linked by its CPF;
# empty values never overwrite.
sql "INSERT INTO clientes_app (id, nome, email, cpf, tipo_pessoa, telefone) VALUES
       (5, 'Gil Nunes', NULL, '390.533.447-05', 'F', '(11) 5555-0000')"
seed_remote contatos '[
  {"nome": "Gil Nunes", "tipo": "F", "numeroDocumento": "39053344705", "email": "", "telefone": ""},
  {"nome": "Duda", "tipo": "F", "numeroDocumento": "", "email": "duda@x.com"},
  {"nome": "Eva", "tipo": "F", "numeroDocumento": "", "email": "eva@x.com"}]' >/dev/null
import_twice cliente
assert_eq "3 1 0 0" "$(jq -r '"\(.criados) \(.vinculados) \(.atualizados) \(.erros)"' <<<"$first")" \
  "first import: Consumidor Final, Duda and Eva created, Gil linked by CPF, nothing else changed"
row() { sql "SELECT CONCAT_WS('|', nome, IFNULL(email, 'NULL'), IFNULL(cpf, 'NULL'), IFNULL(cnpj, 'NULL'), tipo_pessoa, IFNULL(telefone, 'NULL')) FROM clientes_app WHERE id = $1"; }
assert_eq "Gil Nunes|NULL|390.533.447-05|NULL|F|(11) 5555-0000" "$(row 5)" "the local spelling and phone kept"
assert_eq "Loja Beta Ltda|beta@x.com|NULL|11.222.333/0001-81|J|NULL" "$(row 2)" \
  "a CNPJ read back into its own column, formatted as it was; the CPF column stays NULL"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM clientes_app WHERE '' IN (email, cpf, cnpj, telefone)")" "no '' anywhere"
import_twice produto
