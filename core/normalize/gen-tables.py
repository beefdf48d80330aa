#!/usr/bin/env python3
"""gen-tables.py: write core/normalize/tables.c from fixtures/reference/.

    python3 core/normalize/gen-tables.py [SOURCE_ROOT] > core/normalize/tables.c

The output is committed; rerun this after changing a reference CSV. It
emits the bank table (sorted by BIN), the bank name index (folded keys,
sorted, unique), the mobile prefixes, the 2018 old-to-new mobile prefix
map and the fixed-line area codes.

Name-index keys are the sdx_fold() form with spaces removed ("mbbank"). The
fold here (NFKD, drop marks, d-stroke to d, casefold, runs of anything but
letters and digits to one space) must equal sdx_fold(); a test checks it
for every key.

When one key names two banks the rank decides: BIN > code column > short
name > full name > alternate code > alias; on a tie the BIN issued by the
SBV (9704xx) wins. So "BVB" is BaoViet Bank 970438 (its code column, the
vietqr.io system) and not BVBank 970454 (whose alternate code it is in
xuannghia/vietnam-qr-pay); "CIMB" is 970459 and "MAFC" is 970468. The
key keeps the other bank too: a check of "BVB 123" also answers BVBank's
account 123 (an app built on the other list meant that one).
"""
import csv
import os
import re
import sys
import unicodedata

# Spellings the reference table mentions only in prose (note column or
# identifier-formats.md section 3): former names and codes, and the name
# each bank has in the VietQR lists.
ALIASES = {
    "970403": ["STP"],
    "970406": ["DongA Bank", "Ngân hàng TMCP Đông Á", "DAB", "Đông Á"],
    "970414": ["OceanBank", "Ngân hàng TNHH MTV Đại Dương"],
    "970449": ["LienVietPostBank", "Ngân hàng TMCP Bưu Điện Liên Việt",
               "LPBank"],
    "970454": ["Viet Capital Bank", "Ban Viet", "BanViet"],
    "970438": ["BaoVietBank"],
    "970422": ["MBBank"],
    "970415": ["Vietinbank"],
    "971025": ["Ví MoMo"],
    # names people still write: the short Vietnamese names, and banks
    # merged or renamed (HabuBank into SHB 2012, Western Bank into
    # PVcomBank 2013, CB renamed Vietcombank Neo 2025)
    "970405": ["Nông nghiệp"],
    "970443": ["Habubank", "Ngân hàng Nhà Hà Nội"],
    "970412": ["Western Bank", "Ngân hàng Phương Tây"],
    "970444": ["VCBNeo", "Vietcombank Neo"],
}

RANK = {"bin": 0, "code": 1, "short": 2, "name": 3, "alt": 4, "alias": 5,
        "swift": 6}


def fold(text):
    out = []
    space = False
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) in ("Mn", "Mc", "Me"):
            continue
        for c in ch.casefold():
            if c in ("đ", "Đ"):
                c = "d"
            if unicodedata.category(c)[0] in "LN":
                if space and out:
                    out.append(" ")
                space = False
                out.append(c)
            else:
                space = True
    return "".join(out)


def key(text):
    return fold(text).replace(" ", "")


def cstr(s):
    out = []
    for b in s.encode("utf-8"):
        if b < 0x20 or b >= 0x7F or b in (0x22, 0x5C):
            out.append("\\%03o" % b)
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    ref = os.path.join(root, "fixtures", "reference")
    with open(os.path.join(ref, "vn-banks.csv"), encoding="utf-8") as f:
        banks = sorted(csv.DictReader(f), key=lambda r: r["bin"])
    with open(os.path.join(ref, "vn-mobile-prefixes.csv"), encoding="utf-8") as f:
        mobiles = list(csv.DictReader(f))
    with open(os.path.join(ref, "vn-landline-area-codes.csv"), encoding="utf-8") as f:
        areas = list(csv.DictReader(f))

    keys = {}  # key -> (rank, not SBV, bank index, spelling)
    also = {}  # key -> the index of the other bank it names, when two
    conflicts = []

    def add(k_text, kind, idx):
        k = key(k_text)
        if not k:
            return
        cand = (RANK[kind], not banks[idx]["bin"].startswith("9704"), idx,
                k_text)
        old = keys.get(k)
        if old is None:
            keys[k] = cand
            return
        if old[2] == idx:
            keys[k] = min(old, cand)
            return
        win, lose = sorted([old, cand])
        keys[k] = win
        also[k] = lose[2]
        conflicts.append("%s: %s (%s) over %s (%s)" % (
            k, banks[win[2]]["bin"], win[3], banks[lose[2]]["bin"], lose[3]))

    for i, b in enumerate(banks):
        add(b["bin"], "bin", i)
        add(b["code"], "code", i)
        add(b["short_name"], "short", i)
        add(b["name"], "name", i)
        for m in re.finditer(r"alt code (\S+)", b["note"]):
            add(m.group(1), "alt", i)
        for m in re.finditer(r"VietQR-list name: ([^;]+)", b["note"]):
            add(m.group(1).strip(), "alias", i)
        for a in ALIASES.get(b["bin"], []):
            add(a, "alias", i)
        add(b["swift"], "swift", i)

    w = sys.stdout.write
    w("/* tables.c: GENERATED by core/normalize/gen-tables.py from\n"
      " * the CSV files in fixtures/reference/. Do not edit; rerun the\n"
      " * script. */\n")
    w('#include "norm.h"\n\n/* clang-format off */\n')
    w("const sdx_bank_info norm_banks[] = {\n")
    for b in banks:
        w("\t{%s, %s, %s, %s, %s},\n" % tuple(
            cstr(b[c]) for c in ("bin", "short_name", "name", "code", "swift")))
    w("};\nconst size_t norm_bank_count = %d;\n\n" % len(banks))
    w("/* Folded name keys, sorted (strcmp order), and the other bank a key\n"
      " * also names (-1: none). Conflicts resolved:\n")
    for c in conflicts:
        w(" *   %s\n" % c)
    w(" */\nconst struct norm_bank_key norm_bank_keys[] = {\n")
    for k in sorted(keys, key=lambda s: s.encode("utf-8")):
        w("\t{%s, %d, %d},\n" % (cstr(k), keys[k][2], also.get(k, -1)))
    w("};\nconst size_t norm_bank_key_count = %d;\n\n" % len(keys))

    # Mobile prefixes keyed by the national significant number's first
    # digits (the trunk 0 dropped): "079" -> 79, len 2.
    rows = []
    for m in mobiles:
        p = m["prefix_10digit"][1:]
        rows.append((len(p), int(p), m["carrier"], m["prefix_10digit"]))
    rows.sort()
    w("/* Mobile prefixes: NSN digits (no trunk 0), longest match wins. */\n")
    w("const struct norm_prefix norm_mobile[] = {\n")
    for n, v, carrier, p in rows:
        w("\t{%d, %d, %s}, /* %s */\n" % (n, v, cstr(carrier), p))
    w("};\nconst size_t norm_mobile_count = %d;\n\n" % len(rows))

    old = []
    for m in mobiles:
        o = m["old_prefix_11digit"]
        if o:
            old.append((int(o[1:]), int(m["prefix_10digit"][1:]),
                        o, m["prefix_10digit"]))
    old.sort()
    w("/* Renumbered prefixes, NSN digits: 2018 old 11-digit (0162 -> 032)\n"
      " * and the VSAT move (0992 -> 0672, same length). */\n")
    w("const struct norm_renumber norm_renumber[] = {\n")
    for o, n, os_, ns in old:
        w("\t{%d, %d, %d, %d}, /* %s -> %s */\n" % (
            len(os_) - 1, o, len(ns) - 1, n, os_, ns))
    w("};\nconst size_t norm_renumber_count = %d;\n\n" % len(old))

    rows = []
    for a in areas:
        p = a["area_code"][1:]
        rows.append((len(p), int(p), a["province_en"], a["area_code"]))
    rows.sort()
    w("/* Fixed-line area codes, NSN digits: 24 and 28 (8-digit subscriber\n"
      " * numbers) and 2xx (7-digit). */\n")
    w("const struct norm_prefix norm_area[] = {\n")
    for n, v, name, p in rows:
        w("\t{%d, %d, %s}, /* %s */\n" % (n, v, cstr(name), p))
    w("};\nconst size_t norm_area_count = %d;\n\n" % len(rows))

    old = []
    for a in areas:
        o, n = a["old_area_code"], a["area_code"]
        if o and o != n:
            old.append((len(o) - 1, int(o[1:]), len(n) - 1, int(n[1:]), o, n))
    old.sort()
    w("/* Area codes before 2017, NSN digits (04 -> 024, 0511 -> 0236): the\n"
      " * subscriber number unchanged. A number that reads as a valid current\n"
      " * one keeps that reading (phone.c). */\n")
    w("const struct norm_renumber norm_old_area[] = {\n")
    for ol, o, nl, n, os_, ns in old:
        w("\t{%d, %d, %d, %d}, /* %s -> %s */\n" % (ol, o, nl, n, os_, ns))
    w("};\nconst size_t norm_old_area_count = %d;\n\n" % len(old))

    # CRC-16/CCITT-FALSE (poly 0x1021) slice-by-8 tables: t[k][x] is the
    # CRC of byte x followed by k zero bytes, from 0.
    t = [[0] * 256 for _ in range(8)]
    for i in range(256):
        c = i << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) if c & 0x8000 else c << 1
            c &= 0xFFFF
        t[0][i] = c
    for k in range(1, 8):
        for i in range(256):
            p = t[k - 1][i]
            t[k][i] = ((p << 8) & 0xFFFF) ^ t[0][p >> 8]
    w("/* CRC-16/CCITT-FALSE slice-by-8: [k][x] = CRC of byte x and k zero\n"
      " * bytes. */\n")
    w("const uint16_t norm_crc_table[8][256] = {\n")
    for k in range(8):
        w("\t{\n")
        for i in range(0, 256, 8):
            w("\t\t" + " ".join("0x%04x," % v for v in t[k][i:i + 8]) + "\n")
        w("\t},\n")
    w("};\n")


if __name__ == "__main__":
    main()
