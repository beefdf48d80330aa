#!/usr/bin/env bash
# run.sh: golden end-to-end tests of the scamdex CLI (TAP).
#   run.sh [--regen] SCAMDEX CASES_DIR FIXTURES_DIR [SCAMDEX_IMPORT DEMO_DIR]
# Builds a database from FIXTURES_DIR/reports.jsonl with 'scamdex report
# --json -' (one report per line), marks an official number, retracts and
# disputes a report, disputes and resolves another, then runs every case in
# CASES_DIR (in name order).
# A case is a directory:
#   args    the arguments, one per line (@TMP@ = the temp dir, @R1@.. =
#           the fixture reports' ids, @R1:8@.. their first 8 hex digits)
#   stdin   standard input (optional; default empty)
#   env     extra NAME=value lines (optional; "-NAME" unsets NAME)
#   out     expected standard output      (@TMP@ for the temp dir)
#   err     expected standard error       (optional: default empty)
#   status  expected exit status
# --regen (./run regen-goldens) rewrites out, err and status from what the
# binary does, says which changed, and runs nothing else; review them with
# git diff. Nothing in the environment turns that on: a test run never
# rewrites a golden file.
set -u
regen=0
if [ "${1:-}" = --regen ]; then
	regen=1
	shift
fi
scamdex=$1 cases=$2 fixtures=$3 import=${4:-} demo=${5:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SCAMDEX_DB=$tmp/db SCAMDEX_TODAY=${SCAMDEX_TODAY:-2026-11-28} NO_COLOR=1
# text output follows the locale: English unless a case's env says vi
unset LC_ALL LC_MESSAGES LANG
n=0 failed=0 regenerated=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# ---- the database ----
ids=()
setup_ok=1
while IFS= read -r line; do
	out=$(printf '%s\n' "$line" | "$scamdex" report --json - 2>&1) || {
		echo "# setup: report failed: $out"
		setup_ok=0
	}
	ids+=("${out#* }")
	ids[-1]=${ids[-1]%% *}
done <"$fixtures/reports.jsonl"
"$scamdex" allow 079.555.5373 --note "PA05 Kon Tum public hotline" \
	--by "PA05 - Công an tỉnh Kon Tum" >/dev/null || setup_ok=0
"$scamdex" retract "${ids[3]}" --reason "the link belongs to a real bank campaign" \
	--by Vietcombank --date 2026-10-20 >/dev/null || setup_ok=0
"$scamdex" dispute "${ids[5]}" --note "account holder says it was sold to him" \
	--by Techcombank --date 2026-11-25 >/dev/null || setup_ok=0
# a dispute resolved by the report's origin: history in show
"$scamdex" dispute "${ids[2]}" --note "the owner says the SIM was stolen" \
	--by "Viettel" --date 2026-11-10 >/dev/null || setup_ok=0
"$scamdex" resolve "${ids[2]}" --note "calls from it went on after the theft" \
	--by "PA05 - Công an TP Hà Nội" --date 2026-11-12 >/dev/null || setup_ok=0
if [ $setup_ok = 1 ]; then ok "setup: database from fixtures"; else not_ok "setup: database from fixtures"; fi

subst() { # the temp dir and report ids into a case's text
	local s=$1 i
	s=${s//@TMP@/$tmp}
	for i in "${!ids[@]}"; do
		s=${s//@R$((i + 1))@/${ids[$i]}}
		s=${s//@R$((i + 1)):8@/${ids[$i]:0:8}}
	done
	printf '%s' "$s"
}

# ---- the cases ----
for dir in "$cases"/*/; do
	name=$(basename "$dir")
	args=()
	while IFS= read -r a; do args+=("$(subst "$a")"); done <"$dir/args"
	envs=()
	if [ -f "$dir/env" ]; then
		while IFS= read -r e; do
			case $e in
			-*) envs+=(-u "${e#-}") ;;
			*) envs+=("$(subst "$e")") ;;
			esac
		done <"$dir/env"
	fi
	stdin=/dev/null
	[ -f "$dir/stdin" ] && stdin=$dir/stdin
	env "${envs[@]}" "$scamdex" "${args[@]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	status=$?
	sed -i "s|$tmp|@TMP@|g" "$tmp/out" "$tmp/err"
	if [ $regen = 1 ]; then
		before=$(cat "$dir/out" "$dir/err" "$dir/status" 2>/dev/null | md5sum)
		cp "$tmp/out" "$dir/out"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$dir/err"; else rm -f "$dir/err"; fi
		echo $status >"$dir/status"
		if [ "$before" != "$(cat "$dir/out" "$dir/err" "$dir/status" 2>/dev/null | md5sum)" ]; then
			echo "regenerated: $name"
			regenerated=$((regenerated + 1))
		fi
		continue
	fi
	want_err=/dev/null
	[ -f "$dir/err" ] && want_err=$dir/err
	want_status=$(cat "$dir/status")
	if [ "$status" = "$want_status" ] && cmp -s "$tmp/out" "$dir/out" &&
		cmp -s "$tmp/err" "$want_err"; then
		ok "$name"
	else
		not_ok "$name"
		echo "#   status $status, expected $want_status"
		diff -u "$dir/out" "$tmp/out" | sed 's/^/#   /' | head -40
		diff -u "$want_err" "$tmp/err" | sed 's/^/#   /' | head -20
	fi
done

if [ $regen = 1 ]; then
	echo "$regenerated of $(ls -d "$cases"/*/ | wc -l) cases changed"
	[ $setup_ok = 1 ]
	exit
fi

# ---- beyond golden files ----
# a write error on standard output at exit is status 3
"$scamdex" --help >/dev/full 2>/dev/null
if [ $? = 3 ]; then ok "write error to /dev/full: status 3"; else not_ok "write error to /dev/full: status 3"; fi
"$scamdex" check 038.555.1234 >/dev/full 2>/dev/null
if [ $? = 3 ]; then ok "check to /dev/full: status 3"; else not_ok "check to /dev/full: status 3"; fi

# colour: only on a terminal (script(1) gives one), never with NO_COLOR
if command -v script >/dev/null; then
	env -u NO_COLOR SCAMDEX_BIN=$scamdex script -qec '"$SCAMDEX_BIN" check 038.555.1234' /dev/null >"$tmp/tty" 2>&1
	if grep -q $'\033\\[' "$tmp/tty"; then ok "colour on a terminal"; else not_ok "colour on a terminal"; fi
	NO_COLOR=1 SCAMDEX_BIN=$scamdex script -qec '"$SCAMDEX_BIN" check 038.555.1234' /dev/null >"$tmp/tty" 2>&1
	if grep -q $'\033' "$tmp/tty" || ! grep -q REPORTED "$tmp/tty"; then
		not_ok "NO_COLOR on a terminal: no escape sequences"
	else
		ok "NO_COLOR on a terminal: no escape sequences"
	fi
else
	echo "ok $((n += 1)) - colour on a terminal # SKIP script(1) not installed"
	echo "ok $((n += 1)) - NO_COLOR on a terminal # SKIP script(1) not installed"
fi

# links --dot renders with Graphviz
if command -v dot >/dev/null; then
	if "$scamdex" links --dot 038.555.1234 >"$tmp/g.dot" &&
		dot -Tsvg "$tmp/g.dot" >"$tmp/g.svg" 2>"$tmp/dot.err" &&
		grep -q '<svg' "$tmp/g.svg" && [ ! -s "$tmp/dot.err" ]; then
		ok "links --dot renders with dot -Tsvg"
	else
		not_ok "links --dot renders with dot -Tsvg"
		sed 's/^/#   /' "$tmp/dot.err"
	fi
else
	echo "ok $((n += 1)) - links --dot renders # SKIP dot not installed"
fi

# the demo case (fixtures/demo, loaded by scamdex-import): the network
# around the deepfake caller renders with Graphviz
if [ -n "$import" ] && [ -x "$import" ] && [ -f "$demo/reports.csv" ] && command -v dot >/dev/null; then
	"$import" --db "$tmp/demo" --create --origin demo --quiet "$demo/reports.csv" >/dev/null 2>&1
	st=$?
	if [ $st -le 1 ] &&
		"$scamdex" --db "$tmp/demo" links --kind phone --dot 038.555.1234 >"$tmp/demo.dot" &&
		dot -Tsvg "$tmp/demo.dot" >"$tmp/demo.svg" 2>"$tmp/dot.err" &&
		grep -q '<svg' "$tmp/demo.svg" && [ ! -s "$tmp/dot.err" ] &&
		[ "$(grep -c -- ' -- ' "$tmp/demo.dot")" -ge 3 ]; then
		ok "demo: links --dot 038.555.1234 renders with dot -Tsvg ($(grep -c -- ' -- ' "$tmp/demo.dot") edges)"
	else
		not_ok "demo: links --dot 038.555.1234 renders with dot -Tsvg (import status $st)"
		sed 's/^/#   /' "$tmp/dot.err"
	fi
else
	echo "ok $((n += 1)) - demo links --dot renders # SKIP scamdex-import, demo data or dot missing"
fi

# stats pads keys by display width (utf8proc_charwidth): a decomposed
# "Công" (a combining mark: no column) and CJK (two columns a character)
nfd=$(printf 'Co\xcc\x82ng an X') wide='警察 Y'
for a in "$nfd" "$wide"; do
	"$scamdex" --db "$tmp/wide" report --phone 0385551234 --agency "$a" --case-ref "1/$RANDOM" \
		--incident-date 2026-11-20 --category extortion >/dev/null
done
printf '  %s%31s %10s\n  %s%34s %10s\n' "$nfd" "" 1 "$wide" "" 1 >"$tmp/wide.want"
"$scamdex" --db "$tmp/wide" stats | grep -A2 '^agency$' | tail -n 2 >"$tmp/wide.got"
if cmp -s "$tmp/wide.want" "$tmp/wide.got"; then
	ok "stats pads agency names by display width (combining marks 0, CJK 2 columns)"
else
	not_ok "stats pads agency names by display width"
	diff "$tmp/wide.want" "$tmp/wide.got" | sed 's/^/#   /'
fi

# check --csv: one row per reading, the parent domain that answered in
# the via column (a host under a reported domain, and a bare number that
# is a phone and an account)
"$scamdex" --db "$tmp/via" report --url https://evil-csv.com/login --phone 0912000222 \
	--agency "PA05 - Công an tỉnh Kon Tum" --incident-date 2026-11-20 --category phishing >/dev/null
cat >"$tmp/via.want" <<'WANT'
input,kind,canonical,verdict,grade,reports,retracted,agencies,categories,first_seen,last_seen,last_3d,last_30d,last_6m,confirmation,disputed,error,reading,via,categories_vi
https://a.login.evil-csv.com/x,domain,a.login.evil-csv.com,reported,medium,1,0,1,phishing,2026-11-20,2026-11-20,0,1,1,reported,0,,1,evil-csv.com,Lừa đảo qua đường link giả mạo
0912000222,phone,+84912000222,reported,medium,1,0,1,phishing,2026-11-20,2026-11-20,0,1,1,reported,0,,1,,Lừa đảo qua đường link giả mạo
0912000222,account,0912000222,unknown,none,0,0,0,,,,0,0,0,,0,,2,,
WANT
printf 'https://a.login.evil-csv.com/x\n0912000222\n' | "$scamdex" --db "$tmp/via" check --csv >"$tmp/via.got"
st=$?
if [ $st = 1 ] && cmp -s "$tmp/via.want" "$tmp/via.got"; then
	ok "check --csv: a row per reading, the parent domain in via"
else
	not_ok "check --csv: a row per reading, the parent domain in via (status $st)"
	diff "$tmp/via.want" "$tmp/via.got" | sed 's/^/#   /'
fi

# a batch of 20,000 lines with invalid ones in the middle: one answer per
# non-blank line, in order, and status 2
for i in $(seq 1 10000); do printf '0912%06d\n%s\n' "$i" "not-a-number-$i"; done >"$tmp/batch"
"$scamdex" check --kind phone --json <"$tmp/batch" >"$tmp/batch.out"
st=$?
lines=$(wc -l <"$tmp/batch.out")
errs=$(grep -c '"error"' "$tmp/batch.out")
if [ $st = 2 ] && [ "$lines" = 20000 ] && [ "$errs" = 10000 ]; then
	ok "batch of 20000 with invalid lines: 20000 answers, 10000 errors, status 2"
else
	not_ok "batch of 20000 with invalid lines (status $st, $lines lines, $errs errors)"
fi

echo "1..$n"
[ $failed = 0 ]
