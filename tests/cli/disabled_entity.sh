# A store without an entity (an application with no activities table, a
# CRM without activities): `tables.E: null` or `entities.E: null` disables
# it, and every program skips it: the export of all entities, the
# triggers, crm_sync (a row that reaches the queue anyway fails alone, no
# request) and the schema check; asking for it by name is a clear error.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1 '{"tables": {"atividade": null}}'
sql "DROP TABLE atividades"
add_customers 1 3
sql "DELETE FROM crm_sync_queue"
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '

run_program "$CRM_SYNC_FULL" --loja 1 --entity all
assert_eq 0 "$rc" "export of all entities (stderr: $err)"
assert_eq "cliente:3" "$(sql "SELECT CONCAT(entidade, ':', COUNT(*)) FROM crm_sync_queue GROUP BY entidade")" "the enabled entities, no atividade"

run_program "$CRM_MIGRATE" --with-triggers
assert_eq 0 "$rc" "triggers without an activities table (stderr: $err)"
assert_match "${ts_re}Triggers instalados: 6$" "$(tail -1 <<<"$out")" "triggers for the three enabled entities"

run_program "$CRM_SYNC_FULL" --loja 1 --entity atividade
assert_eq 1 "$rc" "exporting the disabled entity by name"
assert_match "ERRO: store 1: entity atividade is disabled \(tables\.atividade or entities\.atividade is null in configuracoes\)$" "$err" "its message"
run_program "$CRM_ENQUEUE" --loja 1 --entity atividade --id 1
assert_eq 1 "$rc" "enqueueing the disabled entity"
assert_match "entity atividade is disabled" "$err" "its message"

# A row of it in the queue anyway (written by hand): it fails alone.
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES (1, 'atividade', 1, 'ecletech_para_crm')"
run_sync
assert_eq 0 "$rc" "crm_sync"
assert_eq "" "$err" "the store is not invalid"
assert_match "Processados: 3 \| Erros: 1 " "$out" "three customers synced, the activity failed"
assert_eq "1|store 1: entity atividade is disabled (tables.atividade or entities.atividade is null in configuracoes)" \
  "$(row_state atividade 1)" "failed alone with the reason"

# entities.E: null says the same.
sql "UPDATE crm_integracoes SET configuracoes = '{\"entities\": {\"atividade\": null}}'"
run_program "$CRM_SYNC_FULL" --loja 1 --entity all --dry-run
assert_eq 0 "$rc" "export with entities.atividade: null"
