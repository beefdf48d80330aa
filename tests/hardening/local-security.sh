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

# Secret files readable by group or others are refused, as ssh does, with
# the file, its mode and the fix; exit 3 (scamdex-sync(1)).
rm -f out.sdxb out.sdxb.tmp
chmod 640 a/office.key
"$S" --db a export --to B -o out.sdxb >/dev/null 2>err
rc=$?
want="scamdex-sync export: a/office.key: the office key is readable by group or others (mode 640); it must be private to its owner: run 'chmod 600 a/office.key'"
check "export with an office key of mode 640: exit 3, the file and 'chmod 600 FILE' said, no bundle" \
	"$([ $rc = 3 ] && [ "$(cat err)" = "$want" ] && [ ! -e out.sdxb ]; echo $?)" "exit $rc: $(cat err)"
chmod 604 a/office.key
"$S" --db a init --office A --role police >/dev/null 2>err
rc=$?
check "init again with an office key of mode 604: exit 3, refused the same way" \
	"$([ $rc = 3 ] && grep -qF "a/office.key: the office key is readable by group or others (mode 604)" err; echo $?)" "exit $rc: $(cat err)"
chmod 600 a/office.key
"$S" --db a export --to B -o out.sdxb >/dev/null 2>err
check "after chmod 600 the export goes through" "$([ $? = 0 ] && [ -f out.sdxb ]; echo $?)" "$(cat err)"
printf 'secret\n' >pw
chmod 644 pw
"$S" --db a drop add B http://127.0.0.1:9/b --user u --password-file pw >/dev/null 2>err
rc=$?
check "drop add --password-file of mode 644: exit 3, the file named" \
	"$([ $rc = 3 ] && [ "$(cat err)" = "scamdex-sync drop: pw: the password file is readable by group or others (mode 644); it must be private to its owner: run 'chmod 600 pw'" ] && [ ! -e a/drops.conf ]; echo $?)" "exit $rc: $(cat err)"
chmod 600 pw
"$S" --db a drop add B http://127.0.0.1:9/b --user u --password-file pw >/dev/null 2>err
check "with the password file 0600 the drop is added" "$([ $? = 0 ] && [ -f a/drops.conf ]; echo $?)" "$(cat err)"
chmod 644 a/drops.conf
"$S" --db a drop list >/dev/null 2>err
rc=$?
check "a drops.conf of mode 644 (it holds passwords) is refused: exit 3" \
	"$([ $rc = 3 ] && [ "$(cat err)" = "scamdex-sync: a/drops.conf: the drops file (it may hold passwords) is readable by group or others (mode 644); it must be private to its owner: run 'chmod 600 a/drops.conf'" ]; echo $?)" "exit $rc: $(cat err)"
chmod 600 a/drops.conf
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
		-keyout tls.key -out tls.crt >/dev/null 2>&1
	chmod 644 tls.key
	"$X" --db a serve --listen 127.0.0.1:0 --tls-cert tls.crt --tls-key tls.key >/dev/null 2>err
	rc=$?
	check "scamdex serve --tls-key of mode 644: exit 2, the file and 'chmod 600 FILE' said" \
		"$([ $rc = 2 ] && [ "$(cat err)" = "scamdex serve: tls.key: the TLS key is readable by group or others (mode 644); it must be private to its owner: run 'chmod 600 tls.key'" ]; echo $?)" "exit $rc: $(cat err)"
else
	echo "ok $((n += 1)) # SKIP no openssl to make a TLS key"
fi

echo "1..$n"
[ $failed = 0 ]
