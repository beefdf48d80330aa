#!/usr/bin/env python3
"""Run again, as an unprivileged user, the tests that skipped as root.

  unprivileged.py BUILD IN.tsv OUT.tsv [USER]

IN.tsv is a run's case list (tests/ci/summarize.py collect). Every test
with a case skipped for being root (its reason says "root") runs again,
whole, as USER (default nobody) through setpriv, with the environment
meson gives it and a scratch TMPDIR and HOME of that user's. The cases go
to OUT.tsv under the same ids, so that `summarize.py count` merges them
with the root run: a case skipped as root and passed here counts as
passed. Prints "P F S" of OUT.tsv. Not root: nothing to run again, OUT.tsv
is empty.
"""
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import summarize  # noqa: E402


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write("usage: unprivileged.py BUILD IN.tsv OUT.tsv [USER]\n")
        return 2
    build, tsv_in, tsv_out = argv[1:4]
    user = argv[4] if len(argv) == 5 else "nobody"
    rows = []
    if os.geteuid() == 0:
        wanted = set()
        with open(tsv_in) as fh:
            for line in fh:
                status, ident, reason = (line.rstrip("\n").split("\t") + ["", ""])[:3]
                if status == "skip" and "root" in reason:
                    wanted.add(ident.split(" :: ")[0])
        tests = json.loads(subprocess.run(
            ["meson", "introspect", "--tests", build],
            check=True, capture_output=True, text=True).stdout) if wanted else []
        pw = pwd.getpwnam(user)
        for t in tests:
            name = f"{t['suite'][0]} / {t['name']}"
            if name not in wanted:
                continue
            wanted.discard(name)
            scratch = tempfile.mkdtemp(prefix="sdx-unprivileged.")
            os.chown(scratch, pw.pw_uid, pw.pw_gid)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "TMPDIR": scratch, "HOME": scratch, "LANG": "C.UTF-8"}
            env.update(t["env"])
            for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
                if k in os.environ:
                    env[k] = os.environ[k]
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
                   "--clear-groups", "--"] + t["cmd"]
            print(f"unprivileged: {name} as {user}", file=sys.stderr)
            try:
                p = subprocess.run(cmd, env=env, cwd=t["workdir"] or scratch,
                                   capture_output=True, text=True, errors="replace",
                                   timeout=t["timeout"] or 300)
                result = "OK" if p.returncode == 0 else (
                    "SKIP" if p.returncode == 77 else "FAIL")
                log = {"name": name, "result": result, "returncode": p.returncode,
                       "stdout": p.stdout, "stderr": p.stderr}
            except subprocess.TimeoutExpired as e:
                log = {"name": name, "result": "TIMEOUT", "returncode": -15,
                       "stdout": (e.stdout or b"").decode(errors="replace")
                       if isinstance(e.stdout, bytes) else (e.stdout or ""),
                       "stderr": ""}
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            if log["result"] != "OK":
                sys.stderr.write(log["stdout"][-4000:] + log["stderr"][-4000:])
            rows.extend(summarize.cases(log))
        for name in sorted(wanted):
            rows.append(("fail", f"{name} :: unprivileged",
                         "skipped as root, but not found to run again"))
    with open(tsv_out, "w") as fh:
        for status, ident, reason in rows:
            fh.write(f"{status}\t{ident}\t{reason}\n")
    print(summarize.totals(r[0] for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
