#!/usr/bin/env bash
# catalogue-marker.sh: catalogue.sh on a manifest of its own. A case with a
# "bug:" marker whose outcome is not the one written fails (it used to be
# reported as "ok # SKIP known", i.e. as not failing); a case that holds
# passes; the script's exit status says whether anything failed.
set -uo pipefail
src=${SOURCE_ROOT:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/catalogue-marker.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
check() { # check WHAT EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '# expected: %s\n# got:      %s\n' "$2" "$3"
		bad=1
	fi
}
cat >"$tmp/MANIFEST" <<'M'
# a reported phone: exit 1, not 0 as this case says
- | scamdex --db $DB check 038.555.1234 | 0 | - | same | bug: a pretend bug
- | scamdex --db $DB check 038.555.1234 | 1 | - | same
- | scamdex --db $DB check 038.555.1234 | 1 | - | same | bug: fixed already
M
CATALOGUE_MANIFEST=$tmp/MANIFEST bash "$src/tests/hardening/catalogue.sh" >"$tmp/out" 2>"$tmp/err"
check "catalogue.sh exits 1 when a marked case fails" 1 "$?"
check "the marked case that fails is 'not ok', naming the bug" \
	"not ok 1 - -: scamdex --db \$DB check 038.555.1234 (known bug: a pretend bug)" "$(grep '^not ok 1 ' "$tmp/out")"
check "no case is a SKIP" 0 "$(grep -ci 'skip' "$tmp/out")"
check "the case that holds is ok" "ok 2 - -: scamdex --db \$DB check 038.555.1234 -> 1" "$(grep '^ok 2 ' "$tmp/out")"
check "a marked case that holds is ok and says so" \
	"ok 3 - -: scamdex --db \$DB check 038.555.1234 -> 1 (the known bug is fixed: drop the marker 'bug: fixed already')" \
	"$(grep '^ok 3 ' "$tmp/out")"
check "then verify, and the plan" "1..4" "$(tail -n 1 "$tmp/out")"
echo "1..$n"
exit $bad
