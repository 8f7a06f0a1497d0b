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
            ./usr/share/doc/crm-sync/crontab.example ./usr/share/doc/crm-sync/OPERATIONS.md; do
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
