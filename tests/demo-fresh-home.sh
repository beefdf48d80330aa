#!/usr/bin/env bash
# demo-fresh-home.sh: the README's first command on a fresh system: the
# demo script with a HOME that has no ~/.local/share yet (the default
# database's parents must be created), run twice (the second run changes
# nothing). TAP. Environment: SOURCE_ROOT, BUILD_ROOT.
set -u
src=${SOURCE_ROOT:?}
build=${BUILD_ROOT:?}
home=$(mktemp -d "${TMPDIR:-/tmp}/sdx-demo-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
export PATH="$build/cli:$build/tools/import:$build/tools/sync:$PATH"
unset SCAMDEX_DB XDG_DATA_HOME
export HOME=$home NO_COLOR=1
n=0 failed=0
check() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=1; fi
}
out=$(bash "$src/fixtures/demo/demo.sh" 2>&1)
check "demo runs in a HOME without ~/.local/share (exit $?)" $?
[ -f "$home/.local/share/scamdex/data.mdb" ]
check "the default database is created under ~/.local/share/scamdex" $?
grep -q '^REPORTED  +84385551234  phone  grade very high  14 reports by 6 agencies' <<<"$out"
check "the caller: REPORTED, very high, 14 reports by 6 agencies" $?
grep -q '^OFFICIAL  +84795555373' <<<"$out"
check "the hotline: OFFICIAL" $?
grep -q '^RETRACTED +84905557777' <<<"$out"
check "the retracted number: RETRACTED" $?
again=$(bash "$src/fixtures/demo/demo.sh" 2>&1)
check "a second run succeeds" $?
[ "$(grep -c '' <<<"$again")" -eq "$(grep -c '' <<<"$out")" ] &&
	grep -q '^REPORTED  +84385551234  phone  grade very high  14 reports by 6 agencies' <<<"$again"
check "and says the same (imports are idempotent)" $?
echo "1..$n"
exit $failed
