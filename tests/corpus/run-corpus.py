#!/usr/bin/env python3
"""run-corpus.py SCAMDEX SCAMDEX_IMPORT CORPUS_DIR: the written-forms corpus
of issue 14 (TAP). Imports CORPUS_DIR/reports.jsonl into a fresh database,
checks every input of CORPUS_DIR/corpus.tsv in one batch per kind (auto,
or --kind K for a line written "K!input") and asserts the verdict, the
kind, the canonical form and the parent domain ("via") of the answer
(its most serious interpretation). Made by gen-corpus.py."""
import json, os, subprocess, sys, tempfile

scamdex, imp, corpus = sys.argv[1:4]
cases = []
for line in open(os.path.join(corpus, "corpus.tsv"), encoding="utf-8"):
    if line.startswith("#"):
        continue
    inp, verdict, kind, canonical, via = line.rstrip("\n").split("\t")
    named = ""
    if "!" in inp.split(" ")[0] and inp.split("!")[0] in (
            "account", "phone", "domain", "bank", "handle", "iban"):
        named, inp = inp.split("!", 1)
    cases.append((named, inp, verdict, kind, canonical, via))

env = dict(os.environ, NO_COLOR="1", SCAMDEX_TODAY="2026-11-28")
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "db")
    p = subprocess.run([imp, "--db", db, "--create", "--origin", "corpus",
                        os.path.join(corpus, "reports.jsonl")],
                       capture_output=True, text=True, env=env)
    n = 1
    if p.returncode != 0 or "rejected 0" not in p.stderr:
        print("not ok 1 - import the corpus reports\n# " + p.stderr.replace("\n", "\n# "))
        print("1..1")
        sys.exit(1)
    print("ok 1 - import the corpus reports")
    answers = {}
    for named in sorted({c[0] for c in cases}):
        group = [c for c in cases if c[0] == named]
        args = [scamdex, "--db", db, "check", "--json"]
        if named:
            args += ["--kind", named]
        p = subprocess.run(args, input="".join(c[1] + "\n" for c in group),
                           capture_output=True, text=True, env=env)
        lines = p.stdout.splitlines()
        for c, l in zip(group, lines):
            answers[c] = json.loads(l)
        for c in group[len(lines):]:
            answers[c] = {"error": "no answer"}
    failed = 0
    for c in cases:
        named, inp, verdict, kind, canonical, via = c
        a = answers[c]
        got = (a.get("verdict"), a.get("kind"), a.get("canonical"), a.get("via", ""))
        want = (verdict, kind, canonical, via)
        n += 1
        label = ("--kind %s " % named if named else "") + repr(inp)
        if got == want:
            print("ok %d - %s: %s %s %s%s" % (n, label, verdict, kind, canonical,
                                              " via " + via if via else ""))
        else:
            failed += 1
            print("not ok %d - %s\n#   want %s\n#   got  %s" % (n, label, want,
                  a.get("error") or got))
    print("1..%d" % n)
    print("# %d forms: %d reported, %d unknown; %d failed" % (
        len(cases), sum(c[2] == "reported" for c in cases),
        sum(c[2] == "unknown" for c in cases), failed))
    sys.exit(1 if failed else 0)
