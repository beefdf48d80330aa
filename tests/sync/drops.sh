#!/usr/bin/env bash
# drops.sh SCAMDEX-SYNC SCAMDEX SCAMDEX-IMPORT SCAMDEX-GEN: the nightly sync
# through real servers on loopback (TAP). nginx with WebDAV serves an
# https drop (a test CA, basic auth) and an http drop (one path of it rate
# limited), OpenSSH's sshd an sftp drop (a test key, a known_hosts file),
# and a directory a file:// drop. Three police offices (HN, HCM, KT) and
# a bank (VCB) sync over several nights: a night missed, nginx stopped in
# the middle of a download (continued with a range the next night), a
# truncated bundle and a replaced index in a drop (both refused), an old
# index replayed (refused), another run holding the lock. At the end the
# police offices hold identical fingerprints, the bank the same minus no
# police-only text, nothing was applied twice, and the drops are pruned.
set -u
S=$(realpath "$1")
X=$(realpath "$2")
I=$(realpath "$3")
G=$(realpath "$4")
T=$(mktemp -d /tmp/sdx-drops-XXXXXX)
[ -n "${KEEP:-}" ] && echo "# keeping $T"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { # check NAME COMMAND...: ok if COMMAND succeeds
	local name=$1; shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
SSHD=/usr/sbin/sshd
[ -x "$NGINX" ] || skip_all "nginx not installed (Debian nginx, libnginx-mod-http-dav-ext)"
[ -x "$SSHD" ] || skip_all "sshd not installed (Debian openssh-server)"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v ssh-keygen >/dev/null || skip_all "ssh-keygen not installed"
command -v flock >/dev/null || skip_all "flock (util-linux) not installed"
DAVEXT=$(ls /usr/lib/nginx/modules/ngx_http_dav_ext_module.so 2>/dev/null)
if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; fi
[ -d /run/sshd ] || skip_all "sshd needs /run/sshd (run as root once)"

read -r P_HTTP P_HTTPS P_SSH < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

# ---- a test CA and a certificate for 127.0.0.1 ----
mkdir tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout tls/ca.key -out tls/ca.pem -days 2 -subj "/CN=scamdex test CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout tls/srv.key -out tls/srv.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >tls/ext
openssl x509 -req -in tls/srv.csr -CA tls/ca.pem -CAkey tls/ca.key -CAcreateserial \
	-out tls/srv.pem -days 2 -extfile tls/ext 2>/dev/null
[ -s tls/srv.pem ] || skip_all "openssl could not make a test certificate"

# ---- nginx: WebDAV drops ----
mkdir -p www/hn www/hcm ngx/tmp
chmod -R a+rwx www
printf 'hn-writer:%s\n' "$(openssl passwd -apr1 'pw with space')" >ngx/htpasswd
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >ngx/nginx.conf <<CONF
${DAVEXT:+load_module $DAVEXT;}
$user_line
worker_processes 1;
daemon off;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 64; }
http {
	access_log $T/ngx/access.log;
	client_body_temp_path $T/ngx/tmp;
	proxy_temp_path $T/ngx/tmp;
	fastcgi_temp_path $T/ngx/tmp;
	uwsgi_temp_path $T/ngx/tmp;
	scgi_temp_path $T/ngx/tmp;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$P_HTTP;
		root $T/www;
		location /hcm/ { dav_methods PUT DELETE MOVE; ${DAVEXT:+dav_ext_methods PROPFIND OPTIONS;} create_full_put_path on; }
		location /slow/ { alias $T/www/; limit_rate 80k; }
	}
	server {
		listen 127.0.0.1:$P_HTTPS ssl;
		ssl_certificate $T/tls/srv.pem;
		ssl_certificate_key $T/tls/srv.key;
		root $T/www;
		location /hn/ {
			dav_methods PUT DELETE MOVE;
			create_full_put_path on;
			limit_except GET HEAD { auth_basic "drop"; auth_basic_user_file $T/ngx/htpasswd; }
		}
	}
}
CONF
start_nginx() {
	"$NGINX" -c "$T/ngx/nginx.conf" -p "$T/ngx" -e "$T/ngx/error.log" 2>>ngx/stderr &
	ngx_pid=$!
	pids+=("$ngx_pid")
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/" && return 0
		sleep 0.1
	done
	return 1
}
stop_nginx() { kill "$ngx_pid" 2>/dev/null; wait "$ngx_pid" 2>/dev/null; }
start_nginx || skip_all "nginx did not start: $(tail -3 ngx/error.log ngx/stderr 2>/dev/null | tr '\n' ' ')"

# ---- sshd: an sftp drop ----
mkdir -p ssh sftp/kt
chmod 700 ssh
ssh-keygen -q -t ed25519 -N '' -f ssh/host_key
ssh-keygen -q -t ed25519 -N '' -f ssh/client_key -C kt-writer
cp ssh/client_key.pub ssh/authorized_keys
printf '[127.0.0.1]:%s %s\n' "$P_SSH" "$(cut -d' ' -f1,2 ssh/host_key.pub)" >ssh/known_hosts
cat >ssh/sshd_config <<CONF
Port $P_SSH
ListenAddress 127.0.0.1
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
AuthorizedKeysFile $T/ssh/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
CONF
"$SSHD" -D -e -f ssh/sshd_config 2>ssh/log &
pids+=($!)
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $P_SSH), 1)" 2>/dev/null && break
	sleep 0.1
done
ME=$(id -un)

# ---- the offices ----
"$S" --db hn init --office HN --role police >hn.pub
"$S" --db hcm init --office HCM --role police >hcm.pub
"$S" --db kt init --office KT --role police >kt.pub
"$S" --db vcb init --office VCB --role bank >vcb.pub
for o in hn hcm kt vcb; do
	for p in hn hcm kt vcb; do
		role=police
		[ $p = vcb ] && role=bank
		[ $o = $p ] || "$S" --db $o trust add $(cat $p.pub) --role $role
	done
done
mkdir -p filedrop/vcb
printf 'pw with space\n' >hn.pw
chmod 600 hn.pw # a password file must be private (else refused)
U_HN="https://127.0.0.1:$P_HTTPS/hn/"
U_HCM="http://127.0.0.1:$P_HTTP/hcm/"
U_KT="sftp://$ME@127.0.0.1:$P_SSH$T/sftp/kt/"
U_VCB="file://$T/filedrop/vcb/"
SSHOPT=(--ssh-key ssh/client_key --known-hosts ssh/known_hosts)
add_drops() { # add_drops DB HN-URL: every office's drop seen from DB
	local db=$1 role_hn=police
	"$S" --db $db drop add HN "$2" --role police --ca tls/ca.pem
	"$S" --db $db drop add HCM "$U_HCM" --role police
	"$S" --db $db drop add KT "$U_KT" --role police "${SSHOPT[@]}"
	"$S" --db $db drop add VCB "$U_VCB" --role bank
}
add_drops hn "$U_HN"
"$S" --db hn drop add HN "$U_HN" --role police --user hn-writer --password-file hn.pw --ca tls/ca.pem
add_drops hcm "http://127.0.0.1:$P_HTTP/slow/hn/" # HCM reads HN's drop slowly
add_drops kt "$U_HN"
add_drops vcb "$U_HN"

check "drops.conf is 0600" [ "$(stat -c %a hn/drops.conf)" = 600 ]
"$S" --db hn drop list >list.txt
check "drop list never prints the password" \
	[ "$(grep '^HN ' list.txt)" = "HN $U_HN own role=police user=hn-writer password=(stored) ca=$T/tls/ca.pem" ]
check "the password is not in drop list's output" bash -c "! grep -q 'pw with' list.txt"

# gen OFFICE SEED N: N new reports at OFFICE (about a third police-only)
gen() {
	"$G" --reports "$3" --seed "$2" -o g.csv && "$I" --db "$1" --quiet g.csv >/dev/null 2>&1
}
# night NAME OFFICE...: every named office runs; output in night-NAME-OFFICE
night() {
	local name=$1; shift
	for o in "$@"; do
		"$S" --db "$o" run --retries 1 --backoff 0.1 --timeout 5 >"night-$name-$o" 2>&1
		echo $? >"night-$name-$o.rc"
	done
}
rc() { cat "night-$1.rc"; }
has() { grep -qF -- "$2" "night-$1"; }

# ---- night 1: everyone publishes; peers' drops may be empty yet ----
gen hn 1 200; gen hcm 2 150; gen kt 3 100
"$X" --db hn report --phone 0912345678 --agency "PA05 Ha Noi" --category extortion \
	--audience police --narrative "POLICE-ONLY-TEXT" >/dev/null
night 1 hn hcm kt vcb
check "night 1: HN's first run says HCM's drop has no index yet, status 1" \
	bash -c "[ $(rc 1-hn) = 1 ] && grep -q '^pull HCM: failed: http://127.0.0.1:$P_HTTP/hcm/scamdex-index: HTTP 404' night-1-hn"
check "night 1: HN pushes a police bundle to HCM with a bandwidth figure" \
	grep -Eq '^push HCM: 1 bundle, 201 operations \(0 redacted\), audience police; [0-9.]+ kB in [0-9.]+ s \([0-9.]+ [kM]?B/s\)$' night-1-hn
check "night 1: HN pushes a bank bundle to VCB, police-only ops redacted" \
	grep -Eq '^push VCB: 1 bundle, 201 operations \([1-9][0-9]* redacted\), audience bank;' night-1-hn
check "night 1: VCB (last) pulls everyone, status 0" \
	bash -c "[ $(rc 1-vcb) = 0 ] && grep -q '^pull HN: 1 bundle, 201 operations: 201 applied' night-1-vcb && grep -q '^pull KT: 1 bundle, [0-9]* operations: 100 applied' night-1-vcb"
check "sftp: KT's drop holds its index and bundles" bash -c "ls sftp/kt | grep -q '^scamdex-index$' && [ \$(ls sftp/kt | grep -c 'sdxb$') = 3 ]"

cp -r kt kt-night1 # a backup, restored at the end

# ---- night 2: KT misses it ----
gen hn 4 50; gen kt 5 40
night 2 hn hcm vcb
check "night 2 without KT: HN, HCM, VCB status 0" \
	bash -c "[ $(rc 2-hn) = 0 ] && [ $(rc 2-hcm) = 0 ] && [ $(rc 2-vcb) = 0 ]"

# ---- night 3: a big load at HN; nginx stops while HCM downloads it ----
gen hn 6 2000
"$S" --db hn run --retries 1 --backoff 0.1 >night-3-hn 2>&1
( "$S" --db hcm run --retries 1 --backoff 0.2 --timeout 5 >night-3-hcm 2>&1; echo $? >night-3-hcm.rc ) &
bg=$!
for _ in $(seq 100); do
	ls hcm/drops/in/*.part >/dev/null 2>&1 && [ "$(stat -c %s hcm/drops/in/*.part 2>/dev/null | head -1)" -gt 100000 ] && break
	sleep 0.1
done
stop_nginx
wait $bg
part=$(ls hcm/drops/in/*.part 2>/dev/null | head -1)
check "night 3: the download from the stopped server fails for HN only, status 1" \
	bash -c "[ $(rc 3-hcm) = 1 ] && grep -q '^pull HN: failed: http://127.0.0.1:$P_HTTP/slow/hn/[0-9a-f]*.sdxb: ' night-3-hcm"
check "night 3: HCM still pulled KT (sftp) and VCB (file)" \
	bash -c "grep -q '^pull KT: ' night-3-hcm && grep -q '^pull VCB: ' night-3-hcm && ! grep -q '^pull KT: failed' night-3-hcm"
check "night 3: a partial download stays for the next night" [ -n "$part" ]
partsize=$(stat -c %s "$part" 2>/dev/null || echo 0)
start_nginx || nok "nginx restarts"
night 3b hcm
check "night 3b: HCM continues the download with a range, status 0" \
	bash -c "[ $(rc 3b-hcm) = 0 ] && grep -Eq '^pull HN: [0-9a-f]{16} continued from byte [1-9][0-9]*$' night-3b-hcm && grep -q '^pull HN: 1 bundle, 2000 operations: 2000 applied' night-3b-hcm"
check "night 3b: the range started where the partial file ended" \
	grep -q "continued from byte $partsize\$" night-3b-hcm
night 3 kt vcb
check "night 3: KT back after a missed night, status 0" \
	bash -c "[ $(rc 3-kt) = 0 ] && grep -q '^pull HN: 1 bundle, 2050 operations: 2050 applied' night-3-kt"

# ---- night 4: a truncated bundle in KT's drop, a replaced index in VCB's ----
gen kt 8 30
"$S" --db kt run >night-4-kt 2>&1
big=sftp/kt/$(awk '$1 == "bundle" && $3 == "HN" {print $2}' sftp/kt/scamdex-index).sdxb
truncate -s 100 "$big"
"$S" --db vcb init --office VCB --key fake.key >/dev/null 2>&1 # another key of the same name
cp filedrop/vcb/scamdex-index vcb-index.saved
python3 - "$T/filedrop/vcb/scamdex-index" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read().replace("vector ", "vector HN=999999 ", 1)
open(p, "w").write(t)
PY
night 4 hn
check "night 4: a truncated bundle is refused by its content address, status 1" \
	bash -c "[ $(rc 4-hn) = 1 ] && grep -Eq '^pull KT: refused: $U_KT[0-9a-f]{64}.sdxb: 100 bytes that hash to [0-9a-f]{16}\.\.\., the index says [0-9]+ bytes [0-9a-f]{16}\.\.\. \(a damaged or replaced file; fetched again next time\)$' night-4-hn"
check "night 4: a replaced index is refused: bad signature" \
	grep -q "^pull VCB: refused: ${U_VCB}scamdex-index: bad signature: the index is not signed by VCB's key$" night-4-hn
check "night 4: HN still pulled HCM and pushed" \
	bash -c "grep -q '^pull HCM: ' night-4-hn && ! grep -q '^pull HCM: failed' night-4-hn && grep -q '^push KT: ' night-4-hn"
# KT's next bundle for HN supersedes the damaged one; VCB's next index replaces the forgery
gen kt 9 5
night 4b kt vcb hn
check "night 4b: KT finds its damaged bundle and makes it again" \
	grep -Eq '^push: [0-9a-f]{16} for HN is damaged in the drop: made again$' night-4b-kt
check "night 4b: the drops heal, HN status 0" \
	bash -c "[ $(rc 4b-hn) = 0 ] && grep -q '^pull KT: 1 bundle' night-4b-hn"
cp vcb-index.saved filedrop/vcb/scamdex-index
"$S" --db hn pull VCB >replay.out 2>&1
st=$?
check "an older index replayed is refused (its serial), status 1" \
	bash -c "[ $st = 1 ] && grep -Eq '^pull VCB: refused: ${U_VCB}scamdex-index: serial [0-9]+ is older than [0-9]+ seen before \(a replayed index\)$' replay.out"
"$S" --db vcb push >/dev/null 2>&1

# a bundle with junk appended on the server: the bytes the index names are
# kept, the junk is not downloaded, the bundle applies
gen hn 11 3
"$S" --db hn push >/dev/null 2>&1
forkt=www/hn/$(awk '$1 == "bundle" && $3 == "KT" {print $2}' www/hn/scamdex-index).sdxb
head -c 300000 /dev/urandom >>"$forkt"
"$S" --db kt pull HN >night-junk-kt 2>&1
st=$?
check "a bundle with junk appended: only the listed bytes are fetched, it applies, status 0" \
	bash -c "[ $st = 0 ] && grep -Eq '^pull HN: 1 bundle, [0-9]+ operations: [1-9][0-9]* applied .*; [0-9.]+ (B|kB) in ' night-junk-kt && ! grep -q ' MB in' night-junk-kt"
"$S" --db hn push >push-junk.out 2>&1
check "HN's next push finds that bundle damaged in its drop and makes it again" \
	grep -Eq '^push: [0-9a-f]{16} for KT is damaged in the drop: made again$' push-junk.out

# ---- TLS is verified; the lock keeps two runs apart ----
"$S" --db kt pull HN --ca /etc/ssl/certs/ca-certificates.crt --retries 0 >tls.out 2>&1
st=$?
check "https with a CA that did not sign the server: refused, status 1" \
	bash -c "[ $st = 1 ] && grep -q '^pull HN: failed: ${U_HN}scamdex-index: SSL certificate problem' tls.out"
flock hn/drops/lock -c "'$S' --db hn run >lock.out 2>&1; echo \$? >lock.rc"
check "a second run while one holds the lock: status 3" \
	bash -c "[ $(cat lock.rc) = 3 ] && grep -q '^scamdex-sync run: another run holds hn/drops/lock; not starting a second one$' lock.out"

# a drop that accepts connections and never answers: a stall, not a hang
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(120)' >slow.port &
pids+=($!)
for _ in $(seq 50); do [ -s slow.port ] && break; sleep 0.1; done
cp -r kt kt-slow
"$S" --db kt-slow drop add HCM "http://127.0.0.1:$(cat slow.port)/hcm/" --role police
"$S" --db kt-slow pull --timeout 1 --retries 1 --backoff 0.1 >slow.out 2>&1
st=$?
check "a drop that stalls fails after the timeout and one retry, status 1" \
	bash -c "[ $st = 1 ] && grep -Eq '^pull HCM: failed: http://127.0.0.1:[0-9]+/hcm/scamdex-index: Operation (too slow|timed out).* \(after 2 tries\)$' slow.out"
check "the other drops of that pull still answered" \
	bash -c "grep -q '^pull HN: ' slow.out && ! grep -q '^pull HN: failed' slow.out"
rm -rf kt-slow

# an sftp drop whose host key is not in the known_hosts file: refused
cp -r hn hn-kh
: >empty_known_hosts
"$S" --db hn-kh drop add KT "$U_KT" --ssh-key ssh/client_key --known-hosts empty_known_hosts
"$S" --db hn-kh pull KT --retries 0 >kh.out 2>&1
st=$?
check "sftp: an unknown host key is refused, status 1" \
	bash -c "[ $st = 1 ] && grep -q '^pull KT: failed: ${U_KT}scamdex-index: SSL peer certificate or SSH remote key was not OK' kh.out"
rm -rf hn-kh

# ---- more nights until quiet: converge ----
gen hcm 10 20
for k in 5 6; do night $k hn hcm kt vcb; done
for o in hn hcm kt vcb; do
	check "night 6: $o status 0" [ "$(rc 6-$o)" = 0 ]
done
# origin, seq, fingerprint ("signed" differs: an office signs its own afresh)
for o in hn hcm kt vcb; do "$S" --db $o status | awk '$1 == "origin" {print $2, $4, $9}' >fp-$o; done
check "the police offices hold identical fingerprints" \
	bash -c "cmp -s fp-hn fp-hcm && cmp -s fp-hn fp-kt"
check "every origin is in them" [ "$(awk '$2 > 0' fp-hn | wc -l)" = 3 ]
check "the bank holds the same operations (police-only ones as digests)" cmp -s fp-hn fp-vcb
check "the bank holds no police-only text" bash -c "! grep -aq POLICE-ONLY-TEXT vcb/data.mdb"
check "the police offices do" bash -c "grep -aq POLICE-ONLY-TEXT hcm/data.mdb && grep -aq POLICE-ONLY-TEXT kt/data.mdb"
# nothing applied twice: the operations applied over all nights are those held
for o in hn hcm kt vcb; do
	applied=$(cat night-*-$o | grep '^pull ' | grep -o '[0-9]* applied' | awk '{s += $1} END {print s + 0}')
	own=$(grep -o "seq [0-9]*" <("$S" --db $o status | grep "^origin ${o^^} ") | awk '{print $2}')
	held=$(awk '{s += $2} END {print s}' fp-$o)
	check "$o: $applied operations applied from drops = $held held - $own its own" [ "$applied" = $((held - own)) ]
done

# ---- KT goes back to its backup of night 1: its peers send again what it lost ----
before=$(cat fp-kt)
rm -rf kt && mv kt-night1 kt
check "restored, KT holds less" bash -c "[ \"\$('$S' --db kt status | awk '\$1 == \"origin\" {print \$2, \$4, \$9}')\" != \"$before\" ]"
for k in r1 r2; do night $k kt hn hcm vcb; done
"$S" --db kt status | awk '$1 == "origin" {print $2, $4, $9}' >fp-kt-restored
check "after two nights the restored KT holds again what the others hold" cmp -s fp-hn fp-kt-restored
check "night r2: every office status 0" bash -c "[ $(rc r2-kt) = 0 ] && [ $(rc r2-hn) = 0 ] && [ $(rc r2-hcm) = 0 ] && [ $(rc r2-vcb) = 0 ]"

# ---- pruning: every peer acknowledged; a zero retention floor deletes ----
check "with the default retention floor (7 days) delisted bundles stay" \
	[ "$(ls sftp/kt | grep -c 'sdxb$')" -gt 0 ]
for o in hn hcm kt vcb; do "$S" --db $o run --retain 0 >prune-$o 2>&1; done
for o in hn hcm kt vcb; do "$S" --db $o run --retain 0 >>prune-$o 2>&1; done
check "pruned: the drops hold only their index (KT's, restored, keeps the files its backup never knew)" \
	bash -c "[ -z \"\$(ls www/hn www/hcm filedrop/vcb | grep sdxb)\" ]"
check "pruning says what it deleted" grep -Eq '^push: pruned [0-9a-f]{16} \(for (HN|HCM|VCB)\)$' prune-kt
check "the indexes list no bundle" \
	bash -c "! grep -q '^bundle' www/hn/scamdex-index www/hcm/scamdex-index sftp/kt/scamdex-index filedrop/vcb/scamdex-index"

echo "1..$n"
[ $fails = 0 ]
