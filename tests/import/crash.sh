#!/usr/bin/env bash
# crash.sh: kill scamdex-import (SIGKILL) at seeded random moments during
# a generated import; after every kill the database must verify, and
# finishing the import must give exactly the summaries of a clean import.
#   crash.sh IMPORT GEN IMPTOOL [KILLS] [SEED]
set -u
import=$(realpath "$1") gen=$(realpath "$2") imptool=$(realpath "$3")
kills=${4:-20} seed=${5:-20261128}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-crash-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -n "${2:-}" ] && sed 's/^/# /' "$2" | head -20
	return 0
}
now_ms() { date +%s%3N; }

"$gen" --n 16000 --seed "$seed" --out "$tmp" >/dev/null || { echo "Bail out! scamdex-gen failed"; exit 1; }
awk -F'\t' '{ for (i = 2; i < NF; i++) print $i }' "$tmp/reports.tsv" | sort -u >"$tmp/all.keys"
reports=$(wc -l <"$tmp/reports.tsv")

# the clean import, timed to place the kills
t0=$(now_ms)
"$import" --db "$tmp/clean" --create --batch 256 --quiet "$tmp/import.csv" 2>"$tmp/err"
rc=$? t=$(($(now_ms) - t0))
[ $t -ge 20 ] || t=20
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/err")" = "read $reports = accepted $reports + duplicate 0 + rejected 0" ]; then
	ok "clean import of $reports reports in $t ms"
else not_ok "clean import" "$tmp/err"; fi
"$imptool" checks "$tmp/clean" "$tmp/all.keys" >"$tmp/clean.checks" 2>&1
"$imptool" stats "$tmp/clean" >"$tmp/clean.stats" 2>&1

# kills: each run starts the same import again (what is committed comes
# back as duplicates, much faster than new rows); the moment is drawn
# from [0, 2t/kills), so that the runs together do not finish the import
# (unless the load changes a lot) and the last run below has rows to add
RANDOM=$seed
span=$((2 * t / kills + 1))
for i in $(seq 1 "$kills"); do
	ms=$(((RANDOM * 32768 + RANDOM) % span))
	"$import" --db "$tmp/killed" --create --batch 256 --quiet "$tmp/import.csv" 2>/dev/null &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ ! -s "$tmp/killed/data.mdb" ]; then
		# killed before LMDB wrote its first page: nothing to verify
		# (a read-only open of an empty data.mdb is refused)
		ok "kill $i at $ms ms: no database yet"
	elif "$imptool" verify "$tmp/killed" >"$tmp/verify" 2>&1; then
		: >"$tmp/committed"
		ok "kill $i at $ms ms: verify passes"
	elif grep -q SDX_ENODB "$tmp/verify" && [ ! -e "$tmp/committed" ]; then
		# killed while creating it: still no database, nothing lost
		ok "kill $i at $ms ms: no database yet (killed while creating it)"
	else
		not_ok "kill $i at $ms ms: verify" "$tmp/verify"
	fi
done

# finish the import: every row is accepted or a duplicate
"$import" --db "$tmp/killed" --create --batch 256 --quiet "$tmp/import.csv" 2>"$tmp/err"
rc=$?
last=$(tail -n 1 "$tmp/err")
if [ $rc -eq 0 ] && [[ $last =~ ^read\ $reports\ =\ accepted\ ([0-9]+)\ \+\ duplicate\ ([0-9]+)\ \+\ rejected\ 0$ ]] &&
	[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) -eq "$reports" ]; then
	ok "resumed import: $last"
	# under a changing load the killed runs may have finished it all
	[ "${BASH_REMATCH[1]}" -gt 0 ] || echo "# note: the killed runs had imported every row"
else not_ok "resumed import" "$tmp/err"; fi
if "$imptool" verify "$tmp/killed" >"$tmp/verify" 2>&1; then ok "verify after the resumed import"; else not_ok "verify after resume" "$tmp/verify"; fi
"$imptool" checks "$tmp/killed" "$tmp/all.keys" >"$tmp/killed.checks" 2>&1
"$imptool" stats "$tmp/killed" >"$tmp/killed.stats" 2>&1
if diff -u "$tmp/clean.checks" "$tmp/killed.checks" >"$tmp/diff"; then
	ok "the summaries of all $(wc -l <"$tmp/all.keys") identifiers equal a clean import's"
else not_ok "summaries differ from a clean import" "$tmp/diff"; fi
if diff -u "$tmp/clean.stats" "$tmp/killed.stats" >"$tmp/diff"; then
	ok "the totals equal a clean import's"
else not_ok "totals differ from a clean import" "$tmp/diff"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
