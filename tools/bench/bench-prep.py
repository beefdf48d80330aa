#!/usr/bin/env python3
"""bench-prep.py DIR: give the baselines the whole report.

scamdex-gen --n N --out DIR writes import.csv and, line for line,
reports.tsv (count, canonical keys, a short provenance body) and
reports.meta (incident day, agency, category, police: numbers). The raw
LMDB and SQLite baselines store the body as "the report", so for a fair
size and load comparison it must carry everything scamdex stores: this
replaces each body with the report's whole CSV record (narrative, dates,
amount, audience...) as one JSON array on one line, and puts the meta
fields before it, from which the baselines build their per-identifier
summaries:

  count TAB key... TAB day TAB agency TAB category TAB police TAB body
"""
import csv
import json
import os
import sys

csv.field_size_limit(1 << 20)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-prep.py DIR")
    d = sys.argv[1]
    src = os.path.join(d, "reports.tsv")
    tmp = src + ".tmp"
    n = 0
    with open(os.path.join(d, "import.csv"), newline="",
              encoding="utf-8-sig") as fc, \
            open(src, encoding="utf-8") as ft, \
            open(os.path.join(d, "reports.meta"), encoding="utf-8") as fm, \
            open(tmp, "w", encoding="utf-8") as out:
        rd = csv.reader(fc)
        next(rd)  # header
        for row, line, meta in zip(rd, ft, fm):
            fields = line.rstrip("\n").split("\t")
            count = int(fields[0])
            body = json.dumps(row, ensure_ascii=False,
                              separators=(",", ":"))
            out.write("\t".join(fields[:1 + count]) + "\t"
                      + meta.rstrip("\n") + "\t" + body + "\n")
            n += 1
        if next(rd, None) is not None or ft.readline() or fm.readline():
            sys.exit("bench-prep: import.csv, reports.tsv and reports.meta "
                     "differ in length")
    os.replace(tmp, src)
    print(f"bench-prep: {n} report bodies from import.csv", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
