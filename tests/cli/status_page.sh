# crm_status --html FILE: one self-contained page, loaded in a real headless
# browser (Debian's chromium, installed by scripts/deps): no console error,
# no fetch (its Content-Security-Policy forbids any), every database text
# escaped, and charts that carry the known data put in below: the backlog
# and throughput per hour, the failures by reason and the runs on a
# timeline. CRM_STATUS_PAGE_SHOTS=DIR keeps a screenshot of the page and
# the screen in DIR (how docs/status-page.png is made).
source "$(dirname "$0")/lib.sh"
if ! command -v chromium >/dev/null; then
  echo "SKIP [$case_name]: chromium is not installed and scripts/deps could not install it" >&2
  exit 0
fi
reason_422='POST /clientes: HTTP 422: <b>email</b> is "invalid" & rejected'
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais) VALUES
       (1, 'generic', 'http://127.0.0.1:9/api', '{\"token\": {\"env\": \"T\"}}'),
       (2, 'generic', 'http://127.0.0.1:9/api', '{\"token\": {\"env\": \"T\"}}');
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, criado_em) VALUES
       (1, 'cliente', 101, 'ecletech_para_crm', NOW() - INTERVAL 330 MINUTE),
       (1, 'cliente', 102, 'ecletech_para_crm', NOW() - INTERVAL 330 MINUTE),
       (1, 'cliente', 103, 'ecletech_para_crm', NOW() - INTERVAL 330 MINUTE),
       (1, 'cliente', 104, 'ecletech_para_crm', NOW() - INTERVAL 330 MINUTE),
       (1, 'cliente', 105, 'ecletech_para_crm', NOW() - INTERVAL 330 MINUTE),
       (2, 'produto', 201, 'ecletech_para_crm', NOW() - INTERVAL 30 MINUTE),
       (2, 'produto', 202, 'ecletech_para_crm', NOW() - INTERVAL 30 MINUTE),
       (2, 'produto', 203, 'ecletech_para_crm', NOW() - INTERVAL 30 MINUTE),
       (2, 'produto', 204, 'ecletech_para_crm', NOW() - INTERVAL 30 MINUTE);
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, criado_em, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, NULL, NOW() - INTERVAL 100 MINUTE,
              NOW() - INTERVAL 90 MINUTE FROM seq_1_to_12;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, criado_em, processado_em)
       SELECT 1, 'cliente', seq, 'ecletech_para_crm', 1, '$(sed "s/'/''/g" <<<"$reason_422")',
              NOW() - INTERVAL 200 MINUTE, NOW() - INTERVAL 150 MINUTE FROM seq_1_to_3;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, criado_em, processado_em)
       SELECT 2, 'cliente', 990 + seq, 'ecletech_para_crm', 1,
              CONCAT('local record not found: clientes id ', 990 + seq, ' (loja 2)'),
              NOW() - INTERVAL 40 MINUTE, NOW() - INTERVAL 30 MINUTE FROM seq_1_to_2;
     INSERT INTO crm_execucoes (programa, id_loja, host, pid, status, iniciado_em, finalizado_em, processados, mensagem) VALUES
       ('crm_cleanup', NULL, 'h1', 1, 'success', NOW() - INTERVAL 600 MINUTE, NOW() - INTERVAL 599 MINUTE, 0, NULL),
       ('crm_sync', NULL, 'h1', 2, 'aborted', NOW() - INTERVAL 200 MINUTE, NOW() - INTERVAL 190 MINUTE, 0, 'marked aborted by crm_status --fix-stuck'),
       ('crm_sync', 9, 'h1', 3, 'error', NOW() - INTERVAL 125 MINUTE, NOW() - INTERVAL 125 MINUTE, 0, 'database: cannot connect to <db> & \"x\"'),
       ('crm_sync', NULL, 'h1', 4, 'success', NOW() - INTERVAL 65 MINUTE, NOW() - INTERVAL 64 MINUTE, 12, NULL),
       ('crm_sync', NULL, 'h1', 5, 'success', NOW() - INTERVAL 5 MINUTE, NOW() - INTERVAL 4 MINUTE, 0, NULL);
     INSERT INTO crm_execucoes (programa, host, pid, status, iniciado_em, prazo_em)
       VALUES ('crm_sync', 'h2', 6, 'running', NOW() - INTERVAL 20 MINUTE, NOW() - INTERVAL 19 MINUTE);
     INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde, proxima_sonda)
       VALUES (3, 'pausada', 'the CRM is unreachable', NOW(), NOW() + INTERVAL 10 MINUTE);
     INSERT INTO crm_fila (tipo, id_loja, entidade, status, progresso, total, processados)
       VALUES ('exportacao', 1, 'cliente', 'processando', 40, 1000, 400)"

page=$scratch/status.html
run_program "$CRM_STATUS" --html "$page" --quiet
assert_eq 0 "$rc" "crm_status --html exit"
assert_eq "" "$out$err" "nothing printed with --quiet"
[[ -s $page ]] || fail "no page written"
grep -qF '<meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'; style-src '"'unsafe-inline'"'">' "$page" ||
  fail "no Content-Security-Policy that forbids fetches"
grep -qF '<meta http-equiv="refresh" content="60">' "$page" || fail "the page does not reload itself"
if grep -Eq '<script|https?://[^"]*\.(js|css)|<link ' "$page"; then fail "the page loads something: $(grep -Eo '<script|<link [^>]*' "$page")"; fi

# browse FILE -> the DOM after load in $dom, the browser's log in $scratch/browser.log
browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$scratch/profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$1" >"$scratch/dom.html" 2>"$scratch/browser.log" ||
    fail "chromium failed on $1: $(tail -3 "$scratch/browser.log")"
  dom=$(cat "$scratch/dom.html")
}
# The log does show a page's console: a canary page's error and exception.
printf '<!DOCTYPE html><script>console.error("canary-7"); nope();</script>' >"$scratch/canary.html"
browse "$scratch/canary.html"
grep -q 'CONSOLE.*"canary-7"' "$scratch/browser.log" || fail "the browser log does not show console messages"
grep -q 'CONSOLE.*Uncaught ReferenceError' "$scratch/browser.log" || fail "the browser log does not show exceptions"

browse "$page"
console=$(grep -E 'CONSOLE|Uncaught|Refused|Content Security Policy' "$scratch/browser.log" || true)
assert_eq "" "$console" "console messages of the page"
[[ $dom == *'<h1>crm-sync status'* ]] || fail "the page did not load: $(head -c 300 <<<"$dom")"
count() { grep -o "$1" <<<"$dom" | wc -l; }
values() { grep -o "$1=\"[^\"]*\"" <<<"$dom" | sed -E 's/.*="(.*)"/\1/' | tr '\n' ' ' | sed 's/ $//'; }

# Backlog: 24 hours, oldest first; 5 rows pending since 5 h 30 min ago, 3
# more from 200 min until 150 min ago, and 4 more for the last 30 minutes.
assert_eq 24 "$(count '<circle class="point"')" "backlog points"
assert_eq "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5 5 8 5 5 9" "$(values data-pending)" "pending at each hour's end"
# Throughput: 12 succeeded 90 min ago, 3 given up 150 min ago, 2 given up
# 30 min ago.
assert_eq 24 "$(count '<g class="bar"')" "throughput bars"
assert_eq "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 12 0" "$(values data-succeeded)" "succeeded per hour"
assert_eq "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3 0 2" "$(values data-given-up)" "given up per hour"
# Failures by reason: two reasons, most frequent first, the HTML in the
# first one shown as text, never as markup.
assert_eq "3 2" "$(values data-total)" "failure totals"
[[ $dom != *'<b>email'* ]] || fail "a database text became markup"
grep -qF '<title>POST /clientes: HTTP 422: &lt;b&gt;email&lt;/b&gt; is "invalid" &amp; rejected: 3</title>' <<<"$dom" ||
  fail "the reason's title: $(grep -o '<g class="reason"[^>]*>' <<<"$dom" | head -1)"
grep -qF '<title>local record not found: clientes id N (loja N): 2</title>' <<<"$dom" || fail "the second reason"
# Runs: lanes for crm_cleanup and crm_sync; the aborted and the fatal run
# marked, with the fatal one's message escaped.
assert_eq "crm_cleanup crm_sync crm_sync crm_sync crm_sync" "$(values data-program | sed 's/ crm_sync crm_sync crm_sync$//')" "slots' programs (and markers')"
assert_eq "83 123 131 137 141 143" "$(grep -o '<rect class="slot"[^>]*' <<<"$dom" | grep -o 'data-slot="[0-9]*"' | grep -o '[0-9]*' | tr '\n' ' ' | sed 's/ $//')" "10-minute slots with runs"
assert_eq "error aborted" "$(grep -o '<g class="failed-run"[^>]*' <<<"$dom" | grep -o 'data-status="[a-z]*"' | sed -E 's/.*="(.*)"/\1/' | tr '\n' ' ' | sed 's/ $//')" "failed runs marked, newest first"
grep -qF 'database: cannot connect to &lt;db&gt; &amp; "x"</title>' <<<"$dom" || fail "the fatal run's message"
# The screen's tables: the stores (the paused one too), the failures, the
# runs, the job; the stuck run and the paused store under "Atenção".
assert_eq "1 2 3" "$(values data-store)" "stores table"
assert_eq 6 "$(grep -o '<tr data-status=' <<<"$dom" | wc -l)" "runs table"
grep -q '<table id="jobs">' <<<"$dom" || fail "no jobs table"
grep -q '<li class="warn">execução travada #6 crm_sync em h2 pid 6' <<<"$dom" || fail "no stuck run"
grep -q '<li class="warn">loja 3 pausada desde .*: the CRM is unreachable</li>' <<<"$dom" || fail "no paused store"
grep -q '<table id="failures">' <<<"$dom" || fail "no failures table"

# A screenshot renders (and is kept for the docs when asked).
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$scratch/profile" --hide-scrollbars \
  --window-size=1100,1700 --screenshot="$scratch/status-page.png" "file://$page" >/dev/null 2>&1 ||
  fail "no screenshot"
assert_eq "89504e47" "$(xxd -p -l 4 "$scratch/status-page.png")" "the screenshot is a PNG"
if [[ -n ${CRM_STATUS_PAGE_SHOTS:-} ]]; then
  cp "$scratch/status-page.png" "$CRM_STATUS_PAGE_SHOTS/status-page.png"
  "$CRM_STATUS" >"$CRM_STATUS_PAGE_SHOTS/status-screen.txt"
fi

# The database down: the page says so instead of showing the last figures.
CRM_DB_PORT=1 run_program "$CRM_STATUS" --html "$page" --quiet
assert_eq 1 "$rc" "exit with the database down"
browse "$page"
grep -q '<p id="down" class="bad">crm_status could not read the database: database: .*cannot connect' <<<"$dom" ||
  fail "the down page: $dom"
if grep -q 'class="chart"' <<<"$dom"; then fail "stale charts on the down page"; fi
