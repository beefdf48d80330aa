#!/usr/bin/env bash
# catalogue.sh: feed every hostile input of fixtures/bad/MANIFEST to its
# command and check the exact exit status, a substring of its output, and
# whether the database changed (dbdump, a fingerprint of every
# sub-database, before and after): refused input must leave it as it was.
# Ends with `scamdex verify`. Prints TAP. The MANIFEST format is described
# at its top.
#
# Environment (set by meson's test_env): SOURCE_ROOT, BUILD_ROOT;
# CATALOGUE_MANIFEST another manifest (the test of this script's verdicts).
# Each input is copied to a scratch directory first, so that reject files
# written beside an input never land in the source tree.
set -u
src=${SOURCE_ROOT:?}
build=${BUILD_ROOT:?}
export PATH="$build/cli:$build/tools/import:$build/tools/sync:$PATH"
dbdump=$build/tests/hardening/dbdump
manifest=${CATALOGUE_MANIFEST:-$src/fixtures/bad/MANIFEST}

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
{ gen_inputs "$tmp/in" && setup_bundles "$DB" "$tmp/seed" "$tmp/in"; } >>"$tmp/setup.log" 2>&1 || {
	echo "1..1"
	echo "not ok 1 - generate inputs"
	sed 's/^/#   /' "$tmp/setup.log"
	exit 1
}
"$dbdump" "$DB" >"$tmp/before" || { echo "1..1"; echo "not ok 1 - dbdump of the seed database"; exit 1; }

while IFS= read -r line || [ -n "$line" ]; do
	case $line in '' | '#'*) continue ;; esac
	# FILE | COMMAND | EXIT | OUTPUT | DB [| bug: TEXT]
	IFS=$'\x1f' read -r file cmd want_rc want_out want_db bug < <(printf '%s' "$line" |
		awk -F ' [|] ' '{ printf "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n", $1, $2, $3, $4, $5, $6 }')
	if [ "$file" = - ]; then
		input=/dev/null
	elif [[ $file == @* ]]; then
		input=$tmp/in/${file#@}
	else
		input=$tmp/work/$file
		cp "$src/fixtures/bad/$file" "$input" 2>/dev/null
	fi
	if [ ! -e "$input" ]; then
		not_ok "$file: input missing"
		continue
	fi
	run=${cmd//\{\}/$input}
	(cd "$tmp/work" && timeout 60 bash -c "$run") </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	"$dbdump" "$DB" >"$tmp/after" 2>&1
	problems=()
	[ "$rc" = "$want_rc" ] || problems+=("exit status $rc, expected $want_rc")
	if [ "$want_out" = "-" ]; then
		[ -s "$tmp/err" ] && problems+=("stderr not empty")
	elif [[ $want_out == out:* ]]; then
		grep -qaF -- "${want_out#out:}" "$tmp/out" || problems+=("stdout lacks: ${want_out#out:}")
	elif ! grep -qaF -- "$want_out" "$tmp/err"; then
		problems+=("stderr lacks: $want_out")
	fi
	if cmp -s "$tmp/before" "$tmp/after"; then
		[ "$want_db" = same ] || problems+=("database unchanged, expected a change")
	else
		[ "$want_db" = changed ] || problems+=("database changed")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		ok "$file: $cmd -> $want_rc${bug:+ (the known bug is fixed: drop the marker '$bug')}"
	else
		# a "bug:" marker names a known bug; the case still fails
		not_ok "$file: $cmd${bug:+ (known ${bug})}" "${problems[@]}" "stderr: $(head -c 600 "$tmp/err" | tr '\n' ' ')" \
			"stdout: $(head -c 300 "$tmp/out" | tr '\n' ' ')" \
			"db diff: $(diff "$tmp/before" "$tmp/after" | tr '\n' ' ' | head -c 400)"
	fi
	cp "$tmp/after" "$tmp/before" # the next case is judged on its own
	rm -f "$tmp/work"/*
done <"$manifest"

if scamdex --db "$DB" verify >"$tmp/out" 2>&1; then
	ok "scamdex verify after the catalogue"
else
	not_ok "scamdex verify after the catalogue" "$(head -c 600 "$tmp/out" | tr '\n' ' ')"
fi
echo "1..$n"
exit $fail
