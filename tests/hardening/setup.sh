# setup.sh: sourced by catalogue.sh and faults.sh. Needs PATH to hold
# scamdex, scamdex-import and scamdex-sync, and $src (the source root).

# The CSV header of fixtures/demo/reports.csv (and of agency files).
csv_head=$(head -n 1 "$src/fixtures/demo/reports.csv")

# setup_seed_db DB SCRATCH: a database of office HN-PA05 holding the first
# 40 demo reports, so that "unchanged" is about real content.
setup_seed_db() {
	local db=$1 scratch=$2
	mkdir -p "$scratch"
	scamdex-sync --db "$db" init --office HN-PA05 --role police --key "$scratch/hn.key" >"$scratch/hn.pub" || return 1
	head -n 41 "$src/fixtures/demo/reports.csv" >"$scratch/seed.csv"
	# exit 1 = some demo rows refused: fine, as long as most went in
	scamdex-import --db "$db" --create "$scratch/seed.csv" 2>"$scratch/seed.err"
	local rc=$?
	cat "$scratch/seed.err" >&2
	[ $rc -le 1 ] && grep -qE 'accepted ([2-9][0-9]|40)' "$scratch/seed.err" || return 1
	# the numbers the tests check, whatever the demo data holds
	scamdex --db "$db" report --phone 038.555.1234 --phone +84795555373 \
		--agency 'PA05 - Công an tỉnh Kon Tum' --case-ref 9999/CAT-PA05 \
		--incident-date 2026-11-20 --category extortion --channel zalo >/dev/null
}

# setup_bundles DB SCRATCH OUT: two more offices. HCM-PA05 (trusted by DB)
# exports OUT/good.bundle for HN-PA05 with 20 reports (5 police-only); DN-PA05 (not
# trusted) exports OUT/untrusted.bundle. Then the damaged copies of
# good.bundle that the MANIFEST names.
setup_bundles() {
	local db=$1 scratch=$2 out=$3 demo=$src/fixtures/demo/reports.csv
	# 20 reports of its own (not demo rows: their acceptance may change)
	{
		echo "$csv_head"
		for ((i = 0; i < 20; i++)); do
			printf '079555%04d,,,,,,,PA05 - Công an TP Hồ Chí Minh,%d/CAT-PA05,2026-10-%02d,2026-11-01,impersonation_police,call,,police,%s,peer report %d\n' \
				$((800 + i)) $((3000 + i)) $((i + 1)) "$([ $((i % 4)) -eq 0 ] && echo police || echo bank)" "$i"
		done
	} >"$scratch/peer.csv"
	local pub
	pub=$(scamdex-sync --db "$scratch/hcm" init --office HCM-PA05 --role police --key "$scratch/hcm.key") || return 1
	scamdex-import --db "$scratch/hcm" --create "$scratch/peer.csv" || return 1
	# shellcheck disable=SC2086 # "OFFICE PUBKEY": two words
	scamdex-sync --db "$db" trust add $pub --role police || return 1
	# shellcheck disable=SC2046
	scamdex-sync --db "$scratch/hcm" trust add $(cat "$scratch/hn.pub") --role police || return 1
	scamdex-sync --db "$scratch/hcm" export --to HN-PA05 --audience police \
		--key "$scratch/hcm.key" -o "$out/good.bundle" 2>/dev/null || return 1
	scamdex-sync --db "$scratch/dn" init --office DN-PA05 --role police --key "$scratch/dn.key" >/dev/null || return 1
	# shellcheck disable=SC2046
	scamdex-sync --db "$scratch/dn" trust add $(cat "$scratch/hn.pub") --role police || return 1
	scamdex-import --db "$scratch/dn" --create "$scratch/peer.csv" 2>/dev/null
	scamdex-sync --db "$scratch/dn" export --to HN-PA05 --audience police \
		--key "$scratch/dn.key" -o "$out/untrusted.bundle" 2>/dev/null || return 1
	python3 "$src/tests/hardening/damage-bundle.py" "$out/good.bundle" "$out"
}

# gen_inputs DIR: the inputs too big or too odd to keep in git.
gen_inputs() {
	local d=$1
	local row='0795550130,,,,,,,PA05 - Công an tỉnh Kon Tum,9010/CAT-PA05,2026-11-02,2026-11-05,extortion,zalo,1500000,reported,bank,'
	# a 10 MB field (the narrative)
	{ printf '%s\n%s' "$csv_head" "$row"; head -c 10000000 /dev/zero | tr '\0' N; printf '\n'; } >"$d/csv-10mb-field.csv"
	# a million-column line
	{ printf '%s\n' "$csv_head"; head -c 1000000 /dev/zero | tr '\0' ,; printf '\n'; } >"$d/csv-million-columns.csv"
	# a 10 MB line without a newline
	head -c 10000000 /dev/zero | tr '\0' 7 >"$d/id-10mb-line.txt"
	# 60000 columns: within the row limit, past the field limit
	{ printf '%s\n' "$csv_head"; head -c 60000 /dev/zero | tr '\0' ,; printf '\n'; } >"$d/csv-60000-columns.csv"
	{ head -c 60000 /dev/zero | tr '\0' ,; printf '\n'; } >"$d/csv-60000-header-columns.csv"
	# JSON nested 30000 deep (within the line limit), and a 10 MB string
	{ head -c 30000 /dev/zero | tr '\0' '['; printf '\n'; } >"$d/jsonl-deep-nesting.jsonl"
	{ printf '{"phone":"0795550131","agency":"PA05","narrative":"'; head -c 10000000 /dev/zero | tr '\0' N; printf '"}\n'; } >"$d/jsonl-10mb-line.jsonl"
	# 20000 lines of every shape, none blank: one answer per line
	python3 - "$d/id-mixed-20000.txt" <<'PY'
import random, sys
rng = random.Random(20000)
shapes = [b"038.555.1234", b"+84795555373", b"0795 555 373", b"VCB 1012 555 888",
          b"t.me/thamtu_hoangnam", b"https://vietinbank-cap-nhat49.top/x", b"1012555888",
          b"DE89 3704 0044 0532 0130 00", b"not an identifier", b"079\x00555", b"\xc3\x28x",
          b"@" + b"a" * 2000, b"1" * 1025, b"+8479555537312345", b"\xef\xbb\xbf0795555373"]
with open(sys.argv[1], "wb") as f:
    for i in range(20000):
        f.write(rng.choice(shapes) + (b"\r\n" if i % 7 == 0 else b"\n"))
PY
	# CBOR: 100000 nested one-item arrays
	head -c 100000 /dev/zero | tr '\0' '\201' >"$d/bundle-deep-nesting.bundle"
}
