#!/usr/bin/env bash
# crash.sh SCAMDEX-SYNC SCAMDEX SCAMDEX-IMPORT SCAMDEX-GEN [SEED]: the crash
# safety of scamdex-sync import (TAP). A bundle of 2000 operations is
# imported in transactions of 40 (SCAMDEX_TEST_IMPORT_BATCH, a test-only
# setting), killed with SIGKILL at seeded random instants again and
# again (up to 40 times), then imported once more to the end: the database must end
# exactly as after an uninterrupted import (status with every
# fingerprint and the peer's vector, stats, verify), and some kills must
# have landed after a commit (the database changed between two kills),
# else the test proves nothing and fails.
set -u
S=$(realpath "$1")
X=$(realpath "$2")
I=$(realpath "$3")
G=$(realpath "$4")
SEED=${5:-20261207}
T=$(mktemp -d /tmp/sdx-sync-crash-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
export SCAMDEX_TEST_IMPORT_BATCH=40

"$S" --db a init --office HN-PA05 --role police >a.pub || exit 1
"$S" --db b init --office HCM-PA05 --role police >b.pub || exit 1
"$S" --db a trust add $(cat b.pub) --role police || exit 1
"$S" --db b trust add $(cat a.pub) --role police || exit 1
"$G" --reports 2000 --seed 7 -o g.csv && "$I" --db a --quiet g.csv >/dev/null 2>&1 || exit 1
"$S" --db a export --to HCM-PA05 -o ab.sdxb 2>/dev/null || exit 1
cp -a b ref
cp -a b crash

# state DIR: everything an import changes, as text
state() {
	"$S" --db "$1" status
	"$X" --db "$1" stats
	"$X" --db "$1" verify 2>&1
	echo "verify status $?"
}

start=$(date +%s%N)
"$S" --db ref import ab.sdxb >ref.out 2>&1
st=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $st = 0 ] && [ "$(cat ref.out)" = "ab.sdxb: from HN-PA05: 2000 operations: 2000 applied (0 redacted), 0 already held, 0 skipped" ] &&
	ok "uninterrupted import ($ms ms)" || { nok "uninterrupted import"; cat ref.out | sed 's/^/# /'; }
state ref >ref.state
grep -q '^origin HN-PA05 seq 2000 ' ref.state && grep -q '^verify status 0$' ref.state &&
	ok "the reference holds 2000 operations and verifies" || nok "the reference holds 2000 operations and verifies"

# Kill at seeded instants in the first sixth of an uninterrupted
# import's duration: each run gets a few transactions further (its first
# pass, the verification, takes the first few percent of the time). The
# window widens by a sixth after each kill that changed nothing (and
# falls back halfway after one that changed something): on a
# loaded machine a run can be slower than the reference, and every kill
# would land in the verification pass, which writes nothing.
RANDOM=$SEED
kills=0 changed=0 partial=0 finished=0 still=0
prev=$(state crash)
# Up to 40 kills, stopping once 8 kills changed the database 3 times (on
# a loaded machine more kills land in the verification pass).
for i in $(seq 1 40); do
	"$S" --db crash import ab.sdxb >/dev/null 2>&1 &
	pid=$!
	d=$((RANDOM % (ms * (1 + still) / 6 + 1)))
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		kills=$((kills + 1))
	else
		# it finished before its kill (a fast run on a quiet
		# machine, or a window grown too wide): start over from the
		# database before the import, the window back to the start
		wait "$pid"
		finished=$((finished + 1)) still=0
		rm -rf crash && cp -a b crash
		prev=$(state crash)
		[ "$finished" -ge 3 ] && break
		continue
	fi
	now=$(state crash)
	if [ "$now" != "$prev" ]; then
		changed=$((changed + 1)) still=$((still / 2))
	else
		still=$((still + 1))
	fi
	held=$(echo "$now" | sed -n 's/^origin HN-PA05 seq \([0-9]*\) .*/\1/p')
	if [ -n "$held" ] && [ "$held" -gt 0 ] && [ "$held" -lt 2000 ]; then
		partial=$((partial + 1))
		# what committed is a verified prefix, and verifies
		echo "$now" | grep -q '^verify status 0$' || nok "a killed import left a database that does not verify"
	fi
	prev=$now
	[ "$kills" -ge 8 ] && [ "$changed" -ge 3 ] && break
done
echo "# $kills kills, $finished finished first, $changed changed the database, $partial left part of the bundle"
[ "$kills" -ge 6 ] && ok "runs were killed ($kills kills)" || nok "runs were killed ($kills kills)"
[ "$changed" -ge 2 ] && [ "$partial" -ge 1 ] &&
	ok "kills landed after commits ($changed changes, $partial partial states)" ||
	nok "kills landed after commits ($changed changes, $partial partial states)"

"$S" --db crash import ab.sdxb >again.out 2>&1
st=$?
[ $st = 0 ] && ok "the import run again ends well" || { nok "the import run again ends well"; sed 's/^/# /' again.out; }
state crash >crash.state
if cmp -s ref.state crash.state; then
	ok "the same state as the uninterrupted import"
else
	nok "the same state as the uninterrupted import"
	diff ref.state crash.state | head -20 | sed 's/^/# /'
fi
"$S" --db crash import ab.sdxb >third.out 2>&1
[ "$(cat third.out)" = "ab.sdxb: from HN-PA05: 2000 operations: 0 applied (0 redacted), 2000 already held, 0 skipped; nothing new: an old or repeated bundle of HN-PA05" ] &&
	ok "a third import finds nothing new" || { nok "a third import finds nothing new"; sed 's/^/# /' third.out; }

echo "1..$n"
[ $fails = 0 ]
