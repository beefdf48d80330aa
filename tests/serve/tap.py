"""tap.py: the TAP output of the service's Python tests. ok() numbers and
prints one check (with the first lines of its detail when it fails),
skip() one that cannot run here and why, end() prints the plan and exits
1 when any check failed."""
import sys

_n = _failed = 0


def ok(cond, name, detail=""):
    global _n, _failed
    _n += 1
    print(("ok" if cond else "not ok") + f" {_n} - {name}")
    if not cond:
        _failed += 1
        for line in str(detail).splitlines()[:20]:
            print(f"#   {line}")
    return cond


def skip(name, why):
    global _n
    _n += 1
    print(f"ok {_n} - {name} # SKIP {why}")


def end(status=None):
    print(f"1..{_n}")
    sys.exit(status if status is not None else (1 if _failed else 0))
