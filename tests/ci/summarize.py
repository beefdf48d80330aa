#!/usr/bin/env python3
"""Count real test results, skips apart.

  summarize.py collect TESTLOG OUT.tsv   one line per test case into OUT.tsv
                                         (status, id, reason); prints "P F S"
  summarize.py count TSV...              distinct test cases over the files;
                                         prints "P F S"

A test case is a TAP line ("ok", "not ok", "ok ... # SKIP reason"): the
shell tests print TAP, and so do the Criterion executables (the test
environment sets CRITERION_OUTPUTS=tap:-, one line per Test(), a skipped
or disabled one as "# SKIP"). A test that prints no TAP line counts as one
case: passed, failed, or skipped (meson's SKIP, exit status 77). A skip
must say why ("# SKIP reason", or some output before exit status 77): a
skip without a reason counts as a failure. A test
that failed, crashed or timed out without a "not ok" line of its own adds
one failed case, so a crash after the last "ok" still counts.

"count" merges runs (the plain and the sanitizer build) by id: a case is
failed if it failed in any run, passed if it passed in one, else skipped.
"""
import json
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TAP = re.compile(r"^(not ok|ok)\b[ \t]*(\d+)?[ \t]*(?:-[ \t]*)?(.*)$")
DIRECTIVE = re.compile(r"#\s*(SKIP|TODO)\b\s*(.*)$", re.I)
PLAN_SKIP = re.compile(r"^1\.\.0\s*#\s*SKIP\b(.*)$", re.I | re.M)
TIMING = re.compile(r"\s*\(\d+(\.\d+)?s\)\s*$")


def cases(test):
    """(status, id, reason) for each case of one meson test result."""
    name = test["name"]
    out = ANSI.sub("", (test.get("stdout") or "") + "\n" + (test.get("stderr") or ""))
    found = []
    failed_line = False
    seen = {}
    for line in out.splitlines():
        m = TAP.match(line)
        if not m:
            continue
        verdict, num, desc = m.groups()
        reason = ""
        d = DIRECTIVE.search(desc)
        skip = False
        if d:
            desc = desc[: d.start()].rstrip()
            if d.group(1).upper() == "SKIP":
                skip = True
                reason = d.group(2).strip()
        desc = TIMING.sub("", desc).strip()
        key = num if num else desc
        # a repeated key (two unnumbered lines with one text) stays distinct
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
        if verdict == "not ok":
            status = "fail"
            failed_line = True
        elif skip and not reason:
            status = "fail"
            reason = "skipped without a reason"
        elif skip:
            status = "skip"
        else:
            status = "pass"
        found.append((status, f"{name} :: {key}", reason or desc))
    result = test["result"]
    plan = PLAN_SKIP.search(out)
    if not found:
        if result == "SKIP" and plan:
            return [("skip", name, plan.group(1).strip())]
        if result == "OK":
            return [("pass", name, "")]
        if result == "SKIP":
            said = [l.strip() for l in out.splitlines() if l.strip()]
            if said:
                return [("skip", name, said[-1])]
            return [("fail", name, "skipped (exit status 77) without a reason")]
        return [("fail", name, f"{result}, exit status {test.get('returncode')}")]
    if result not in ("OK", "SKIP") and not failed_line:
        found.append(("fail", f"{name} :: exit",
                      f"{result}, exit status {test.get('returncode')}"))
    return found


def totals(statuses):
    statuses = list(statuses)
    p = sum(1 for s in statuses if s == "pass")
    f = sum(1 for s in statuses if s == "fail")
    s = sum(1 for s in statuses if s == "skip")
    return f"{p} {f} {s}"


def collect(testlog, out):
    rows = []
    with open(testlog) as fh:
        for line in fh:
            line = line.strip()
            if line:
                rows.extend(cases(json.loads(line)))
    with open(out, "w") as fh:
        for status, ident, reason in rows:
            fh.write(f"{status}\t{ident}\t{reason}\n")
    print(totals(r[0] for r in rows))


def count(files):
    merged = {}
    for path in files:
        with open(path) as fh:
            for line in fh:
                status, ident = line.rstrip("\n").split("\t")[:2]
                old = merged.get(ident)
                if old == "fail" or status == "fail":
                    merged[ident] = "fail"
                elif old == "pass" or status == "pass":
                    merged[ident] = "pass"
                else:
                    merged[ident] = "skip"
    print(totals(merged.values()))


def main(argv):
    if len(argv) == 4 and argv[1] == "collect":
        collect(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "count":
        count(argv[2:])
    else:
        sys.stderr.write("usage: summarize.py collect TESTLOG OUT.tsv | count TSV...\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
