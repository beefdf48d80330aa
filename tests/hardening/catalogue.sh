#!/usr/bin/env bash
# catalogue.sh: feed every hostile input of fixtures/bad/MANIFEST to its
# command and check the exact exit status, a substring of stderr, and that
# the database is unchanged (dbdump, a fingerprint of every sub-database,
# before and after). Ends with `scamdex verify`. Prints TAP.
#
# Environment (set by meson's test_env): SOURCE_ROOT, BUILD_ROOT.
# Each input is copied to a scratch directory first, so that reject files
# written beside an input never land in the source tree.
set -u
src=${SOURCE_ROOT:?}
build=${BUILD_ROOT:?}
export PATH="$build/cli:$build/tools/import:$build/tools/sync:$PATH"
dbdump=$build/tests/hardening/dbdump
manifest=$src/fixtures/bad/MANIFEST

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdx-catalogue.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/work"
export DB=$tmp/db
export SCAMDEX_DB=$tmp/no-such-db # only --db counts
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# shellcheck source=tests/hardening/setup.sh
. "$src/tests/hardening/setup.sh"

if ! setup_seed_db "$DB" "$tmp/seed" >"$tmp/setup.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - seed database"
	sed 's/^/#   /' "$tmp/setup.log"
	exit 1
fi
gen_inputs "$tmp/in" >>"$tmp/setup.log" 2>&1 || {
	echo "1..1"
	echo "not ok 1 - generate inputs"
	sed 's/^/#   /' "$tmp/setup.log"
	exit 1
}
"$dbdump" "$DB" >"$tmp/before" || { echo "1..0 # SKIP dbdump failed"; exit 1; }

while IFS= read -r line || [ -n "$line" ]; do
	case $line in '' | '#'*) continue ;; esac
	# FILE | COMMAND | EXIT | STDERR
	file=$(printf '%s' "$line" | awk -F ' [|] ' '{print $1}')
	cmd=$(printf '%s' "$line" | awk -F ' [|] ' '{print $2}')
	want_rc=$(printf '%s' "$line" | awk -F ' [|] ' '{print $3}')
	want_err=$(printf '%s' "$line" | awk -F ' [|] ' '{print $4}')
	if [[ $file == @* ]]; then
		input=$tmp/in/${file#@}
	else
		input=$tmp/work/$file
		cp "$src/fixtures/bad/$file" "$input" 2>/dev/null
	fi
	if [ ! -f "$input" ]; then
		not_ok "$file: input missing"
		continue
	fi
	run=${cmd//\{\}/$input}
	(cd "$tmp/work" && timeout 60 bash -c "$run") </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	"$dbdump" "$DB" >"$tmp/after" 2>&1
	problems=()
	[ "$rc" = "$want_rc" ] || problems+=("exit status $rc, expected $want_rc")
	if [ "$want_err" = "-" ]; then
		[ -s "$tmp/err" ] && problems+=("stderr not empty")
	elif ! grep -qF -- "$want_err" "$tmp/err"; then
		problems+=("stderr lacks: $want_err")
	fi
	cmp -s "$tmp/before" "$tmp/after" || problems+=("database changed")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "$file: $cmd -> $want_rc"
	else
		not_ok "$file: $cmd" "${problems[@]}" "stderr: $(head -c 600 "$tmp/err" | tr '\n' ' ')" \
			"db diff: $(diff "$tmp/before" "$tmp/after" | tr '\n' ' ' | head -c 400)"
		cp "$tmp/after" "$tmp/before" # judge the next case on its own
	fi
	rm -f "$tmp/work"/*
done <"$manifest"

if scamdex --db "$DB" verify >"$tmp/out" 2>&1; then
	ok "scamdex verify after the catalogue"
else
	not_ok "scamdex verify after the catalogue" "$(head -c 600 "$tmp/out" | tr '\n' ' ')"
fi
echo "1..$n"
exit $fail
