#!/usr/bin/env bash
# regen.sh SCAMDEX CASES_DIR FIXTURES_DIR: golden files are rewritten only
# by run.sh --regen (./run regen-goldens), never by the environment. On a
# copy of two cases, one golden file made wrong: with CLI_REGEN=1 in the
# environment run.sh still fails that case and leaves the file as it was;
# run.sh --regen rewrites it, names it, and then the case passes.
set -uo pipefail
scamdex=$1 cases=$2 fixtures=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli-regen.XXXXXX")
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
mkdir "$tmp/cases"
cp -r "$cases/001-help" "$cases/006-version" "$tmp/cases/"
echo "not what scamdex --version prints" >"$tmp/cases/006-version/out"
# only the golden cases: run.sh's other checks are cli-golden's
golden() { bash "$here/run.sh" "$@" | grep -E '^(not )?ok [0-9]+ - (0|setup)'; }

CLI_REGEN=1 golden "$scamdex" "$tmp/cases" "$fixtures" >"$tmp/env.out"
check "CLI_REGEN=1: the wrong golden case still fails" "not ok 3 - 006-version" "$(grep 006 "$tmp/env.out")"
check "CLI_REGEN=1: the golden file is left as it was" "not what scamdex --version prints" \
	"$(cat "$tmp/cases/006-version/out")"

bash "$here/run.sh" --regen "$scamdex" "$tmp/cases" "$fixtures" >"$tmp/regen.out"
check "--regen exits 0" 0 "$?"
check "--regen names the case it changed, and only that one" "regenerated: 006-version|1 of 2 cases changed" \
	"$(grep -E '^regenerated|cases changed' "$tmp/regen.out" | paste -sd '|')"
check "--regen wrote what scamdex --version prints" "$("$scamdex" --version)" "$(cat "$tmp/cases/006-version/out")"
golden "$scamdex" "$tmp/cases" "$fixtures" >"$tmp/after.out"
check "then the case passes" "ok 3 - 006-version" "$(grep 006 "$tmp/after.out")"
echo "1..$n"
exit $bad
