#!/usr/bin/env bash
# run-fuzz.sh BUILD [SECONDS]: run every libFuzzer target of BUILD (a clang
# build configured with -Dfuzz=true) for SECONDS each (default 60), seeded
# with tests/fuzz/corpus/<target>/ and fixtures/bad/fuzz/<target>/.
# New inputs go to BUILD/fuzz-work/<target>/corpus (kept between runs, never
# into the source tree); a crash leaves its input in
# BUILD/fuzz-work/<target>/ and makes this script fail, naming the file.
# Copy such a file to fixtures/bad/fuzz/<target>/ once the bug is fixed:
# the fuzz-replay-<target> test then replays it in every `meson test`.
# Environment: FUZZ_JOBS=N runs N targets at once (default 1);
# FUZZ_TARGETS="a b" runs only those; FUZZ_RUNS=N with FUZZ_SEED=S runs N
# inputs from seed S instead of SECONDS (the same inputs every time: what CI
# runs, so its verdict does not depend on the machine's speed or luck).
set -uo pipefail
build=${1:?usage: run-fuzz.sh BUILD [SECONDS]}
secs=${2:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)

targets=()
for exe in "$build"/tests/fuzz/fuzz-*; do
	[ -x "$exe" ] && [ -f "$exe" ] || continue
	name=${exe##*/fuzz-}
	if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then
		continue
	fi
	targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "run-fuzz: no fuzz targets in $build/tests/fuzz (configure with CC=clang -Dfuzz=true)" >&2
	exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_one NAME: one target for $secs seconds; its summary line on stdout.
run_one() {
	local name=$1 work="$build/fuzz-work/$1"
	mkdir -p "$work/corpus"
	local seeds=()
	for d in "$src/tests/fuzz/corpus/$name" "$src/fixtures/bad/fuzz/$name"; do
		[ -d "$d" ] && seeds+=("$d")
	done
	local rc=0
	local budget=(-max_total_time="$secs")
	[ -n "${FUZZ_RUNS:-}" ] && budget=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}")
	"$build/tests/fuzz/fuzz-$name" "${budget[@]}" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" "${seeds[@]}" \
		>"$work/log" 2>&1 || rc=$?
	local runs
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz-$name: ${runs:-?} runs, no finding"
	else
		local art
		art=$(sed -n 's/.*Test unit written to //p' "$work/log" | tail -1)
		echo "fuzz-$name: FINDING after ${runs:-?} runs (exit $rc): ${art:-see $work/log}"
		grep -m1 -E 'ERROR: |runtime error|fuzz_[a-z_]+: ' "$work/log" | sed 's/^/  /'
	fi
	return $rc
}

status=0
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -le 1 ]; then
	for t in "${targets[@]}"; do
		run_one "$t" || status=1
	done
else
	# batches of $jobs targets at once
	for ((i = 0; i < ${#targets[@]}; i += jobs)); do
		pids=()
		for t in "${targets[@]:i:jobs}"; do
			run_one "$t" &
			pids+=($!)
		done
		for p in "${pids[@]}"; do
			wait "$p" || status=1
		done
	done
fi
[ $status -eq 0 ] && echo "run-fuzz: ${#targets[@]} targets, no finding" ||
	echo "run-fuzz: FINDINGS (inputs in $build/fuzz-work/)" >&2
exit $status
