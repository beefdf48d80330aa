#!/usr/bin/env bash
# summarize.sh: tests/ci/summarize.py on made-up meson test logs (TAP).
# Skips are counted apart, a crash after the last "ok" is a failure, a
# Criterion TAP line is a case, and merging runs counts a case once.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/summarize.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
check() { # check WHAT EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "# expected '$2', got '$3'"
		bad=1
	fi
}
log() { # log NAME RESULT RC STDOUT
	python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "result": sys.argv[2], "returncode": int(sys.argv[3]), "stdout": sys.argv[4]}))' "$@"
}
sum() { python3 "$here/summarize.py" "$@"; }

{
	log "shell" OK 0 $'ok 1 - a\nok 2 - b # SKIP no tool\nnot ok 3 - c\nok 4 - d # skip lower case\n1..4'
	log "criterion" FAIL 1 $'TAP version 13\n1..3\nok - s::a  (0.01s)\nok - s::b  # SKIP root ignores permissions\nnot ok - s::c  (0.00s)\n  ---\n  ...'
	log "crashed" FAIL 134 $'ok 1 - first\n'
	log "exit77" SKIP 77 'no /dev/full here'
	log "mute77" SKIP 77 ''
	log "tapnoreason" OK 0 $'ok 1 - x # SKIP\n1..1'
	log "planskip" SKIP 0 $'1..0 # SKIP no database'
	log "plain" OK 0 'no tap here'
	log "timeout" TIMEOUT -15 ''
} >"$tmp/a.json"
check "collect counts passed, failed, skipped" "4 6 5" "$(sum collect "$tmp/a.json" "$tmp/a.tsv")"
check "a skip keeps its reason" "skip	shell :: 2	no tool" "$(grep -F 'shell :: 2' "$tmp/a.tsv")"
check "a Criterion skip keeps its reason" "skip	criterion :: s::b	root ignores permissions" \
	"$(grep -F 's::b' "$tmp/a.tsv")"
check "a crash after the last ok is a failed case" "fail	crashed :: exit	FAIL, exit status 134" \
	"$(grep -F 'crashed :: exit' "$tmp/a.tsv")"
check "an exit-77 skip gives its output as the reason" "skip	exit77	no /dev/full here" "$(grep -F exit77 "$tmp/a.tsv")"
check "an exit-77 skip that says nothing is a failure" "fail	mute77	skipped (exit status 77) without a reason" "$(grep -F mute77 "$tmp/a.tsv")"
check "a TAP skip without a reason is a failure" "fail	tapnoreason :: 1	skipped without a reason" "$(grep -F tapnoreason "$tmp/a.tsv")"
check "a plan skip keeps its reason" "skip	planskip	no database" "$(grep -F planskip "$tmp/a.tsv")"
check "no TAP and OK is one passed case" "pass	plain	" "$(grep -F plain "$tmp/a.tsv")"

{
	log "shell" OK 0 $'ok 1 - a\nok 2 - b\nok 3 - c\nok 4 - d # SKIP still\n1..4'
	log "other" OK 0 $'ok 1 - only here'
} >"$tmp/b.json"
check "second run" "4 0 1" "$(sum collect "$tmp/b.json" "$tmp/b.tsv")"
# shell 1 and 2 pass (2 skipped in one run only), 3 fails (failed in one),
# 4 skip; the rest of a.tsv as it was; other :: 1 pass
check "merged runs count each case once" "6 6 4" "$(sum count "$tmp/a.tsv" "$tmp/b.tsv")"
check "a file merged with itself counts as itself" "4 6 5" "$(sum count "$tmp/a.tsv" "$tmp/a.tsv")"

echo "1..$n"
exit $bad
