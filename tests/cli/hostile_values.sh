# Quotes, SQL fragments, accents, emoji and 64 KB strings go to the CRM and
# come back unchanged.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
# A store whose name column is MEDIUMTEXT, so a 64 KB name fits.
sql "ALTER TABLE clientes MODIFY nome MEDIUMTEXT NOT NULL"
cat >"$scratch/hostile.sql" <<'SQL'
INSERT INTO clientes (id, id_loja, nome, email, documento) VALUES
  (1, 1, 'Robert''); DROP TABLE clientes; --', 'bobby@x.com', '123.456.789-00'),
  (2, 1, 'aspas "duplas", barra \\ e tab\tfim', 'a@x.com', NULL),
  (3, 1, 'João Ação Coração — Pão de Açúcar 😀🇧🇷', 'joao@x.com', '12.345.678/0001-99'),
  (4, 1, REPEAT('ção😀x', 8000), 'big@x.com', ''),
  (5, 1, '<script>alert(1)</script> %s %n {}', NULL, NULL);
INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
  SELECT 1, 'cliente', id, 'ecletech_para_crm' FROM clientes;
SQL
mysql_cmd "$CRM_DB_NAME" <"$scratch/hostile.sql"
[[ $(sql "SELECT LENGTH(nome) > 65536 FROM clientes WHERE id = 4") == 1 ]] || fail "big name too small"
# ('' and NULL are both "no value": an empty document is not sent, and comes
# back as NULL)
local_names() { sql "SELECT id, SHA2(CONCAT_WS('|', nome, COALESCE(email, '~'), COALESCE(NULLIF(documento, ''), '~')), 256) FROM clientes ORDER BY id"; }
original=$(local_names)

run_sync
assert_eq 0 "$rc" "push exit code"
assert_match "$summary_re" "$out" "push summary"
assert_eq "5 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" "push counts"
for id in 1 2 3 4 5; do
  crm=$(curl -sf "$FAKE_URL/_records/clientes" | jq -j --argjson id "$id" '.[] | select(.codigo == $id) | .nome' | sha256sum)
  # the client escapes \t and \\ in -B output: compare through HEX
  db=$(sql "SELECT HEX(nome) FROM clientes WHERE id = $id" | xxd -r -p | sha256sum)
  assert_eq "$db" "$crm" "name of record $id in the CRM"
done

# Pull them back over scrambled local values: the CRM's copy wins, unchanged.
sql "UPDATE clientes SET nome = 'scrambled', email = 'x@y.z';
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
       SELECT 1, 'cliente', id, 'crm_para_ecletech' FROM clientes"
run_sync
assert_eq 0 "$rc" "pull exit code"
assert_match "$summary_re" "$out" "pull summary"
assert_eq "5 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" "pull counts"
assert_eq "$original" "$(local_names)" "values after the round trip"
assert_eq 5 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE operacao = 'fetch' AND status = 'sucesso'")" "fetch log rows"

# Bytes that are not UTF-8 in a local column (a binary or latin1 column
# mapped as the name) and a queue row whose entidade is not one (a lax
# sql_mode stores ''): each fails alone, with no request, and the run goes
# on with the others.
sql "ALTER TABLE clientes ADD COLUMN nome_bin VARBINARY(64) NULL;
     INSERT INTO clientes (id, id_loja, nome, email, nome_bin) VALUES
       (6, 1, 'Ok', 'ok@x.com', 'Ok'), (7, 1, 'Bad', 'bad@x.com', X'4A6FE36F');
     UPDATE crm_integracoes SET configuracoes = '{\"tables\": {\"cliente\": {\"columns\": {\"name\": \"nome_bin\"}}}}';
     SET SESSION sql_mode = '';
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES
       (1, 'cliente', 6, 'ecletech_para_crm'), (1, 'cliente', 7, 'ecletech_para_crm'),
       (1, 'pessoa', 1, 'ecletech_para_crm')"
assert_eq 1 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE entidade = '' AND processado = 0")" "the lax sql_mode stored ''"
requests=$(fake_stat requests)
run_sync
assert_eq 0 "$rc" "hostile rows exit code"
assert_match "Processados: 1 \| Erros: 2 " "$out" "one sent, two failed alone"
assert_eq "1|field 'name' holds bytes that are not UTF-8 (Jo\\\\xE3o): not sent" "$(row_state cliente 7)" "non-UTF-8 value refused"
assert_eq "1|invalid queue row: entidade '' is not cliente, produto, venda or atividade" \
  "$(sql "SELECT processado, erro FROM crm_sync_queue WHERE entidade = ''" | tr '\t' '|')" "invalid entidade given up"
assert_eq $((requests + 2)) "$(fake_stat requests)" "only customer 6 reached the CRM (lookup and create)"
