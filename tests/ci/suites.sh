#!/usr/bin/env bash
# suites.sh BUILD_ROOT CRITERION_EXE: what the default `meson test` runs.
# The benchmark smoke test is not in it (./run bench --smoke runs it), and
# a Criterion executable prints one TAP line per test in the test
# environment, which is what tests/ci/summarize.py counts.
set -uo pipefail
build=$1 crit=$2
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; bad=1; }

default=$(meson test -C "$build" --list --no-rebuild 2>/dev/null)
bench=$(meson test -C "$build" --list --no-rebuild --suite bench 2>/dev/null)
if [ -n "$default" ] && ! grep -q 'bench-smoke' <<<"$default"; then
	ok "the default suite leaves out bench-smoke"
else
	nok "the default suite leaves out bench-smoke"
fi
if grep -q 'bench-smoke' <<<"$bench"; then
	ok "--suite bench runs bench-smoke"
elif [ -x "$build/tools/bench/bench-baseline" ]; then
	nok "--suite bench runs bench-smoke"
else
	ok "--suite bench runs bench-smoke # SKIP no SQLite: the benchmark is not built"
fi
if [ "${CRITERION_OUTPUTS:-}" = "tap:-" ]; then
	ok "the test environment sets CRITERION_OUTPUTS=tap:-"
else
	nok "the test environment sets CRITERION_OUTPUTS=tap:- (it is '${CRITERION_OUTPUTS:-}')"
fi
out=$("$crit" 2>&1)
tests=$("$crit" --list 2>/dev/null | grep -c '^[├└]')
lines=$(grep -c '^ok - ' <<<"$out")
if [ "$tests" -gt 0 ] && [ "$lines" -eq "$tests" ]; then
	ok "a Criterion executable prints one TAP line per test ($lines)"
else
	nok "a Criterion executable prints one TAP line per test ($lines lines, $tests tests)"
fi
echo "1..$n"
exit $bad
