#!/usr/bin/env python3
"""bench-project.py: the benchmark's runs at several sizes side by side,
and a projection to a larger size from the measured growth.

  bench-project.py [--to N] [--cpu] [--json] DETAILS.json...

Each DETAILS.json is the bench-details.json of one `./run bench --n N`
run (the sizes should differ). Prints one Markdown table: every figure
of scamdex at each size, and its value projected to N identifiers
(default 100,000,000). A rate is projected on a power law through the two
largest runs, rate(n) = rate(n1) * (n / n1) ** b with b the slope of
log(rate) over log(n) between them: it carries the last measured trend
(the slow-down of random B-tree updates as the tree grows) forward, and
assumes no new cliff such as the data outgrowing memory. Bytes per report
are projected the same way. With --cpu, the per-CPU-second figures;
with --json, one object {figure: {"by_n": {N: value}, "projected": value}}
instead of the table.
"""
import argparse
import json
import math
import sys

ROWS = [
    ("import", "import, 2 threads (reports/s)"),
    ("import_1t", "import, 1 thread (reports/s)"),
    ("import_half", "import, 2nd half onto 1st (reports/s)"),
    ("compact", "compact (reports/s)"),
    ("check_1t", "check hits, 1 thread (checks/s)"),
    ("check_2t", "check hits, 2 threads (checks/s)"),
    ("check_miss", "check misses (checks/s)"),
    ("check_mixed_1_9", "check hits:misses 1:9 (checks/s)"),
    ("cli_batch", "scamdex check --json batch (inputs/s)"),
    ("sync_export", "sync export (ops/s)"),
    ("sync_import", "sync import (ops/s)"),
]


def human(x):
    if x is None:
        return "–"
    for unit, div in (("M", 1e6), ("k", 1e3)):
        if abs(x) >= div:
            return f"{x / div:.3g}{unit}" if x / div < 100 else \
                f"{x / div:.0f}{unit}"
    return f"{x:.0f}"


def project(points, to):
    """The value at `to` on the power law through the two largest
    (n, value) points, or None."""
    pts = sorted((n, v) for n, v in points if v)
    if len(pts) < 2:
        return None
    (n0, v0), (n1, v1) = pts[-2], pts[-1]
    if n0 == n1:
        return None
    b = math.log(v1 / v0) / math.log(n1 / n0)
    return v1 * (to / n1) ** b


def figures(runs, key, to):
    """{metric: {"by_n": {n: value or None}, "projected": value or None}}
    for every figure measured in at least one run."""
    out = {}
    for metric, _ in ROWS:
        vals = []
        for r in runs:
            fig = r.get(key, {}).get(f"{metric}/scamdex")
            vals.append(fig["median"] if fig else None)
        if any(vals):
            out[metric] = {"by_n": {r["n"]: v for r, v in zip(runs, vals)},
                           "projected": project(
                               [(r["n"], v) for r, v in zip(runs, vals)],
                               to)}
    per = []
    for r in runs:
        s = r.get("sizes", {}).get("scamdex")
        per.append(s["bytes"] / s["reports"] if s and s.get("reports")
                   else None)
    if any(per):
        out["bytes_per_report"] = {
            "by_n": {r["n"]: v for r, v in zip(runs, per)},
            "projected": project([(r["n"], v) for r, v in zip(runs, per)],
                                 to)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--to", type=int, default=100_000_000)
    ap.add_argument("--cpu", action="store_true",
                    help="the per-CPU-second figures")
    ap.add_argument("--json", action="store_true",
                    help="the figures and projections as JSON")
    ap.add_argument("details", nargs="+")
    a = ap.parse_args()
    runs = []
    for path in a.details:
        try:
            with open(path) as f:
                runs.append(json.load(f))
        except (OSError, ValueError) as e:
            sys.exit(f"bench-project: {path}: {e}")
    runs.sort(key=lambda r: r["n"])
    key = "figures_per_cpu_second" if a.cpu else "figures"
    table = figures(runs, key, a.to)
    if a.json:
        json.dump(table, sys.stdout, indent=1)
        print()
        return
    head = ["figure"] + [f"{r['n'] / 1e6:g}M ids" for r in runs] + \
        [f"{a.to / 1e6:g}M (projected)"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for metric, label in ROWS + [("bytes_per_report",
                                  "bytes per report, as imported")]:
        if metric not in table:
            continue
        t = table[metric]
        fmt = (lambda v: f"{v:.0f}" if v else "–") \
            if metric == "bytes_per_report" else human
        print("| " + " | ".join([label] + [fmt(t["by_n"][r["n"]])
                                           for r in runs] +
                                [fmt(t["projected"])]) + " |")
    print("| " + " | ".join(
        ["reports"] + [f"{r.get('reports', 0):,}" for r in runs] +
        [f"~{a.to / runs[-1]['n'] * runs[-1].get('reports', 0):,.0f}"]) + " |")


if __name__ == "__main__":
    main()
