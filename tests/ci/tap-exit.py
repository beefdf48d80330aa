#!/usr/bin/env python3
"""tap-exit.py BUILD: every TAP test script fails by its exit status too.

Each TAP test of the build (meson introspect) runs once more with every
path into the build tree pointed at an empty directory: its programs are
missing, so checks fail. Whenever a script prints "not ok" it must also
exit non-zero, so that it fails when run by hand, not only under meson
(which reads the TAP). A script none of whose checks needs the build
prints no "not ok" and passes. Prints TAP; exits 1 if a script printed
"not ok" and exited 0.

Run by .ci/run (about a minute: every TAP script once more), not by
`meson test`. The tests of tests/ci are left out: they are CI's own and
need no build.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

def main(argv):
    build = os.path.realpath(argv[1])
    tests = json.loads(subprocess.run(["meson", "introspect", "--tests", build],
                                      check=True, capture_output=True,
                                      text=True).stdout)
    tmp = tempfile.mkdtemp(prefix="tap-exit.")
    empty = os.path.join(tmp, "no-build")
    os.mkdir(empty)

    def moved(s):
        if not s.startswith("/"):
            return s
        s = os.path.normpath(s)
        if s == build or s.startswith(build + "/"):
            return empty + s[len(build):]
        return s

    n = 0
    bad = False
    try:
        for t in sorted(tests, key=lambda t: t["name"]):
            if t["protocol"] != "tap" or t["name"].startswith("ci-"):
                continue
            if not any(a.endswith(".sh") for a in t["cmd"]):
                continue  # a compiled TAP program: its exit status is Criterion's or its own
            cmd = [moved(a) for a in t["cmd"]]
            env = dict(os.environ)
            env.update({k: moved(v) for k, v in t["env"].items()})
            env["TMPDIR"] = tmp
            try:
                p = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True,
                                   text=True, errors="replace", timeout=120)
                out, rc = p.stdout, p.returncode
            except subprocess.TimeoutExpired:
                out, rc = "", "timeout"
            failed = any(l.startswith("not ok") for l in out.splitlines())
            n += 1
            if not failed:
                print(f"ok {n} - {t['name']}: nothing failed without the build (exit {rc})")
            elif rc != 0:
                print(f"ok {n} - {t['name']}: prints 'not ok' and exits {rc}")
            else:
                bad = True
                print(f"not ok {n} - {t['name']}: prints 'not ok' but exits 0")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
