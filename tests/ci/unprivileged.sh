#!/usr/bin/env bash
# unprivileged.sh BUILD_ROOT: tests/ci/unprivileged.py runs again, as user
# nobody, a test that skipped a case for being root (store-db's
# db::read_only_directory), and the merged count turns that skip into a
# pass. As another user the suite already ran unprivileged: skipped.
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/unprivileged.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP not root: the suite itself ran unprivileged"
	exit 0
fi
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
id='scamdex:store / store-db :: db::read_only_directory'
printf 'pass\tscamdex:store / store-db :: db::open\t\nskip\t%s\troot ignores permissions\nskip\tscamdex / other :: 1\tno tool\n' "$id" >"$tmp/in.tsv"
python3 "$here/unprivileged.py" "$build" "$tmp/in.tsv" "$tmp/out.tsv" >"$tmp/counts" 2>"$tmp/err"
check "unprivileged.py exits 0" 0 "$?"
check "the case skipped as root passes as nobody" "pass	$id" "$(grep -F "$id" "$tmp/out.tsv" | cut -f1,2)"
check "a skip for another reason is not run again" "" "$(grep -F 'other' "$tmp/out.tsv")"
check "merged with the root run, only the other skip is left (failed 0, skipped 1)" "0 1" \
	"$(python3 "$here/summarize.py" count "$tmp/in.tsv" "$tmp/out.tsv" | cut -d' ' -f2,3)"
printf 'skip\tscamdex / no-such-test :: 1\tneeds a non-root user\n' >"$tmp/gone.tsv"
python3 "$here/unprivileged.py" "$build" "$tmp/gone.tsv" "$tmp/gone.out" >/dev/null 2>&1
check "a root skip whose test is not found is a failure" "fail" "$(cut -f1 "$tmp/gone.out")"
echo "1..$n"
exit $bad
