/* test_fresh.c: freshness. Every bundle carries the newest signed head
 * of every origin its sender knows; a hub that withholds an origin's
 * operations still forwards its head (or, dropping it too, leaves the
 * receiver's head old: stale), and cannot forge a head or make one
 * newer. scamdex-sync status shows how far behind, since when, and a
 * stale head. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle_io.h"
#include "helpers.h"

static office a, hub, c;

static uint64_t held(office *o, const char *origin)
{
	sdx_origin_info info;
	cr_assert_eq(sdx_origin_get(o->db, origin, &info), 0);
	return info.seq;
}

static void setup(void)
{
	th_office(&a, "A-PA05");
	th_office(&hub, "HUB-PA05");
	th_office(&c, "C-PA05");
	th_trust(&a, &hub);
	th_trust(&hub, &a);
	th_trust(&hub, &c);
	th_trust(&c, &hub);
	th_trust(&c, &a);
	th_trust(&a, &c);
}

/* A bundle from the hub to C holding only `h` (the hub's own forgery). */
static void forged_head_bundle(const char *path, const sdx_head *h)
{
	sdx_bwriter w;
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(sdx_bw_open(&w, f), 0);
	cr_assert_eq(
	    sdx_bw_header(&w, hub.name, c.name, SDX_AUD_POLICE, 1, NULL, 0), 0);
	cr_assert_eq(sdx_bw_head(&w, h), 0);
	cr_assert_eq(sdx_bw_finish(&w, &hub.key), 0);
	sdx_bw_close(&w);
	fclose(f);
}

TestSuite(fresh, .init = setup, .fini = th_cleanup, .timeout = 60);

Test(fresh, withholding_hub_is_visible_and_cannot_forge)
{
	uint64_t rng = 7;
	uint8_t id[16];
	sdx_import_result res;
	sdx_vv_entry vv = {"A-PA05", 0};
	sdx_head h, h2;
	char path[256];
	time_t now = time(NULL);
	int rc;

	for (int i = 0; i < 3; i++)
		th_add_report(&a, &rng, SDX_AUD_BANK, id);
	th_exchange(&a, &hub, SDX_AUD_POLICE, "a-hub-1.sdxb", &res);
	th_exchange(&hub, &c, SDX_AUD_POLICE, "hub-c-1.sdxb", &res);
	cr_assert_eq(held(&c, "A-PA05"), 3);
	cr_assert_eq(sdx_head_get(c.db, "A-PA05", &h), 0);
	cr_assert_eq(h.seq, 3);
	cr_assert(h.clock >= (uint64_t)now - 5 && h.clock <= (uint64_t)now + 5);

	/* A goes on to seq 8; the hub withholds A's operations from C (it
	 * claims C has them) but its bundle still carries A's head */
	for (int i = 0; i < 5; i++)
		th_add_report(&a, &rng, SDX_AUD_BANK, id);
	th_exchange(&a, &hub, SDX_AUD_POLICE, "a-hub-2.sdxb", &res);
	vv.seq = 8;
	cr_assert_eq(sdx_peer_set_vv(hub.db, c.name, &vv, 1), 0);
	th_exchange(&hub, &c, SDX_AUD_POLICE, "hub-c-2.sdxb", &res);
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(held(&c, "A-PA05"), 3);
	cr_assert_eq(sdx_head_get(c.db, "A-PA05", &h), 0);
	cr_assert_eq(h.seq, 8, "C knows it is 5 behind");

	/* the hub cannot make a head newer: a head of seq 100 it signed
	 * refuses its bundle, and nothing changes */
	h2 = h;
	h2.seq = 100;
	h2.clock = h.clock + 1;
	memset(h2.sig, 0, 64);
	snprintf(path, sizeof path, "%s/forged-head.sdxb", th_tmpdir());
	forged_head_bundle(path, &h2);
	rc = sdx_bundle_import(c.db, path, &res);
	cr_assert_eq(rc, SDX_ESIGNATURE);
	cr_assert_str_eq(res.reason,
			 "origin A-PA05: head of seq 100 does not verify");
	/* nor keep an old head in place of the newest: A's own older head,
	 * replayed, is not taken */
	snprintf(path, sizeof path, "%s/hub-c-1.sdxb", th_tmpdir());
	rc = sdx_bundle_import(c.db, path, &res);
	cr_assert_eq(rc, 0, "%s", res.reason);
	cr_assert_eq(sdx_head_get(c.db, "A-PA05", &h2), 0);
	cr_assert_eq(h2.seq, 8);
	cr_assert_eq(h2.clock, h.clock);
	cr_assert_eq(memcmp(h2.sig, h.sig, 64), 0);

	/* C gets A's operations directly: up to date */
	th_exchange(&a, &c, SDX_AUD_POLICE, "a-c.sdxb", &res);
	cr_assert_eq(res.applied, 5);
	cr_assert_eq(held(&c, "A-PA05"), 8);
	th_close(&a);
	th_close(&hub);
	th_close(&c);
}

/* What 'scamdex-sync status' prints for the database of office `name`
 * (closed first), into out; it must exit 0. */
static void status_of(const char *exe, const char *name, char *out, size_t size)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' --db '%s/%s' status", exe, th_tmpdir(),
		 name);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, size - 1, p);
	out[n] = 0;
	cr_assert_eq(pclose(p), 0, "%s", out);
}

/* status: "head ORIGIN seq Y signed T: N operations behind since then",
 * and "no news for D days" for a head signed long ago (put as a hub
 * would forward it, into a database holding none of A's operations). */
Test(fresh, status_shows_behind_and_stale)
{
	const char *exe = getenv("SCAMDEX_SYNC");
	sdx_head h;
	char out[2048], want[256], when[32];
	uint64_t rng = 9;
	uint8_t id[16];
	sdx_import_result res;
	struct tm tm;
	time_t t;

	cr_assert_not_null(exe, "SCAMDEX_SYNC names the binary");
	for (int i = 0; i < 2; i++)
		th_add_report(&a, &rng, SDX_AUD_BANK, id);
	th_exchange(&a, &c, SDX_AUD_POLICE, "a-c.sdxb", &res);
	/* A's head of seq 6, signed by A five days ago, as a hub would
	 * forward it */
	memset(&h, 0, sizeof h);
	strcpy(h.origin, "A-PA05");
	h.seq = 6;
	h.clock = (uint64_t)time(NULL) - 5 * 86400 - 60;
	cr_assert_eq(sdx_head_sign(&a.key, &h), 0);
	cr_assert_eq(sdx_head_put(hub.db, &h, NULL), 0);
	th_close(&hub);
	status_of(exe, "HUB-PA05", out, sizeof out);
	t = (time_t)h.clock;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	snprintf(want, sizeof want,
		 "\nhead A-PA05 seq 6 signed %s: 6 operations behind since "
		 "then; no news for 5 days\n",
		 when);
	cr_assert_not_null(strstr(out, want), "%s", out);
	/* the newer head, which C holds, says it is up to date */
	th_close(&c);
	status_of(exe, "C-PA05", out, sizeof out);
	cr_assert_not_null(strstr(out, "\nhead A-PA05 seq 2 signed "), "%s",
			   out);
	cr_assert_not_null(strstr(out, ": up to date\n"), "%s", out);
	th_close(&a);
}
