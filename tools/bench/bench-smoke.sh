#!/usr/bin/env bash
# bench-smoke.sh BUILD_ROOT: the benchmark harness end to end on a tiny
# data set (TAP). Checks that it runs and writes every key of
# bench-results.json, that every baseline stream is measured, that the
# distinct identifiers are counted right, and that the pinned "today"
# gives the hits recent reports; no timing is asserted.
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0

if bash "$here/bench.sh" "$build" --n 20000 --reps 1 --work "$tmp/work" \
	--json "$tmp/bench-results.json" >"$tmp/out" 2>"$tmp/err"; then
	echo "ok 1 - bench.sh --n 20000 --reps 1 exits 0"
else
	echo "not ok 1 - bench.sh --n 20000 --reps 1 exits 0"
	failed=1
	sed 's/^/# /' "$tmp/err" | tail -20
fi
if grep -q '^scamdex benchmark: n = 20,000 identifiers' "$tmp/out"; then
	echo "ok 2 - the table names n"
else
	echo "not ok 2 - the table names n"
	failed=1
fi
if ! grep -q WARNING "$tmp/err"; then
	echo "ok 3 - no warning (scamdex reports every hit and no miss)"
else
	echo "not ok 3 - no warning (scamdex reports every hit and no miss)"
	failed=1
	grep WARNING "$tmp/err" | sed 's/^/# /'
fi
# the Python checks print lines 4 on and leave the next number in $tmp/next
python3 - "$tmp/bench-results.json" "$build" "$tmp/next" <<'PY' || failed=1
import json, os, sys
n = 4
bad = False
build = sys.argv[2]
def built(path):
    return os.access(os.path.join(build, path), os.X_OK)
def check(ok, what):
    global n, bad
    bad = bad or not ok
    print(("ok" if ok else "not ok") + f" {n} - {what}")
    n += 1
try:
    r = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    r = {}
    print(f"# {e}")
rates = ["import", "import_1t", "import_half", "compact", "check_1t", "check_1t_imported",
         "check_1t_uniform", "check_2t", "check_miss", "check_mixed_1_1",
         "check_mixed_1_9", "cli_batch", "sync_export", "sync_import"]
check(sorted(r) == sorted(rates + ["bytes_per_report",
                                   "bytes_per_report_compact",
                                   "peak_rss_bytes", "size_bytes",
                                   "distinct_identifiers", "n"]),
      "bench-results.json has exactly the keys of the issue")
check(all(isinstance(r.get(m), dict) and sorted(r[m]) == ["lmdb", "scamdex", "sqlite"]
          for m in rates), "each rate is {scamdex, lmdb, sqlite}")
check(r.get("n") == 20000, "n is 20000")
check(all(isinstance(r.get(m, {}).get(s), (int, float)) and r[m][s] > 0
          for m in ("import", "import_1t", "check_1t", "check_1t_uniform",
                    "check_2t", "check_miss", "check_mixed_1_1",
                    "check_mixed_1_9")
          for s in ("lmdb", "sqlite")), "the LMDB and SQLite baselines are measured")
check(isinstance(r.get("import_half", {}).get("scamdex"), (int, float))
      and r["import_half"]["scamdex"] > 0
      and r["import_half"]["lmdb"] is None,
      "the import onto a database holding the first half is measured")
check(all(isinstance(r.get("size_bytes", {}).get(s), int)
          and r["size_bytes"][s] > 0 for s in ("lmdb", "sqlite")),
      "the baselines' sizes are measured")
# the distinct identifiers, counted here from the baselines' input
data = os.path.join(os.path.dirname(sys.argv[1]), "work", "data")
distinct = set()
for line in open(os.path.join(data, "reports.tsv"), encoding="utf-8"):
    f = line.split("\t")
    distinct.update(f[1:1 + int(f[0])])
check(r.get("distinct_identifiers") == len(distinct),
      f"distinct_identifiers is {len(distinct)} "
      f"(got {r.get('distinct_identifiers')})")
uni = [l.rstrip("\n") for l in open(os.path.join(data, "hits-uniform.keys"))]
hits = [l.rstrip("\n") for l in open(os.path.join(data, "hits.keys"))]
check(len(uni) == len(hits) and set(uni) <= distinct,
      "the uniform hits are as many as the hits, all reported")
check(all(r.get(m, {}).get(s) is None
          for m in ("compact", "check_1t_imported", "cli_batch", "sync_export",
                    "sync_import")
          for s in ("lmdb", "sqlite")), "baselines that do not apply are null")
def positive(x):
    return isinstance(x, (int, float)) and x > 0
if built("tools/import/scamdex-import") and built("tools/gen/scamdex-gen"):
    check(positive(r.get("import", {}).get("scamdex"))
          and positive(r.get("peak_rss_bytes"))
          and positive(r.get("bytes_per_report")),
          "scamdex import rate, peak RssAnon and bytes per report are measured")
    det = json.load(open(os.path.join(os.path.dirname(sys.argv[1]),
                                      "bench-details.json")))
    check(positive(det.get("figures", {}).get("import_1t/scamdex",
                                              {}).get("median")),
          "the one-thread import rate is in the details")
    wr = det.get("written_bytes_per_op", {})
    check(all(positive(wr.get(m)) for m in ("import", "import_1t",
                                             "import_half"))
          and wr["import_1t"] * det.get("reports", 0)
          >= det.get("sizes", {}).get("scamdex", {}).get("live_bytes", 1) / 2,
          "what each scamdex import wrote to disk is in the details, at "
          "least half the pages the imported database uses")
    check(isinstance(r.get("size_bytes", {}).get("scamdex"), int)
          and r["size_bytes"]["scamdex"] > 0,
          "scamdex's size is measured")
    if built("cli/scamdex"):
        check(positive(r.get("cli_batch", {}).get("scamdex")),
              "the scamdex check --json batch rate is measured")
        check(positive(r.get("compact", {}).get("scamdex"))
              and positive(r.get("bytes_per_report_compact"))
              and r["bytes_per_report_compact"] < r["bytes_per_report"],
              "scamdex compact is measured, and its copy is smaller")
    if built("tools/bench/bench-inproc"):
        check(all(positive(r.get(m, {}).get("scamdex"))
                  for m in ("check_1t", "check_2t", "check_miss",
                            "check_1t_imported", "check_1t_uniform",
                            "check_mixed_1_1", "check_mixed_1_9")),
              "the in-process check rates are measured")
    if built("tools/sync/scamdex-sync"):
        check(all(positive(r.get(m, {}).get("scamdex"))
                  for m in ("sync_export", "sync_import")),
              "the sync export and import rates are measured")
with open(sys.argv[3], "w") as f:
    f.write(f"{n}\n")
sys.exit(1 if bad else 0)
PY
next=$(cat "$tmp/next" 2>/dev/null || echo 100)
# The pinned date: the data set's incident dates lie before bench.sh's
# today, so that checking the hits on that day finds reports in the last
# 3 and 30 days (on any calendar day this test runs).
scamdex=$build/cli/scamdex
if [ -x "$scamdex" ] && [ -d "$tmp/work/db" ]; then
	counts=$(SCAMDEX_TODAY=2026-11-28 "$scamdex" --db "$tmp/work/db" check --json \
		<"$tmp/work/data/hits.in" | python3 -c '
import json, sys
n = w3 = w30 = 0
for line in sys.stdin:
    r = json.loads(line)
    n += 1
    w3 += r["last_3d"] > 0
    w30 += r["last_30d"] > 0
print(n, w3, w30)')
	read -r nh w3 w30 <<<"$counts"
	if [ "${nh:-0}" -gt 0 ] && [ "${w3:-0}" -gt $((nh / 50)) ] && [ "${w30:-0}" -gt $((nh / 5)) ]; then
		echo "ok $next - pinned today: of $nh hits, $w3 have a report in the last 3 days, $w30 in the last 30"
	else
		echo "not ok $next - pinned today: of ${nh:-0} hits, ${w3:-0} have a report in the last 3 days (want > 2%), ${w30:-0} in the last 30 (want > 20%)"
		failed=1
	fi
	next=$((next + 1))
fi
# The projection to a larger size: a second run made from the first at
# twice the identifiers and half every rate is a slope of -1 on a log-log
# scale, so at 100 million the one-thread import must be the first rate
# times 20,000 / 100,000,000.
details=$tmp/bench-details.json
if [ -f "$details" ] && python3 - "$details" "$tmp/twice.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["n"] *= 2
for fig in d["figures"].values():
    fig["median"] /= 2
json.dump(d, open(sys.argv[2], "w"))
PY
then
	got=$(python3 "$here/bench-project.py" --json "$details" "$tmp/twice.json" |
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = json.load(sys.stdin)["import_1t"]
want = d["figures"]["import_1t/scamdex"]["median"] * 20000 / 100e6
p = t["projected"]
print("ok" if abs(p - want) < want * 1e-9 else f"got {p}, want {want}")' "$details")
else
	got="no bench-details.json"
fi
if [ "$got" = ok ]; then
	echo "ok $next - bench-project.py projects a rate on the power law through the two largest runs"
else
	echo "not ok $next - bench-project.py projects a rate on the power law through the two largest runs: $got"
	failed=1
fi
next=$((next + 1))
echo "1..$((next - 1))"
exit $failed
