#!/usr/bin/env bash
# ci-run.sh: .ci/run's counting and closing line, on a copy of .ci/run in a
# scratch tree whose ./run, install check, apt-get, sudo and clang-format
# are stand-ins (each scenario says what they do). Checks that the last
# line is always "N passed, N failed, N skipped", that a run that stopped
# before counting is a failure and not an abort, that stale counts from an
# earlier run are not read, and that apt-get goes through sudo when not root.
set -uo pipefail
src=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ci-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
check() { # check WHAT EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '# expected: %s\n# got:      %s\n' "$2" "$3"
		bad=1
	fi
}

# scenario NAME: a fresh scratch tree; ./run writes what $tmp/NAME.plan says
scenario() {
	local t=$tmp/$1
	mkdir -p "$t/.ci" "$t/tests/ci" "$t/bin"
	cp "$src/.ci/run" "$t/.ci/run"
	cp "$src/tests/ci/summarize.py" "$src/tests/ci/unprivileged.py" "$t/tests/ci/"
	printf '#!/bin/sh\necho "install-check: ok"\n' >"$t/tests/install-check.sh"
	printf 'print("1..0")\n' >"$t/tests/ci/tap-exit.py"
	# ./run MODE: the plan's line for MODE is "rc tsv-line..." (tsv lines
	# separated by '|'; '-' writes no file)
	cat >"$t/run" <<'EOF'
#!/usr/bin/env bash
mode=$1
[ "$mode $2" = "bench --smoke" ] && mode=bench-smoke
line=$(grep "^$mode " plan) || exit 0
rest=${line#* }
rc=${rest%% *} rows=${rest#* }
case $mode in
test) out=build/tests.tsv ;;
sanitize) out=build-asan/tests.tsv ;;
bench-smoke) out=build/tests-bench.tsv ;;
*) exit "$rc" ;;
esac
mkdir -p "$(dirname "$out")"
[ "$rows" = - ] || tr '|' '\n' <<<"$rows" | tr '~' '\t' >"$out"
exit "$rc"
EOF
	chmod +x "$t/run"
	for tool in apt-get clang-format; do
		printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$tool" "$t" >"$t/bin/$tool"
	done
	printf '#!/bin/sh\necho "sudo $*" >>"%s/calls"\nexec "$@"\n' "$t" >"$t/bin/sudo"
	chmod +x "$t/bin/"*
	git -C "$t" init -q
	echo "$t"
}
ci() { # ci TREE: run the copy; prints its last line, keeps its output
	(cd "$1" && PATH="$1/bin:$PATH" bash .ci/run >out 2>&1; echo $? >rc)
	tail -n 1 "$1/out"
}

t=$(scenario good)
cat >"$t/plan" <<'EOF'
test 0 pass~a :: 1~|pass~a :: 2~|skip~a :: 3~no tool
sanitize 0 pass~a :: 1~|pass~a :: 2~|skip~a :: 3~no tool
bench-smoke 0 pass~bench :: 1~
EOF
last=$(ci "$t")
# 3 distinct cases of a (a :: 3 skipped), bench :: 1, and 6 ci checks
# (packages, clang-format, install check, TAP exit statuses, fuzz, mutate)
check "all passing: the closing line counts distinct cases" "9 passed, 0 failed, 1 skipped" "$last"
check "all passing: exit status 0" 0 "$(cat "$t/rc")"
check "the plain run's count is printed apart" "plain: 2 passed, 0 failed, 1 skipped" \
	"$(grep '^plain:' "$t/out")"
check "the sanitizer run's count is printed apart" "sanitizers: 2 passed, 0 failed, 1 skipped" \
	"$(grep '^sanitizers:' "$t/out")"
check "the bench smoke count is printed apart" "bench smoke: 1 passed, 0 failed, 0 skipped" \
	"$(grep '^bench smoke:' "$t/out")"
if [ "$(id -u)" -eq 0 ]; then
	check "as root, apt-get runs without sudo" "" "$(grep '^sudo' "$t/calls")"
else
	check "not root, apt-get runs through sudo" "sudo apt-get update -qq" "$(grep -m1 '^sudo' "$t/calls")"
fi

# a case failing in the plain build only, the sanitizer build failing
# before its count, and a stale sanitizer count from an earlier run
t=$(scenario asan-build-fails)
mkdir -p "$t/build-asan"
printf 'pass\tstale :: 1\t\n' >"$t/build-asan/tests.tsv"
cat >"$t/plan" <<'EOF'
test 1 pass~a :: 1~|fail~a :: 2~
sanitize 1 -
bench-smoke 0 pass~bench :: 1~
EOF
last=$(ci "$t")
check "a sanitizer build that fails before counting: still a closing line, one failure more" \
	"8 passed, 2 failed, 0 skipped" "$last"
check "a sanitizer build that fails: exit status 1" 1 "$(cat "$t/rc")"
check "the missing count is named" "1" "$(grep -c 'build-asan/tests.tsv was not written' "$t/out")"
check "counts left by an earlier run are not read" "" "$(grep -F stale "$t/out")"
check "the failed plain case is counted" "plain: 1 passed, 1 failed, 0 skipped" "$(grep '^plain:' "$t/out")"

t=$(scenario nothing-ran)
printf 'fuzz 1\n' >"$t/plan"
printf 'exit 3\n' >>"$t/tests/install-check.sh"
last=$(ci "$t")
check "nothing counted: three missing runs and two failed checks" "4 passed, 5 failed, 0 skipped" "$last"

echo "1..$n"
exit $bad
