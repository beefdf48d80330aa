#!/usr/bin/env bash
# mutate.sh [WORKDIR]: the mutation check behind `./run mutate`. Copies
# the tree (the files git knows, as they are in the work tree) to WORKDIR,
# builds it once, then for each deliberate bug below: patches it in (a sed
# on one stable line; "mutant NAME did not apply" and a failure if the
# line moved), rebuilds, runs the tests named for it, and puts the file
# back. A mutant is caught when those tests fail. First the same tests run
# on the unpatched copy: they must pass, or no verdict means anything.
# Ends with "mutants: N caught, M missed"; exit status 0 only if every
# mutant applied and was caught. Before anything is copied or built, every
# mutant's sed is tried on its file: if one no longer changes it, the run
# stops at once, naming each such mutant, with "mutants: 0 caught, M
# missed" and status 1 (a stale list is fixed before a long build).
# MUTANTS_FILE=FILE replaces the list below with FILE's lines (same form,
# '#' comments), for the test of this script (tests/mutate/test-mutate.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/scamdex-mutate.XXXXXX")}
mkdir -p "$work"
src=$work/src build=$work/src/build-mutate

# NAME | FILE | SED EXPRESSION | TESTS (meson test names); no '|' inside a
# field (match one with '.')
mutants=(
	"retraction-keeps-summary|core/store/apply.c|s/^\ter_make(v.incident_date, o->id, ER_RETRACTED, er_new);\$/&\n\treturn 0; \/* mutant *\//|store-report store-stats_verify cli-golden"
	"signature-always-valid|core/sync/keys.c|s/return crypto_sign_verify_detached(sig, m, n, pubkey) == 0\$/return 1 ? 0 : crypto_sign_verify_detached(sig, m, n, pubkey) == 0/|sync sync-bundle-io hardening-bundle-damage"
	"import-drops-every-1000th-row|tools/import/main.c|s/^\tint added = 0, rc;\$/&\n\tif (line % 1000 == 0)\n\t\treturn 0; \/* mutant *\//|import import-crash"
	"phone-keeps-trunk-0|core/normalize/phone.c|s/return national(\&dg, 1, \"after the trunk prefix\"/return national(\&dg, 0, \"after the trunk prefix\"/|normalize-phone"
	"bank-sees-police-only-reports|core/store/report.c|s/^\tif (audience == SDX_AUD_BANK \&\& out->audience != SDX_AUD_BANK)\$/\tif (0 \&\& audience == SDX_AUD_BANK \&\& out->audience != SDX_AUD_BANK)/|store-report cli-golden"
	"bloom-absent-for-present-key|core/store/filter.c|s/^\treturn blk ? test_bits(blk, h) : 1;\$/\treturn blk ? test_bits(blk, h) \&\& (h \& 1) : 1;/|store-check store-batch"
	"window-start-among-older-dates-not-walked|core/store/check.c|s/^\t\t\t\t\topen .= 1u << w;\$/\t\t\t\t\topen += 0; \/* mutant *\//|store-recent"
)

if [ -n "${MUTANTS_FILE:-}" ]; then
	mutants=()
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		mutants+=("$line")
	done <"$MUTANTS_FILE"
fi

# each mutant's sed on a copy of its file: does it still change it?
stale=0
for m in "${mutants[@]}"; do
	IFS='|' read -r name file expr _ <<<"$m"
	if [ ! -f "$top/$file" ]; then
		echo "mutant $name did not apply: $file does not exist" >&2
		stale=$((stale + 1))
	elif ! changed=$(sed "$expr" "$top/$file" 2>/dev/null); then
		# a '|' inside a field splits the entry: the sed is cut short
		echo "mutant $name did not apply: its sed expression fails" >&2
		stale=$((stale + 1))
	elif [ "$changed" = "$(cat "$top/$file")" ]; then
		echo "mutant $name did not apply: the line it changes in $file moved" >&2
		stale=$((stale + 1))
	fi
done
if [ "$stale" -gt 0 ]; then
	echo "mutate: $stale of ${#mutants[@]} mutants did not apply: fix the list in tests/mutate/mutate.sh; nothing was built" >&2
	echo "mutants: 0 caught, $stale missed"
	exit 1
fi

echo "mutate: copying the tree to $src" >&2
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$src" -xf - ||
	{ echo "mutate: copying failed" >&2; exit 2; }
echo "mutate: building the copy in $build" >&2
meson setup "$build" "$src" -Dbench=disabled >"$work/setup.log" 2>&1 &&
	meson compile -C "$build" >"$work/build.log" 2>&1 ||
	{ echo "mutate: the unpatched copy does not build (see $work/build.log)" >&2; exit 2; }

# run_tests TESTS...: the named tests in the copy; 0 if all pass
run_tests() { meson test -C "$build" --no-rebuild --num-processes 2 "$@" >"$work/test.log" 2>&1; }

all_tests=$(for m in "${mutants[@]}"; do IFS='|' read -r _ _ _ t <<<"$m"; echo "$t"; done | tr ' ' '\n' | sort -u)
# shellcheck disable=SC2086
if ! run_tests $all_tests; then
	echo "mutate: the tests fail without any mutant (see $work/test.log)" >&2
	grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' "$work/test.log" >&2
	exit 2
fi

caught=0 missed=0
for m in "${mutants[@]}"; do
	IFS='|' read -r name file expr tests <<<"$m"
	cp "$src/$file" "$work/orig"
	sed -i "$expr" "$src/$file"
	if cmp -s "$src/$file" "$work/orig"; then
		echo "mutant $name did not apply: the line it changes in $file moved" >&2
		missed=$((missed + 1))
		continue
	fi
	if ! meson compile -C "$build" >"$work/build.log" 2>&1; then
		echo "mutant $name did not apply: it does not build (see $work/build.log)" >&2
		missed=$((missed + 1))
	# shellcheck disable=SC2086
	elif run_tests $tests; then
		echo "mutant $name MISSED: $tests all pass with it" >&2
		missed=$((missed + 1))
	else
		echo "mutant $name caught by: $(grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR) ' "$work/test.log" |
			sed -E 's|.* / ([^ ]+) .*|\1|' | sort -u | tr '\n' ' ')" >&2
		caught=$((caught + 1))
	fi
	cp "$work/orig" "$src/$file"
	touch "$src/$file"
done
meson compile -C "$build" >/dev/null 2>&1
echo "mutants: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
