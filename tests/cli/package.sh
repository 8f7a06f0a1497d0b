# The Debian package: built by cpack from this build, runtime dependencies
# only; unpacked into a scratch root, its programs run and find their own
# migrations.
source "$(dirname "$0")/lib.sh"
: "${CRM_BUILD_DIR:?}"
(cd "$scratch" && cpack --config "$CRM_BUILD_DIR/CPackConfig.cmake" -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1) \
  || fail "cpack failed: $(tail -5 "$scratch/cpack.log")"
deb=$(ls "$scratch"/pkg/crm-sync_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *libmysqlcppconn7v5* && $depends == *libcurl4* ]] || fail "missing runtime dependencies: $depends"
[[ $depends != *-dev* && $depends != *mariadb-server* ]] || fail "build or server dependencies: $depends"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/crm_sync ./usr/bin/crm_migrate ./usr/bin/crm_status ./usr/bin/crm_cleanup \
            ./usr/bin/crm_enqueue ./usr/bin/crm_sync_full \
            ./usr/share/crm-sync/migrations/001_crm_sync_queue.sql \
            ./usr/share/doc/crm-sync/crontab.example ./usr/share/doc/crm-sync/docs/OPERATIONS.md \
            ./usr/share/doc/crm-sync/copyright ./etc/crm-sync/crm-sync.conf ./etc/logrotate.d/crm-sync; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
[[ $contents != *fake_crm* && $contents != *unit_tests* ]] || fail "test binaries in the package"

dpkg -x "$deb" "$scratch/root"
unset CRM_MIGRATIONS_DIR  # the installed programs must find their own
run_program "$scratch/root/usr/bin/crm_sync" --version
assert_eq "crm_sync 0.1.0" "$out" "installed --version"
run_program "$scratch/root/usr/bin/crm_migrate" --status
assert_eq 0 "$rc" "installed crm_migrate --status"
assert_match "^001_crm_sync_queue +aplicada em " "$(head -1 <<<"$out")" "it finds its own migrations"
run_program "$scratch/root/usr/bin/crm_migrate" --print-config
assert_match "migrations_dir = $scratch/root/usr/share/crm-sync/migrations \(default\)" "$out" "relocated default"

# --- docs/deploy/README.md, "From the .deb to a working crontab", followed
# as literally as a scratch root allows (no root-only step on the machine).
guide=$CRM_SOURCE_DIR/docs/deploy/README.md
guide_has() { grep -qxF -- "$1" "$guide" || fail "the guide no longer says: $1"; }
control=$scratch/control
dpkg-deb -e "$deb" "$control"
# 1. Install: the maintainer script, the conffiles, the relations.
guide_has 'apt-get install ./crm-sync_0.1.0_amd64.deb'
sh -n "$control/postinst" || fail "postinst does not parse"
grep -q 'adduser --quiet --system --group .* crm-sync' "$control/postinst" || fail "postinst creates no crm-sync user"
grep -q 'install -d -m 750 -o crm-sync -g adm /var/log/crm-sync' "$control/postinst" || fail "postinst creates no log directory"
assert_eq "/etc/crm-sync/crm-sync.conf /etc/logrotate.d/crm-sync" "$(tr '\n' ' ' <"$control/conffiles" | sed 's/ $//')" "conffiles"
[[ $depends == *adduser* ]] || fail "adduser is not a dependency: $depends"
[[ $(dpkg-deb -f "$deb" Recommends) == *"cron | cron-daemon"* ]] || fail "cron is not recommended"
[[ -s $scratch/root/usr/share/doc/crm-sync/copyright ]] || fail "no copyright file"
# Every packaged path the guide names is in the package; the others are
# made by a step of the guide (or, the log directory, by the postinst).
made_by_steps=" /etc/crm-sync/db-password /etc/crm-sync/crontab /etc/crm-sync/loja1.token /var/log/crm-sync /var/lib/prometheus/node-exporter "
for path in $(grep -oE '/(etc|usr|var)/[A-Za-z0-9_./-]*[A-Za-z0-9_/]' "$guide" | sort -u); do
  path=${path%/}
  [[ $made_by_steps == *" $path "* ]] && continue
  [[ -e $scratch/root$path ]] || fail "the guide names $path, which is not in the package"
done
# The installed README's links work where it is installed.
for link in $(grep -oE '\]\((docs/[^)#]*|crontab\.example)' "$scratch/root/usr/share/doc/crm-sync/README.md" | sed 's/^](//'); do
  [[ -e $scratch/root/usr/share/doc/crm-sync/$link ]] || fail "README.md links to $link, not installed"
done

# 2. The database user with exactly the guide's grants, on a database of
# its own.
grant=$(grep -E '^GRANT ' "$guide")
deploy_db=${CRM_DB_NAME}_deploy
deploy_user=crm_sync_${case_name}
case_cleanup() {
  mysql_cmd -e "DROP DATABASE IF EXISTS \`$deploy_db\`; DROP USER IF EXISTS '$deploy_user'@'%'" || true
}
guide_has "CREATE USER 'crm_sync'@'%' IDENTIFIED BY 'the-db-password';"
mysql_cmd -e "DROP USER IF EXISTS '$deploy_user'@'%'; CREATE USER '$deploy_user'@'%' IDENTIFIED BY 'the-db-password';
  DROP DATABASE IF EXISTS \`$deploy_db\`; CREATE DATABASE \`$deploy_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
  $(sed "s/ON loja\.\* TO 'crm_sync'@'%'/ON \`$deploy_db\`.* TO '$deploy_user'@'%'/" <<<"$grant")"
# 3. The connection: the packaged crm-sync.conf edited, the password file.
etc=$scratch/root/etc/crm-sync
sed -i -E "s|^db_host = .*|db_host = $CRM_DB_HOST|; s|^db_port = .*|db_port = $CRM_DB_PORT|;
  s|^db_user = .*|db_user = $deploy_user|; s|^db_name = .*|db_name = $deploy_db|;
  s|^db_password_file = .*|db_password_file = $etc/db-password|" "$etc/crm-sync.conf"
guide_has "install -m 600 -o crm-sync -g crm-sync /dev/null /etc/crm-sync/db-password"
guide_has "printf '%s\n' 'the-db-password' > /etc/crm-sync/db-password"
install -m 600 /dev/null "$etc/db-password"
printf '%s\n' 'the-db-password' >"$etc/db-password"
# The installed programs see only the configuration file (and the token).
installed() {
  env -u CRM_DB_HOST -u CRM_DB_PORT -u CRM_DB_USER -u CRM_DB_PASSWORD -u CRM_DB_NAME \
    CRM_SYNC_CONFIG="$etc/crm-sync.conf" "$@"
}
bin=$scratch/root/usr/bin
guide_has "runuser -u crm-sync -- crm_migrate"
run_program installed "$bin/crm_migrate"
assert_eq 0 "$rc" "crm_migrate with the guide's grants: $err"
# 4. A store whose token comes from the environment, the demo tables (the
# application's own), the profile, a dry run, the triggers.
guide_has "runuser -u crm-sync -- crm_sync --print-profile --loja 1"
guide_has "CRM_TOKEN_LOJA1=the-api-token runuser -u crm-sync -- crm_sync --dry-run --verbose"
guide_has "runuser -u crm-sync -- crm_migrate --with-triggers    # optional: enqueue on INSERT/UPDATE"
run_program installed "$bin/crm_migrate" --with-demo-tables --quiet
assert_eq 0 "$rc" "demo tables: $err"
start_fake 0
mysql_cmd "$deploy_db" -e "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais)
  VALUES (1, 'generic', '$FAKE_URL/api', '{\"token\": {\"env\": \"CRM_TOKEN_LOJA1\"}}')"
run_program installed "$bin/crm_sync" --print-profile --loja 1
assert_eq 0 "$rc" "--print-profile: $err"
run_program installed "$bin/crm_migrate" --with-triggers
assert_eq 0 "$rc" "crm_migrate --with-triggers with the guide's grants: $err"
mysql_cmd "$deploy_db" -e "INSERT INTO clientes (id_loja, nome, email) VALUES (1, 'Ana', 'ana@example.com')"
CRM_TOKEN_LOJA1=the-api-token run_program installed "$bin/crm_sync" --dry-run --verbose
assert_eq 0 "$rc" "dry run: $err"
# 5. The crontab: the packaged example copied; every job line (the
# commented ones too) has five valid time fields, runs a packaged program
# whose options parse, and logs into /var/log/crm-sync.
guide_has "install -m 640 -o root -g crm-sync /usr/share/doc/crm-sync/crontab.example /etc/crm-sync/crontab"
guide_has "crontab -u crm-sync /etc/crm-sync/crontab"
install -m 640 "$scratch/root/usr/share/doc/crm-sync/crontab.example" "$etc/crontab"
field='(\*|[0-9]+|\*/[0-9]+|[0-9]+-[0-9]+)'
jobs=0
while IFS= read -r line; do
  line=${line#\# }
  [[ $line =~ ^$field\ $field\ $field\ $field\ $field\ (.*)$ ]] || continue
  jobs=$((jobs + 1))
  command=${BASH_REMATCH[6]}
  command=${command#sleep 30; }
  [[ $command =~ ^(crm_[a-z_]+)(.*)\ \>\>\ /var/log/crm-sync/[a-z_0-9-]+\.log\ 2\>\&1$ ]] ||
    fail "crontab line does not log to /var/log/crm-sync/: $line"
  program=${BASH_REMATCH[1]}
  [[ -x $bin/$program ]] || fail "crontab runs $program, not in the package"
  # shellcheck disable=SC2086
  run_program installed "$bin/$program" ${BASH_REMATCH[2]} --help
  assert_eq 0 "$rc" "options of '$line': $err"
done <"$etc/crontab"
((jobs >= 8)) || fail "only $jobs job lines found in the crontab"
while IFS= read -r line; do
  [[ $line =~ ^[A-Z_]+= ]] || continue
  [[ $line =~ ^(MAILTO=\"\"|CRM_SYNC_CONFIG=/etc/crm-sync/crm-sync.conf)$ ]] || fail "unexpected variable line: $line"
done <"$etc/crontab"
grep -qx '# CRM_TOKEN_LOJA1=the-api-token' "$etc/crontab" || fail "the crontab shows no {\"env\": ...} token"
# Its crm_sync line, as cron would run it (the token from the crontab's
# environment: the fake CRM takes test-token, and refuses any other), and
# its metrics line into the node exporter's directory.
mkdir -p "$scratch/root/var/log/crm-sync" "$scratch/root/var/lib/prometheus/node-exporter"
CRM_TOKEN_LOJA1=test-token installed "$bin/crm_sync" >>"$scratch/root/var/log/crm-sync/crm_sync.log" 2>&1 ||
  fail "the crontab's crm_sync line: $(cat "$scratch/root/var/log/crm-sync/crm_sync.log")"
assert_match "$summary_re" "$(cat "$scratch/root/var/log/crm-sync/crm_sync.log")" "crm_sync's log line"
assert_eq 1 "${BASH_REMATCH[1]}" "the customer sent with the token from the environment"
grep -q '^\* \* \* \* \* crm_status --metrics-file /var/lib/prometheus/node-exporter/crm_sync.prom --quiet >> /var/log/crm-sync/crm_status.log 2>&1$' "$etc/crontab" ||
  fail "no metrics line into Debian's node exporter directory"
installed "$bin/crm_status" --metrics-file "$scratch/root/var/lib/prometheus/node-exporter/crm_sync.prom" --quiet \
  >>"$scratch/root/var/log/crm-sync/crm_status.log" 2>&1 || fail "the crontab's crm_status line"
grep -qx 'crm_sync_up 1' "$scratch/root/var/lib/prometheus/node-exporter/crm_sync.prom" || fail "metrics file"
# 6. The directory the guide makes writable is the one the crontab writes to.
guide_has "dpkg-statoverride --update --add root crm-sync 775 /var/lib/prometheus/node-exporter"
