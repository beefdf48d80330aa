#!/usr/bin/env bash
# bench-drop.sh BUILD [--n N]: scamdex-sync push and pull of one bundle of N
# operations (default 1,000,000) through a WebDAV drop on a loopback nginx,
# in operations/s, beside plain curl uploading and downloading the same
# bytes to the same server (the transport's ceiling). Not a test: ./run
# bench-drop prints the figures.
set -euo pipefail
build=$(realpath "$1"); shift
n=1000000
[ "${1:-}" = --n ] && n=$2
S=$build/tools/sync/scamdex-sync
I=$build/tools/import/scamdex-import
G=$build/tools/gen/scamdex-gen
T=$(mktemp -d /tmp/sdx-bench-drop-XXXXXX)
ngx=
cleanup() { [ -n "$ngx" ] && kill "$ngx" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"; }
trap cleanup EXIT
cd "$T"
log() { echo "bench-drop: $*" >&2; }
now() { date +%s.%N; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p www/a www/plain tmp
chmod -R a+rwx www
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >nginx.conf <<CONF
$user_line
worker_processes 1;
daemon off;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/tmp;
	client_max_body_size 0;
	sendfile on;
	server {
		listen 127.0.0.1:$port;
		root $T/www;
		location / { dav_methods PUT DELETE MOVE; create_full_put_path on; }
	}
}
CONF
nginx -c "$T/nginx.conf" -p "$T" -e "$T/error.log" &
ngx=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

log "data: $n reports at office A (scamdex-gen, scamdex-import)"
"$G" --reports "$n" --seed 1 -o r.csv
"$S" --db a init --office A --role police >a.pub
"$S" --db b init --office B --role police >b.pub
"$S" --db a trust add $(cat b.pub) --role police
"$S" --db b trust add $(cat a.pub) --role police
"$I" --db a --quiet r.csv >/dev/null 2>&1
rm r.csv
url=http://127.0.0.1:$port/a/
"$S" --db a drop add A "$url"
"$S" --db a drop add B "http://127.0.0.1:$port/b/" --role police
"$S" --db b drop add A "$url" --role police

t0=$(now); "$S" --db a push >push.out; t1=$(now)
t2=$(now); "$S" --db b pull A >pull.out; t3=$(now)
sed 's/^/bench-drop: /' push.out pull.out >&2
bundle=$(ls www/a/*.sdxb)
bytes=$(stat -c %s "$bundle")
ops=$(grep -o '^push B: 1 bundle, [0-9]* operations' push.out | grep -o '[0-9]* operations' | cut -d' ' -f1)
t4=$(now); curl -sS -f -T "$bundle" "http://127.0.0.1:$port/plain/copy.sdxb"; t5=$(now)
t6=$(now); curl -sS -f -o /dev/null "http://127.0.0.1:$port/plain/copy.sdxb"; t7=$(now)
up=$(grep -o ' in [0-9.]* s' push.out | head -1 | cut -d' ' -f3)
down=$(grep -o ' in [0-9.]* s' pull.out | head -1 | cut -d' ' -f3)
python3 - "$ops" "$bytes" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$t7" "$up" "$down" <<'PY'
import sys
ops, size = int(sys.argv[1]), int(sys.argv[2])
t = [float(x) for x in sys.argv[3:11]]
up, down = max(float(sys.argv[11]), 0.01), max(float(sys.argv[12]), 0.01)
rows = [("drop push (export, upload, index)", t[1] - t[0]),
        ("drop pull (index, download, import)", t[3] - t[2]),
        ("  its upload alone (libcurl)", up),
        ("  its downloads alone (libcurl)", down),
        ("curl upload of the same bytes", t[5] - t[4]),
        ("curl download of the same bytes", t[7] - t[6])]
print(f"bundle: {ops:,} operations, {size:,} bytes ({size / ops:.0f} B/op), nginx WebDAV on loopback")
for name, s in rows:
    print(f"{name:38s} {s:8.2f} s  {ops / s:>12,.0f} ops/s  {size / s / 1e6:8.1f} MB/s")
PY
