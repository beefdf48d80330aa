#!/usr/bin/env python3
"""bench-report.py: measurements and the results table of the benchmark.

  bench-report.py measure --out RESULTS --metric M --system S --rep R
        --ops N [--rss] [--stdin F] [--stdout F] [--ok STATUS,...] -- CMD...
      run CMD once, time it (wall clock), and, with --rss, sample its
      anonymous resident memory (RssAnon in /proc/PID/status) every 50 ms;
      append one JSON line to RESULTS.
  bench-report.py size --out RESULTS --system S --reports N
        [--lmdb-size PROG] PATH...
      append the bytes the files take (for an LMDB data.mdb: the pages in
      use, not the sparse map size, from PROG DIR (bench-lmdb-size) or
      else mdb_stat).
  bench-report.py report --results RESULTS --n N --json OUT [--details OUT]
      medians over the repetitions, one table on standard output, and
      OUT with the keys the issue names.

A RESULTS line is {"metric", "system", "rep", "ops", "secs"} (a rate is
ops/secs), or {"metric": "size", "system", "bytes", "reports"}, or
{"metric": "keys", "distinct_identifiers", ...} (bench-baseline keys);
extra keys (peak_rss_anon; written_bytes, what the process wrote to disk,
from its rusage) ride along.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

METRICS = ["import", "import_1t", "import_half", "parse", "sort", "compact", "check_1t",
           "check_1t_imported", "check_1t_uniform", "check_2t", "check_miss",
           "check_mixed_1_1", "check_mixed_1_9", "cli_batch", "sync_export",
           "sync_import"]
# the figures of bench-results.json ({scamdex, lmdb, sqlite} each)
RESULT_RATES = ["import", "import_1t", "import_half", "compact", "check_1t",
                "check_1t_imported", "check_1t_uniform", "check_2t",
                "check_miss", "check_mixed_1_1", "check_mixed_1_9",
                "cli_batch", "sync_export", "sync_import"]
SYSTEMS = ["scamdex", "lmdb", "sqlite"]
UNITS = {"import": "reports/s", "import_1t": "reports/s",
         "import_half": "reports/s",
         "parse": "reports/s", "sort": "reports/s",
         "compact": "reports/s", "check_1t_uniform": "checks/s",
         "check_mixed_1_1": "checks/s", "check_mixed_1_9": "checks/s",
         "check_1t": "checks/s", "check_1t_imported": "checks/s",
         "check_2t": "checks/s", "check_miss": "checks/s",
         "cli_batch": "inputs/s", "sync_export": "ops/s",
         "sync_import": "ops/s"}
LABELS = {"import": "import (baselines: load)",
          "import_1t": "import, 1 thread, all steps",
          "import_half": "import, 2nd half onto 1st",
          "parse": "  (baselines: parse)", "sort": "  (baselines: sort)",
          "check_1t_uniform": "  (uniform hits)",
          "check_mixed_1_1": "check, hits:misses 1:1",
          "check_mixed_1_9": "check, hits:misses 1:9",
          "compact": "scamdex compact",
          "check_1t": "check, hits, 1 thread",
          "check_1t_imported": "  (on the db as imported)",
          "check_2t": "check, hits, 2 threads",
          "check_miss": "check, misses, 1 thread",
          "cli_batch": "scamdex check --json batch",
          "sync_export": "sync export", "sync_import": "sync import"}
MIB = 1 << 20


def append(path, rec):
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")


def rss_anon(pid):
    """RssAnon of pid in bytes, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cmd_measure(a):
    stdin = open(a.stdin, "rb") if a.stdin else subprocess.DEVNULL
    stdout = open(a.stdout, "wb") if a.stdout else subprocess.DEVNULL
    ok = {int(s) for s in a.ok.split(",")}
    peak = [0]
    t0 = time.monotonic()
    p = subprocess.Popen(a.command, stdin=stdin, stdout=stdout,
                         stderr=subprocess.PIPE)
    done = threading.Event()

    def sample():
        while not done.is_set():
            v = rss_anon(p.pid)
            if v is not None and v > peak[0]:
                peak[0] = v
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if a.rss:
        sampler.start()
    err = p.stderr.read()
    _, wstatus, ru = os.wait4(p.pid, 0)
    secs = time.monotonic() - t0
    status = os.waitstatus_to_exitcode(wstatus)
    p.returncode = status
    done.set()
    if a.rss:
        sampler.join()
    if status not in ok:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
        print(f"bench: {a.metric}/{a.system}: {' '.join(a.command)}: "
              f"exit status {status}", file=sys.stderr)
        return 1
    rec = {"metric": a.metric, "system": a.system, "rep": a.rep,
           "ops": a.ops, "secs": round(secs, 6),
           "cpu_secs": round(ru.ru_utime + ru.ru_stime, 6),
           # block output the kernel charged to the process (its msync
           # and fsync writeback): a store's write amplification
           "written_bytes": ru.ru_oublock * 512}
    if a.rss:
        rec["peak_rss_anon"] = peak[0]
    append(a.out, rec)
    return 0


def lmdb_pages(dirname, prog=None):
    """(page size, pages used, free pages) of an LMDB environment, from
    prog (bench-lmdb-size) or mdb_stat -ef; None if neither runs."""
    if prog:
        try:
            out = subprocess.run([prog, dirname], capture_output=True,
                                 text=True, check=True).stdout.split()
            return tuple(int(x) for x in out[:3])
        except (OSError, subprocess.CalledProcessError, ValueError):
            pass
    try:
        out = subprocess.run(["mdb_stat", "-ef", dirname],
                             capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    page = used = free = 0
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Page size:"):
            page = int(line.split()[-1])
        elif line.startswith("Number of pages used:"):
            used = int(line.split()[-1])
        elif line.startswith("Free pages:"):
            free = int(line.split()[-1])
    return (page, used, free) if page and used else None


def cmd_size(a):
    """Bytes on disk: an LMDB data file by its pages in use (the file is
    sparse up to the map size), also without the free pages ("live");
    other files by their allocated blocks."""
    total = live = 0
    for p in a.paths:
        files = [p]
        if os.path.isdir(p):
            files = [os.path.join(r, f) for r, _, fs in os.walk(p)
                     for f in fs if f != "lock.mdb"]
        for f in files:
            pages = (lmdb_pages(os.path.dirname(f), a.lmdb_size)
                     if os.path.basename(f) == "data.mdb" else None)
            if pages:
                total += pages[0] * pages[1]
                live += pages[0] * (pages[1] - pages[2])
            else:
                st = os.stat(f)
                n = min(st.st_size, st.st_blocks * 512)
                total += n
                live += n
    append(a.out, {"metric": "size", "system": a.system, "bytes": total,
                   "live_bytes": live, "reports": a.reports})
    return 0


# the writers whose disk writes per operation the table shows
WRITERS = [("import_1t", "import 1t"), ("import", "import"),
           ("import_half", "2nd half"),
           ("sync_import", "sync import")]
WRITER_LABELS = dict(WRITERS)


def load(path):
    """The results file, parsed once: rates by (metric, system), per CPU
    second too, sizes, scamdex's peak RssAnon samples, the key counts and
    {metric: median bytes written per operation} of scamdex's WRITERS."""
    runs = {}
    cpu = {}
    sizes = {}
    rss = []
    keys = None
    written = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r["metric"] == "keys":
                keys = r
                continue
            if r["metric"] == "size":
                sizes[r["system"]] = r
                continue
            if r["metric"] == "bundle":
                sizes["bundle"] = r
                continue
            if r["secs"] <= 0:
                continue
            runs.setdefault((r["metric"], r["system"]), []).append(
                r["ops"] / r["secs"])
            if r.get("cpu_secs"):
                threads = 2 if r["metric"].endswith("_2t") else 1
                cpu.setdefault((r["metric"], r["system"]), []).append(
                    r["ops"] / r["cpu_secs"] * threads)
            if r.get("peak_rss_anon") and r["system"] == "scamdex":
                rss.append(r["peak_rss_anon"])
            if (r["system"] == "scamdex" and r["ops"]
                    and r.get("written_bytes") is not None
                    and r["metric"] in WRITER_LABELS):
                written.setdefault(r["metric"], []).append(
                    r["written_bytes"] / r["ops"])
    return runs, cpu, sizes, rss, keys, {
        m: statistics.median(v) for m, v in written.items()}


def summary(rates):
    med = statistics.median(rates)
    spread = (max(rates) - min(rates)) / 2 / med * 100 if med else 0.0
    return {"median": med, "reps": len(rates), "min": min(rates),
            "max": max(rates), "spread_pct": round(spread, 1)}


def fmt_rate(s):
    if s is None:
        return "-"
    m = s["median"]
    text = f"{m / 1e6:.2f}M" if m >= 1e6 else f"{m / 1e3:.0f}k"
    return f"{text} ±{s['spread_pct']:.0f}%"


def ratio(a, b):
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def targets(stat, sizes, rss):
    """(description, met, how far) for each target of the issue."""
    out = []

    def s(m, sy):
        return stat.get((m, sy))

    def add(desc, value, want, unit, more_is_better=True):
        if value is None:
            out.append((desc, None, "not measured"))
            return
        met = value >= want if more_is_better else value <= want
        out.append((desc, met, f"{value:{unit}} (target "
                    f"{'>=' if more_is_better else '<='} {want:{unit}})"))

    add("check hits 1t vs raw LMDB", ratio(s("check_1t", "scamdex"),
        s("check_1t", "lmdb")), 0.8, ".3f")
    add("check hits 1t vs SQLite", ratio(s("check_1t", "scamdex"),
        s("check_1t", "sqlite")), 1.25, ".3f")
    add("check misses vs raw LMDB misses", ratio(s("check_miss", "scamdex"),
        s("check_miss", "lmdb")), 3.0, ".3f")
    add("check 1:9 mixed stream vs raw LMDB",
        ratio(s("check_mixed_1_9", "scamdex"), s("check_mixed_1_9", "lmdb")),
        3.0, ".3f")
    add("check 2 threads vs 1 thread", ratio(s("check_2t", "scamdex"),
        s("check_1t", "scamdex")), 1.8, ".3f")
    cli = s("cli_batch", "scamdex")
    add("CLI batch inputs/s", cli and cli["median"], 500000, ",.0f")
    imp = s("import", "scamdex")
    add("import reports/s", imp and imp["median"], 200000, ",.0f")
    one = s("import_1t", "scamdex")
    add("import reports/s on one core (--threads 1)",
        one and one["median"], 200000, ",.0f")
    add("import, one thread, vs SQLite's one thread",
        ratio(one, s("import_1t", "sqlite")), 2.0, ".3f")
    half = s("import_half", "scamdex")
    add("import of the second half onto the first, reports/s",
        half and half["median"], 150000, ",.0f")
    add("importer peak RssAnon MiB", max(rss) / MIB if rss else None, 256,
        ".1f", more_is_better=False)
    for m in ("sync_export", "sync_import"):
        x = s(m, "scamdex")
        add(f"{m.replace('_', ' ')} ops/s", x and x["median"], 200000,
            ",.0f")
    size = None
    if "scamdex" in sizes and "lmdb" in sizes and sizes["lmdb"]["bytes"]:
        size = sizes["scamdex"]["bytes"] / sizes["lmdb"]["bytes"]
    add("size vs raw LMDB file", size, 2.0, ".2f", more_is_better=False)
    size = None
    if ("scamdex-compact" in sizes and "lmdb" in sizes
            and sizes["lmdb"]["bytes"]):
        size = sizes["scamdex-compact"]["bytes"] / sizes["lmdb"]["bytes"]
    add("size after compact vs raw LMDB file", size, 2.0, ".2f",
        more_is_better=False)
    return out


def machine():
    """cores, memory and CPU of this machine, and the date (UTC)."""
    model = "?"
    mem = 0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"cores": len(os.sched_getaffinity(0)), "memory_bytes": mem,
            "cpu": model, "loadavg": list(os.getloadavg()),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def cmd_report(a):
    runs, cpu, sizes, rss, keys, written = load(a.results)
    stat = {k: summary(v) for k, v in runs.items()}
    cstat = {k: summary(v) for k, v in cpu.items()}
    reps = sorted({s["reps"] for s in stat.values()})
    reports = next((sizes[s]["reports"] for s in SYSTEMS if s in sizes),
                   None)

    host = machine()
    lines = []
    lines.append(f"scamdex benchmark: n = {a.n:,} identifiers"
                 + (f", {reports:,} reports" if reports else "")
                 + f"; median of {'/'.join(map(str, reps)) or '0'} "
                 "repetitions, ± half the spread (max-min) over the median")
    if keys:
        ids, hs, hu = (keys.get(k, {}) for k in
                       ("identifiers", "hits", "hits_uniform"))
        lines.append(
            f"data: {keys['distinct_identifiers']:,} distinct identifiers "
            f"({ids.get('mean_reports', 0):.2f} reports each on average, "
            f"{ids.get('share_2plus', 0):.0%} in 2 or more); hits: a random "
            f"identifier of a random report, {hs.get('distinct', 0):,} "
            f"distinct in {hs.get('lookups', 0):,} look-ups, "
            f"{hs.get('mean_reports', 0):.2f} reports each on average, "
            f"{hs.get('share_2plus', 0):.0%} in 2 or more; uniform hits: "
            f"{hu.get('mean_reports', 0):.2f}, "
            f"{hu.get('share_2plus', 0):.0%}")
    lines.append(f"machine: {host['cores']} cores ({host['cpu']}), "
                 f"{host['memory_bytes'] / (1 << 30):.0f} GiB memory; "
                 f"{host['date']}; load average "
                 f"{' '.join(f'{x:.1f}' for x in host['loadavg'])}")
    hdr = (f"{'figure':<28} {'unit':<10} {'scamdex':>13} {'raw LMDB':>13} "
           f"{'SQLite':>13} {'/LMDB':>7} {'/SQLite':>8}")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    def rows(st):
        for m in METRICS:
            sc, lm, sq = (st.get((m, s)) for s in SYSTEMS)
            lines.append(f"{LABELS[m]:<28} {UNITS[m]:<10} "
                         f"{fmt_rate(sc):>13} {fmt_rate(lm):>13} "
                         f"{fmt_rate(sq):>13} "
                         f"{fmt_ratio(ratio(sc, lm)):>7} "
                         f"{fmt_ratio(ratio(sc, sq)):>8}")
    rows(stat)
    lines.append("  (import: scamdex-import, 2 threads; the baselines' load "
                 "of input parsed and sorted beforehand. 1 thread, all "
                 "steps: --threads 1; the baselines' parse + sort + load)")
    bpr = {s: sizes[s]["bytes"] / sizes[s]["reports"] for s in SYSTEMS
           if sizes.get(s, {}).get("reports")}
    if bpr:
        def b(s):
            return f"{bpr[s]:.0f}" if s in bpr else "-"
        rl = (f"{bpr['scamdex'] / bpr['lmdb']:.2f}x"
              if "scamdex" in bpr and "lmdb" in bpr else "-")
        rs = (f"{bpr['scamdex'] / bpr['sqlite']:.2f}x"
              if "scamdex" in bpr and "sqlite" in bpr else "-")
        lines.append(f"{'size on disk':<28} {'B/report':<10} "
                     f"{b('scamdex'):>13} {b('lmdb'):>13} {b('sqlite'):>13} "
                     f"{rl:>7} {rs:>8}")
        sc = sizes.get("scamdex", {})
        if sc.get("live_bytes") and sc["live_bytes"] != sc["bytes"]:
            lines.append(f"{'  without free pages':<28} {'B/report':<10} "
                         f"{sc['live_bytes'] / sc['reports']:>13.0f}")
        cc = sizes.get("scamdex-compact", {})
        if cc.get("reports"):
            cb = cc["bytes"] / cc["reports"]
            rl = f"{cb / bpr['lmdb']:.2f}x" if "lmdb" in bpr else "-"
            rs = f"{cb / bpr['sqlite']:.2f}x" if "sqlite" in bpr else "-"
            lines.append(f"{'  after scamdex compact':<28} {'B/report':<10} "
                         f"{cb:>13.0f} {'':>13} {'':>13} {rl:>7} {rs:>8}")
    if sizes.get("bundle", {}).get("ops"):
        b = sizes["bundle"]
        lines.append(f"{'sync bundle':<28} {'B/op':<10} "
                     f"{b['bytes'] / b['ops']:>13.0f}")
    if rss:
        lines.append(f"{'importer peak RssAnon':<28} {'MiB':<10} "
                     f"{max(rss) / MIB:>13.1f}")
    for m, label in WRITERS:
        if m in written:
            lines.append(f"{'written to disk, ' + label:<28} "
                         f"{'B/op':<10} {written[m]:>13.0f}")
    if cstat:
        lines.append("")
        lines.append("the same per CPU second (CPU time of the process, "
                     "as if each thread had a core to itself; less "
                     "sensitive to a busy machine):")
        rows(cstat)
    lines.append("")
    lines.append("targets (wall clock | per CPU second):")
    for (desc, met, text), (_, cmet, ctext) in zip(
            targets(stat, sizes, rss), targets(cstat, sizes, rss)):
        mark = "-" if met is None else ("met" if met else "MISSED")
        cmark = "-" if cmet is None else ("met" if cmet else "MISSED")
        lines.append(f"  {mark:<6} | {cmark:<6} {desc}: {text}"
                     + (f" | {ctext.split(' (')[0]}" if ctext != text
                        else ""))
    print("\n".join(lines))

    res = {}
    for m in RESULT_RATES:
        res[m] = {s: (round(stat[(m, s)]["median"], 1)
                      if (m, s) in stat else None) for s in SYSTEMS}
    res["bytes_per_report"] = (round(bpr["scamdex"], 1)
                               if "scamdex" in bpr else None)
    cc = sizes.get("scamdex-compact", {})
    res["bytes_per_report_compact"] = (round(cc["bytes"] / cc["reports"], 1)
                                       if cc.get("reports") else None)
    res["peak_rss_bytes"] = max(rss) if rss else None
    res["size_bytes"] = {s: sizes[s]["bytes"] if s in sizes else None
                         for s in SYSTEMS}
    res["distinct_identifiers"] = (keys["distinct_identifiers"] if keys
                                   else None)
    res["n"] = a.n
    with open(a.json, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    if a.details:
        det = {"n": a.n, "reports": reports, "machine": host,
               "figures": {f"{m}/{s}": v for (m, s), v in stat.items()},
               "figures_per_cpu_second": {f"{m}/{s}": v
                                          for (m, s), v in cstat.items()},
               "sizes": sizes, "peak_rss_anon": rss, "keys": keys,
               "written_bytes_per_op": {m: round(written[m], 1)
                                        for m, _ in WRITERS
                                        if m in written},
               "targets": [{"target": d, "met": ok, "value": t}
                           for d, ok, t in targets(stat, sizes, rss)]}
        with open(a.details, "w") as f:
            json.dump(det, f, indent=2)
            f.write("\n")
    return 0


def main():
    ap = argparse.ArgumentParser(prog="bench-report.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--out", required=True)
    m.add_argument("--metric", required=True)
    m.add_argument("--system", default="scamdex")
    m.add_argument("--rep", type=int, required=True)
    m.add_argument("--ops", type=int, required=True)
    m.add_argument("--rss", action="store_true")
    m.add_argument("--stdin")
    m.add_argument("--stdout")
    m.add_argument("--ok", default="0")
    m.add_argument("command", nargs="+")
    s = sub.add_parser("size")
    s.add_argument("--out", required=True)
    s.add_argument("--system", default="scamdex")
    s.add_argument("--reports", type=int, required=True)
    s.add_argument("--lmdb-size")
    s.add_argument("paths", nargs="+")
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--n", type=int, required=True)
    r.add_argument("--json", required=True)
    r.add_argument("--details")
    a = ap.parse_args()
    return {"measure": cmd_measure, "size": cmd_size,
            "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
