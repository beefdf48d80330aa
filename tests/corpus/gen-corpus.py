#!/usr/bin/env python3
"""gen-corpus.py: the written-forms corpus of issue 14.

Writes reports.jsonl (the reports of the test database, for scamdex-import)
and corpus.tsv (one written form a line: input, expected verdict, kind,
canonical, via) into the directory given, from the bank reference table
fixtures/reference/vn-banks.csv. Both outputs are checked in; rerun after
a change:  python3 tests/corpus/gen-corpus.py fixtures/reference tests/corpus
"""
import csv, json, os, sys, unicodedata

ref, out = sys.argv[1], sys.argv[2]
reports, cases = [], []


def report(**ids):
    r = {"agency": "PA05 - Công an tỉnh Kon Tum", "incident_date": "2026-11-20",
         "category": "phishing", "confirmation": "police", "audience": "bank"}
    r.update(ids)
    r["case_ref"] = "%d/CORPUS" % (len(reports) + 1)
    reports.append(r)


def case(inp, verdict, kind, canonical, via=""):
    cases.append((inp, verdict, kind, canonical, via))


def plain(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


# ---- every bank of the reference table, in three spellings or more ----
rows = list(csv.DictReader(open(os.path.join(ref, "vn-banks.csv"), encoding="utf-8")))
short_count = {}
for r in rows:
    short_count[r["short_name"].lower()] = short_count.get(r["short_name"].lower(), 0) + 1
# one spelling names two banks: the reference table's documented winner
contested = {"bvb", "cimb", "mafc"}
for i, r in enumerate(rows):
    bin_, acct = r["bin"], "66%08d" % (i + 1)
    canon = "%s:%s" % (bin_, acct)
    report(bank=bin_, account=acct)
    spaced = "%s %s %s" % (acct[:4], acct[4:7], acct[7:])
    short_ok = (short_count[r["short_name"].lower()] == 1
                and r["short_name"].lower() not in contested)
    code_ok = r["code"] and r["code"].lower() not in contested
    case("%s:%s" % (bin_, acct), "reported", "bank", canon)
    if short_ok:
        case("%s %s" % (r["short_name"], spaced), "reported", "bank", canon)
        case("STK %s - NH %s" % (acct, r["short_name"]), "reported", "bank", canon)
    else:
        case("%s-%s" % (bin_, acct), "reported", "bank", canon)
    if code_ok:
        case("%s (%s)" % (acct, r["code"]), "reported", "bank", canon)
    else:
        case("%s %s" % (bin_, spaced), "reported", "bank", canon)
    if r["name"]:
        case("%s - %s" % (r["name"], acct), "reported", "bank", canon)
        case("%s, %s" % (acct, plain(r["name"]).lower()), "reported", "bank", canon)
    # under --kind account too: the runner passes these with the kind
    if short_ok:
        case("account!%s %s" % (r["short_name"], acct), "reported", "bank", canon)
    # a look-alike: the same account at no bank's other account
    case("%s:%s" % (bin_, "66%08d" % (i + 501)), "unknown", "bank",
         "%s:%s" % (bin_, "66%08d" % (i + 501)))

# ---- the issue's own cases ----
report(bank="Vietcombank", account="0011004012345")
for f in ["VCB 0011004012345", "account!VCB 0011004012345", "0011004012345 VCB",
          "Vietcombank - 0011 0040 12345", "NH VCB 0011004012345",
          "Ngân hàng TMCP Ngoại thương Việt Nam 0011004012345",
          "Ngan hang TMCP Ngoai thuong Viet Nam: 0011004012345",
          "ngân hàng ngoại thương - 0011004012345",
          "Joint Stock Commercial Bank for Foreign Trade of Vietnam 0011004012345",
          "0011004012345 / Vietcombank", "Số tài khoản 0011004012345 tại Vietcombank"
          if False else "Số tài khoản 0011004012345, Vietcombank"]:
    case(f, "reported", "bank", "970436:0011004012345")
case("0011004012345", "reported", "account", "0011004012345")
case("account!0011004012345", "reported", "account", "0011004012345")
report(bank="MB", account="0123456789999")
for f in ["MB 0123456789999", "MB Bank 0123456789999", "NH Quân đội 0123456789999",
          "Ngân hàng Quân đội 0123456789999", "ngan hang quan doi 0123456789999",
          "Military Commercial Joint Stock Bank - 0123456789999",
          "0123456789999 (MB)", "account!MB 0123456789999"]:
    case(f, "reported", "bank", "970422:0123456789999")
case("ACB 0123456789999", "unknown", "bank", "970416:0123456789999")

# a phone-shaped account: the bare number is found through its account reading
report(bank="MB", account="0352350917")
for f in ["0352350917", "0352 350 917", " 0352350917"]:
    case(f, "reported", "account", "0352350917")
case("MB 0352350917", "reported", "bank", "970422:0352350917")
case("0352350918", "unknown", "phone", "+84352350918")

# ---- phones ----
report(phone="0912000111")
for f in ["0912000111", "0912 000 111", "(+84) 912-000-111", "+84 912 000 111",
          "84912000111", "0084912000111", "00 84 912 000 111", "091.200.0111",
          "0912-000-111", "(091) 200-0111", "+84 (0) 912 000 111", "+840912000111",
          "tel:+84912000111", "0912 000 111 ext 12", "0912000111 x5",
          "0912000111x5", "+84 912 000 111 ext. 7", "０９１２０００１１１",
          "912000111", "phone!0912000111"]:
    case(f, "reported", "phone", "+84912000111")
for f in ["0912000112", "0912 000 110", "+84 912 000 112"]:
    case(f, "unknown", "phone", "+84" + f.replace(" ", "").replace("+84", "").lstrip("0"))
report(phone="01632953760")
for f in ["01632953760", "0163 295 3760", "0332953760", "+84 33 295 3760"]:
    case(f, "reported", "phone", "+84332953760")
report(phone="1900545413")
for f in ["1900 545413", "1900545413", "+84 1900 545 413"]:
    case(f, "reported", "phone", "+841900545413")
report(phone="02838123456")
for f in ["028 3812 3456", "(028) 38123456", "+84 28 3812 3456"]:
    case(f, "reported", "phone", "+842838123456")
case("phone!672012345", "unknown", "phone", "+84672012345")
case("phone!1992000", "unknown", "phone", "+841992000")

# ---- handles ----
report(handle="@thamtu_corpus", platform="telegram")
for f in ["@thamtu_corpus", "t.me/thamtu_corpus", "https://t.me/ThamTu_Corpus",
          "telegram:thamtu_corpus", "tg://resolve?domain=thamtu_corpus"]:
    case(f, "reported", "handle", "telegram:thamtu_corpus")
case("@thamtu_corpus2", "unknown", "handle", "telegram:thamtu_corpus2")

# ---- IBAN: written forms (none reported) ----
for f in ["IBAN FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 189",
          "IBAN: fr7630006000011234567890189"]:
    case(f, "unknown", "iban", "FR7630006000011234567890189")

# ---- hosts ----
def host_forms(h):
    return [h, h + ".", h.upper(), "https://%s/login" % h, "http://%s:8080/x?y=1" % h,
            "https://user@%s/" % h, "%s/path" % h, "hxxps://%s/x" % h.replace(".", "[.]"),
            h.replace(".", "[.]"), h.replace(".", "(.)"), "hxxp[:]//%s" % h.replace(".", "[dot]")]

for h in ["evil-bank-login.com", "ether_promo.kissr.com", "vietcombank-xac-thuc.xyz"]:
    report(url="https://%s/" % h)
    for f in host_forms(h):
        case(f, "reported", "domain", h)
    for sub in ["login", "a.b", "x.y.z"]:
        s = "%s.%s" % (sub, h)
        for f in [s, "https://%s/x" % s, "hxxps://%s/x" % s.replace(".", "[.]"), s + "."]:
            case(f, "reported", "domain", s, h)
    case("not" + h, "unknown", "domain", "not" + h)
    case(h + ".vn", "unknown", "domain", h + ".vn")
# a report on a subdomain does not cover its parent
report(url="https://secure.corpus-parent.net/")
case("corpus-parent.net", "unknown", "domain", "corpus-parent.net")
case("other.corpus-parent.net", "unknown", "domain", "other.corpus-parent.net")
case("a.secure.corpus-parent.net", "reported", "domain", "a.secure.corpus-parent.net",
     "secure.corpus-parent.net")
# public suffixes never spread
report(url="https://evil-corpus.github.io/x")
report(url="https://shop-corpus.com.vn/")
case("evil-corpus.github.io", "reported", "domain", "evil-corpus.github.io")
case("a.evil-corpus.github.io", "reported", "domain", "a.evil-corpus.github.io",
     "evil-corpus.github.io")
for f in ["github.io", "other.github.io", "https://github.io/", "com.vn",
          "other-shop.com.vn"]:
    h = f.replace("https://", "").rstrip("/")
    case(f, "unknown", "domain", h)
case("www2.shop-corpus.com.vn", "reported", "domain", "www2.shop-corpus.com.vn",
     "shop-corpus.com.vn")

# IP addresses
report(url="http://94.100.18.96/")
for f in ["94.100.18.96", "94.100.18.96.", "http://94.100.18.96/x", "94.100.18.96:8080",
          "https://094.100.018.096:8443/a", "hxxp://94[.]100[.]18[.]96/", "domain!94.100.18.96"]:
    case(f, "reported", "domain", "94.100.18.96")
case("94.100.18.97", "unknown", "domain", "94.100.18.97")
report(url="http://[2001:db8::1]/")
for f in ["2001:db8::1", "[2001:DB8:0:0::1]", "http://[2001:db8::1]:8443/login",
          "https://[2001:0db8:0000::0001]/", "domain!2001:db8::1"]:
    case(f, "reported", "domain", "2001:db8::1")
case("2001:db8::2", "unknown", "domain", "2001:db8::2")

with open(os.path.join(out, "reports.jsonl"), "w", encoding="utf-8") as f:
    for r in reports:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(os.path.join(out, "corpus.tsv"), "w", encoding="utf-8") as f:
    f.write("# input (KIND!input: checked with --kind KIND)\tverdict\tkind\tcanonical\tvia\n")
    for c in cases:
        f.write("\t".join(c) + "\n")
print("%d reports, %d cases (%d reported, %d unknown)" % (
    len(reports), len(cases), sum(c[1] == "reported" for c in cases),
    sum(c[1] == "unknown" for c in cases)), file=sys.stderr)
