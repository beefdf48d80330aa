#!/usr/bin/env bash
# bench-serve.sh BUILD [--n N] [--batch M] [--seconds S]: the look-up
# service under load, on loopback. Not a test: ./run bench-serve prints the
# figures.
#   1. wrk, keep-alive, single GET /v1/check requests per second at 1 and
#      2 threads, beside nginx serving a static 200-byte file in the same
#      run on the same machine (the ceiling); the target is 50% of it.
#   2. POST /v1/check with M identifiers (default 1,000,000; half of them
#      reported) in one JSON Lines batch: identifiers per second
#      (target 500,000/s).
#   3. the audit log's cost: 'scamdex check' on the same M identifiers,
#      with its audit records (the database writable) and without (the
#      same database through a read-only bind mount, where look-ups are not
#      recorded); the target is at most 15% slower. Needs root for the
#      mount; skipped otherwise.
# The database: N generated reports (default 100,000) made by scamdex-gen
# and scamdex-import.
set -euo pipefail
build=$(realpath "$1"); shift
n=100000 m=1000000 secs=10
while [ $# -gt 0 ]; do
	case $1 in
	--n) n=$2; shift 2 ;;
	--batch) m=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	*) echo "bench-serve: unknown option $1" >&2; exit 2 ;;
	esac
done
X=$build/cli/scamdex
I=$build/tools/import/scamdex-import
G=$build/tools/gen/scamdex-gen
T=$(mktemp -d /tmp/sdx-bench-serve-XXXXXX)
ngx= srv= ro=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	[ -n "$ngx" ] && kill "$ngx" 2>/dev/null
	wait 2>/dev/null
	[ -n "$ro" ] && umount "$ro" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
log() { echo "bench-serve: $*" >&2; }
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export SCAMDEX_DB=$T/db

log "data: $n reports (scamdex-gen, scamdex-import), $m identifiers to check"
mkdir -p data
"$G" --n "$n" --out data --seed 1 >/dev/null
"$I" --db "$SCAMDEX_DB" --create --quiet data/import.csv >/dev/null 2>&1
# M identifiers, half reported: the generated hit and miss lists, repeated
python3 - "$m" data/hits.txt data/miss.txt >batch.txt <<'PY'
import sys
m = int(sys.argv[1])
hits = open(sys.argv[2]).read().split("\n")[:-1]
miss = open(sys.argv[3]).read().split("\n")[:-1]
out = []
for i in range(m):
    src = hits if i % 2 == 0 else miss
    out.append(src[(i // 2) % len(src)])
sys.stdout.write("\n".join(out) + "\n")
PY
hit=$(head -1 data/hits.txt)
token=$("$X" token add bench --role bank-system 2>/dev/null)
ptoken=$("$X" token add bench-police --role police 2>/dev/null)

# ---- the service, unlimited for the bench token's role ----
"$X" serve --listen 127.0.0.1:0 --rate bank-system=0 --rate police=0 2>serve.err &
srv=$!
for _ in $(seq 100); do grep -q listening serve.err && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' serve.err)
q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$hit")
url="http://127.0.0.1:$port/v1/check?q=$q"
curl -sf -H "Authorization: Bearer $token" "$url" >/dev/null || { log "the service does not answer"; cat serve.err >&2; exit 3; }

# ---- nginx: a static 200-byte file, the same machine, the same run ----
nport=$(free_port)
mkdir -p www tmp
head -c 200 /dev/zero | tr '\0' 'x' >www/file
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >nginx.conf <<CONF
$user_line
worker_processes 2;
daemon off;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/tmp;
	keepalive_requests 1000000;
	server { listen 127.0.0.1:$nport; root $T/www; }
}
CONF
nginx -c "$T/nginx.conf" -p "$T" -e "$T/error.log" &
ngx=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nport/file" && break; sleep 0.1; done

rps() { # wrk's Requests/sec
	sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}
declare -A R
for th in 1 2; do
	c=$((th * 8))
	R[ngx$th]=$(wrk -t"$th" -c"$c" -d"${secs}s" "http://127.0.0.1:$nport/file" | rps)
	R[sdx$th]=$(wrk -t"$th" -c"$c" -d"${secs}s" -H "Authorization: Bearer $token" "$url" | rps)
	log "wrk -t$th -c$c: nginx ${R[ngx$th]}/s, GET /v1/check ${R[sdx$th]}/s"
done

# ---- the batch endpoint: as a bank system (the summaries' bank view)
# and as the police (the full summaries); the server's CPU time per batch
# (utime + stime from /proc) is the steadier figure on a loaded machine ----
srv_cpu() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$srv/stat"; }
batch_rate() { # TOKEN: best of 3, identifiers/s
local best=0 t0 t1 c0 c1 lines r
for rep in 1 2 3; do
	c0=$(srv_cpu)
	t0=$(now)
	curl -sf -H "Authorization: Bearer $1" -H "Content-Type: application/x-ndjson" \
		--data-binary @batch.txt "http://127.0.0.1:$port/v1/check" -o out.jsonl
	t1=$(now)
	c1=$(srv_cpu)
	lines=$(wc -l <out.jsonl)
	[ "$lines" = "$m" ] || { log "batch answered $lines lines, not $m"; exit 3; }
	r=$(python3 -c "print(int($m / ($t1 - $t0)))")
	[ "$r" -gt "$best" ] && best=$r
	log "batch $rep: $m identifiers in $(python3 -c "print(round($t1 - $t0, 3))") s, server CPU $(python3 -c "print(round($c1 - $c0, 2))") s (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "$best"
}
R[batch]=$(batch_rate "$token")
R[pbatch]=$(batch_rate "$ptoken")
# the server's peak resident memory over its life (the batches' peak: the
# answer is streamed, so this is the body, its items and the audit record)
R[hwm]=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$srv/status")
log "server peak RSS after the batches: ${R[hwm]} MB"
kill "$srv"; wait "$srv" 2>/dev/null || true; srv=

# ---- the audit log's cost in 'scamdex check' ----
audited=0 plain=0
time_check() { # best of 3, seconds
	local best=999 t0 t1
	for _ in 1 2 3; do
		t0=$(now)
		"$X" --db "$1" check --json <batch.txt >/dev/null 2>check.err || true
		t1=$(now)
		best=$(python3 -c "print(min($best, $t1 - $t0))")
	done
	echo "$best"
}
if [ "$(id -u)" = 0 ] && mkdir -p rodb && mount --bind "$SCAMDEX_DB" rodb 2>/dev/null &&
	mount -o remount,bind,ro rodb 2>/dev/null; then
	ro=$T/rodb
	audited=$(time_check "$SCAMDEX_DB")
	plain=$(time_check "$ro")
	grep -q "not recorded" check.err || log "warning: the read-only run did not skip the audit log"
	log "scamdex check of $m: $audited s with the audit log, $plain s without"
else
	log "audit cost: skipped (needs root for a read-only bind mount)"
fi

python3 - "${R[ngx1]}" "${R[sdx1]}" "${R[ngx2]}" "${R[sdx2]}" "${R[batch]}" "$m" "$audited" "$plain" "${R[pbatch]}" "${R[hwm]}" <<'PY'
import sys
n1, s1, n2, s2 = (float(x or 0) for x in sys.argv[1:5])
batch, m = int(sys.argv[5]), int(sys.argv[6])
aud, plain = float(sys.argv[7]), float(sys.argv[8])
pbatch = int(sys.argv[9])
print("scamdex serve on loopback (wrk keep-alive; nginx static 200-byte file as the ceiling)")
for th, n, s in ((1, n1, s1), (2, n2, s2)):
    pct = 100 * s / n if n else 0
    print(f"  {th} thread{'s' if th > 1 else ' '}: GET /v1/check {s:10,.0f}/s   nginx {n:10,.0f}/s   "
          f"{pct:5.1f}% of nginx (target 50%: {'met' if pct >= 50 else 'NOT met'})")
print(f"  POST /v1/check batch of {m:,}, bank-system (bank view): {batch:,} identifiers/s "
      f"(target 500,000: {'met' if batch >= 500000 else 'NOT met'})")
print(f"  POST /v1/check batch of {m:,}, police: {pbatch:,} identifiers/s "
      f"(target 500,000: {'met' if pbatch >= 500000 else 'NOT met'})")
print(f"  server peak RSS over the batches: {sys.argv[10]} MB")
if plain:
    over = 100 * (aud - plain) / plain
    print(f"  scamdex check of {m:,}: {aud:.3f} s with the audit log, {plain:.3f} s without: "
          f"{over:+.1f}% (target at most +15%: {'met' if over <= 15 else 'NOT met'})")
PY
