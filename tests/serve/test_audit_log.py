#!/usr/bin/env python3
"""test_audit_log.py SCAMDEX AUDIT_PUT FIXTURES_DIR: the audit log's
records (format 1, binary items) as 'scamdex check' writes them and
'scamdex audit' reads them: a batch of 1,000,002 look-ups recorded item by
item in order, records of format 0 (JSON text, what scamdex wrote before)
read beside new ones with the same output, --identifier in a new record,
prune, and a check killed (SIGKILL) in the middle of a batch. Prints
TAP."""
import calendar, json, os, pwd, re, shutil, signal, subprocess, sys
import tempfile, time
from tap import end, ok

scamdex, audit_put, fixtures = sys.argv[1], sys.argv[2], sys.argv[3]
tmp = tempfile.mkdtemp(prefix="scamdex-audit.")
db = os.path.join(tmp, "db")
env = dict(os.environ, SCAMDEX_DB=db, SCAMDEX_TODAY="2026-11-28",
           NO_COLOR="1", SSH_CONNECTION="203.0.113.7 50022 10.0.0.1 22")
me = pwd.getpwuid(os.geteuid()).pw_name


def cli(*args, stdin=None, dbdir=db):
    p = subprocess.run([scamdex, *args], input=stdin, capture_output=True,
                       text=True, env=dict(env, SCAMDEX_DB=dbdir))
    if p.returncode not in (0, 1, 2):
        raise RuntimeError(f"scamdex {args}: {p.returncode} {p.stderr}")
    return p


def put_old(text, when, dbdir=db):
    """A format-0 record (JSON text) stamped at `when` (UTC)."""
    usec = calendar.timegm(time.strptime(when, "%Y-%m-%d %H:%M:%S")) * 10**6
    subprocess.run([audit_put, dbdir, str(usec)], input=text.encode(),
                   check=True, env=env)


def items(dbdir, who=None):
    args = ["audit", "--json"] + (["--who", who] if who else [])
    recs = [json.loads(x) for x in cli(*args, dbdir=dbdir).stdout.splitlines()]
    return recs, [tuple(i) for r in recs for i in r["items"]]


for line in open(os.path.join(fixtures, "reports.jsonl")):
    cli("report", "--json", "-", stdin=line)
pristine = os.path.join(tmp, "pristine")
shutil.copytree(db, pristine)
ok(cli("audit").stdout == "", "a new database has an empty audit log")

# ---- old (format 0) and new (format 1) records side by side ----
OLD1 = ('{"who":"quay-03","role":"teller","via":"http","from":"10.0.0.5",'
        '"op":"check","audience":"bank","items":[["phone","+84385551234",'
        '"reported"],["invalid","bad\\u0001x","invalid"]],'
        '"flag":"enumeration"}')
OLD2 = ('{"who":"root","role":"admin","via":"cli","from":"local","op":"show",'
        '"audience":"police","items":[["phone","+84385551234","reports:3"]]}')
put_old(OLD1, "2026-01-02 03:04:05")
t0 = time.time()
cli("check", "--json", stdin="+84 38 555 1234\nhello\x01bad\n"
    "970436:0011004012345\n")
cli("show", "038.555.1234")
t1 = time.time()
put_old(OLD2, "2030-01-01 00:00:00")
out = cli("audit", "--json").stdout.splitlines()
ats = [json.loads(x)["at"] for x in out]
new_ok = len(ats) == 4 and all(
    t0 - 1 <= calendar.timegm(time.strptime(a[:19], "%Y-%m-%d %H:%M:%S"))
    <= t1 + 1 for a in ats[1:3])
ok(new_ok, "the records written now are stamped now, between the old ones", ats)
head = f'"who":"{me}","role":"admin","via":"cli","from":"ssh 203.0.113.7"'
want = [
    '{"at":"2026-01-02 03:04:05.000000",' + OLD1[1:],
    f'{{"at":"{ats[1] if new_ok else "?"}",{head},"op":"check",'
    '"audience":"police","items":[["phone","+84385551234","reported"],'
    '["invalid","hello\\u0001bad","invalid"],'
    '["bank","970436:0011004012345","unknown"]]}',
    f'{{"at":"{ats[2] if new_ok else "?"}",{head},"op":"show",'
    '"audience":"police","items":[["phone","+84385551234","reports:3"]]}',
    '{"at":"2030-01-01 00:00:00.000000",' + OLD2[1:],
]
ok(out == want, "audit --json: old and new records, exact", "\n".join(out))
text = cli("audit").stdout.splitlines()
mine = f"{me} (admin) cli ssh 203.0.113.7"
want = [
    "2026-01-02 03:04:05.000000  quay-03 (teller) http 10.0.0.5  check bank"
    "  phone +84385551234 reported  FLAG enumeration",
    "2026-01-02 03:04:05.000000  quay-03 (teller) http 10.0.0.5  check bank"
    "  invalid bad?x invalid  FLAG enumeration",
] + ([f"{ats[1]}  {mine}  check police  phone +84385551234 reported",
      f"{ats[1]}  {mine}  check police  invalid hello?bad invalid",
      f"{ats[1]}  {mine}  check police  bank 970436:0011004012345 unknown",
      f"{ats[2]}  {mine}  show police  phone +84385551234 reports:3"]
     if new_ok else []) + [
    "2030-01-01 00:00:00.000000  root (admin) cli local  show police"
    "  phone +84385551234 reports:3",
]
ok(text == want, "audit text: old and new records, one line per item, exact",
   "\n".join(text))
got = cli("audit", "--json", "--identifier", "970436 0011004012345").stdout
ok(len(got.splitlines()) == 1 and json.loads(got)["items"] ==
   [["bank", "970436:0011004012345", "unknown"]] and json.loads(got)["op"] == "check",
   "audit --identifier finds an item of a new record (and only that item)", got)
got = cli("audit", "--json", "--identifier", "+84385551234").stdout.splitlines()
ok([json.loads(x)["op"] for x in got] == ["check", "check", "show", "show"],
   "audit --identifier: the same identifier in old and new records", got)
got = cli("audit", "--who", "quay-03").stdout.splitlines()
ok(len(got) == 2 and all("quay-03" in x for x in got), "audit --who in old records", got)
p = cli("audit", "prune", "--before", "2026-06-01")
ok(p.stdout == "removed 1 audit record before 2026-06-01\n",
   "prune removes the old record before the date", p.stdout + p.stderr)
got = [json.loads(x)["at"] for x in cli("audit", "--json").stdout.splitlines()]
ok(got == ats[1:], "prune leaves the new records and the later old one", got)

# ---- a batch of 1,000,002 look-ups: every item, in order ----
big = os.path.join(tmp, "big")
shutil.copytree(pristine, big)
N = 1000000
lines = ["+84 38 555 1234"] + [f"+8490{i:07d}" for i in range(N)] + ["+84385551234"]
want = ([("phone", "+84385551234", "reported")] +
        [("phone", f"+8490{i:07d}", "unknown") for i in range(N)] +
        [("phone", "+84385551234", "reported")])
p = subprocess.run([scamdex, "check", "--json"], input="\n".join(lines) + "\n",
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                   env=dict(env, SCAMDEX_DB=big))
recs, got = items(big)
ok(p.returncode == 1 and p.stderr == "", "the batch ran", p.stderr)
ok(len(got) == N + 2, f"the batch's {N + 2} look-ups are all recorded", len(got))
ok(got[:1] == want[:1] and got[-1:] == want[-1:],
   "first and last item: identifier and verdict", f"{got[:1]} {got[-1:]}")
ok(got == want, "every item in order, with its verdict",
   next((f"item {i}: {a} != {b}" for i, (a, b) in enumerate(zip(got, want)) if a != b), ""))
ok(len(recs) >= 3 and all(len(r["items"]) >= 65536 for r in recs[:-1]) and
   all(r["op"] == "check" and r["who"] == me for r in recs),
   "records of at least 65,536 items each but the last", [len(r["items"]) for r in recs])

# ---- SIGKILL in the middle of a batch ----
crash = os.path.join(tmp, "crash")
shutil.copytree(pristine, crash)
ck = subprocess.Popen([scamdex, "check", "--json"], stdin=subprocess.PIPE,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                      env=dict(env, SCAMDEX_DB=crash))
M = 150000
ck.stdin.write("".join(f"+8491{i:07d}\n" for i in range(M)).encode())
ck.stdin.flush()
deadline = time.time() + 120
seen = []
while time.time() < deadline and not seen:
    seen = cli("audit", "--json", dbdir=crash).stdout.splitlines()
    time.sleep(0.05)
ck.send_signal(signal.SIGKILL)  # stdin still open: the batch is not over
ck.wait()
ck.stdin.close()
ok(ck.returncode == -signal.SIGKILL and seen, "a check killed mid-batch, after a record",
   f"{ck.returncode} {len(seen)}")
recs, got = items(crash)
want = [("phone", f"+8491{i:07d}", "unknown") for i in range(M)]
ok(65536 <= len(got) < M and got == want[:len(got)],
   "the log reads: whole records of the first look-ups, in order", len(got))
p = cli("check", "+84385551234", dbdir=crash)
ok(p.returncode == 1 and p.stdout.startswith("REPORTED"),
   "the database answers after the kill", p.stdout + p.stderr)
p = cli("verify", dbdir=crash)
ok(p.returncode == 0, "scamdex verify: the database is intact", p.stdout + p.stderr)
p = cli("report", "--phone", "0912 555 000", "--agency", "PA05 - Công an tỉnh Kon Tum",
        "--category", "extortion", dbdir=crash)
recs2, got2 = items(crash)
ok(p.returncode == 0 and cli("check", "0912555000", "--kind", "phone",
                             dbdir=crash).returncode == 1 and len(got2) == len(got) + 1,
   "a report and a look-up after the kill are written, the log goes on",
   p.stdout + p.stderr)

shutil.rmtree(tmp)
end()
