#!/usr/bin/env bash
# everyday.sh: scamdex-import and the files offices really save (TAP):
# encodings, workbooks, dates and amounts as spreadsheets write them,
# the same file under another origin, a mistyped --db.
#   everyday.sh IMPORT GEN IMPTOOL
. "$(dirname "${BASH_SOURCE[0]}")/prologue.sh"

# ---- spreadsheets as offices save them ----
# Windows-1258 (tone marks as combining characters): diagnosed in one
# line without --encoding; with it, the same reports (bytes, so ids) as
# the UTF-16 file Excel's "Unicode text" writes, which is read as it is.
run "$tmp/enc" enc-cp1258.csv
expect "Windows-1258 without --encoding: one line naming it, exit 2" 2 \
	"scamdex-import: enc-cp1258.csv:1: not UTF-8 (byte 0xF4): it looks like Windows-1258 (Vietnamese); use --encoding cp1258"
run "$tmp/enc" --encoding cp1258 enc-cp1258.csv
expect "--encoding cp1258: read" 0 "read 2 = accepted 2 + duplicate 0 + rejected 0"
run "$tmp/enc" enc-utf16.csv
expect "UTF-16 with a BOM: read, NFC, the same reports as the Windows-1258 file" 0 \
	"read 2 = accepted 0 + duplicate 2 + rejected 0"
printf '1+84385550601\n' >"$tmp/enc.keys"
"$imptool" show "$tmp/enc" "$tmp/enc.keys" >"$tmp/enc.show" 2>&1
if grep -qx "    narrative=Người gọi đe dọa bắt giữ" "$tmp/enc.show" &&
	grep -q "agency=Công an tỉnh Kon Tum " "$tmp/enc.show" &&
	grep -q "category=impersonation_police channel=zalo amount=2000000 " "$tmp/enc.show"; then
	ok "converted text is NFC: labels parse, the narrative reads back composed"
else not_ok "NFC after conversion" "$tmp/enc.show"; fi
run "$tmp/enc" --encoding klingon enc-cp1258.csv
expect "an unknown --encoding: exit 2" 2 "Try 'scamdex-import --help'."
run "$tmp/enc" workbook.xlsx
expect ".xlsx: refused with the way to save it as CSV UTF-8" 2 \
	"scamdex-import: workbook.xlsx: an Excel workbook, not CSV: save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8 (Comma delimited)) and import that file"
cp "$fix/workbook.xlsx" "$tmp/renamed.csv"
(cd "$tmp" && "$import" --db "$tmp/enc" renamed.csv) >/dev/null 2>"$tmp/err"; rc=$?
expect "a workbook named .csv: found by its signature" 2 \
	"scamdex-import: renamed.csv: a workbook or a ZIP archive, not CSV: save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8 (Comma delimited)) and import that file"

# dates with a time, Excel serial dates, two-digit years, amounts in words
run "$tmp/every" --reject "$tmp/every.rej" everyday.csv
expect "everyday.csv: dates and amounts as spreadsheets write them" 1 \
	"read 10 = accepted 6 + duplicate 0 + rejected 4"
for i in 11 12 13 14 15 16; do echo "1+843855506$i"; done >"$tmp/every.keys"
"$imptool" show "$tmp/every" "$tmp/every.keys" 2>&1 | grep ' incident=' |
	sed 's/ category=[^ ]* channel=[^ ]*//; s/ confirmation=.*//' >"$tmp/every.got"
cat >"$tmp/every.want" <<'WANT'
    incident=2025-12-03 received=2025-12-04 amount=2000000
    incident=2025-12-03 received=2025-12-04 amount=500000
    incident=2025-12-03 received=2025-12-04 amount=1500000000
    incident=2025-12-03 received=2026-11-28 amount=2500000000
    incident=2025-12-03 received=2026-11-28 amount=5000000
    incident=2025-12-03 received=2026-11-28 amount=2000000
WANT
same "everyday.csv: 03/12/2025 14:30, ISO with time, serial 45994, 03/12/25; 2tr, 500k, 1,5 tỷ, 2 tỷ 500 triệu" "$tmp/every.want" "$tmp/every.got"
python3 -c 'import csv, sys
for r in csv.reader(open(sys.argv[1], encoding="utf-8")): print(" | ".join(r[1:4]))' \
	"$tmp/every.rej" >"$tmp/every.rej.got"
cat >"$tmp/every.rej.want" <<'WANT'
line | column | reason
8 | incident_date | two-digit year after today: write the year in full (DD/MM/YYYY)
9 | incident_date | invalid date (want YYYY-MM-DD or DD/MM/YYYY, a time may follow)
10 | amount | invalid amount (want whole VND: 5.000.000, 5tr, 2 triệu, 1,5 tỷ, 500k)
11 | amount | invalid amount (want whole VND: 5.000.000, 5tr, 2 triệu, 1,5 tỷ, 500k)
WANT
same "everyday.csv: a two-digit year after today, a serial out of range, 1,555 tỷ and units out of order refused" \
	"$tmp/every.rej.want" "$tmp/every.rej.got"

# the same file again under another origin: refused (every row would be
# a new report), unless --force; under its own origin, duplicates
run "$tmp/orig" --origin kontum ok-en.csv
expect "ok-en.csv under --origin kontum" 0 "read 7 = accepted 7 + duplicate 0 + rejected 0"
"$imptool" stats "$tmp/orig" >"$tmp/orig.before" 2>&1
run "$tmp/orig" --origin hanoi ok-en.csv
expect "the same file under --origin hanoi: refused, exit 2" 2 \
	"scamdex-import: ok-en.csv: already imported under origin 'kontum': under 'hanoi' every row would be added again as a new report; use --origin kontum, or --force"
run "$tmp/orig" ok-en.csv
expect "the same file without --origin (the office, 'local'): refused" 2 \
	"scamdex-import: ok-en.csv: already imported under origin 'kontum': under 'local' every row would be added again as a new report; use --origin kontum, or --force"
if grep -qx "scamdex-import: origin: this database's office, 'local' (--origin names another)" "$tmp/err"; then
	ok "without --origin, the database's office is said"; else not_ok "origin said" "$tmp/err"; fi
"$imptool" stats "$tmp/orig" >"$tmp/orig.after" 2>&1
same "a refused re-import changes nothing" "$tmp/orig.before" "$tmp/orig.after"
run "$tmp/orig" --origin kontum ok-en.csv
expect "the same file under its own origin: duplicates" 0 "read 7 = accepted 0 + duplicate 7 + rejected 0"
run "$tmp/orig" --origin hanoi --force ok-en.csv
expect "--force: imported again under the other origin" 0 "read 7 = accepted 7 + duplicate 0 + rejected 0"

# several links in one cell, as people paste them: separated by ';', a
# line, white space or a comma; a note after a link stays the link's. A
# second link after ", " was read as the first one's path and lost.
printf '%s\n' 'url,agency' \
	'"https://evil-one.com/a, https://evil-two.com/b",PA05' \
	'"https://a.com/x,https://b.com/y www.c.com",PA05' \
	'"https://d.com/login (fake page)",PA05' \
	'", https://g.com ,",PA05' \
	'"https://wa.me/84911222333 https://oa.zalo.me/765465772305886642",PA05' >"$tmp/links.csv"
run "$tmp/links" "$tmp/links.csv"
expect "links.csv: several links in a cell" 0 "read 5 = accepted 5 + duplicate 0 + rejected 0"
{ printf '5%s\n' evil-one.com evil-two.com a.com b.com c.com d.com g.com wa.me oa.zalo.me
  printf '%s\n' 1+84911222333 4zalo:765465772305886642; } >"$tmp/links.keys"
"$imptool" checks "$tmp/links" "$tmp/links.keys" 2>&1 | awk '{print $1, $2, $3}' >"$tmp/links.got"
cat >"$tmp/links.want" <<'WANT'
domain evil-one.com verdict=reported
domain evil-two.com verdict=reported
domain a.com verdict=reported
domain b.com verdict=reported
domain c.com verdict=reported
domain d.com verdict=reported
domain g.com verdict=reported
domain wa.me verdict=unknown
domain oa.zalo.me verdict=unknown
phone +84911222333 verdict=reported
handle zalo:765465772305886642 verdict=reported
WANT
same "links.csv: every link of a cell is stored, each its own identifier; a WhatsApp link as its number, a Zalo OA page as the account, never as the host" "$tmp/links.want" "$tmp/links.got"

# "@name" in a report of another channel stays Telegram's name (the
# channel is where the talk was), but "@0933111222" is no Telegram name:
# it was stored as telegram:0933111222, and the Zalo account of that
# number (and the number) answered UNKNOWN
printf '%s\n' 'handle,channel,agency' '@0933111222,zalo,PA05' '@canbo_luatsu555,facebook,PA05' \
	'@+84933111444,viber,PA05' >"$tmp/at.csv"
run "$tmp/at" "$tmp/at.csv"
expect "at.csv: '@' handles with a channel" 0 "read 3 = accepted 3 + duplicate 0 + rejected 0"
printf '%s\n' 4zalo:+84933111222 4telegram:canbo_luatsu555 4viber:+84933111444 4telegram:0933111222 >"$tmp/at.keys"
"$imptool" checks "$tmp/at" "$tmp/at.keys" 2>&1 | awk '{print $1, $2, $3}' >"$tmp/at.got"
cat >"$tmp/at.want" <<'WANT'
handle zalo:+84933111222 verdict=reported
handle telegram:canbo_luatsu555 verdict=reported
handle viber:+84933111444 verdict=reported
handle telegram:0933111222 verdict=unknown
WANT
same "at.csv: '@' and a number is the channel's account of the number; '@name' stays Telegram's" "$tmp/at.want" "$tmp/at.got"

# a mistyped --db does not make a new database without --create
(cd "$fix" && "$import" --db "$tmp/no-such-db" ok-en.csv) >/dev/null 2>"$tmp/err"; rc=$?
expect "--db naming no database, without --create: exit 3" 3 \
	"scamdex-import: $tmp/no-such-db: no database there (check the path, or add --create to make a new one)"
if [ ! -e "$tmp/no-such-db" ]; then ok "... and nothing was created"; else not_ok "no-such-db created"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
