#!/usr/bin/env bash
# import.sh: scamdex-import end to end (TAP). Imports the fixtures in
# fixtures/import into fresh databases and reads them back with imptool
# (the C API), compares reject files and totals lines exactly.
#   import.sh IMPORT GEN IMPTOOL
. "$(dirname "${BASH_SOURCE[0]}")/prologue.sh"

db=$tmp/db
# ---- the good fixtures, one database ----
run "$db" ok-en.csv
expect "ok-en.csv: every column, English headers" 0 "read 7 = accepted 7 + duplicate 0 + rejected 0"
run "$db" ok-vi.csv
expect "ok-vi.csv: Vietnamese headers, BOM, CRLF" 0 "read 3 = accepted 3 + duplicate 0 + rejected 0"
if grep -qx "scamdex-import: ok-vi.csv:1: ignoring column 'Ghi chú' (name it with --map)" "$tmp/err"; then
	ok "ok-vi.csv: an unknown column is named on stderr"; else not_ok "unknown column warning" "$tmp/err"; fi
run "$db" ok-semicolon.csv
expect "ok-semicolon.csv: ';' delimiter (Excel, Vietnamese locale)" 0 "read 2 = accepted 2 + duplicate 0 + rejected 0"
run "$db" ok-reports.jsonl
expect "ok-reports.jsonl: JSON Lines, arrays, numbers, null" 0 "read 3 = accepted 3 + duplicate 0 + rejected 0"
run "$db" --map ok-map.map ok-map.csv
expect "ok-map.csv with --map" 0 "read 1 = accepted 1 + duplicate 0 + rejected 0"

"$imptool" show "$db" "$fix/ok.keys" >"$tmp/show" 2>&1
same "every field of every report read back" "$fix/ok.expected" "$tmp/show"
"$imptool" stats "$db" >"$tmp/stats1" 2>&1
check "verify after the good fixtures" "$imptool" verify "$db"

run "$tmp/mac" ok-mac.csv
printf '1+84835550301\n1+84835550302\n' >"$tmp/mac.keys"
"$imptool" checks "$tmp/mac" "$tmp/mac.keys" >"$tmp/mac.checks" 2>&1
if [ "$rc" -eq 0 ] && [ "$(last)" = "read 2 = accepted 2 + duplicate 0 + rejected 0" ] &&
	[ "$(grep -c ' verdict=reported ' "$tmp/mac.checks")" -eq 2 ]; then
	ok "ok-mac.csv: CR line ends (Excel's CSV for Macintosh)"
else not_ok "ok-mac.csv" "$tmp/err"; fi

# ---- re-import adds nothing ----
run "$db" ok-en.csv ok-vi.csv ok-semicolon.csv ok-reports.jsonl
expect "re-import: every row a duplicate" 0 "read 15 = accepted 0 + duplicate 15 + rejected 0"
run "$db" --map ok-map.map --batch 1 ok-map.csv
expect "re-import with --map and --batch 1" 0 "read 1 = accepted 0 + duplicate 1 + rejected 0"
"$imptool" stats "$db" >"$tmp/stats2" 2>&1
same "re-import leaves the totals as they were" "$tmp/stats1" "$tmp/stats2"

# ---- bad rows: exact reject reasons ----
run "$tmp/bad" --strict --reject "$tmp/rejects.csv" bad-rows.csv
expect "bad-rows.csv --strict: exit 1, totals" 1 "read 26 = accepted 2 + duplicate 0 + rejected 24"
same "bad-rows.csv --strict: the reject file, line, column and reason of every row" "$fix/bad-rows.rejects.csv" "$tmp/rejects.csv"
run "$tmp/bad" --strict bad-rows.csv
if [ "$rc" -eq 1 ] && grep -qx "scamdex-import: bad-rows.csv:5: incident_date: date after today" "$tmp/err" &&
	[ "$(grep -c '^scamdex-import: bad-rows.csv:' "$tmp/err")" -eq 24 ]; then
	ok "without --reject, every refused row is a line on stderr"
else not_ok "rejects on stderr" "$tmp/err"; fi
expect "bad-rows.csv --strict again: the good rows are duplicates" 1 "read 26 = accepted 0 + duplicate 2 + rejected 24"
# without --strict, an unknown category or channel is kept as other with
# its label, and the row counted as accepted with a warning
run "$tmp/bad" bad-rows.csv
expect "bad-rows.csv: unknown labels accepted with warnings" 1 \
	"read 26 = accepted 2 + duplicate 2 + rejected 22 (2 accepted with warnings)"
if grep -qx "scamdex-import: bad-rows.csv:8: category: unknown category 'lừa đảo gì đó' kept as other" "$tmp/err" &&
	grep -qx "scamdex-import: bad-rows.csv:9: channel: unknown channel 'whatsapp' kept as other" "$tmp/err"; then
	ok "each row kept as other is named on stderr with its label"
else not_ok "warnings on stderr" "$tmp/err"; fi
printf '1+84385550206\n1+84385550207\n' >"$tmp/other.keys"
"$imptool" show "$tmp/bad" "$tmp/other.keys" >"$tmp/other.show" 2>&1
if grep -q "category=other category_label=lừa đảo gì đó" "$tmp/other.show" &&
	grep -q "channel=other channel_label=whatsapp" "$tmp/other.show"; then
	ok "the report keeps category other and the original label"
else not_ok "labels kept" "$tmp/other.show"; fi

# ---- bounded rows and lines ----
{
	echo "phone,narrative"
	printf '0385550401,"'; head -c 70000 /dev/zero | tr '\0' 'x'; printf '\nstill inside, quoted"\n'
	echo "0385550402,after the long row"
} >"$tmp/long.csv"
(cd "$tmp" && "$import" --db "$tmp/long" --create --reject long-rej.csv long.csv) >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 1 ] && [ "$(last)" = "read 2 = accepted 1 + duplicate 0 + rejected 1" ] &&
	[ "$(sed -n 2p "$tmp/long-rej.csv" | cut -d, -f1-4)" = "long.csv,2,,row longer than 65536 bytes" ]; then
	ok "a row over 64 KiB is refused and the next row is read"
else not_ok "long row" "$tmp/err"; fi
{
	printf '{"phone":"0385550403","narrative":"'; head -c 70000 /dev/zero | tr '\0' 'y'; echo '"}'
	echo '{"phone":"0385550404"}'
	echo 'not json'
	echo '[1,2]'
} >"$tmp/long.jsonl"
(cd "$tmp" && "$import" --db "$tmp/long" --create --reject long-rej2.csv long.jsonl) >/dev/null 2>"$tmp/err"; rc=$?
printf '%s\n' "long.jsonl,1,,line longer than 65536 bytes" \
	"long.jsonl,3,,invalid JSON: '[' or '{' expected near 'not' (column 3)" \
	"long.jsonl,4,,not a JSON object" >"$tmp/want"
cut -d, -f1-4 "$tmp/long-rej2.csv" | tail -n +2 | sed 's/,"/,/; s/"$//' >"$tmp/got"
if [ "$rc" -eq 1 ] && [ "$(last)" = "read 4 = accepted 1 + duplicate 0 + rejected 3" ]; then
	same "JSONL: long line, bad JSON and a non-object are refused" "$tmp/want" "$tmp/got"
else not_ok "JSONL bounds" "$tmp/err"; fi

# ---- usage, input and database errors ----
run "$tmp/u" --bogus ok-en.csv
expect "unknown option: exit 2" 2 "Try 'scamdex-import --help'."
run "$tmp/u" --batch 0 ok-en.csv
expect "--batch 0: exit 2" 2 "Try 'scamdex-import --help'."
run "$tmp/u" no-such-file.csv
expect "missing input: exit 2" 2 "scamdex-import: no-such-file.csv: No such file or directory"
printf 'name,note\nx,y\n' >"$tmp/noid.csv"
run "$tmp/u" "$tmp/noid.csv"
if [ "$rc" -eq 2 ] && grep -q "no identifier column" "$tmp/err"; then ok "a header without an identifier column: exit 2"; else not_ok "no identifier column" "$tmp/err"; fi
: >"$tmp/afile"
run "$tmp/afile/db" ok-en.csv
if [ "$rc" -eq 3 ]; then ok "an unusable database path: exit 3"; else not_ok "database error exit 3" "$tmp/err"; fi
if "$import" --help | grep -q '^usage: scamdex-import'; then ok "--help on stdout, exit 0"; else not_ok "--help"; fi

# ---- standard input, SCAMDEX_DB ----
(cd "$fix" && SCAMDEX_DB="$tmp/stdin-db" "$import" --create --quiet --format csv - <ok-en.csv) 2>"$tmp/err"; rc=$?
expect "'-' reads standard input, SCAMDEX_DB names the database" 0 "read 7 = accepted 7 + duplicate 0 + rejected 0"

# ---- generated data: totals identity, batch sizes, every identifier found ----
"$gen" --n 3000 --seed 7 --out "$tmp" >/dev/null 2>&1
run "$tmp/g1" --batch 97 "$tmp/import.csv"
if [ "$rc" -eq 0 ] && identity; then ok "generated CSV: $(last)"; else not_ok "generated import" "$tmp/err"; fi
mkdir -p "$tmp/j" && "$gen" --n 3000 --seed 7 --format jsonl --out "$tmp/j" >/dev/null 2>&1
run "$tmp/g2" "$tmp/j/import.jsonl"
if [ "$rc" -eq 0 ] && identity; then ok "generated JSONL: $(last)"; else not_ok "generated JSONL import" "$tmp/err"; fi
"$imptool" checks "$tmp/g1" "$tmp/hits.keys" >"$tmp/c1"
"$imptool" checks "$tmp/g2" "$tmp/hits.keys" >"$tmp/c2"
same "CSV and JSONL of the same reports: the same summaries" "$tmp/c1" "$tmp/c2"
if [ -s "$tmp/c1" ] && ! grep -v ' verdict=reported ' "$tmp/c1" >"$tmp/bad-hits"; then
	ok "every generated identifier is found ($(wc -l <"$tmp/c1") look-ups)"; else not_ok "hits" "$tmp/bad-hits"; fi
"$gen" --reports "$(wc -l <"$tmp/reports.tsv")" --seed 7 --lang vi --excel -o "$tmp/vi.csv"
run "$tmp/g3" "$tmp/vi.csv"
"$imptool" checks "$tmp/g3" "$tmp/hits.keys" >"$tmp/c3"
if [ "$rc" -eq 0 ] && identity && cmp -s "$tmp/c1" "$tmp/c3"; then
	ok "generated Excel CSV (Vietnamese headers, BOM, CRLF): the same summaries"
else not_ok "generated Vietnamese Excel CSV" "$tmp/err"; fi
"$imptool" checks "$tmp/g1" "$tmp/miss.keys" >"$tmp/m1"
if [ -s "$tmp/m1" ] && ! grep -v ' verdict=unknown ' "$tmp/m1" >"$tmp/bad-miss"; then
	ok "no never-reported identifier is found"; else not_ok "misses" "$tmp/bad-miss"; fi
check "verify after the generated import" "$imptool" verify "$tmp/g1"

# ---- one thread or two: the same import ----
# rows with refusals among good ones, over several files and batches
for t in 1 2; do
	(cd "$fix" && "$import" --db "$tmp/t$t" --create --threads $t --batch 300 \
		--reject "$tmp/t$t.rej" bad-rows.csv "$tmp/import.csv" \
		bad-rows.csv ok-en.csv "$tmp/j/import.jsonl") \
		>/dev/null 2>"$tmp/t$t.err"
	echo "status $?" >>"$tmp/t$t.err"
	"$imptool" checks "$tmp/t$t" "$tmp/hits.keys" >"$tmp/t$t.checks"
done
same "--threads 1 and 2: the same rejects, in order" "$tmp/t1.rej" "$tmp/t2.rej"
same "--threads 1 and 2: the same totals and status" "$tmp/t1.err" "$tmp/t2.err"
same "--threads 1 and 2: the same summaries" "$tmp/t1.checks" "$tmp/t2.checks"
(cd "$fix" && "$import" --db "$tmp/t3" --create --threads 3 ok-en.csv) >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok "--threads 3 is a usage error"; else
	echo "status $rc" >"$tmp/why"; not_ok "--threads 3" "$tmp/why"; fi

# ---- the progress bar: on a terminal only, not with --quiet ----
# A batch being written is always drawn at once (one thread), so these
# outputs do not depend on timing.
if command -v script >/dev/null; then
	IMPORT_BIN=$import IMPORT_IN=$tmp/import.csv IMPORT_DB=$tmp/p1 \
		script -qec '"$IMPORT_BIN" --db "$IMPORT_DB" --create --threads 1 --batch 300 "$IMPORT_IN"' \
		/dev/null >"$tmp/tty" 2>&1
	tr '\r' '\n' <"$tmp/tty" >"$tmp/tty.lines"
	if grep -Eq '^\[#*-*\] +[0-9]+%  [0-9]+ rows  [0-9]+ rows/s  writing 300 rows to the database\.\.\.' "$tmp/tty.lines" &&
		grep -q 'read [0-9]* = accepted' "$tmp/tty.lines"; then
		ok "a terminal gets the bar: percentage, rows, rows/s, the batch being written"
	else not_ok "a terminal gets the bar" "$tmp/tty.lines"; fi
	IMPORT_BIN=$import IMPORT_IN=$tmp/import.csv IMPORT_DB=$tmp/p2 \
		script -qec '"$IMPORT_BIN" --db "$IMPORT_DB" --create --threads 1 --batch 300 --quiet "$IMPORT_IN"' \
		/dev/null >"$tmp/tty" 2>&1
	if grep -q 'rows/s' "$tmp/tty"; then not_ok "--quiet: no bar on a terminal" "$tmp/tty"
	else ok "--quiet: no bar on a terminal"; fi
else
	ok "a terminal gets the bar # SKIP script(1) missing: no terminal to test the bar on"
	ok "--quiet: no bar on a terminal # SKIP script(1) missing: no terminal to test the bar on"
fi
"$import" --db "$tmp/p3" --create --threads 1 --batch 300 "$tmp/import.csv" >/dev/null 2>"$tmp/notty"
if grep -q 'rows/s' "$tmp/notty" || grep -q $'\r' "$tmp/notty"; then
	not_ok "standard error not a terminal: no bar" "$tmp/notty"
else ok "standard error not a terminal: no bar"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
