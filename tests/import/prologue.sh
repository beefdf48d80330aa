# prologue.sh: what import.sh and everyday.sh share (sourced): the
# arguments IMPORT GEN IMPTOOL, a temp dir, and the TAP helpers.
set -u
# meson test sets MALLOC_PERTURB_, which makes glibc write every block it
# hands out: the importer's batch, reserved for a million rows up front
# (memory it never touches on a small file), then costs about 20 s of a
# loaded machine per import instead of 0.3.
export MALLOC_PERTURB_=0
import=$(realpath "$1") gen=$(realpath "$2") imptool=$(realpath "$3")
fix=$SOURCE_ROOT/fixtures/import
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-import-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -n "${2:-}" ] && sed 's/^/# /' "$2" | head -40
	return 0
}
# check NAME CMD...: ok when CMD succeeds
check() { local name=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$name"; else not_ok "$name" "$tmp/out"; fi; }
# same NAME EXPECTED ACTUAL: files equal
same() {
	if diff -u "$2" "$3" >"$tmp/diff" 2>&1; then ok "$1"; else not_ok "$1" "$tmp/diff"; fi
}
# run DB ARGS...: import with stderr in $tmp/err and status in $rc
run() {
	local db=$1; shift
	(cd "$fix" && "$import" --db "$db" --create "$@") >"$tmp/stdout" 2>"$tmp/err"
	rc=$?
}
last() { tail -n 1 "$tmp/err"; }
expect() { # NAME STATUS LASTLINE
	if [ "$rc" -eq "$2" ] && [ "$(last)" = "$3" ]; then ok "$1"; else
		echo "status $rc (want $2), last line: $(last)" >"$tmp/why"
		cat "$tmp/err" >>"$tmp/why"; not_ok "$1" "$tmp/why"; fi
}
# identity: "read N = accepted A + duplicate D + rejected R" with N = A+D+R
identity() {
	local l; l=$(last)
	[[ $l =~ ^read\ ([0-9]+)\ =\ accepted\ ([0-9]+)\ \+\ duplicate\ ([0-9]+)\ \+\ rejected\ ([0-9]+)$ ]] &&
		[ "${BASH_REMATCH[1]}" -eq $((BASH_REMATCH[2] + BASH_REMATCH[3] + BASH_REMATCH[4])) ]
}
