#!/bin/sh
# tables-fresh.sh PYTHON SOURCE_ROOT: core/normalize/tables.c is what
# gen-tables.py makes of fixtures/reference/ today (TAP). After editing a
# reference CSV, rerun: python3 core/normalize/gen-tables.py > core/normalize/tables.c
py=$1
root=$2
echo "1..1"
if "$py" "$root/core/normalize/gen-tables.py" "$root" | cmp -s - "$root/core/normalize/tables.c"; then
	echo "ok 1 - core/normalize/tables.c matches fixtures/reference/"
else
	echo "not ok 1 - core/normalize/tables.c is stale: rerun core/normalize/gen-tables.py"
	exit 1
fi
