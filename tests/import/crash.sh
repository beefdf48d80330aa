#!/usr/bin/env bash
# crash.sh: kill scamdex-import (SIGKILL) at chosen events during a
# generated import (inside a commit, just after one, while a batch waits
# in its spill file; tests/import/killshim.c); after every kill the
# database must verify and hold exactly what was committed, and finishing
# the import must give exactly the summaries of a clean import.
#   crash.sh IMPORT GEN IMPTOOL KILLSHIM [KILLS] [SEED]
set -u
import=$(realpath "$1") gen=$(realpath "$2") imptool=$(realpath "$3") shim=$(realpath "$4")
kills=${5:-20} seed=${6:-20261128}
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

# the clean import
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
# back as duplicates, whose batches commit nothing) and is killed by
# tests/import/killshim.c at an event, not a time: inside its K-th commit
# (before the data is synced, or after it and before the meta page), or
# just after its K-th commit. Batches are --batch 256 rows in file order,
# every row a new report, so a run that committed C batches adds exactly
# 256*C reports: after every kill the database holds what was committed
# before it, and nothing of the commit it interrupted.
RANDOM=$seed
total() { "$imptool" stats "$1" 2>/dev/null | awk '$1 == "total" && $2 == "reports" { print $3 }'; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
killed_db() { # killed_db DB EVENT:K LOG ARGS...: the import, killed at EVENT:K
	local db=$1 at=$2 log=$3
	shift 3
	rm -f "$log"
	# (in a subshell: the shell's "Killed" goes to /dev/null too)
	(SDX_KILL_AT=$at SDX_KILL_LOG=$log LD_PRELOAD=$shim \
		"$import" --db "$db" --create --quiet "$@"
	:) 2>/dev/null
}
before=0 inside=0
for i in $(seq 1 "$kills"); do
	# three kills of four inside a commit, one just after; the first one
	# after a commit, so that every kill finds committed rows
	r=$((RANDOM % 4)) k=$((RANDOM % 3 + 1))
	if [ "$i" -eq 1 ] || [ $r -eq 3 ]; then
		event=after k=$(((k + 1) / 2)) c=$k
		what="killed after commit $k"
	else
		[ $r -eq 0 ] && event=data || event=synced
		[ "$before" -gt 0 ] || [ $k -gt 1 ] || k=2
		c=$((k - 1))
		if [ $event = data ]; then
			what="killed before the data of commit $k"
		else
			what="killed after the data of commit, before its meta page, $k"
		fi
	fi
	want=$((before + 256 * c))
	[ $want -le "$reports" ] || want=$reports
	killed_db "$tmp/killed" "$event:$k" "$tmp/kill.log" --batch 256 "$tmp/import.csv"
	got=$(cat "$tmp/kill.log" 2>/dev/null)
	problems=()
	[ "$got" = "$what" ] || problems+=("the kill: '$got', expected '$what'")
	if ! "$imptool" verify "$tmp/killed" >"$tmp/verify" 2>&1; then
		problems+=("verify: $(head -c 300 "$tmp/verify" | tr '\n' ' ')")
	fi
	now=$(total "$tmp/killed")
	[ "${now:-0}" -gt 0 ] || problems+=("no committed rows")
	[ "${now:-x}" = "$want" ] || problems+=("$now reports, expected $want ($before before, $c commits of 256)")
	[ $event = after ] || inside=$((inside + 1))
	if [ ${#problems[@]} -eq 0 ]; then
		ok "kill $i, $event:$k ($what): verify passes, $now reports committed ($before before)"
	else
		printf '%s\n' "${problems[@]}" >"$tmp/problems"
		not_ok "kill $i, $event:$k" "$tmp/problems"
	fi
	before=${now:-$before}
done
if [ $((inside * 2)) -gt "$kills" ]; then
	ok "$inside of $kills kills interrupted a commit in progress"
else
	not_ok "only $inside of $kills kills interrupted a commit in progress"
fi

# a kill while a batch's reports wait in the spill file (a batch's
# encoded reports past 16 MiB go to an unlinked file until its commit):
# the database keeps what was committed before, and nothing else is left
# in its directory
mkdir -p "$tmp/big"
"$gen" --n 200000 --seed "$seed" --out "$tmp/big" >/dev/null || { echo "Bail out! scamdex-gen --n 200000 failed"; exit 1; }
head -n 1001 "$tmp/big/import.csv" >"$tmp/big/first.csv"
"$import" --db "$tmp/spilled" --create --batch 256 --quiet "$tmp/big/first.csv" 2>/dev/null
first=$(total "$tmp/spilled")
for k in 1 2; do
	killed_db "$tmp/spilled" "spill:$k" "$tmp/kill.log" --batch 120000 "$tmp/big/import.csv"
	got=$(cat "$tmp/kill.log" 2>/dev/null)
	problems=()
	[ "$got" = "killed at spill write $k" ] || problems+=("the kill: '$got', expected 'killed at spill write $k'")
	"$imptool" verify "$tmp/spilled" >"$tmp/verify" 2>&1 || problems+=("verify: $(head -c 300 "$tmp/verify" | tr '\n' ' ')")
	now=$(total "$tmp/spilled")
	[ "${first:-0}" -gt 0 ] && [ "${now:-x}" = "$first" ] || problems+=("$now reports, expected the $first committed before")
	left=$(ls "$tmp/spilled" | tr '\n' ' ')
	[ "$left" = "data.mdb lock.mdb " ] || problems+=("left in the directory: $left")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "kill at spill write $k: verify passes, the $first reports committed before are there, nothing else"
	else
		printf '%s\n' "${problems[@]}" >"$tmp/problems"
		not_ok "kill at spill write $k" "$tmp/problems"
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
