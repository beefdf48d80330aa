#!/usr/bin/env bash
# local-security.sh SCAMDEX SCAMDEX-IMPORT SCAMDEX-SYNC FIXTURES: what the
# tools leave on disk (TAP): database directories 0700 and files 0600,
# reject files and bundles 0600, and a planted symlink named like an
# output file (or its .tmp) is never followed.
set -u
X=$1 I=$2 S=$3 fixtures=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-local.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
umask 022 # the tools must not depend on a strict umask
n=0 failed=0
check() { # NAME CONDITION-STATUS [DETAIL]
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else
		failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${3:-}" ] && echo "#   $3"; fi
}
mode() { stat -c %a "$1"; }

"$X" --db db report --phone 0385551234 --agency "PA05" >/dev/null
check "scamdex report: the new database directory is 0700" "$([ "$(mode db)" = 700 ]; echo $?)" "$(mode db)"
check "its data.mdb and lock.mdb are 0600" \
	"$([ "$(mode db/data.mdb)" = 600 ] && [ "$(mode db/lock.mdb)" = 600 ]; echo $?)" "$(mode db/data.mdb) $(mode db/lock.mdb)"
"$X" --db db compact --to copy >/dev/null
check "scamdex compact: the copy is 0700 with 0600 files" \
	"$([ "$(mode copy)" = 700 ] && [ "$(mode copy/data.mdb)" = 600 ]; echo $?)" "$(mode copy) $(mode copy/data.mdb)"

printf 'phone,agency\nnot a number,PA05\n0385551234,PA05\n' >in.csv
"$I" --db idb --create --quiet --reject rej.csv in.csv >/dev/null 2>&1
check "scamdex-import: a new database 0700, the reject file 0600" \
	"$([ "$(mode idb)" = 700 ] && [ "$(mode rej.csv)" = 600 ] && grep -q 'not a number' rej.csv; echo $?)" \
	"$(mode idb) $(mode rej.csv)"
echo "precious" >victim
ln -s victim planted.csv
"$I" --db idb --quiet --reject planted.csv in.csv >/dev/null 2>&1
rc=$?
check "scamdex-import --reject onto a planted symlink: refused, the target untouched" \
	"$([ $rc != 0 ] && [ "$(cat victim)" = precious ]; echo $?)" "exit $rc: $(cat victim)"

"$S" --db a init --office A --role police >a.pub 2>/dev/null
"$S" --db b init --office B --role police >b.pub 2>/dev/null
"$S" --db a trust add $(cat b.pub) --role police >/dev/null 2>&1
"$X" --db a report --phone 0385551234 --agency PA05 >/dev/null
ln -s victim out.sdxb.tmp
"$S" --db a export --to B -o out.sdxb >/dev/null 2>&1
rc=$?
check "scamdex-sync export beside a planted out.sdxb.tmp symlink: the target untouched" \
	"$([ "$(cat victim)" = precious ] && [ ! -L out.sdxb.tmp ]; echo $?)" "exit $rc: $(cat victim)"
check "the bundle is written, 0600" "$([ $rc = 0 ] && [ -f out.sdxb ] && [ ! -L out.sdxb ] && [ "$(mode out.sdxb)" = 600 ]; echo $?)" \
	"exit $rc, $(ls -l out.sdxb 2>&1)"
rm -f out.sdxb
ln -s victim out.sdxb
"$S" --db a export --to B -o out.sdxb >/dev/null 2>&1
check "export onto a planted symlink replaces the link, not its target" \
	"$([ "$(cat victim)" = precious ] && [ -f out.sdxb ] && [ ! -L out.sdxb ]; echo $?)" "$(cat victim)"

echo "1..$n"
[ $failed = 0 ]
