#!/usr/bin/env bash
# test-mutate.sh: ./run mutate's own failure path (TAP). A mutant whose sed
# no longer changes its file (the line moved) must make the mutation check
# fail loudly, before anything is built: status 1, a line naming the
# mutant, "mutants: 0 caught, N missed". Runs tests/mutate/mutate.sh with
# MUTANTS_FILE; nothing is copied or built, so it takes a moment.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-test-mutate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# run NAME WANT_STATUS WANT_STDOUT WANT_STDERR: mutate.sh on $tmp/list
run() {
	MUTANTS_FILE=$tmp/list bash "$top/tests/mutate/mutate.sh" "$tmp/work" \
		>"$tmp/out" 2>"$tmp/err"
	local st=$?
	if [ "$st" = "$2" ] && [ "$(cat "$tmp/out")" = "$3" ] &&
		[ "$(cat "$tmp/err")" = "$4" ] && [ ! -e "$tmp/work/src" ]; then
		ok "$1"
	else
		not_ok "$1 (status $st, want $2)"
		sed 's/^/#   out: /' "$tmp/out"
		sed 's/^/#   err: /' "$tmp/err"
		[ -e "$tmp/work/src" ] && echo "#   the tree was copied"
	fi
}

# a mutant of the real list (it applies) and one whose line is gone
cat >"$tmp/list" <<'LIST'
# name|file|sed|tests
phone-keeps-trunk-0|core/normalize/phone.c|s/return national(\&dg, 1, "after the trunk prefix"/return national(\&dg, 0, "after the trunk prefix"/|normalize-phone
moved-line|core/normalize/phone.c|s/^\tthis line is not in phone.c$/\treturn 0;/|normalize-phone
LIST
run "a mutant whose line moved: status 1, named, nothing built" 1 \
	"mutants: 0 caught, 1 missed" \
	"mutant moved-line did not apply: the line it changes in core/normalize/phone.c moved
mutate: 1 of 2 mutants did not apply: fix the list in tests/mutate/mutate.sh; nothing was built"

cat >"$tmp/list" <<'LIST'
gone|core/normalize/no-such-file.c|s/a/b/|normalize-phone
moved-line|core/normalize/phone.c|s/^\tthis line is not in phone.c$/\treturn 0;/|normalize-phone
LIST
run "a missing file and a moved line: both named, status 1" 1 \
	"mutants: 0 caught, 2 missed" \
	"mutant gone did not apply: core/normalize/no-such-file.c does not exist
mutant moved-line did not apply: the line it changes in core/normalize/phone.c moved
mutate: 2 of 2 mutants did not apply: fix the list in tests/mutate/mutate.sh; nothing was built"

# a '|' inside the sed (here "|=") splits the entry: its sed fails
cat >"$tmp/list" <<'LIST'
split-sed|core/store/check.c|s/open |= 1u << w;/open += 0;/|store-recent
LIST
run "a mutant whose sed fails: status 1, named, nothing built" 1 \
	"mutants: 0 caught, 1 missed" \
	"mutant split-sed did not apply: its sed expression fails
mutate: 1 of 1 mutants did not apply: fix the list in tests/mutate/mutate.sh; nothing was built"

# every mutant of the real list still applies (else ./run mutate, in CI,
# would stop at its preflight)
MUTANTS_FILE= bash -c '
	top=$1
	eval "$(sed -n "/^mutants=(/,/^)/p" "$top/tests/mutate/mutate.sh")"
	for m in "${mutants[@]}"; do
		IFS="|" read -r name file expr _ <<<"$m"
		if ! changed=$(sed "$expr" "$top/$file" 2>/dev/null) ||
			[ "$changed" = "$(cat "$top/$file")" ]; then
			echo "$name"
		fi
	done' _ "$top" >"$tmp/stale"
if [ ! -s "$tmp/stale" ] && grep -q '^mutants=(' "$top/tests/mutate/mutate.sh"; then
	ok "every mutant of ./run mutate's list still applies"
else
	not_ok "every mutant of ./run mutate's list still applies"
	sed 's/^/#   did not apply: /' "$tmp/stale"
fi

echo "1..$n"
[ "$failed" = 0 ]
