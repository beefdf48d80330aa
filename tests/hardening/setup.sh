# setup.sh: sourced by catalogue.sh and faults.sh. Needs PATH to hold
# scamdex, scamdex-import and scamdex-sync, and $src (the source root).

# The CSV header of fixtures/demo/reports.csv (and of agency files).
csv_head=$(head -n 1 "$src/fixtures/demo/reports.csv")

# setup_seed_db DB SCRATCH: a database holding the first 40 demo reports,
# so that "unchanged" is about real content.
setup_seed_db() {
	local db=$1 scratch=$2
	mkdir -p "$scratch"
	head -n 41 "$src/fixtures/demo/reports.csv" >"$scratch/seed.csv"
	# exit 1 = some demo rows refused: fine, as long as most went in
	scamdex-import --db "$db" "$scratch/seed.csv" 2>"$scratch/seed.err"
	local rc=$?
	cat "$scratch/seed.err" >&2
	[ $rc -le 1 ] && grep -qE 'accepted ([2-9][0-9]|40)' "$scratch/seed.err"
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
	# CBOR: 100000 nested one-item arrays
	head -c 100000 /dev/zero | tr '\0' '\201' >"$d/bundle-deep-nesting.bundle"
}
