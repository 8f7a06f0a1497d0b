# crm_status shows each store's CRM mirror (issue #14): per store and
# mirrored entity its records, how long ago it last held every CRM record and
# last read the CRM, its cursor, a pull under way, the last pull's error, and
# the changes pulled and conflicts logged in the last hour by the database's
# clock (a row 10 minutes old counts, one 2 hours old does not), with the
# last conflict as an example; on the screen, in --json, in the Prometheus
# metrics (promtool-clean) and on the --html page. A store without a mirror
# shows none of it.
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool not found: run scripts/deps"
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais) VALUES
       (1, 'generic', 'http://127.0.0.1:9/api', '{\"token\": {\"env\": \"T\"}}'),
       (2, 'generic', 'http://127.0.0.1:9/api', '{\"token\": {\"env\": \"T\"}}'),
       (3, 'generic', 'http://127.0.0.1:9/api', '{\"token\": {\"env\": \"T\"}}')"
add_customers 2 2

# No mirror anywhere: nothing about it.
run_program "$CRM_STATUS"
assert_eq 0 "$rc" "screen exit without a mirror"
if grep -q "Espelho" <<<"$out"; then fail "a mirror section without a mirror: $out"; fi
run_program "$CRM_STATUS" --json
assert_eq "0 0 0" "$(jq -r '[.lojas[].espelho | length] | join(" ")' <<<"$out")" "empty mirrors in --json"
run_program "$CRM_STATUS" --prometheus
if grep -q '^crm_mirror_' <<<"$out"; then fail "mirror samples without a mirror: $(grep '^crm_mirror_' <<<"$out")"; fi

conflict_new="conflict on 'name' (clientes.nome): local 'Ana Local' vs CRM 'Ana <CRM>' (was 'Ana'; CRM edited 2026-11-30T03:40:00Z, local at a known time); owner newest: took the CRM's value"
conflict_mid="conflict on 'phone' (clientes.telefone): local '1111' vs CRM '2222' (was '0000'; CRM edited 2026-11-30T03:30:00Z, local at a known time); owner local: kept the local value (it goes to the CRM)"
conflict_old="conflict on 'email' (clientes.email): an hour and more ago"
q() { sed "s/'/''/g" <<<"$1"; }
# Store 1: customers complete 3 hours ago and read 40 s ago; products never
# complete, a pull cut by its page limit, the last one failed. Store 3: rows
# but no state (never read). Store 2: no mirror. The log rows: 2 pulls and
# 2 conflicts of store 1's customers in the last hour, and older ones, a
# skip, and another store's pull, that do not count; the oldest conflict is
# written last (the highest id) and still is not the example.
sql "INSERT INTO crm_espelho (id_loja, entidade, id_externo, impressao, campos, origem) VALUES
       (1, 'cliente', '11', 'aaaaaaaaaaaaaaaa', '{}', 'leitura'),
       (1, 'cliente', '12', 'aaaaaaaaaaaaaaaa', '{}', 'leitura'),
       (1, 'cliente', '13', 'aaaaaaaaaaaaaaaa', '{}', 'envio'),
       (1, 'produto', '21', 'aaaaaaaaaaaaaaaa', '{}', 'leitura'),
       (1, 'produto', '22', 'aaaaaaaaaaaaaaaa', '{}', 'leitura'),
       (3, 'cliente', '31', 'aaaaaaaaaaaaaaaa', '{}', 'envio'),
       (3, 'cliente', '32', 'aaaaaaaaaaaaaaaa', '{}', 'envio'),
       (3, 'cliente', '33', 'aaaaaaaaaaaaaaaa', '{}', 'envio'),
       (3, 'cliente', '34', 'aaaaaaaaaaaaaaaa', '{}', 'envio');
     INSERT INTO crm_espelho_estado (id_loja, entidade, cursor_alteracao, cursor_pagina, maior_alteracao,
                                     completo_em, varredura_em, leitura_em, erro) VALUES
       (1, 'cliente', '2026-11-30T03:49:00Z', NULL, '2026-11-30T03:49:00Z',
        NOW() - INTERVAL 3 HOUR, NULL, NOW() - INTERVAL 40 SECOND, NULL),
       (1, 'produto', NULL, 'start=500', '2026-11-30T01:00:00Z',
        NULL, NULL, NOW() - INTERVAL 5 MINUTE, 'GET /products: HTTP 503: service unavailable');
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, mensagem, criado_em, operacao, external_id) VALUES
       (1, 'cliente', 1, 'crm_para_ecletech', 'sucesso', 'pulled from CRM (mirror): name', NOW() - INTERVAL 10 MINUTE, 'pull', '11'),
       (1, 'cliente', 2, 'crm_para_ecletech', 'sucesso', 'pulled from CRM (mirror): phone', NOW() - INTERVAL 50 MINUTE, 'pull', '12'),
       (1, 'cliente', 3, 'crm_para_ecletech', 'sucesso', 'pulled from CRM (mirror): name', NOW() - INTERVAL 2 HOUR, 'pull', '13'),
       (1, 'cliente', 2, 'crm_para_ecletech', 'sucesso', '$(q "$conflict_mid")', NOW() - INTERVAL 30 MINUTE, 'conflict', '12'),
       (1, 'cliente', 1, 'crm_para_ecletech', 'sucesso', '$(q "$conflict_new")', NOW() - INTERVAL 10 MINUTE, 'conflict', '11'),
       (1, 'cliente', 4, 'ecletech_para_crm', 'sucesso', 'unchanged: the CRM has these values (mirror)', NOW() - INTERVAL 5 MINUTE, 'skip', '14'),
       (1, 'produto', 5, 'ecletech_para_crm', 'sucesso', 'created', NOW() - INTERVAL 5 MINUTE, 'create', '23'),
       (3, 'cliente', 9, 'crm_para_ecletech', 'sucesso', 'pulled from CRM (mirror): email', NOW() - INTERVAL 3 HOUR, 'pull', '31'),
       (1, 'cliente', 3, 'crm_para_ecletech', 'sucesso', '$(q "$conflict_old")', NOW() - INTERVAL 2 HOUR, 'conflict', '13')"

# --json: an "espelho" array per store.
run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "crm_status --json exit"
assert_eq "" "$err" "nothing on stderr"
j() { jq -r "$1" <<<"$out"; }
mirror() { j ".lojas[] | select(.id_loja == $1) | .espelho[] | select(.entidade == \"$2\") | $3"; }
assert_eq "1:cliente,produto 2: 3:cliente" \
  "$(j '[.lojas[] | "\(.id_loja):\([.espelho[].entidade] | join(","))"] | join(" ")')" "mirrors per store"
assert_eq "3|2026-11-30T03:49:00Z|false|null|2|2" \
  "$(mirror 1 cliente '"\(.registros)|\(.cursor_alteracao)|\(.leitura_em_andamento)|\(.erro)|\(.alteracoes_puxadas_1h)|\(.conflitos_1h)"')" \
  "store 1's customers"
assert_eq "$conflict_new" "$(mirror 1 cliente .ultimo_conflito)" "the last conflict of the hour, as logged"
complete=$(mirror 1 cliente .desde_completo_s)
read_age=$(mirror 1 cliente .desde_leitura_s)
((complete >= 10800 && complete < 10800 + 300)) || fail "complete $complete s ago, not 3 hours (database clock)"
((read_age >= 40 && read_age < 40 + 300)) || fail "read $read_age s ago, not 40 s (database clock)"
assert_eq "2|null|null|true|GET /products: HTTP 503: service unavailable|0|0|null" \
  "$(mirror 1 produto '"\(.registros)|\(.desde_completo_s)|\(.cursor_alteracao)|\(.leitura_em_andamento)|\(.erro)|\(.alteracoes_puxadas_1h)|\(.conflitos_1h)|\(.ultimo_conflito)"')" \
  "store 1's products"
read_age=$(mirror 1 produto .desde_leitura_s)
((read_age >= 300 && read_age < 600)) || fail "products read $read_age s ago, not 5 min"
assert_eq "4|null|null|null|false|null|0|0" \
  "$(mirror 3 cliente '"\(.registros)|\(.desde_completo_s)|\(.desde_leitura_s)|\(.cursor_alteracao)|\(.leitura_em_andamento)|\(.erro)|\(.alteracoes_puxadas_1h)|\(.conflitos_1h)"')" \
  "store 3: rows, never read, its 3-hour-old pull not counted"
assert_eq "ok 2" "$(j '.lojas[] | select(.id_loja == 2) | "\(.estado) \(.pendentes)"')" "store 2 as before"

# The screen.
run_program "$CRM_STATUS"
assert_eq 0 "$rc" "screen exit"
section=$(sed -n '/^Espelho do CRM:$/,/^$/p' <<<"$out")
[[ -n $section ]] || fail "no mirror section: $out"
line() { grep -E "^  Loja $1 $2: " <<<"$section" || fail "no line for store $1 $2: $section"; }
assert_match '^  Loja 1 cliente: 3 registros; completo há 18[0-4] min; lido há [4-9][0-9] s; cursor 2026-11-30T03:49:00Z; última hora: 2 alterações puxadas, 2 conflitos$' \
  "$(line 1 cliente)" "store 1's customers line"
assert_match '^  Loja 1 produto: 2 registros; nunca completo; lido há [5-9] min; sem cursor \(a próxima leitura lê tudo\); leitura em andamento \(retoma da página salva\); última hora: 0 alterações puxadas, 0 conflitos$' \
  "$(line 1 produto)" "store 1's products line"
assert_match '^  Loja 3 cliente: 4 registros; nunca completo; nunca lido; sem cursor' "$(line 3 cliente)" "store 3's line"
grep -qxF "    último conflito: $conflict_new" <<<"$section" || fail "no example conflict: $section"
grep -qxF "    a última leitura falhou: GET /products: HTTP 503: service unavailable" <<<"$section" || fail "no pull error: $section"
if grep -q "Loja 2" <<<"$section"; then fail "store 2 has no mirror: $section"; fi
if grep -qF "$conflict_old" <<<"$out"; then fail "a conflict 2 hours old is shown"; fi

# Prometheus: clean for promtool, one sample per store and entity.
run_program "$CRM_STATUS" --prometheus
assert_eq 0 "$rc" "--prometheus exit"
printf '%s\n' "$out" >"$scratch/metrics.prom"
lint=$(promtool check metrics <"$scratch/metrics.prom" 2>&1) || fail "promtool check metrics: $lint"
assert_eq "" "$lint" "promtool check metrics findings"
metric() { grep -E "^$1\{loja=\"$2\",entidade=\"$3\"\} " <<<"$out" | awk '{print $2}'; }
assert_eq "3 2 4" "$(metric crm_mirror_records 1 cliente) $(metric crm_mirror_records 1 produto) $(metric crm_mirror_records 3 cliente)" "records"
assert_eq "2 2 0 0" "$(metric crm_mirror_pulled_changes_1h 1 cliente) $(metric crm_mirror_conflicts_1h 1 cliente) $(metric crm_mirror_pulled_changes_1h 3 cliente) $(metric crm_mirror_conflicts_1h 1 produto)" "the last hour"
assert_eq "0 1 0 1" "$(metric crm_mirror_pull_under_way 1 cliente) $(metric crm_mirror_pull_under_way 1 produto) $(metric crm_mirror_pull_failed 1 cliente) $(metric crm_mirror_pull_failed 1 produto)" "pull state"
complete=$(metric crm_mirror_complete_age_seconds 1 cliente)
((complete >= 10800 && complete < 10800 + 300)) || fail "complete age metric $complete"
assert_eq "" "$(metric crm_mirror_complete_age_seconds 1 produto)$(metric crm_mirror_pull_age_seconds 3 cliente)" "no age sample for never"
if grep -E '^crm_mirror_[a-z_0-9]+\{loja="2"' <<<"$out"; then fail "samples for store 2"; fi

# The page: a table, its texts escaped.
page=$scratch/status.html
run_program "$CRM_STATUS" --html "$page" --quiet
assert_eq 0 "$rc" "--html exit"
grep -qF '<table id="mirror">' "$page" || fail "no mirror table"
row=$(grep -F '<tr data-store="1" data-entity="cliente">' "$page") || fail "no row for store 1's customers"
assert_match '<td class="n">3</td>.*<td>2026-11-30T03:49:00Z</td><td>não</td><td class="n">2</td><td class="n">2</td>' "$row" "store 1's customers row"
grep -qF "Ana &lt;CRM&gt;" <<<"$row" || fail "the example conflict not escaped: $row"
row=$(grep -F '<tr data-store="1" data-entity="produto">' "$page") || fail "no row for store 1's products"
assert_match '<td>nunca</td>.*<td>sim</td>.*<td class="bad">GET /products: HTTP 503: service unavailable</td>' "$row" "store 1's products row"
if grep -q 'data-store="2" data-entity' "$page"; then fail "a mirror row for store 2"; fi
