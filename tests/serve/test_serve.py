#!/usr/bin/env python3
"""test_serve.py SCAMDEX FIXTURES_DIR: the real 'scamdex serve' on a
loopback port (a free one, port 0), driven over HTTP: every endpoint,
every role, 401/403/404/409/413/429, the audit log after each kind of
look-up, token revocation, and that the service's JSON is the CLI's.
Prints TAP."""
import json, os, re, shutil, subprocess, sys, tempfile, time
import urllib.request, urllib.error
from tap import end, ok, skip

scamdex, fixtures = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="scamdex-serve.")
env = dict(os.environ, SCAMDEX_DB=os.path.join(tmp, "db"),
           SCAMDEX_TODAY="2026-11-28", NO_COLOR="1",
           LSAN_OPTIONS="print_suppressions=0:suppressions=" +
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp"))
VIETQR = ("00020101021138580010A000000727012800069704070114190304136010180"
          "208QRIBFTTA53037045802VN63040283")


def cli(*args, stdin=None, check=True):
    p = subprocess.run([scamdex, *args], input=stdin, capture_output=True,
                       text=True, env=env)
    if check and p.returncode not in (0, 1, 2):
        raise RuntimeError(f"scamdex {args}: {p.returncode} {p.stderr}")
    return p


# ---- the database: the CLI fixtures, one police-only account, a VietQR ----
for line in open(os.path.join(fixtures, "reports.jsonl")):
    cli("report", "--json", "-", stdin=line)
police_only = cli("report", "--bank", "TCB", "--account", "19035551234",
                  "--phone", "0977555111", "--agency", "PA05 - Công an tỉnh Kon Tum",
                  "--audience", "police", "--narrative", "police only").stdout.split()[1]
cli("report", "--vietqr", VIETQR, "--agency", "PA05 - Công an tỉnh Kon Tum",
    "--category", "extortion")
tokens = {}
for role in ("teller", "bank-system", "police", "analyst", "admin"):
    p = cli("token", "add", role + "1", "--role", role)
    tokens[role] = p.stdout.strip()
ok(all(re.fullmatch(r"sdx_[0-9a-f]{64}", t) for t in tokens.values()),
   "token add prints one sdx_ token per role", tokens)
listing = cli("token", "list").stdout
ok(all(f"{r}1" in listing for r in tokens) and "sdx_" not in listing,
   "token list names every token and shows no secret", listing)
enum_tok = cli("token", "add", "enum1", "--role", "analyst").stdout.strip()
rate_tok = cli("token", "add", "teller2", "--role", "teller").stdout.strip()

# ---- the server ----
srv = subprocess.Popen([scamdex, "serve", "--listen", "127.0.0.1:0",
                        "--rate", "teller=5/8", "--rate", "analyst=0/1/5"],
                       env=env, stderr=subprocess.PIPE, text=True)
line = srv.stderr.readline()
m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
ok(m is not None, "serve prints the port it listens on", line)
if not m:
    srv.kill()
    end(1)
base = f"http://127.0.0.1:{m.group(1)}"
import atexit
atexit.register(lambda: srv.poll() is None and srv.kill())


def http(method, path, token=None, body=None, ctype=None):
    req = urllib.request.Request(base + path, method=method, data=body)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def jget(path, token, method="GET", body=None):
    s, h, b = http(method, path, token, body)
    try:
        return s, h, json.loads(b)
    except ValueError:
        return s, h, b


def audit(who):
    """The audit records of one token, waiting for the writer (20 ms)."""
    for _ in range(50):
        out = cli("audit", "--json", "--who", who).stdout
        recs = [json.loads(x) for x in out.split("\n") if x]  # not at U+2028
        if recs:
            return recs
        time.sleep(0.05)
    return []


def last_audit(who, count_before):
    for _ in range(50):
        recs = audit(who)
        if len(recs) > count_before:
            return recs[-1]
        time.sleep(0.05)
    return None


T, B, P, A, D = (tokens[r] for r in
                 ("teller", "bank-system", "police", "analyst", "admin"))

s, h, b = http("GET", "/healthz")
ok(s == 200 and json.loads(b) == {"status": "ok"}, "GET /healthz", b)
s, h, b = http("GET", "/")
ok(s == 200 and h["Content-Type"].startswith("text/html") and b"<html" in b.lower(),
   "GET / serves the page", b[:200])
s, h, b = http("GET", "/v1/openapi.json")
spec = json.loads(b) if s == 200 else {}
ok(s == 200 and spec.get("openapi", "").startswith("3.") and
   "/v1/check" in spec.get("paths", {}), "GET /v1/openapi.json: OpenAPI 3", b[:200])
src_spec = json.load(open(os.path.join(os.path.dirname(fixtures), "..", "web",
                                       "openapi.json")))
ok(spec == src_spec, "the served OpenAPI is the checked-in one")
paths = set(spec.get("paths", {}))
ok({"/v1/check", "/v1/show", "/v1/links", "/v1/stats", "/v1/reports",
    "/v1/reports/{id}/retract", "/v1/reports/{id}/dispute", "/v1/qr",
    "/healthz"} <= paths, "the OpenAPI names every endpoint", paths)

# ---- 401 ----
s, h, b = jget("/v1/check?q=0385551234&kind=phone", None)
ok(s == 401 and b["error"]["code"] == "unauthorized" and
   "Bearer" in h.get("WWW-Authenticate", ""), "no token: 401 unauthorized", b)
s, h, b = jget("/v1/check?q=0385551234&kind=phone", "sdx_" + "0" * 64)
ok(s == 401 and b["error"]["code"] == "unauthorized", "unknown token: 401", b)

# ---- check: the service's object is the CLI's ----
def cli_json(*args):
    return [json.loads(x) for x in cli(*args).stdout.splitlines()]

s, h, b = jget("/v1/check?q=038.555.1234&kind=phone", P)
want = cli_json("check", "--json", "--kind", "phone", "038.555.1234")[0]
ok(s == 200 and b == want and b["reports"] == 3,
   "GET /v1/check (police): the CLI's object, police-only report counted", (b, want))
s, h, b = jget("/v1/check?q=038.555.1234&kind=phone&audience=police", T)
want = cli_json("check", "--json", "--audience", "bank", "--kind", "phone",
                "038.555.1234")[0]
ok(s == 200 and b == want and b["reports"] == 2,
   "teller asking for police data gets the bank view", (b, want))
s, h, b = jget("/v1/check?q=0977555111&kind=phone&audience=police", B)
ok(s == 200 and b["verdict"] == "unknown" and b["reports"] == 0,
   "bank-system: an identifier only police-only reports name is unknown", b)
s, h, b = jget("/v1/check?q=hello%20world", P)
ok(s == 400 and b["error"]["code"] == "invalid_identifier", "invalid input: 400 invalid_identifier", b)
s, h, b = jget("/v1/check?q=0385551234&kind=planet", P)
ok(s == 400 and b["error"]["code"] == "bad_parameter", "unknown kind: 400 bad_parameter", b)
s, h, b = jget("/v1/check", P)
ok(s == 400 and b["error"]["code"] == "missing_parameter", "no q: 400 missing_parameter", b)
rec = last_audit("police1", 0)
ok(rec and rec["op"] == "check" and rec["via"] == "http" and
   rec["from"] == "127.0.0.1" and rec["role"] == "police" and
   ["phone", "+84385551234", "reported"] in [r for x in audit("police1") for r in x["items"]],
   "audit: a single check records who, from where, identifier, verdict", rec)
trec = audit("teller1")
ok(trec and trec[-1]["audience"] == "bank" and trec[-1]["items"] == [["phone", "+84385551234", "reported"]],
   "audit: the teller's check recorded with audience bank", trec)

# ---- batch ----
inputs = ["038.555.1234", "+84795555373", "0965553399", "not an id", "+84912555777"]
want = cli_json("check", "--json", *inputs)
s, h, b = jget("/v1/check", B, "POST", json.dumps(inputs).encode())
want_bank = cli_json("check", "--json", "--audience", "bank", *inputs)
ok(s == 200 and b == want_bank, "POST /v1/check, JSON array: the CLI's objects in order", (b, want_bank))
s, h, raw = http("POST", "/v1/check", P, ("\n".join(json.dumps(x) for x in inputs) + "\n").encode(),
                 "application/x-ndjson")
got = [json.loads(x) for x in raw.decode().splitlines()]
ok(s == 200 and got == want and h["Content-Type"] == "application/x-ndjson",
   "POST /v1/check, JSON Lines: one object per line", (got, want))
s, h, b = jget("/v1/check", P, "POST", b'["a", 3]')
ok(s == 400 and b["error"]["code"] == "bad_body", "batch of non-strings: 400 bad_body", b)
big = ("\n".join(["+84385551234"] * 20000) + "\n").encode()
s, h, raw = http("POST", "/v1/check", P, big)
ok(s == 200 and raw.count(b"\n") == 20000, "a batch of 20,000 answers 20,000 lines (threads)", raw[:100])
recs = audit("bank-system1")
ok(recs and recs[-1]["items"] == [["phone", "+84385551234", "reported"], ["account", "0385551234", "unknown"],
                                  ["phone", "+84795555373", "reported"],
                                  ["phone", "+84965553399", "reported"], ["account", "0965553399", "unknown"],
                                  ["invalid", "not an id", "invalid"], ["phone", "+84912555777", "reported"]],
   "audit: a batch records every identifier and verdict (both readings of a phone number in digits alone)",
   recs[-1] if recs else None)

# ---- a batch of several chunks (SERVE_BATCH_CHUNK, 8,192 identifiers):
# the answer streamed as the socket drains, byte for byte what 'scamdex
# check --json' prints for the same lines (one renderer), in order ----
CHUNK = 8192
cycle = ["038.555.1234", "+84795555373", "0965553399", "not an id", "+84912555777",
         "0977555111", "19035551234", "\u00e9\u00e9 bad", "+84385551234"]
many = [cycle[i % len(cycle)] for i in range(2 * CHUNK + 1234)]
many_text = "\n".join(many) + "\n"
want_lines = cli("check", "--json", "--audience", "bank", stdin=many_text).stdout.splitlines()


def items_of(objs):
    """The audit items a batch's answer objects make: each reading, or an
    invalid input."""
    out = []
    for o in objs:
        if "error" in o:
            out.append(["invalid", o["input"][:64], "invalid"])
        else:
            for r in o.get("interpretations", [o]):
                out.append([r["kind"], r["canonical"], r["verdict"]])
    return out


nrec = len(audit("bank-system1"))
s, h, raw = http("POST", "/v1/check", B, many_text.encode(), "application/x-ndjson")
got_lines = raw.decode().split("\n")
ok(s == 200 and got_lines[-1] == "" and len(got_lines) - 1 == len(many) and
   got_lines[:-1] == want_lines and h.get("Transfer-Encoding") == "chunked",
   f"a batch of {len(many)} (3 chunks, streamed): as many lines, in order, each the CLI's bytes",
   (s, h, len(got_lines), len(want_lines),
    next((i for i, (x, y) in enumerate(zip(got_lines, want_lines)) if x != y), None)))
objs = [json.loads(x) for x in got_lines[:-1]]
po = [o for i, o in enumerate(objs) if many[i] == "0977555111"]
ok(len(po) == many.count("0977555111") > 1000,
   "the police-only phone is in the batch many times", len(po))
ok(all(o["verdict"] == "unknown" and o["categories"] == [] and o["first_seen"] is None and
       o["confirmation"] is None and
       all(r["verdict"] == "unknown" and r["reports"] == 0 and r["agencies"] == 0
           for r in o.get("interpretations", [o])) for o in po),
   "bank-system batch: the police-only identifier shows no trace in any chunk", po[:2])
s, h, praw = http("POST", "/v1/check", P, many_text.encode(), "application/x-ndjson")
pobjs = [json.loads(x) for x in praw.decode().splitlines()]
ok(s == 200 and len(pobjs) == len(many) and
   all(o["verdict"] == "reported" for i, o in enumerate(pobjs) if many[i] == "0977555111"),
   "the police token's batch sees the police-only phone reported", pobjs[5])
recs = last_audit("bank-system1", nrec)
ok(recs is not None and len(audit("bank-system1")) == nrec + 1 and
   recs["items"] == items_of(objs) and len(recs["items"]) > len(many),
   "audit: one record for the streamed batch, every identifier and reading in order",
   (len(recs["items"]) if recs else None, len(items_of(objs))))
s, h, raw = http("POST", "/v1/check", B, json.dumps(many).encode(), "application/json")
arr = json.loads(raw) if s == 200 else None
ok(s == 200 and arr == objs and raw.startswith(b"[\n") and raw.endswith(b"}\n]\n") and
   raw.count(b",\n") == len(many) - 1,
   "the same batch as a JSON array: one array of the same objects", raw[-40:])
s, h, b = jget("/v1/check", B, "POST", b"[]")
ok(s == 200 and b == [], "an empty JSON array answers []", b)

# inputs echoed: every character JSON escapes, at every place of a string
# of up to 17 bytes (the renderer copies plain runs eight bytes at a time)
odd = [("x" * k + c + "y" * (16 - k))[:L] for c in ('"', "\\", "\x01", "\x1f", "\x7f", "\u00e9", "\u2028")
       for k in range(17) for L in (k + 1, 17)]
s, h, b = jget("/v1/check", B, "POST", json.dumps(odd).encode())
ok(s == 200 and [o["input"] for o in b] == odd, "odd characters anywhere in an input are echoed exactly",
   [(o["input"], x) for o, x in zip(b, odd) if o["input"] != x][:3] if s == 200 else b)
want = cli("check", "--json", "--audience", "bank", *odd).stdout.split("\n")
s, h, raw = http("POST", "/v1/check", B, ("\n".join(json.dumps(x) for x in odd) + "\n").encode())
ok(s == 200 and raw.decode().split("\n") == want and len(want) == len(odd) + 1,
   "... in the CLI's bytes", raw[:300])

# a bad line in the middle: 400 before any answer, nothing looked up
nrec = len(audit("bank-system1"))
bad = many[:]
bad[12345] = '"+84385551234" trailing'
s, h, b = jget("/v1/check", B, "POST", ("\n".join(bad) + "\n").encode())
ok(s == 400 and b == {"error": {"code": "bad_body", "message":
                                "a JSON array of strings or JSON Lines: line 12346: text after the string"}},
   "a bad line in the middle of a long batch: 400 bad_body naming the line, no answer", b)
arr_bad = json.dumps(many[:12345]) [:-1] + ", 7]"
s, h, b = jget("/v1/check", B, "POST", arr_bad.encode())
ok(s == 400 and b == {"error": {"code": "bad_body", "message":
                                f"a JSON array of strings or JSON Lines: byte {len(arr_bad) - 2}: "
                                "expected a string (a JSON array of strings)"}},
   "a non-string after 12,345 strings: 400 bad_body naming the byte", b)
time.sleep(0.1)
ok(len(audit("bank-system1")) == nrec, "a refused batch leaves no audit record")

# the client leaves in the middle of a long answer: the server stops making
# it, records what it looked up, and goes on
import socket
nrec = len(audit("bank-system1"))
long_text = "\n".join(many[i % len(many)] for i in range(100000)) + "\n"
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
sock.connect(("127.0.0.1", int(m.group(1))))
sock.sendall((f"POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {B}\r\n"
              f"Content-Length: {len(long_text)}\r\n\r\n").encode() + long_text.encode())
head = b""
while len(head) < 65536:
    chunk = sock.recv(65536)
    if not chunk:
        break
    head += chunk
sock.close()
ok(head.startswith(b"HTTP/1.1 200") and b"Transfer-Encoding: chunked" in head,
   "a long batch starts its answer (chunked)", head[:200])
rec = last_audit("bank-system1", nrec)
want_items = items_of(objs)
got_n = len(rec["items"]) if rec else 0
# the answer's items repeat with the batch 'many' (17,618 identifiers)
ok(rec is not None and CHUNK <= got_n < len(items_of(objs)) * 100000 // len(many) and
   rec["items"] == (want_items * (100000 // len(many) + 1))[:got_n],
   "a client that leaves: what was looked up is recorded, in order, and no more was made",
   got_n)
s, h, b = jget("/v1/check", B, "POST", b'["038.555.1234"]')
ok(s == 200 and len(b) == 1 and b[0]["verdict"] == "reported",
   "the service answers after a client left mid-batch", b)
held = socket.socket()
held.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
held.connect(("127.0.0.1", int(m.group(1))))
held.sendall((f"POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {B}\r\n"
              f"Content-Length: {len(many_text)}\r\n\r\n").encode() + many_text.encode())
held.recv(1024)  # the answer has begun; the rest waits for the stop below

# ---- show ----
s, h, b = jget(f"/v1/show?q=0977555111&kind=phone", P)
ok(s == 200 and [r["id"] for r in b["reports"]] == [police_only],
   "GET /v1/show (police): the police-only report", b)
s, h, b = jget(f"/v1/show?q=0977555111&kind=phone&audience=police", T)
ok(s == 200 and b["reports"] == [] and b["audience"] == "bank",
   "GET /v1/show (teller asking police): no police-only report", b)
want = cli_json("show", "--json", "--kind", "phone", "038.555.1234")
s, h, b = jget("/v1/show?q=038.555.1234&kind=phone", A)
ok(s == 200 and b["reports"] == want, "GET /v1/show: the CLI's report objects", (b, want))
recs = audit("analyst1")
ok(recs and recs[-1]["op"] == "show" and recs[-1]["items"] == [["phone", "+84385551234", "reports:3"]],
   "audit: show records the identifier and what was shown", recs[-1] if recs else None)
# a bare number (a phone or an account) is the reading check answers with,
# as the CLI's show takes it; it was refused as ambiguous
s, h, b = jget("/v1/show?q=0385551234", A)
want = cli_json("show", "--json", "0385551234")
ok(s == 200 and b["kind"] == "phone" and b["canonical"] == "+84385551234" and b["reports"] == want,
   "GET /v1/show of a bare number: the reading check answers with", b)
s, h, b = jget("/v1/links?q=55566677788", D)
ok(s == 400 and b["error"]["code"] == "invalid_identifier" and "name the bank" in b["error"]["message"],
   "GET /v1/links of an account number without its bank: 400 saying to name the bank", b)

# ---- links ----
s, h, b = jget("/v1/links?q=038.555.1234&kind=phone", D)
want = cli_json("links", "--json", "--kind", "phone", "038.555.1234")
ok(s == 200 and b["edges"] == want and b["truncated"] is False, "GET /v1/links (json): the CLI's edges", (b, want))
s, h, raw = http("GET", "/v1/links?q=038.555.1234&kind=phone&format=dot", D)
want = cli("links", "--dot", "--kind", "phone", "038.555.1234").stdout
ok(s == 200 and raw.decode() == want, "GET /v1/links (dot): the CLI's graph", raw[:200])
s, h, raw = http("GET", "/v1/links?q=038.555.1234&kind=phone&format=svg", D)
ok(s == 200 and h["Content-Type"] == "image/svg+xml" and b"<svg" in raw and b"+84385551234" in raw,
   "GET /v1/links (svg): rendered by libgvc", raw[:200])
s, h, raw = http("GET", "/v1/links?q=0977555111&kind=phone&format=svg", T)
ok(s == 200 and b"report " not in raw, "links for a teller: no police-only report in the graph", raw[:300])
s, h, b = jget("/v1/links?q=038.555.1234&format=png", D)
ok(s == 400 and b["error"]["code"] == "bad_parameter", "links format=png: 400", b)
recs = audit("admin1")
ok(recs and recs[-1]["op"] == "links", "audit: links recorded", recs[-1] if recs else None)

# ---- stats ----
s, h, b = jget("/v1/stats", T)
ok(s == 403 and b["error"]["code"] == "forbidden", "GET /v1/stats as teller: 403", b)
s, h, b = jget("/v1/stats", P)
want = cli_json("stats", "--json")[0]
ok(s == 200 and b == want, "GET /v1/stats (police): the CLI's object", (b, want))
ok(audit("police1")[-1]["op"] == "stats", "audit: stats recorded")

# ---- writes ----
rep = {"phone": "0366555444", "agency": "PA05 - Công an tỉnh Kon Tum", "category": "extortion"}
s, h, b = jget("/v1/reports", P, "POST", json.dumps(rep).encode())
ok(s == 403 and b["error"]["code"] == "forbidden", "POST /v1/reports as police: 403", b)
s, h, b = jget("/v1/reports", A, "POST", json.dumps(rep).encode())
ok(s == 201 and b["added"] is True and re.fullmatch("[0-9a-f]{32}", b["id"]), "POST /v1/reports as analyst: 201", b)
new_id = b.get("id")
s, h, b = jget("/v1/reports", A, "POST", json.dumps(rep).encode())
ok(s == 200 and b == {"id": new_id, "added": False}, "the same report again: 200, not added", b)
s, h, b = jget("/v1/reports", A, "POST", b'{"agency": "X"}')
ok(s == 400 and b["error"]["code"] == "bad_report", "a report without identifier: 400 bad_report", b)
s, h, b = jget("/v1/reports", A, "POST", b'{"phone": "0366555444", "agency": "X", "origin": "HN"}')
ok(s == 400 and b["error"]["code"] == "bad_body", "a report naming another origin: 400", b)
s, h, b = jget("/v1/reports", A, "POST", b'{not json')
ok(s == 400 and b["error"]["code"] == "bad_body", "a body that is not JSON: 400", b)
s, h, b = jget(f"/v1/reports/{new_id}/dispute", D, "POST", b'{"note": "the holder objects", "by": "Techcombank"}')
ok(s == 200 and b == {"id": new_id, "state": "disputed"}, "POST .../dispute: 200", b)
s, h, b = jget(f"/v1/reports/{new_id}/dispute", D, "POST", b'{"note": "again"}')
ok(s == 409 and b["error"]["code"] == "conflict", "dispute twice: 409", b)
s, h, b = jget(f"/v1/reports/{new_id}/retract", A, "POST", b'{"reason": "mistaken"}')
ok(s == 200 and b["state"] == "retracted", "POST .../retract: 200", b)
s, h, b = jget(f"/v1/reports/{'0' * 32}/retract", A, "POST", b'{"reason": "x"}')
ok(s == 404 and b["error"]["code"] == "not_found", "retract an unknown report: 404", b)
s, h, b = jget("/v1/reports/xyz/retract", A, "POST", b'{"reason": "x"}')
ok(s == 400 and b["error"]["code"] == "bad_parameter", "a bad report id: 400", b)
s, h, b = jget(f"/v1/reports/{new_id}/retract", T, "POST", b'{"reason": "x"}')
ok(s == 403, "retract as teller: 403", b)
s, h, b = jget("/v1/check?q=0366555444&kind=phone", P)
ok(b.get("verdict") == "retracted", "the retraction shows in a check", b)
s, h, b = jget("/v1/nothing", P)
ok(s == 404 and b["error"]["code"] == "not_found", "an unknown endpoint: 404 not_found", b)

# ---- QR: a VietQR image made by qrencode, decoded by libzbar ----
qrencode = shutil.which("qrencode")
if qrencode:
    art = subprocess.run([qrencode, "-t", "ASCII", "-m", "4", VIETQR],
                         capture_output=True, text=True).stdout.splitlines()
    scale = 4
    rows = []
    for line in art:
        cells = [0 if line[i:i + 2] == "##" else 255 for i in range(0, len(line), 2)]
        row = bytes(v for v in cells for _ in range(scale))
        rows += [row] * scale
    w, hgt = len(rows[0]), len(rows)
    pgm = b"P5\n%d %d\n255\n" % (w, hgt) + b"".join(rows)
    s, h, b = jget("/v1/qr", B, "POST", pgm)
    codes = b.get("codes", []) if isinstance(b, dict) else []
    ok(s == 200 and len(codes) == 1 and codes[0]["canonical"] == "970407:19030413601018" and
       codes[0]["verdict"] == "reported", "POST /v1/qr: the VietQR's account and its verdict", b)
    s, h, b = jget(f"/v1/qr?w={w}&h={hgt}", B, "POST", b"".join(rows))
    ok(s == 200 and len(b.get("codes", [])) == 1, "POST /v1/qr with raw grey pixels", b)
    s, h, b = jget("/v1/qr", B, "POST", b"GIF89a")
    ok(s == 400 and b["error"]["code"] == "bad_image", "POST /v1/qr with no image: 400", b)
else:
    for _ in range(3):
        skip("POST /v1/qr", "qrencode not installed")

# ---- 429: teller=5/8 (bursts of 8), a token of its own ----
statuses = []
for i in range(40):
    s, h, b = http("GET", "/v1/check?q=0385551234&kind=phone", rate_tok)
    statuses.append((s, h.get("Retry-After")))
first429 = next((i for i, x in enumerate(statuses) if x[0] == 429), None)
ok([x[0] for x in statuses[:8]] == [200] * 8 and first429 is not None and
   statuses[first429][1] is not None and int(statuses[first429][1]) >= 1,
   "teller over its rate: 429 with Retry-After", statuses)
for _ in range(40):
    s, h, b = jget("/v1/check?q=0385551234&kind=phone", rate_tok)
    if s == 429:
        break
ok(s == 429 and b["error"]["code"] == "rate_limited", "the 429 is a JSON error rate_limited", b)

# ---- enumeration: analyst=0/1/5 flags from 5 unreported look-ups ----
for i in range(6):
    http("GET", f"/v1/check?q=%2B8490123456{i}&kind=phone", enum_tok)
recs = audit("enum1")
ok(recs and recs[0].get("flag") is None and recs[-1].get("flag") == "enumeration",
   "many unreported look-ups from one token are flagged 'enumeration'", recs)

# ---- revocation ----
s, h, b = jget("/v1/check?q=0385551234&kind=phone", D)
ok(s == 200, "admin token works before revocation", b)
cli("token", "revoke", "admin1")
time.sleep(1.2)
s, h, b = jget("/v1/check?q=0385551234&kind=phone", D)
ok(s == 401, "a revoked token gets 401 within a second", b)
ok("revoked" in cli("token", "list").stdout, "token list shows the revocation")

# ---- stop (with a batch's answer still waiting for its client) ----
srv.terminate()
try:
    rc = srv.wait(timeout=10)
except subprocess.TimeoutExpired:
    srv.kill()
    rc = -1
ok(rc == 0, "SIGTERM stops the service cleanly (a batch in flight too)", rc)
held.close()

# ---- the CLI's own audit records and local rule ----
cli("check", "--kind", "phone", "0965553399")
out = cli("audit", "--json", "--identifier", "+84965553399").stdout.splitlines()
recs = [json.loads(x) for x in out]
ok(recs and recs[-1]["via"] == "cli" and recs[-1]["items"] == [["phone", "+84965553399", "reported"]],
   "audit --identifier: the CLI's check recorded", out)
out = cli("audit").stdout
ok("(police) http 127.0.0.1  check police  phone +84385551234 reported" in out,
   "audit text: one line per identifier", out[-500:])
# --audience bank: no trace of a police-only report ("at 1 bank" told of one)
out = cli("check", "--audience", "bank", "--kind", "account", "19035551234").stdout
ok(out == "UNKNOWN   19035551234  account  not reported\n",
   "check --audience bank: an account only a police-only report names is unknown, at no bank", out)
out = cli("check", "--kind", "account", "19035551234").stdout
ok(out.startswith("REPORTED  19035551234  account  at 1 bank"), "the police view still sees it", out)

# the local rule: another unix user gets the bank view, or nothing
setpriv = shutil.which("setpriv")
if os.geteuid() == 0 and setpriv:
    os.chmod(tmp, 0o755)
    for root, dirs, files in os.walk(env["SCAMDEX_DB"]):
        os.chmod(root, 0o777)
        for f in files:
            os.chmod(os.path.join(root, f), 0o666)

    def as_nobody(*args):
        return subprocess.run([setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                               scamdex, *args], capture_output=True, text=True, env=env)
    p = as_nobody("check", "--audience", "police", "--kind", "phone", "0977555111")
    ok(p.stdout == "UNKNOWN   +84977555111  phone  not reported\n",
       "a user with no role asking for police data gets the bank view", p.stdout + p.stderr)
    p = as_nobody("stats")
    ok(p.returncode == 2 and "bank view" in p.stderr, "a user with no role may not read stats", p.stderr)
    p = as_nobody("token", "list")
    ok(p.returncode == 2 and p.stderr == "scamdex token: only admins manage tokens\n",
       "a user with no role may not manage tokens", p.stderr)
    p = as_nobody("audit")
    ok(p.returncode == 2 and p.stderr == "scamdex audit: only admins read the audit log\n"
       and p.stdout == "", "a user with no role may not read the audit log", p.stdout + p.stderr)
    p = as_nobody("access", "list")
    ok(p.returncode == 2 and p.stderr == "scamdex access: only admins grant roles\n"
       and p.stdout == "", "a user with no role may not list access grants", p.stdout + p.stderr)
    cli("access", "grant", "nobody", "police")
    p = as_nobody("check", "--kind", "phone", "0977555111")
    ok(p.stdout.startswith("REPORTED  +84977555111"), "granted police, the user sees police-only reports",
       p.stdout + p.stderr)
    recs = [json.loads(x) for x in cli("audit", "--json", "--who", "nobody").stdout.splitlines()]
    ok(len(recs) == 2 and recs[-1]["role"] == "police" and recs[0]["role"] == "teller" and
       recs[0]["via"] == "cli", "the other user's look-ups are in the audit log with its role", recs)
    cli("access", "revoke", "nobody")
    cli("access", "default", "none")
    p = as_nobody("check", "--kind", "phone", "0977555111")
    ok(p.returncode == 2 and "holds no role" in p.stderr and p.stdout == "",
       "access default none: a user with no role is refused", p.stdout + p.stderr)
    out = cli("access", "list").stdout
    ok("(default)" in out and "none" in out, "access list shows the default", out)
else:
    for what in ("bank view", "stats", "tokens", "audit log", "access grants", "granted",
                 "audit", "refused", "list"):
        skip(f"local rule: {what}", "needs root and setpriv to act as another user")

p = cli("audit", "prune", "--before", "2100-01-01")
ok(p.returncode == 0 and re.match(r"removed \d+ audit records? before 2100-01-01", p.stdout)
   and cli("audit").stdout == "", "audit prune --before removes records", p.stdout)

shutil.rmtree(tmp, ignore_errors=True)
end()
