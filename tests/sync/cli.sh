#!/usr/bin/env bash
# cli.sh SCAMDEX-SYNC SCAMDEX: scamdex-sync end to end (TAP): init, trust,
# export, import, status, and the documented exit statuses and messages.
set -u
S=$(realpath "$1")
X=$(realpath "$2")
T=$(mktemp -d /tmp/sdx-sync-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
# expect NAME WANT-STATUS WANT-STDOUT WANT-STDERR CMD...
expect() {
	local name=$1 st=$2 out=$3 err=$4; shift 4
	local got_out got_err got_st
	got_out=$("$@" 2>err.txt); got_st=$?
	got_err=$(cat err.txt)
	if [ "$got_st" = "$st" ] && [ "$got_out" = "$out" ] && [ "$got_err" = "$err" ]; then
		ok "$name"
	else
		nok "$name"
		echo "# status $got_st (want $st)"
		echo "# stdout: $got_out" | head -5
		echo "# want:   $out" | head -5
		echo "# stderr: $got_err" | head -5
		echo "# want:   $err" | head -5
	fi
}

expect "init without a role" 2 "" "scamdex-sync init: --role police|bank is required (a police office, or a bank's copy)
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn init --office HN-PA05
"$S" --db hn init --office HN-PA05 --role police >hn.pub
[ $? = 0 ] && grep -Eq '^HN-PA05 [0-9a-f]{64}$' hn.pub && ok "init prints OFFICE PUBKEY" || nok "init prints OFFICE PUBKEY"
[ "$(stat -c %a hn/office.key)" = 600 ] && ok "secret key file mode 0600" || nok "secret key file mode 0600"
expect "init again keeps the key (and the role)" 0 "$(cat hn.pub)" "" "$S" --db hn init --office HN-PA05
expect "init cannot change the role" 2 "" "scamdex-sync init: hn: this database's role is police; it cannot become bank" \
	"$S" --db hn init --office HN-PA05 --role bank
"$S" --db hcm init --office HCM-PA05 --role police >hcm.pub
"$S" --db vcb init --office VCB --role bank >vcb.pub
expect "init of another office on a used key file refused" 3 "" \
	"scamdex-sync init: hn/office.key exists and is not a key of office XX" \
	"$S" --db hn init --office XX --role police --key hn/office.key
expect "trust add without a role" 2 "" "scamdex-sync trust: add needs --role police|bank (the role decides what the office receives)
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn trust add $(cat hcm.pub)
expect "trust add" 0 "" "" "$S" --db hn trust add $(cat hcm.pub) --role police
"$S" --db hcm trust add --role police $(cat hn.pub)
"$S" --db hcm trust add $(cat vcb.pub) --role bank
"$S" --db vcb trust add $(cat hn.pub) --role police
"$S" --db vcb trust add $(cat hcm.pub) --role police
expect "trust list" 0 "$(cat hcm.pub) police
$(cat hn.pub) police" "" "$S" --db hn trust list
expect "trust add with a bad key" 2 "" \
	"scamdex-sync trust: 'abc' is not a public key (64 hex digits)
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn trust add HCM-PA05 abc --role police
expect "trust remove of an unknown office" 1 "" \
	"scamdex-sync trust remove: NOPE is not in the trust list" \
	"$S" --db hn trust remove NOPE

"$X" --db hn report --phone 0795555373 --agency "PA05 Ha Noi" \
	--category extortion --channel zalo >/dev/null
"$X" --db hn report --phone 0912345678 --agency "PA05 Ha Noi" \
	--category extortion --audience police --narrative "POLICE-ONLY-TEXT" >/dev/null

"$S" --db hn export --to HCM-PA05 -o hn-hcm.sdxb 2>err.txt
st=$?
sz=$(wc -c <hn-hcm.sdxb)
[ $st = 0 ] && [ "$(cat err.txt)" = "scamdex-sync: hn-hcm.sdxb: 2 operations (0 redacted) of 1 origins for HCM-PA05, audience police, $sz bytes" ] \
	&& ok "export summary" || { nok "export summary"; cat err.txt | sed 's/^/# /'; }
[ "$(head -c 17 hn-hcm.sdxb | od -An -tx1 | tr -d ' \n')" = 87006e7363616d6465782d62756e646c65 ] \
	&& ok "bundle starts with the magic" || nok "bundle starts with the magic"
expect "import --check" 0 "hn-hcm.sdxb: ok: from HN-PA05, audience police, 2 operations of 1 origins" "" \
	"$S" --db hcm import --check hn-hcm.sdxb
expect "import" 0 "hn-hcm.sdxb: from HN-PA05: 2 operations: 2 applied (0 redacted), 0 already held, 0 skipped" "" \
	"$S" --db hcm import hn-hcm.sdxb
expect "import again: nothing new" 0 "hn-hcm.sdxb: from HN-PA05: 2 operations: 0 applied (0 redacted), 2 already held, 0 skipped; nothing new: an old or repeated bundle of HN-PA05" "" \
	"$S" --db hcm import hn-hcm.sdxb
"$X" --db hcm check --kind phone 0795555373 >/dev/null
[ $? = 1 ] && ok "the report arrived (check says reported)" || nok "the report arrived (check says reported)"

# the bank's role decides: asking for police still writes a bank bundle
"$S" --db hcm export --to VCB --audience police -o hcm-vcb.sdxb 2>err.txt
szv=$(wc -c <hcm-vcb.sdxb)
[ "$(cat err.txt)" = "scamdex-sync: hcm-vcb.sdxb: 2 operations (1 redacted) of 1 origins for VCB, audience bank, $szv bytes (narrowed from police by the roles)" ] \
	&& ok "export to a bank is narrowed to bank" || { nok "export to a bank is narrowed to bank"; sed 's/^/# /' err.txt; }
grep -q POLICE-ONLY-TEXT hcm-vcb.sdxb && nok "bank bundle has no police-only text" || ok "bank bundle has no police-only text"
expect "bank imports the relayed ops, one redacted" 0 "hcm-vcb.sdxb: from HCM-PA05: 2 operations: 2 applied (1 redacted), 0 already held, 0 skipped" "" \
	"$S" --db vcb import hcm-vcb.sdxb
fp_hn=$("$S" --db hcm status | grep '^origin HN-PA05')
fp_vcb=$("$S" --db vcb status | grep '^origin HN-PA05')
[ -n "$fp_hn" ] && [ "$fp_hn" = "$fp_vcb" ] && ok "same fingerprint at the hub and the bank" || nok "same fingerprint at the hub and the bank"

"$S" --db hcm export --to HN-PA05 -o hcm-hn.sdxb 2>/dev/null
"$S" --db hn import hcm-hn.sdxb >/dev/null
expect "status" 0 "office HN-PA05 role police
origin HCM-PA05 seq 0 signed 0 trusted police fingerprint 00000000000000000000000000000000
${fp_hn/signed 2/signed 0}
peer HCM-PA05 announced HN-PA05=2 lacks 0" "" "$S" --db hn status
expect "--db after the command: the same status" 0 "$("$S" --db hn status)" "" "$S" status --db hn
expect "--db=DIR after the command" 0 "$("$S" --db hn status)" "" "$S" status --db=hn

cp hn-hcm.sdxb bad.sdxb
printf 'x' >>bad.sdxb
expect "a changed bundle is refused (status 1)" 1 "" \
	"scamdex-sync: bad.sdxb: refused: data after the signature (at byte $sz; SDX_EBUNDLE)" \
	"$S" --db hcm import bad.sdxb
head -c 100 hn-hcm.sdxb >short.sdxb
expect "a truncated bundle is refused" 1 "" \
	"scamdex-sync: short.sdxb: refused: truncated bundle (at byte 100; SDX_EBUNDLE)" \
	"$S" --db hcm import short.sdxb
"$S" --db other init --office DN-PA05 --role police >/dev/null
expect "export to an office not trusted" 1 "" "scamdex-sync export: HCM-PA05 is not in the trust list (run 'scamdex-sync trust add HCM-PA05 PUBKEY --role police|bank')" \
	"$S" --db other export --to HCM-PA05 -o dn.sdxb
"$S" --db other trust add $(cat hcm.pub) --role police
"$S" --db other export --to HCM-PA05 -o dn.sdxb 2>/dev/null
expect "an untrusted sender is refused" 1 "" \
	"scamdex-sync: dn.sdxb: refused: sender DN-PA05 is not trusted (at byte 0; SDX_EUNTRUSTED)" \
	"$S" --db hcm import dn.sdxb
"$S" --db other trust add $(cat hn.pub) --role police
aoff=$("$S" dump hn-hcm.sdxb | awk '$2 == "address" { print $1 }')
[ -n "$aoff" ] && ok "dump shows the address" || nok "dump shows the address"
expect "a bundle for another office is refused" 1 "" \
	"scamdex-sync: hn-hcm.sdxb: refused: addressed to HCM-PA05, not to this office DN-PA05 (--accept-for HCM-PA05 takes it) (at byte $aoff; SDX_EADDRESS)" \
	"$S" --db other import hn-hcm.sdxb
expect "--accept-for takes it" 0 "hn-hcm.sdxb: from HN-PA05: 2 operations: 2 applied (0 redacted), 0 already held, 0 skipped" "" \
	"$S" --db other import --accept-for HCM-PA05 hn-hcm.sdxb
"$S" --db ag init --office QN-PA05 --role police >ag.pub
expect "trust add --agencies" 0 "" "" "$S" --db ag trust add $(cat hn.pub) --role police --agencies "PA05 Quang Ninh,PC02 Quang Ninh"
expect "trust list shows the agencies" 0 "$(cat hn.pub) police agencies PA05 Quang Ninh,PC02 Quang Ninh
$(cat ag.pub) police" "" "$S" --db ag trust list
expect "a report naming an agency its origin may not name is refused, held, counted" 0 \
	"hn-hcm.sdxb: from HN-PA05: 2 operations: 0 applied (0 redacted), 0 already held, 0 skipped; 2 refused (held, not applied: no authority)" \
	"scamdex-sync: hn-hcm.sdxb: origin HN-PA05 seq 1 (add): refused: the report's agency is not one its origin's trust record lists
scamdex-sync: hn-hcm.sdxb: origin HN-PA05 seq 2 (add): refused: the report's agency is not one its origin's trust record lists" \
	"$S" --db ag import --accept-for HCM-PA05 hn-hcm.sdxb
expect "trust add --agencies with an empty name" 2 "" "scamdex-sync trust: --agencies wants 1 to 64 agency names, separated by commas
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db ag trust add $(cat hn.pub) --role police --agencies "PA05,,PC02"
expect "several files: the worst status wins, the good one is applied" 1 \
	"hcm-hn.sdxb: from HCM-PA05: 0 operations: 0 applied (0 redacted), 0 already held, 0 skipped; nothing new: an old or repeated bundle of HCM-PA05" \
	"scamdex-sync: dn.sdxb: refused: sender DN-PA05 is not trusted (at byte 0; SDX_EUNTRUSTED)" \
	"$S" --db hn import dn.sdxb hcm-hn.sdxb
expect "export without -o" 2 "" "scamdex-sync export: -o FILE is required
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn export --to HCM-PA05
expect "unknown audience" 2 "" "scamdex-sync export: unknown audience 'teller' (bank, police)
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn export --to X --audience teller -o f
expect "export without a key" 3 "" \
	"scamdex-sync export: nokey: SDX_EKEY: key missing or malformed (run 'scamdex-sync init' first)" \
	"$S" --db hn export --to HCM-PA05 --key nokey -o f
expect "no database" 3 "" "scamdex-sync: nodb: SDX_ENODB: no database at this path" \
	"$S" --db nodb status
"$S" dump hn-hcm.sdxb >dump.txt
st=$?
[ $st = 0 ] && [ "$(cut -d' ' -f2 dump.txt | tr '\n' ' ')" = "header address head run secret op op segment checksum signature " ] \
	&& grep -q "^[0-9]* secret HN-PA05 [0-9a-f]\{16\}\.\.\.$" dump.txt \
	&& grep -q "^[0-9]* op 1 add bank body " dump.txt \
	&& grep -q "^[0-9]* op 2 add police body " dump.txt \
	&& grep -q "^0 header format 4 sender HN-PA05 audience police created [0-9]* vector HN-PA05=2$" dump.txt \
	&& ok "dump lists every item" || { nok "dump lists every item"; sed 's/^/# /' dump.txt; }
"$S" dump hcm-vcb.sdxb | grep -q "^[0-9]* redacted 2 add police digest " && ok "dump shows the redacted op" || nok "dump shows the redacted op"
"$S" dump short.sdxb >/dev/null 2>err.txt
[ $? = 1 ] && [ "$(cat err.txt)" = "scamdex-sync: short.sdxb: truncated bundle (at byte 100; SDX_EBUNDLE)" ] \
	&& ok "dump of a truncated bundle" || { nok "dump of a truncated bundle"; sed 's/^/# /' err.txt; }
# key replacement: HN rekeys (its key was copied after seq 1); HCM,
# holding HN's seq 1 and 2, replaces the key and voids seq 2
"$S" --db hn rekey --void-after 1 >rekey.out
st=$?
newpk=$(sed -n '1s/^HN-PA05 \([0-9a-f]\{64\}\)$/\1/p' rekey.out)
[ $st = 0 ] && [ -n "$newpk" ] && [ "$(sed -n 2p rekey.out)" = "every peer runs: scamdex-sync trust replace HN-PA05 $newpk --void-after 1" ] &&
	[ "$(stat -c %a hn/office.key)" = 600 ] && [ ! -e hn/office.key.new ] &&
	ok "rekey prints the new key and the peers' command" || { nok "rekey prints the new key and the peers' command"; sed 's/^/# /' rekey.out; }
expect "rekey above the last operation" 2 "" "scamdex-sync rekey: --void-after 9: this office's last operation is 2
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hn rekey --void-after 9
expect "trust replace without --void-after" 2 "" "scamdex-sync trust: replace takes OFFICE PUBKEY --void-after SEQ (the last operation of OFFICE made before its key was stolen)
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hcm trust replace HN-PA05 "$newpk"
expect "trust replace of this office itself" 2 "" "scamdex-sync trust: HCM-PA05 is this office: its own key is replaced with 'scamdex-sync rekey'
usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version" "$S" --db hcm trust replace HCM-PA05 "$newpk" --void-after 1
expect "trust replace with the old key" 1 "" "scamdex-sync trust replace: $(cut -d' ' -f2 hn.pub) is a key HN-PA05 has or had: a new key is needed" \
	"$S" --db hcm trust replace HN-PA05 "$(cut -d' ' -f2 hn.pub)" --void-after 1
expect "trust replace of an office not trusted" 1 "" "scamdex-sync trust replace: XX-PA05 is not in the trust list" \
	"$S" --db hcm trust replace XX-PA05 "$newpk" --void-after 1
expect "trust replace voids what came after" 0 "HN-PA05: key replaced after seq 1: 1 operations voided (1 reports removed; 1 report states and 0 allowlist entries worked out again); 1 peer vectors set back" "" \
	"$S" --db hcm trust replace HN-PA05 "$newpk" --void-after 1
expect "the old key's bundle is refused after the replacement" 1 "" \
	"scamdex-sync: hn-hcm.sdxb: refused: origin HN-PA05: head of seq 2 signed with a key replaced after seq 1 (trust replace): refused (at byte 54; SDX_ESIGNATURE)" \
	"$S" --db hcm import hn-hcm.sdxb
"$S" --db hn export --to HCM-PA05 -o hn-hcm-2.sdxb 2>/dev/null
expect "the office's next bundle brings seq 2 again (its vector for HCM set back)" 0 "hn-hcm-2.sdxb: from HN-PA05: 1 operations: 1 applied (0 redacted), 0 already held, 0 skipped" "" \
	"$S" --db hcm import hn-hcm-2.sdxb
"$X" --db hcm verify >/dev/null && ok "verify after the replacement" || nok "verify after the replacement"
# a dispute from another office shows its author office (the signer),
# whatever its --by says; not repeated at the office that wrote it
rid=$("$X" --db hcm show --json --kind phone 0795555373 | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p' | head -1)
"$X" --db hcm dispute "$rid" --note "owner objects" --by "Vietcombank" >/dev/null
"$S" --db hcm export --to HN-PA05 -o hcm-hn-dispute.sdxb 2>/dev/null
"$S" --db hn import hcm-hn-dispute.sdxb >/dev/null
today=${SCAMDEX_TODAY:-$(date -u +%F)}
got=$("$X" --db hn show --kind phone 0795555373 | grep '^  disputed')
[ "$got" = "  disputed      $today by Vietcombank (office HCM-PA05): owner objects" ] &&
	ok "show: a dispute names its author office" || { nok "show: a dispute names its author office"; echo "# got: $got"; }
got=$("$X" --db hcm show --kind phone 0795555373 | grep '^  disputed')
[ "$got" = "  disputed      $today by Vietcombank: owner objects" ] &&
	ok "show: this office's own dispute without its office" || { nok "show: this office's own dispute without its office"; echo "# got: $got"; }
"$X" --db hn show --json --kind phone 0795555373 | grep -q '"state_office":"HCM-PA05".*"office":"HCM-PA05"' &&
	ok "show --json: state_office and dispute.office" || nok "show --json: state_office and dispute.office"
"$S" --help >/dev/null && ok "--help exits 0" || nok "--help exits 0"

# the words of init, rekey and trust add/replace (one parser: tool_args)
U="usage: scamdex-sync [--db DIR] COMMAND [ARGS...]
       scamdex-sync --help | --version"
pk=$(cut -d' ' -f2 hn.pub)
expect "init: a stray word" 2 "" "scamdex-sync init: unexpected argument 'extra'
$U" "$S" --db words init --office W --role police extra
expect "init --help after an option" 0 "usage: scamdex-sync init --office ID --role police|bank [--key FILE]" "" \
	"$S" --db words init --office W --help
expect "rekey: an unknown option" 2 "" "scamdex-sync rekey: unexpected argument '--bogus'
$U" "$S" --db words rekey --bogus
expect "rekey --help" 0 "usage: scamdex-sync rekey [--void-after SEQ] [--key FILE]" "" "$S" --db words rekey --key k --help
expect "trust add: a third word" 2 "" "scamdex-sync trust: unexpected argument 'extra'
$U" "$S" --db words trust add W2 "$pk" extra --role police
expect "trust add: --role without its value" 2 "" "scamdex-sync trust: --role needs a value
$U" "$S" --db words trust add W2 "$pk" --role
expect "trust add: --agencies=LIST before the words" 2 "" "scamdex-sync trust: add takes OFFICE PUBKEY --role police|bank
$U" "$S" --db words trust add --agencies=PA05 W2
expect "trust replace: an unknown option" 2 "" "scamdex-sync trust: unexpected argument '--force'
$U" "$S" --db words trust replace W2 "$pk" --void-after 1 --force
[ ! -e words ] && ok "no database made by a usage error" || nok "no database made by a usage error"
echo "1..$n"
[ "$fails" -eq 0 ]
