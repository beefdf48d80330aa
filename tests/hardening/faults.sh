#!/usr/bin/env bash
# faults.sh: the database under faults. Prints TAP.
#  1. a read-only database directory: reads work, writes are refused with a
#     clear message, nothing changes;
#  2. a corrupted data.mdb (junk, truncated, meta pages zeroed): scamdex
#     says so, refuses to write, never crashes, and the file is left as it
#     was; every page garbled inside (records that still decode): check,
#     report and import work as on an undamaged copy, verify exits 1
#     naming the mismatches (scamdex(1), verify); one damaged record (a newer schema, an
#     entity summary, a report, an operation): no crash, verify fails;
#  3. a full disk (a 1 MiB tmpfs, or RLIMIT_FSIZE where mounting is not
#     allowed): the import fails clearly, what was committed stays, verify
#     passes;
#  4. two importers at once on one database: each finishes or fails
#     clearly; nothing is lost;
# and `scamdex verify` after each.
# Environment (meson's test_env): SOURCE_ROOT, BUILD_ROOT; FAULTS_NO_MOUNT=1
# takes the paths for machines where mounting is not allowed.
set -u
src=${SOURCE_ROOT:?}
build=${BUILD_ROOT:?}
export PATH="$build/cli:$build/tools/import:$build/tools/sync:$PATH"
dbdump=$build/tests/hardening/dbdump
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdx-faults.XXXXXX")
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # through the EXIT trap: no mount left behind
export SCAMDEX_DB=$tmp/no-such-db
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# check NAME COND-STATUS DETAILS...: ok if COND-STATUS is 0
check() {
	local name=$1 st=$2
	shift 2
	if [ "$st" -eq 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

# run OUTPREFIX CMD...: run with stdin closed; status in $rc, output in
# OUTPREFIX.out / OUTPREFIX.err.
run() {
	local p=$1
	shift
	timeout 120 "$@" </dev/null >"$p.out" 2>"$p.err"
	rc=$?
}
# not a crash: 0..3 are the documented statuses
sane() { [ "$1" -ge 0 ] && [ "$1" -le 3 ]; }
err_of() { head -c 400 "$1.err" | tr '\n' ' '; }

# shellcheck source=tests/hardening/setup.sh
. "$src/tests/hardening/setup.sh"

seed=$tmp/seed
if ! setup_seed_db "$seed" "$tmp/scratch" >"$tmp/setup.log" 2>&1; then
	echo "not ok 1 - seed database"
	sed 's/^/#   /' "$tmp/setup.log"
	echo "1..1"
	exit 1
fi
phone='038.555.1234' # reported in the first demo rows
new_report=(report --agency 'PA05 - Công an tỉnh Kon Tum' --case-ref 9100/CAT-PA05
	--incident-date 2026-11-20 --category extortion --phone 0795550199)

# ---------- 1. read-only directory ----------
ro=$tmp/ro
mkdir -p "$ro"
ro_how=
if [ "$(id -u)" -eq 0 ]; then
	if [ -z "${FAULTS_NO_MOUNT:-}" ] && mount --bind "$seed" "$ro" 2>/dev/null; then
		mounts+=("$ro")
		mount -o remount,bind,ro "$ro" 2>/dev/null && ro_how="read-only bind mount"
	fi
else
	cp -a "$seed/." "$ro/" && chmod -R a-w "$ro" && ro_how="chmod a-w"
fi
if [ -z "$ro_how" ]; then
	skip "read-only directory" "neither a read-only bind mount nor chmod works here"
else
	"$dbdump" "$ro" >"$tmp/ro.before"
	run "$tmp/ro1" scamdex --db "$ro" check "$phone"
	check "read-only ($ro_how): check still answers (exit 1, reported)" \
		"$([ "$rc" -eq 1 ] && echo 0 || echo 1)" "exit $rc: $(err_of "$tmp/ro1")"
	run "$tmp/ro2" scamdex --db "$ro" "${new_report[@]}"
	check "read-only: report refused with exit 3 and 'read-only'" \
		"$([ "$rc" -eq 3 ] && grep -qi 'read-only' "$tmp/ro2.err" && echo 0 || echo 1)" \
		"exit $rc: $(err_of "$tmp/ro2")"
	run "$tmp/ro3" scamdex-import --db "$ro" --create "$src/fixtures/demo/reports.csv"
	check "read-only: import refused with exit 3 and 'read-only'" \
		"$([ "$rc" -eq 3 ] && grep -qi 'read-only' "$tmp/ro3.err" && echo 0 || echo 1)" \
		"exit $rc: $(err_of "$tmp/ro3")"
	"$dbdump" "$ro" >"$tmp/ro.after"
	check "read-only: database unchanged" "$(cmp -s "$tmp/ro.before" "$tmp/ro.after"; echo $?)"
	run "$tmp/ro4" scamdex --db "$ro" verify
	check "read-only: verify passes" "$rc" "exit $rc: $(err_of "$tmp/ro4")"
fi

# ---------- 2. corrupted data.mdb ----------
# corrupt NAME HOW: a copy of the seed database, data.mdb damaged by HOW.
corrupt() {
	local d=$tmp/corrupt-$1
	mkdir -p "$d"
	cp "$seed/data.mdb" "$d/data.mdb"
	local size
	size=$(stat -c %s "$d/data.mdb")
	case $2 in
	junk) printf 'this is not a database\n' >"$d/data.mdb" ;;
	truncated) truncate -s $((size / 3)) "$d/data.mdb" ;;
	truncated-last-page) truncate -s $((size - 4096)) "$d/data.mdb" ;;
	meta-zeroed) dd if=/dev/zero of="$d/data.mdb" bs=4096 count=2 conv=notrunc status=none ;;
	page-garbled)
		# every page after the two meta pages: 64 bytes of 0xff at offset 100
		local p
		for ((p = 2; p * 4096 < size; p++)); do
			head -c 64 /dev/zero | tr '\0' '\377' | dd of="$d/data.mdb" bs=1 seek=$((p * 4096 + 100)) conv=notrunc status=none
		done
		;;
	esac
	echo "$d"
}
for how in junk truncated truncated-last-page meta-zeroed page-garbled; do
	d=$(corrupt "$how" "$how")
	sum_before=$(md5sum <"$d/data.mdb")
	run "$tmp/c1" scamdex --db "$d" check "$phone"
	rc1=$rc
	run "$tmp/c2" scamdex --db "$d" "${new_report[@]}"
	rc2=$rc
	run "$tmp/c3" scamdex --db "$d" verify
	rc3=$rc
	run "$tmp/c4" scamdex-import --db "$d" --create "$src/fixtures/demo/reports.csv"
	rc4=$rc
	sum_after=$(md5sum <"$d/data.mdb")
	if [ "$how" = page-garbled ]; then
		# The behaviour decided (scamdex(1), verify): scamdex keeps no
		# page checksums, so damage inside B-tree pages that still
		# decodes is not seen by check, report or import: they answer
		# and write exactly as on an undamaged copy; verify is what
		# finds it: exit 1, one "mismatch:" line each, then the count.
		u=$tmp/undamaged
		mkdir -p "$u"
		cp "$seed/data.mdb" "$u/data.mdb"
		run "$tmp/u1" scamdex --db "$u" check "$phone"
		run "$tmp/u2" scamdex --db "$u" "${new_report[@]}"
		run "$tmp/u4" scamdex-import --db "$u" "$src/fixtures/demo/reports.csv"
		rcu4=$rc
		run "$tmp/c5" scamdex --db "$d" verify
		rc5=$rc
		check "corrupted ($how): check answers as on the undamaged copy (exit $rc1)" \
			"$([ "$rc1" -eq 1 ] && cmp -s "$tmp/c1.out" "$tmp/u1.out" && echo 0 || echo 1)" \
			"check: $(head -c 300 "$tmp/c1.out") $(err_of "$tmp/c1")" "undamaged: $(head -c 300 "$tmp/u1.out")"
		check "corrupted ($how): report writes as on the undamaged copy (exit $rc2, 'added')" \
			"$([ "$rc2" -eq 0 ] && grep -q '^added [0-9a-f]\{32\}$' "$tmp/c2.out" && cmp -s "$tmp/c2.out" "$tmp/u2.out" && echo 0 || echo 1)" \
			"report: $(head -c 300 "$tmp/c2.out") $(err_of "$tmp/c2")" "undamaged: $(head -c 300 "$tmp/u2.out")"
		check "corrupted ($how): verify exits 1 naming each mismatch, then the count" \
			"$([ "$rc3" -eq 1 ] && grep -q '^mismatch: ' "$tmp/c3.out" &&
				[ "$(tail -n 1 "$tmp/c3.out")" = "$(grep -c '^mismatch: ' "$tmp/c3.out") mismatch$([ "$(grep -c '^mismatch: ' "$tmp/c3.out")" -eq 1 ] || echo es)" ] &&
				echo 0 || echo 1)" "exit $rc3: $(head -c 400 "$tmp/c3.out" | tr '\n' ' ') $(err_of "$tmp/c3")"
		check "corrupted ($how): import writes as on the undamaged copy (exit $rc4)" \
			"$([ "$rc4" -eq "$rcu4" ] && [ "$rc4" -le 1 ] &&
				[ "$(grep '^read ' "$tmp/c4.err")" = "$(grep '^read ' "$tmp/u4.err")" ] && echo 0 || echo 1)" \
			"import: $(err_of "$tmp/c4")" "undamaged (exit $rcu4): $(err_of "$tmp/u4")"
		check "corrupted ($how): data.mdb written, and verify still fails after the writes (exit $rc5)" \
			"$([ "$sum_before" != "$sum_after" ] && [ "$rc5" -eq 1 ] && echo 0 || echo 1)" \
			"verify: $(head -c 300 "$tmp/c5.out" | tr '\n' ' ')"
		continue
	fi
	st=0
	for r in $rc1 $rc2 $rc3 $rc4; do [ "$r" -eq 3 ] || st=1; done
	grep -qiE 'corrupt|not a scamdex database' "$tmp/c1.err" || st=1
	check "corrupted ($how): check/report/verify/import exit 3 saying so" "$st" \
		"exits $rc1/$rc2/$rc3/$rc4" "check: $(err_of "$tmp/c1")" "report: $(err_of "$tmp/c2")" \
		"verify: $(err_of "$tmp/c3")" "import: $(err_of "$tmp/c4")"
	check "corrupted ($how): data.mdb left as it was" "$([ "$sum_before" = "$sum_after" ] && echo 0 || echo 1)"
done

# ---------- 2b. one damaged record in a valid LMDB file ----------
dbpoke=$build/tests/hardening/dbpoke
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# damage NAME SUBDB KEY VALUE: a copy of the seed with one record changed
damage() {
	local d=$tmp/damaged-$1
	cp -r "$seed" "$d" && "$dbpoke" "$d" "$2" "$3" "$4" >&2 && echo "$d"
}
ent_key=01$(hexof +84385551234) # the phone of the first demo rows
for spec in "schema meta $(hexof schema) 0900000000000000" \
	"entity entity $ent_key abcdef" \
	"report report first a1" \
	"oplog oplog first ff"; do
	read -r name sub key val <<<"$spec"
	d=$(damage "$name" "$sub" "$key" "$val") || { not_ok "damaged $name record: make it"; continue; }
	run "$tmp/d1" scamdex --db "$d" check "$phone"
	rc1=$rc
	run "$tmp/d2" scamdex --db "$d" stats
	rc2=$rc
	run "$tmp/d3" scamdex --db "$d" verify
	rc3=$rc
	run "$tmp/d4" scamdex --db "$d" links --depth 3 "$phone"
	rc4=$rc
	run "$tmp/d5" scamdex-sync --db "$d" status
	rc5=$rc
	st=0
	for r in $rc1 $rc2 $rc3 $rc4 $rc5; do sane "$r" || st=1; done
	[ "$rc3" -ne 0 ] || st=1 # verify must not pass a damaged database
	case $name in
	schema)
		# a newer schema: nothing reads or writes it
		for r in $rc1 $rc2 $rc3 $rc4; do [ "$r" -eq 3 ] || st=1; done
		grep -q SDX_ESCHEMA "$tmp/d1.err" || st=1
		;;
	entity)
		# the damaged summary is the one checked: say so
		[ "$rc1" -eq 3 ] && grep -q SDX_ECORRUPT "$tmp/d1.err" || st=1
		;;
	esac
	check "damaged $name record: no crash, verify fails (exits $rc1/$rc2/$rc3/$rc4/$rc5)" "$st" \
		"check: $(err_of "$tmp/d1")" "stats: $(err_of "$tmp/d2")" \
		"verify: $(head -c 300 "$tmp/d3.out" | tr '\n' ' ') $(err_of "$tmp/d3")" \
		"links: $(err_of "$tmp/d4")" "status: $(err_of "$tmp/d5")"
done

# ---------- 3. full disk ----------
full=$tmp/full
mkdir -p "$full"
full_how=
if [ "$(id -u)" -eq 0 ] && [ -z "${FAULTS_NO_MOUNT:-}" ] &&
	mount -t tmpfs -o size=1m tmpfs "$full" 2>/dev/null; then
	mounts+=("$full")
	full_how="1 MiB tmpfs"
fi
big=$tmp/big.csv
{
	echo "$csv_head"
	# 600 distinct reports with 1.5 KB narratives: about 1 MB of reports
	for ((i = 0; i < 600; i++)); do
		printf '07955%05d,,,,,,,PA05 - Công an tỉnh Kon Tum,%d/CAT-PA05,2026-11-02,2026-11-05,extortion,zalo,1500000,reported,bank,' "$i" "$((20000 + i))"
		head -c 1500 /dev/zero | tr '\0' x
		printf '\n'
	done
} >"$big"
if [ -n "$full_how" ]; then
	run "$tmp/f1" scamdex-import --db "$full/db" --create "$big"
else
	full_how="RLIMIT_FSIZE 1 MiB"
	run "$tmp/f1" bash -c 'trap "" XFSZ; ulimit -f 1024; exec "$@"' _ scamdex-import --db "$full/db" --create "$big"
fi
if [ "$rc" -eq 3 ] && grep -qE 'SDX_EFULL|disk full' "$tmp/f1.err"; then
	ok "full disk ($full_how): import fails with exit 3 and SDX_EFULL"
else
	not_ok "full disk ($full_how): import fails with exit 3 and SDX_EFULL" "exit $rc: $(err_of "$tmp/f1")"
fi
if [ -f "$full/db/data.mdb" ]; then
	run "$tmp/f2" scamdex --db "$full/db" verify
	check "full disk: verify passes on what was committed" "$rc" "exit $rc: $(err_of "$tmp/f2")"
	run "$tmp/f3" scamdex --db "$full/db" stats --json
	check "full disk: stats still answers" "$rc" "exit $rc: $(err_of "$tmp/f3")"
	# space again: the same import completes, every row accounted for
	if [[ $full_how == *tmpfs* ]] && mount -o remount,size=32m "$full" 2>/dev/null; then
		run "$tmp/f4" scamdex-import --db "$full/db" --create "$big"
		check "full disk: with space again the same import completes (read 600 = accepted + duplicate)" \
			"$([ "$rc" -eq 0 ] && grep -qE '^read 600 = accepted [0-9]+ \+ duplicate [0-9]+ \+ rejected 0' "$tmp/f4.err" && echo 0 || echo 1)" \
			"exit $rc: $(err_of "$tmp/f4")"
		run "$tmp/f5" scamdex --db "$full/db" stats --json
		check "full disk: then all 600 reports are there" \
			"$(grep -q '"reports":600' "$tmp/f5.out"; echo $?)" "$(head -c 200 "$tmp/f5.out")"
		run "$tmp/f6" scamdex --db "$full/db" verify
		check "full disk: verify passes after the completed import" "$rc" "exit $rc: $(err_of "$tmp/f6")"
	fi
else
	skip "full disk: verify" "no database was created"
fi

# ---------- 3b. full disk under a sync import ----------
# The same 600 reports as a bundle, imported into a database on a full
# disk: refused with exit 3 and SDX_EFULL, nothing half-applied.
sfull=$tmp/sfull
mkdir -p "$sfull"
sfull_how=
if [ "$(id -u)" -eq 0 ] && [ -z "${FAULTS_NO_MOUNT:-}" ] &&
	mount -t tmpfs -o size=1m tmpfs "$sfull" 2>/dev/null; then
	mounts+=("$sfull")
	sfull_how="1 MiB tmpfs"
fi
run "$tmp/s0" scamdex-import --db "$tmp/ssrc" --create "$big"
run "$tmp/s1" scamdex-sync --db "$tmp/ssrc" init --office local --role police --key "$tmp/ssrc.key"
spub=$(awk '{print $2}' "$tmp/s1.out")
run "$tmp/s3" scamdex-sync --db "$sfull/db" init --office p --role police --key "$tmp/sdst.key"
run "$tmp/s3t" scamdex-sync --db "$tmp/ssrc" trust add p "$(awk '{print $2}' "$tmp/s3.out")" --role police
run "$tmp/s2" scamdex-sync --db "$tmp/ssrc" export --to p --audience police --key "$tmp/ssrc.key" -o "$tmp/s.bundle"
if [ -n "$sfull_how" ]; then
	run "$tmp/s4" scamdex-sync --db "$sfull/db" trust add local "$spub" --role police
	run "$tmp/s5" scamdex-sync --db "$sfull/db" import "$tmp/s.bundle"
else
	sfull_how="RLIMIT_FSIZE 1 MiB"
	run "$tmp/s4" scamdex-sync --db "$sfull/db" trust add local "$spub" --role police
	run "$tmp/s5" bash -c 'trap "" XFSZ; ulimit -f 1024; exec "$@"' _ scamdex-sync --db "$sfull/db" import "$tmp/s.bundle"
fi
if [ "$rc" -eq 3 ] && grep -qE 'SDX_EFULL|disk full' "$tmp/s5.err"; then
	ok "full disk ($sfull_how): sync import fails with exit 3 and SDX_EFULL"
else
	not_ok "full disk ($sfull_how): sync import fails with exit 3 and SDX_EFULL" \
		"exit $rc: $(err_of "$tmp/s5")" "export: $(err_of "$tmp/s2")" "init: $(err_of "$tmp/s3")"
fi
run "$tmp/s6" scamdex --db "$sfull/db" verify
check "full disk: verify passes after the refused sync import" "$rc" "exit $rc: $(err_of "$tmp/s6")"

# ---------- 4. two importers at once ----------
two=$tmp/two
demo=$src/fixtures/demo/reports.csv
rows=$(($(wc -l <"$demo") - 1))
half=$((rows / 2))
{ head -n 1 "$demo"; sed -n "2,$((half + 1))p" "$demo"; } >"$tmp/a.csv"
{ head -n 1 "$demo"; sed -n "$((half + 2)),\$p" "$demo"; } >"$tmp/b.csv"
# the database exists first (one row), then both import at once
head -n 2 "$demo" >"$tmp/first.csv"
scamdex-import --db "$two" --create "$tmp/first.csv" </dev/null >/dev/null 2>&1
# --batch 1: a transaction per row, so that the two writers interleave
( scamdex-import --db "$two" --create --batch 1 "$tmp/a.csv" </dev/null >"$tmp/ia.out" 2>"$tmp/ia.err"; echo $? >"$tmp/ia.rc" ) &
pa=$!
( scamdex-import --db "$two" --create --batch 1 "$tmp/b.csv" </dev/null >"$tmp/ib.out" 2>"$tmp/ib.err"; echo $? >"$tmp/ib.rc" ) &
pb=$!
wait "$pa" "$pb"
ra=$(cat "$tmp/ia.rc") rb=$(cat "$tmp/ib.rc")
# exit 1 = finished, some demo rows refused for their content
st=0
for r in $ra $rb; do [ "$r" -le 1 ] || [ "$r" -eq 3 ] || st=1; done
[ "$ra" -le 1 ] && ! grep -qE '^read [0-9]+ = accepted' "$tmp/ia.err" && st=1
[ "$rb" -le 1 ] && ! grep -qE '^read [0-9]+ = accepted' "$tmp/ib.err" && st=1
[ "$ra" -eq 3 ] && ! grep -qiE 'busy|lock|another' "$tmp/ia.err" && st=1
[ "$rb" -eq 3 ] && ! grep -qiE 'busy|lock|another' "$tmp/ib.err" && st=1
check "two importers at once: each finishes or fails clearly (exits $ra, $rb)" "$st" \
	"a: $(tail -c 300 "$tmp/ia.err" | tr '\n' ' ')" "b: $(tail -c 300 "$tmp/ib.err" | tr '\n' ' ')"
# whatever failed is imported again, as a person would
[ "$ra" -eq 0 ] || scamdex-import --db "$two" --create "$tmp/a.csv" </dev/null >/dev/null 2>&1
[ "$rb" -eq 0 ] || scamdex-import --db "$two" --create "$tmp/b.csv" </dev/null >/dev/null 2>&1
one=$tmp/one
scamdex-import --db "$one" --create "$demo" </dev/null >/dev/null 2>&1
scamdex --db "$two" stats --json >"$tmp/two.stats" 2>&1
scamdex --db "$one" stats --json >"$tmp/one.stats" 2>&1
check "two importers at once: nothing lost (stats equal one sequential import)" \
	"$(cmp -s "$tmp/one.stats" "$tmp/two.stats"; echo $?)" \
	"$(diff "$tmp/one.stats" "$tmp/two.stats" | head -5 | tr '\n' ' ')"
run "$tmp/t3" scamdex --db "$two" verify
check "two importers at once: verify passes" "$rc" "exit $rc: $(err_of "$tmp/t3")"

echo "1..$n"
exit $fail
