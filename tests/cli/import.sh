# crm_sync_full --import: a resumable job that pages through the CRM, matches
# by external id, then e-mail or document (links), else creates; resumes where
# it stopped; a second import duplicates nothing.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1 '{"page_size": 10}'
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '
# 25 CRM customers: #3 has no name (the local table requires one).
records=$(for i in $(seq 1 25); do
  name="\"CRM Cliente $i\""; [[ $i == 3 ]] && name=null
  printf '{"nome": %s, "email": "crm%s@x.com", "documento": "%011d"}\n' "$name" "$i" "$i"
done | jq -s .)
curl -sf -X POST -d "$records" "$FAKE_URL/_records/clientes" >/dev/null
id_of() { curl -sf "$FAKE_URL/_records/clientes" | jq -r --arg e "crm$1@x.com" '.[] | select(.email == $e) | .id'; }
# Local records: one already linked to CRM #5, one with CRM #6's e-mail, one
# with CRM #7's document, and one unrelated.
sql "INSERT INTO clientes (id_loja, nome, email, documento, external_id) VALUES
       (1, 'linked', 'old@x.com', NULL, '$(id_of 5)'),
       (1, 'same e-mail', 'crm6@x.com', NULL, NULL),
       (1, 'same document', NULL, '00000000007', NULL),
       (1, 'unrelated', 'u@x.com', NULL, NULL)"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 2
assert_eq 0 "$rc" "first run exit"
assert_eq "" "$err" "stderr"
assert_match "${ts_re}Importação de clientes: Páginas: 2 \| Criados: 16 \| Atualizados: 1 \| Vinculados: 2 \| Erros: 1 \| continua na próxima execução$" "$out" "first run line"
assert_eq "processando|3|20" "$(sql "SELECT status, cursor_pagina, processados FROM crm_fila" | tr '\t' '|')" "job after the first run"

run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 2 --json
assert_eq "1 5 0 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados) \(.concluida)"' <<<"$out")" "second run continues and finishes"
assert_eq "concluido|100|25|21|1|2|1" "$(sql "SELECT status, progresso, processados, criados, atualizados, vinculados, falhas FROM crm_fila" | tr '\t' '|')" "job totals"

assert_eq 25 "$(sql "SELECT COUNT(*) FROM clientes")" "4 local + 21 created"
assert_eq 24 "$(sql "SELECT COUNT(DISTINCT external_id) FROM clientes WHERE external_id IS NOT NULL")" "every imported CRM record linked once"
assert_eq "CRM Cliente 6|$(id_of 6)" "$(sql "SELECT nome, external_id FROM clientes WHERE email = 'crm6@x.com'" | tr '\t' '|')" "linked by e-mail and updated"
assert_eq "$(id_of 7)" "$(sql "SELECT external_id FROM clientes WHERE documento = '00000000007'")" "linked by document"
assert_eq "CRM Cliente 5" "$(sql "SELECT nome FROM clientes WHERE external_id = '$(id_of 5)'")" "updated by external id"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "an import enqueues nothing"

# A new import reads everything again and writes nothing: no value changed.
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 10 --json
assert_eq "3 0 0 24 1 true" "$(jq -r '"\(.paginas) \(.criados) \(.atualizados) \(.inalterados) \(.erros) \(.concluida)"' <<<"$out")" "re-import of unchanged data: 0 updates"
assert_match "^CRM record [0-9]+: " "$(sql "SELECT erro FROM crm_fila ORDER BY id DESC LIMIT 1")" "the refused record is named with its reason"
assert_eq 25 "$(sql "SELECT COUNT(*) FROM clientes")" "no duplicates after re-import"

# A failing CRM stops the run with the job kept for the next one.
curl -sf -X POST -d '{"rules": [{"method": "GET", "status": 503, "count": 1}]}' "$FAKE_URL/_faults" >/dev/null
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import
assert_eq 0 "$rc" "503 exit"
assert_match "Páginas: 0 .* interrompida: GET /clientes\?page=1: HTTP 503" "$out" "503 line"
assert_eq "processando" "$(sql "SELECT status FROM crm_fila ORDER BY id DESC LIMIT 1")" "job kept open"
run_program "$CRM_SYNC_FULL" --loja 1 --entity all --import
assert_eq 2 "$rc" "--import needs one entity"

# Page requests use the store's shared request budget.
sql "UPDATE crm_integracoes SET configuracoes = '{\"page_size\": 10, \"requests_per_minute\": 2}';
     DELETE FROM crm_orcamento; DELETE FROM crm_fila"
curl -sf -X POST -d '{"rules": []}' "$FAKE_URL/_faults" >/dev/null
before=$(fake_stat requests)
run_program "$CRM_SYNC_FULL" --loja 1 --entity cliente --import --pages 5
assert_eq 0 "$rc" "budget exit"
assert_match "Páginas: 2 .* limite de requisições; continua depois: the store's request budget of 2/min is spent$" "$out" "budget line"
assert_eq 2 "$(( $(fake_stat requests) - before ))" "page requests within the budget"
