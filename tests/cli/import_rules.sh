# The import's rules on an application's own data: the CRM answers "" for
# unset fields. An empty CRM value never overwrites a local one and a new
# record gets NULL, not "" (a UNIQUE nullable document column holds many
# NULLs but one ""); a document or phone the CRM spells without punctuation
# keeps the local spelling; a record is written only when a value differs.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1 '{"page_size": 10}'
sql "ALTER TABLE clientes ADD UNIQUE KEY uk_documento (documento);
     INSERT INTO clientes (id, id_loja, nome, email, documento, telefone) VALUES
       (1, 1, 'Ana', 'ana@x.com', '529.982.247-25', '(21) 2222-3333'),
       (2, 1, 'Bia', 'bia@x.com', NULL, NULL)"
seed_remote clientes '[
  {"nome": "Ana", "email": "ana@x.com", "documento": "52998224725", "telefone": ""},
  {"nome": "Bia", "email": "bia@x.com", "documento": "", "telefone": ""},
  {"nome": "Caio", "email": "caio@x.com", "documento": "", "telefone": ""},
  {"nome": "Duda", "email": "duda@x.com", "documento": "", "telefone": ""}]' >/dev/null
import() { run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --json; }
counts() { jq -r '"\(.criados) \(.vinculados) \(.atualizados) \(.inalterados) \(.erros)"' <<<"$out"; }
local_row() { sql "SELECT CONCAT_WS('|', nome, IFNULL(documento, 'NULL'), IFNULL(telefone, 'NULL')) FROM clientes WHERE email = '$1'"; }

import
assert_eq 0 "$rc" "import exit (stderr: $err)"
assert_eq "2 2 0 0 0" "$(counts)" "two created, two linked, no error"
assert_eq "Ana|529.982.247-25|(21) 2222-3333" "$(local_row ana@x.com)" "local spelling and phone kept"
assert_eq "Bia|NULL|NULL" "$(local_row bia@x.com)" "empty CRM values leave NULL as NULL"
assert_eq "Caio|NULL|NULL Duda|NULL|NULL" "$(local_row caio@x.com) $(local_row duda@x.com)" "new records get NULL, not ''"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM clientes WHERE documento = '' OR telefone = ''")" "no '' written anywhere"

sql "DELETE FROM crm_fila"
import
assert_eq "0 0 0 4 0" "$(counts)" "a second import of unchanged data writes nothing"

ana=$(curl -sf "$FAKE_URL/_records/clientes" | jq -r '.[] | select(.email == "ana@x.com") | .id')
curl -sf -X PUT -H 'Authorization: Bearer test-token' -d '{"nome": "Ana Souza", "email": "ana@x.com", "documento": "52998224725", "telefone": "21 3333-4444"}' \
  "$FAKE_URL/api/clientes/$ana" >/dev/null
sql "DELETE FROM crm_fila"
import
assert_eq "0 0 1 3 0" "$(counts)" "one record changed in the CRM: one update"
assert_eq "Ana Souza|529.982.247-25|21 3333-4444" "$(local_row ana@x.com)" "the changed values arrive, the same document keeps its spelling"
