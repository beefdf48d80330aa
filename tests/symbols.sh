#!/usr/bin/env bash
# symbols.sh LIB INCLUDEDIR: the shared library exports exactly the
# functions its public headers declare with SDX_API, nothing more (every
# internal symbol is hidden) and nothing less. TAP output.
set -euo pipefail
lib=$1 inc=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u)
declared=$(cat "$inc"/*.h "$inc"/*.h.in 2>/dev/null | tr '\n' ' ' |
	grep -o 'SDX_API[^;{]*(' | grep -o 'sdx_[a-z0-9_]*[[:space:]]*($' |
	tr -d ' (' | sort -u)
echo "1..2"
status=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [ -z "$extra" ]; then echo "ok 1 - every exported symbol is declared in a public header"
else echo "not ok 1 - exported but not declared: $(echo $extra)"; fi
[ -z "$extra" ] && [ -z "$missing" ] || status=1
if [ -z "$missing" ]; then echo "ok 2 - every SDX_API function is exported ($(echo "$declared" | wc -l) functions)"
else echo "not ok 2 - declared but not exported: $(echo $missing)"; fi
exit $status
