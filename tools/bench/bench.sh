#!/usr/bin/env bash
# bench.sh BUILD_DIR [--n N] [--reps R] [--work DIR] [--json FILE] [--keep]
#
# The benchmark behind `./run bench`: one deterministic data set of N
# identifiers (default 10 million, in about N/2 reports), loaded and
# queried by scamdex and, on the same keys, by raw LMDB and SQLite
# (bench-baseline). Every figure is the median of R repetitions (default
# 3). "Today" is pinned (SCAMDEX_TODAY, below): the generated incident
# dates lie before it, many in the last days and weeks, and every check
# (scamdex's and the baselines') counts its time windows from it. Prints
# one table and writes FILE (default BUILD_DIR/bench-results.json) plus
# bench-details.json beside it (every repetition's spread, sizes, key
# distributions, targets). A stage whose program is not built is skipped and its figures
# are null.
set -euo pipefail

usage() {
	echo "usage: bench.sh BUILD_DIR [--n N] [--reps R] [--work DIR] [--json FILE] [--keep]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
build=$(cd "$1" && pwd)
shift
n=10000000
reps=3
work=
json=
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--n) n=${2:?}; shift 2 ;;
	--n=*) n=${1#--n=}; shift ;;
	--reps) reps=${2:?}; shift 2 ;;
	--reps=*) reps=${1#--reps=}; shift ;;
	--work) work=${2:?}; shift 2 ;;
	--json) json=${2:?}; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) usage ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 100 ] || { echo "bench.sh: --n wants a number >= 100" >&2; exit 2; }
[[ $reps =~ ^[0-9]+$ ]] && [ "$reps" -ge 1 ] || { echo "bench.sh: --reps wants a number >= 1" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
json=${json:-$build/bench-results.json}
details=${json%.json}
details=${details%-results}-details.json
[ "$details" != "$json" ] || details=$json.details
if [ -z "$work" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/scamdex-bench.XXXXXX")
	[ "$keep" -eq 1 ] || trap 'rm -rf "$work"' EXIT
else
	mkdir -p "$work"
fi
data=$work/data
results=$work/results.jsonl
mkdir -p "$data"
: >"$results"

# The programs; a missing one skips its stage.
baseline=$build/tools/bench/bench-baseline
gen=$build/tools/gen/scamdex-gen
import=$build/tools/import/scamdex-import
scamdex=$build/cli/scamdex
inproc=$build/tools/bench/bench-inproc
sync=$build/tools/sync/scamdex-sync

lmdb_size=$build/tools/bench/bench-lmdb-size
# The benchmark's today: the data set's dates and every check's windows.
today=2026-11-28

export SCAMDEX_DB=$work/nonexistent-db NO_COLOR=1 SCAMDEX_TODAY=$today
unset XDG_DATA_HOME || true

log() { printf 'bench: %s\n' "$*" >&2; }
have() { [ -x "$1" ]; }
measure() { python3 "$here/bench-report.py" measure --out "$results" "$@"; }
# size SYSTEM PATH: the bytes PATH takes, LMDB files by their pages in use
# (bench-lmdb-size), the same way for every system
size() {
	local sys=$1
	shift
	python3 "$here/bench-report.py" size --out "$results" --system "$sys" \
		--lmdb-size "$lmdb_size" --reports "$reports" "$@"
}
lines() { wc -l <"$1" | tr -d ' '; }

log "n = $n identifiers, $reps repetitions, work dir $work"

# ---- the data set ----
# scamdex-gen writes import.csv for scamdex-import and, line for line,
# reports.tsv (count, canonical keys, body per report) for the baselines,
# plus hits.keys and miss.keys (kind digit + canonical form per line):
# identifiers that are reported (a random identifier of a random report,
# so busy ones come up more often, as in real traffic) and that are not.
# bench-baseline keys adds hits-uniform.keys (as many hits, every reported
# identifier alike) and counts the distinct identifiers.
if have "$gen"; then
	log "data: scamdex-gen --n $n --today $today"
	"$gen" --n "$n" --today "$today" --out "$data"
	python3 "$here/bench-prep.py" "$data"
else
	log "data: scamdex-gen not built, synthetic keys for the baselines only"
	"$baseline" synth "$n" "$data"
fi
# The check inputs, from the keys: canonical forms are valid input; a
# domain is given as the link a user pastes (a bare host that starts with
# a bank's name, "vietcombank-xac-thuc.com", is detected as a bank).
for f in hits miss; do
	awk '{ k = substr($0, 1, 1); v = substr($0, 2)
		print (k == "5" ? "https://" v "/" : v) }' "$data/$f.keys" >"$data/$f.in"
done
reports=$(lines "$data/reports.tsv")
uniform=()
if have "$baseline"; then
	"$baseline" keys "$data/reports.tsv" "$data/hits.keys" \
		"$data/hits-uniform.keys" >>"$results"
	uniform=("$data/hits-uniform.keys")
fi
log "data: $reports reports, $(lines "$data/hits.keys") hit and $(lines "$data/miss.keys") miss look-ups"

# ---- baseline loads ----
if have "$baseline"; then
	for sys in lmdb sqlite; do
		log "baseline: $sys loads"
		"$baseline" "$sys-load" "$reps" "$work" "$data/reports.tsv" >>"$results"
	done
	size lmdb "$work/lmdb"
	size sqlite "$work/sqlite.db"
else
	log "baseline: bench-baseline not built (no SQLite?), skipped"
fi

# ---- scamdex import ----
db=$work/db
import_input=
for f in "$data/import.csv" "$data/import.jsonl"; do
	[ -f "$f" ] && { import_input=$f; break; }
done
# the CSV input cut in two halves by records (narratives hold line
# breaks, so by a CSV reader, not by lines); prints the second half's rows
half1= half2= half_reports=
if [ "${import_input##*.}" = csv ]; then
	half1=$work/half1.csv half2=$work/half2.csv
	half_reports=$(python3 - "$import_input" "$half1" "$half2" "$reports" <<'PY'
import csv, sys
src, first, second, total = sys.argv[1:5]
cut = int(total) // 2  # one record per report (bench-prep.py)
with open(src, newline="", encoding="utf-8") as f, \
        open(first, "w", newline="", encoding="utf-8") as a, \
        open(second, "w", newline="", encoding="utf-8") as b:
    rows = csv.reader(f)
    head = next(rows)
    wa = csv.writer(a, lineterminator="\n")
    wb = csv.writer(b, lineterminator="\n")
    wa.writerow(head)
    wb.writerow(head)
    n = 0
    for row in rows:
        (wa if n < cut else wb).writerow(row)
        n += 1
print(n - cut)
PY
)
fi
if have "$import" && [ -n "$import_input" ]; then
	for rep in $(seq 1 "$reps"); do
		# the issue's "on one core": the same load on one thread,
		# first and removed before the two-thread import, so that the
		# disk never holds both (at 30 million identifiers each takes
		# about 30 GB while being written)
		rm -rf "$db" "$db.1t"
		log "import: repetition $rep"
		measure --metric import_1t --rep "$rep" --ops "$reports" --rss -- \
			"$import" --db "$db.1t" --create --quiet --threads 1 "$import_input"
		rm -rf "$db.1t"
		measure --metric import --rep "$rep" --ops "$reports" --rss -- \
			"$import" --db "$db" --create --quiet "$import_input"
		# a database that grows: the second half of the reports
		# imported into a database holding the first half (timed)
		if [ -n "$half1" ]; then
			rm -rf "$db.half"
			"$import" --db "$db.half" --create --quiet "$half1" >/dev/null
			measure --metric import_half --rep "$rep" --ops "$half_reports" \
				--rss -- "$import" --db "$db.half" --quiet "$half2"
			rm -rf "$db.half"
		fi
	done
	[ -z "$half1" ] || rm -f "$half1" "$half2"
	size scamdex "$db"
else
	log "import: scamdex-import or the generated input missing, skipped"
fi

# ---- compaction, as the manual advises after a bulk load ----
# The look-ups below run on the compacted copy (every table rewritten in
# key order, full pages); hits are also measured once a repetition on the
# database as imported (check_1t_imported).
imported=
if have "$scamdex" && [ -d "$db" ]; then
	for rep in $(seq 1 "$reps"); do
		rm -rf "$db.compact"
		log "compact: repetition $rep"
		measure --metric compact --rep "$rep" --ops "$reports" -- \
			"$scamdex" --db "$db" compact --to "$db.compact"
	done
	size scamdex-compact "$db.compact"
	imported=$work/db-imported
	rm -rf "$imported"
	mv "$db" "$imported"
	mv "$db.compact" "$db"
fi

# ---- look-ups: raw LMDB, SQLite and sdx_check, interleaved ----
# One repetition of each system in turn (each process warms up first), so
# that a machine busy with other work weighs on all three alike. Streams:
# hits (1 and 2 threads), misses, hits and misses interleaved 1:1 and 1:9,
# and hits drawn uniformly over the reported identifiers.
for rep in $(seq 1 "$reps"); do
	log "look-ups: repetition $rep (hits on 1 and 2 threads, misses, mixed 1:1 and 1:9, uniform hits)"
	if have "$baseline"; then
		for sys in lmdb sqlite; do
			"$baseline" "$sys-get" 1 "$work" "$data/hits.keys" \
				"$data/miss.keys" "${uniform[@]}" |
				sed "s/\"rep\":1,/\"rep\":$rep,/" >>"$results"
		done
	fi
	if have "$inproc" && [ -d "$db" ]; then
		"$inproc" 1 "$db" "$data/hits.keys" "$data/miss.keys" "${uniform[@]}" |
			sed "s/\"rep\":1,/\"rep\":$rep,/" >>"$results"
	fi
	if have "$inproc" && [ -n "$imported" ] && [ -d "$imported" ]; then
		"$inproc" 1 "$imported" "$data/hits.keys" "$data/miss.keys" |
			grep '"metric":"check_1t"' |
			sed -e "s/\"rep\":1,/\"rep\":$rep,/" \
				-e 's/"check_1t"/"check_1t_imported"/' >>"$results"
	fi
done
[ -z "$imported" ] || rm -rf "$imported"
rm -rf "$work/lmdb" "$work"/sqlite.db*

# ---- scamdex check --json, batch from a file ----
if have "$scamdex" && [ -d "$db" ]; then
	batch=$data/batch.txt
	paste -d '\n' "$data/hits.in" "$data/miss.in" | sed '/^$/d' >"$batch"
	inputs=$(lines "$batch")
	# warm, and a check that the keys agree: every hit reported, no miss
	"$scamdex" --db "$db" check --json <"$data/hits.in" >"$work/hits.out" || true
	"$scamdex" --db "$db" check --json <"$data/miss.in" >"$work/miss.out" || true
	bad_hits=$(grep -vc '"verdict":"reported"' "$work/hits.out" || true)
	bad_miss=$(grep -vc '"verdict":"unknown"' "$work/miss.out" || true)
	if [ "$bad_hits" != 0 ] || [ "$bad_miss" != 0 ]; then
		log "WARNING: $bad_hits hits not reported, $bad_miss misses not unknown (e.g. $(grep -v '"verdict":"reported"' "$work/hits.out" | head -1))"
	fi
	rm -f "$work/hits.out" "$work/miss.out"
	for rep in $(seq 1 "$reps"); do
		log "cli batch: repetition $rep ($inputs inputs)"
		measure --metric cli_batch --rep "$rep" --ops "$inputs" \
			--ok 0,1 --stdin "$batch" -- "$scamdex" --db "$db" check --json
	done
else
	log "cli batch: scamdex or the database missing, skipped"
fi

# ---- sync: export every operation, import into an empty database ----
# The imported database is office "local" (the importer's default origin);
# it gets a key pair, and a second office trusts it.
if have "$sync" && [ -d "$db" ]; then
	bundle=$work/all.bundle
	db2=$work/db2
	pub=$("$sync" --db "$db" init --office local --role police --key "$work/local.key" | awk '{print $2}')
	# the peer's key, made once (init keeps an existing key file)
	rm -rf "$db2"
	ppub=$("$sync" --db "$db2" init --office bench-peer --role police --key "$work/peer.key" | awk '{print $2}')
	"$sync" --db "$db" trust add bench-peer "$ppub" --role police
	for rep in $(seq 1 "$reps"); do
		log "sync export: repetition $rep"
		measure --metric sync_export --rep "$rep" --ops "$reports" -- \
			"$sync" --db "$db" export --to bench-peer --audience police \
			--key "$work/local.key" -o "$bundle"
	done
	echo "{\"metric\":\"bundle\",\"system\":\"scamdex\",\"bytes\":$(stat -c %s "$bundle"),\"ops\":$reports}" >>"$results"
	for rep in $(seq 1 "$reps"); do
		rm -rf "$db2"
		"$sync" --db "$db2" init --office bench-peer --role police --key "$work/peer.key" >/dev/null
		"$sync" --db "$db2" trust add local "$pub" --role police
		log "sync import: repetition $rep"
		measure --metric sync_import --rep "$rep" --ops "$reports" -- \
			"$sync" --db "$db2" import "$bundle"
	done
	rm -rf "$db2" "$bundle"
else
	log "sync: scamdex-sync or the database missing, skipped"
fi

python3 "$here/bench-report.py" report --results "$results" --n "$n" \
	--json "$json" --details "$details"
log "wrote $json and $details"
