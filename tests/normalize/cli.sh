#!/bin/sh
# cli.sh SCAMDEX: scamdex normalize end to end (TAP). Exact output lines,
# --json, standard input, exit statuses; no database is needed (the test
# environment points SCAMDEX_DB at a path that does not exist).
exe=$1
n=0
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# check NAME WANT_STATUS WANT_STDOUT_FILE -- ARGS... (stdin from $tmp/in)
check() {
	name=$1 want_rc=$2 want=$3
	shift 4
	n=$((n + 1))
	"$exe" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && cmp -s "$tmp/out" "$want"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (status $rc, want $want_rc)"
		diff "$want" "$tmp/out" | sed 's/^/# /'
		sed 's/^/# stderr: /' "$tmp/err"
		fail=1
	fi
}

: >"$tmp/in"

cat >"$tmp/want" <<'OUT'
phone   +84795555373
phone   +84795555373
phone   +84795555373
phone   +84323456789
bank    970436:0011004012345
bank    970436:0011004012345
bank    970436:0011004012345
bank    970416:257678859
handle  telegram:some_user
handle  zalo:+84912345678
handle  facebook:100012345678
handle  viber:+84912345678
domain  vietcombank-xac-thuc.com
iban    DE89370400440532013000
account 0011004012345
OUT
check "every kind detected" 0 "$tmp/want" -- normalize \
	079.555.5373 "(079) 555-5373" "+84 79 555 5373" "+84 1623 456 789" \
	"VCB 0011 0040 12345" "Vietcombank:0011004012345" \
	"970436-0011004012345" \
	"00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F" \
	"t.me/Some_User" "zalo.me/0912345678" \
	"https://www.facebook.com/profile.php?id=100012345678" \
	"viber://chat?number=%2B84912345678" \
	"https://Vietcombank-Xac-Thuc.com/login" \
	"DE89 3704 0044 0532 0130 00" "0011004012345"

cat >"$tmp/want" <<'OUT'
phone   +84795555373
phone   +84323456789
OUT
check "--kind phone" 0 "$tmp/want" -- normalize --kind phone \
	"0795 555 373" 01623456789

cat >"$tmp/want" <<'OUT'
error   '0795555373': auto: a valid phone number (+84795555373) and maybe an account number; name the kind: --kind phone or --kind account (offset 0)
phone   +84795555373
error   '+84 401 234 567': phone: mobile prefix 040 is not assigned (offset 4)
OUT
check "ambiguous and invalid inputs: status 2" 2 "$tmp/want" -- normalize \
	0795555373 079.555.5373 "+84 401 234 567"

cat >"$tmp/want" <<'OUT'
{"input": "079.555.5373", "kind": "phone", "canonical": "+84795555373"}
{"input": "VCB 0011 0040 12345", "kind": "bank", "canonical": "970436:0011004012345"}
{"input": "0795555373", "kind": "auto", "error": "auto: a valid phone number (+84795555373) and maybe an account number; name the kind: --kind phone or --kind account", "code": "SDX_EAMBIGUOUS", "offset": 0}
{"input": "+84 912 345", "kind": "phone", "error": "phone: 6 digits after country code 84, expected 9 or 10", "code": "SDX_ELENGTH", "offset": 11}
OUT
check "--json" 2 "$tmp/want" -- normalize --json \
	079.555.5373 "VCB 0011 0040 12345" 0795555373 "+84 912 345"

printf '079.555.5373\n\n   \nt.me/some_user\r\nexample.com\n' >"$tmp/in"
cat >"$tmp/want" <<'OUT'
phone   +84795555373
handle  telegram:some_user
domain  example.com
OUT
check "standard input, blank lines skipped, CRLF" 0 "$tmp/want" -- normalize

printf '{"input": "0795555373", "kind": "phone", "canonical": "+84795555373"}\n{"input": "ab\357\277\275c", "kind": "phone", "error": "phone: letter '"'"'a'"'"' where a digit was expected", "code": "SDX_ESYNTAX", "offset": 0}\n' >"$tmp/want"
printf '0795555373\nab\377c\n' >"$tmp/in"
check "--json from stdin, invalid UTF-8 replaced" 2 "$tmp/want" -- normalize --json --kind phone

# each byte utf8proc does not take as a character (a surrogate, an overlong
# form, beyond U+10FFFF, a NUL) becomes U+FFFD; valid characters stay
printf '{"input": "a\357\277\275\357\277\275\357\277\275b\357\277\275\357\277\275c\357\277\275\357\277\275\357\277\275\357\277\275d\357\277\275\303\251", "kind": "phone", "error": "phone: letter '"'"'a'"'"' where a digit was expected", "code": "SDX_ESYNTAX", "offset": 0}\n' >"$tmp/want"
printf 'a\355\240\200b\300\257c\364\220\200\200d\000\303\251\n' >"$tmp/in"
check "--json: surrogate, overlong, beyond U+10FFFF and NUL replaced" 2 "$tmp/want" -- normalize --json --kind phone

printf '0795555373\n' >"$tmp/in"
cat >"$tmp/want" <<'OUT'
phone   +84795555373
OUT
check "'-' reads standard input" 0 "$tmp/want" -- normalize --kind phone - ; :
: >"$tmp/in"

: >"$tmp/want"
check "unknown kind: status 2" 2 "$tmp/want" -- normalize --kind fax 1
n=$((n + 1))
if grep -q "^scamdex normalize: unknown kind 'fax'" "$tmp/err"; then
	echo "ok $n - unknown kind message"
else
	echo "not ok $n - unknown kind message"; fail=1
fi
check "unknown option: status 2" 2 "$tmp/want" -- normalize --bogus

"$exe" normalize --help >"$tmp/want" 2>/dev/null
check "--help: status 0" 0 "$tmp/want" -- normalize -h
n=$((n + 1))
if head -1 "$tmp/want" | grep -q '^usage: scamdex normalize \[--kind KIND\] \[--json\] \[INPUT...\]$'; then
	echo "ok $n - --help usage line"
else
	echo "not ok $n - --help usage line"; fail=1
fi

n=$((n + 1))
if [ -w /dev/full ]; then
	"$exe" normalize 079.555.5373 >/dev/full 2>/dev/null
	rc=$?
	if [ "$rc" -eq 3 ]; then
		echo "ok $n - write error: status 3"
	else
		echo "not ok $n - write error: status $rc, want 3"; fail=1
	fi
else
	echo "ok $n - write error # SKIP no /dev/full"
fi

echo "1..$n"
exit $fail
