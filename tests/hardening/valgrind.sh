#!/usr/bin/env bash
# valgrind.sh BUILD: the main paths of scamdex, scamdex-import and
# scamdex-sync under valgrind memcheck: any memory error or definite /
# indirect leak fails the step (--error-exitcode). Run by `./run valgrind`.
# Each step prints "ok"/"FAIL" and the valgrind log of a failure; exits 1
# if any step failed.
set -uo pipefail
build=$(cd "${1:?usage: valgrind.sh BUILD}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }
export PATH="$build/cli:$build/tools/import:$build/tools/sync:$PATH"
export SCAMDEX_TODAY=2026-11-28 NO_COLOR=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdx-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=$tmp/db
db2=$tmp/db2
export SCAMDEX_DB=$db

vg=(valgrind -q --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--suppressions="$src/tests/hardening/valgrind.supp" --num-callers=30)
steps=0
failed=0

# step NAME [<FILE] CMD...: run CMD under valgrind; CMD's own exit status
# may be 0..3 (a refused input is a path too); 99 (a valgrind error) or a
# signal is a failure. The status is printed for the record.
step() {
	local name=$1 in=/dev/null
	shift
	if [ "${1:0:1}" = "<" ]; then in=${1:1}; shift; fi
	steps=$((steps + 1))
	"${vg[@]}" --log-file="$tmp/vg.log" "$@" <"$in" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -le 3 ] && [ ! -s "$tmp/vg.log" ]; then
		echo "ok $steps - $name (exit $rc)"
	else
		failed=$((failed + 1))
		echo "FAIL $steps - $name (exit $rc)"
		sed 's/^/    /' "$tmp/vg.log" | head -60
		head -c 500 "$tmp/err" | sed 's/^/    stderr: /'
	fi
}

demo=$src/fixtures/demo/reports.csv
head -n 60 "$demo" >"$tmp/part.csv"
python3 - "$demo" "$tmp/part.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[60:90]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({k: v for k, v in r.items() if v}, ensure_ascii=False) + "\n")
PY
printf '038.555.1234\nVCB 1012 555 888\n@thamtu_hoangnam\nnot an identifier\n0795 55\n' >"$tmp/ids.txt"

step "normalize (arguments and stdin)" scamdex normalize 079.555.5373 "VCB 0011 0040 12345" t.me/Some_User https://Vietcombank-Xac-Thuc.com/login "DE89 3704 0044 0532 0130 00"
step "normalize --json from stdin" "<$tmp/ids.txt" scamdex normalize --json
# offices first: the office id is set before the first operation
step "sync init" scamdex-sync --db "$db" init --office HN-PA05 --role police
pub=$(cat "$tmp/out")
step "sync init (peer)" scamdex-sync --db "$db2" init --office HCM-PA05 --role police
pub2=$(cat "$tmp/out")
step "import CSV" scamdex-import --db "$db" --create "$tmp/part.csv"
step "import JSONL" scamdex-import --db "$db" --create "$tmp/part.jsonl"
step "import the same CSV again (duplicates)" scamdex-import --db "$db" --create "$tmp/part.csv"
step "import a hostile CSV (rejects)" scamdex-import --db "$db" --create "$src/fixtures/bad/bad-csv-unbalanced-quote.csv"
step "check (arguments)" scamdex --db "$db" check 038.555.1234 "VCB 1012 555 888"
step "check --json (stdin batch)" "<$tmp/ids.txt" scamdex --db "$db" check --json
step "check --csv --kind account" scamdex --db "$db" check --csv --kind account 1012555888
step "show --json" scamdex --db "$db" show --json 038.555.1234
step "links --dot" scamdex --db "$db" links --dot --depth 3 038.555.1234
step "stats --json" scamdex --db "$db" stats --json
step "report" scamdex --db "$db" report --phone 0795550177 --agency 'PA05 - Công an tỉnh Kon Tum' \
	--case-ref 9200/CAT-PA05 --incident-date 2026-11-20 --category extortion --channel zalo --amount 5.000.000
id=$(sed -n 's/^added \([0-9a-f]\{32\}\).*/\1/p' "$tmp/out" | head -1)
if [ -n "$id" ]; then
	step "dispute" scamdex --db "$db" dispute "$id" --note "the owner objects"
	step "resolve" scamdex --db "$db" resolve "$id" --note "confirmed"
	step "retract" scamdex --db "$db" retract "$id" --reason "wrong number"
else
	echo "FAIL - report printed no id: $(head -c 200 "$tmp/out")"
	failed=$((failed + 1))
fi
step "allow" scamdex --db "$db" allow --kind phone "1900 545413" --note "Vietcombank hotline"
step "disallow" scamdex --db "$db" disallow --kind phone "1900 545413" --note "test"
step "verify" scamdex --db "$db" verify
step "sync trust add" scamdex-sync --db "$db2" trust add $pub --role police
step "sync trust add (back)" scamdex-sync --db "$db" trust add $pub2 --role police
step "sync export" scamdex-sync --db "$db" export --to HCM-PA05 --audience police -o "$tmp/b1.bundle"
step "sync import" scamdex-sync --db "$db2" import "$tmp/b1.bundle"
step "sync import again (replay)" scamdex-sync --db "$db2" import "$tmp/b1.bundle"
head -c 200 "$tmp/b1.bundle" >"$tmp/trunc.bundle" 2>/dev/null
step "sync import a truncated bundle (refused)" scamdex-sync --db "$db2" import "$tmp/trunc.bundle"
step "sync status" scamdex-sync --db "$db2" status
step "verify the peer" scamdex --db "$db2" verify

echo "valgrind: $steps steps, $failed failed"
[ $failed -eq 0 ]
