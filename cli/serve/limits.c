/* limits.c: per-token state of the service: the resolved token (cached
 * for a second, so a look-up does not read the token tables each time,
 * and a revocation holds within that second), the token bucket of its
 * rate limit, and the enumeration watch (many look-ups of unreported
 * identifiers in a 10-minute window). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define SLOTS 1024 /* open hash of tokens seen; plenty for one office */
#define CACHE_SECONDS 1.0
#define ENUM_WINDOW 600.0

struct slot {
	int used;
	char hash[TOKEN_HASH_HEX]; /* of the bearer token */
	char name[TOKEN_NAME_MAX + 1];
	int role;
	int valid;
	double checked;	   /* when the token tables were last read */
	double tokens, at; /* bucket */
	double win_start;
	uint64_t lookups, unknown;
};

struct limits {
	pthread_mutex_t m;
	struct rate rates[ROLE_COUNT];
	struct slot slots[SLOTS];
};

/* Defaults: a teller types one look-up at a time; a bank's payment
 * system checks every transfer. */
void limits_defaults(struct rate r[ROLE_COUNT])
{
	memset(r, 0, sizeof *r * ROLE_COUNT);
	r[ROLE_TELLER] = (struct rate){1, 20, 50};
	r[ROLE_BANK_SYSTEM] = (struct rate){1000, 2000, 100000};
	r[ROLE_POLICE] = (struct rate){5, 60, 500};
	r[ROLE_ANALYST] = (struct rate){10, 100, 2000};
	r[ROLE_ADMIN] = (struct rate){20, 200, 2000};
}

int limits_parse(struct rate r[ROLE_COUNT], const char *spec)
{
	const char *eq = strchr(spec, '=');
	char role[32];
	if (!eq || (size_t)(eq - spec) >= sizeof role)
		return -1;
	memcpy(role, spec, (size_t)(eq - spec));
	role[eq - spec] = '\0';
	int i = role_parse(role);
	if (i < 0)
		return -1;
	char *end;
	double rate = strtod(eq + 1, &end), burst = rate * 2;
	if (end == eq + 1 || rate < 0 || !isfinite(rate))
		return -1;
	if (*end == '/') {
		const char *b = end + 1;
		burst = strtod(b, &end);
		if (end == b || burst < 1 || !isfinite(burst))
			return -1;
	}
	if (*end == '/') {
		const char *e = end + 1;
		unsigned long n = strtoul(e, &end, 10);
		if (end == e || *e == '-' || n > 100000000)
			return -1;
		r[i].enum_unknown = (uint32_t)n;
	}
	if (*end)
		return -1;
	r[i].per_sec = rate;
	r[i].burst = burst < 1 ? 1 : burst;
	return 0;
}

struct limits *limits_new(const struct rate rates[ROLE_COUNT])
{
	struct limits *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	pthread_mutex_init(&l->m, NULL);
	memcpy(l->rates, rates, sizeof l->rates);
	return l;
}

void limits_free(struct limits *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->m);
	free(l);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned slot_of(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % SLOTS;
}

/* The slot for a token hash (made if new); NULL when full. */
static struct slot *find(struct limits *l, const char *hash)
{
	unsigned i = slot_of(hash);
	for (unsigned k = 0; k < SLOTS; k++, i = (i + 1) % SLOTS) {
		struct slot *s = &l->slots[i];
		if (!s->used) {
			memset(s, 0, sizeof *s);
			s->used = 1;
			memcpy(s->hash, hash, TOKEN_HASH_HEX);
			s->checked = -1e9;
			return s;
		}
		if (!strcmp(s->hash, hash))
			return s;
	}
	return NULL;
}

/* The slot of a token name (its bucket), or NULL. */
static struct slot *by_name(struct limits *l, const char *name)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (l->slots[i].used && l->slots[i].valid &&
		    !strcmp(l->slots[i].name, name))
			return &l->slots[i];
	return NULL;
}

int limits_auth(struct limits *l, sdx_db *db, const uint8_t *key,
		const char *token, size_t len, struct who *w)
{
	char hex[TOKEN_HASH_HEX];
	if (len != TOKEN_LEN)
		return SDX_ENOTFOUND;
	token_hash(key, token, len, hex);
	double t = now();
	pthread_mutex_lock(&l->m);
	struct slot *s = find(l, hex);
	if (s && t - s->checked < CACHE_SECONDS) {
		int ok = s->valid;
		if (ok) {
			snprintf(w->name, sizeof w->name, "%s", s->name);
			w->role = s->role;
		}
		pthread_mutex_unlock(&l->m);
		return ok ? 0 : SDX_ENOTFOUND;
	}
	pthread_mutex_unlock(&l->m);
	char name[TOKEN_NAME_MAX + 1];
	int role = 0;
	int rc = token_lookup(db, key, token, len, name, &role);
	if (rc && rc != SDX_ENOTFOUND)
		return rc;
	pthread_mutex_lock(&l->m);
	s = find(l, hex);
	if (s) {
		s->checked = t;
		s->valid = rc == 0;
		if (rc == 0) {
			if (strcmp(s->name, name) || s->role != role) {
				snprintf(s->name, sizeof s->name, "%s", name);
				s->role = role;
				s->tokens = l->rates[role].burst;
				s->at = t;
				s->win_start = t;
			}
		}
	}
	pthread_mutex_unlock(&l->m);
	if (rc == 0) {
		snprintf(w->name, sizeof w->name, "%s", name);
		w->role = role;
	}
	return rc;
}

unsigned limits_take(struct limits *l, const char *name, int role, double cost)
{
	const struct rate *r = &l->rates[role];
	if (r->per_sec <= 0)
		return 0;
	double t = now();
	unsigned wait = 0;
	pthread_mutex_lock(&l->m);
	struct slot *s = by_name(l, name);
	if (s) {
		s->tokens += (t - s->at) * r->per_sec;
		s->at = t;
		if (s->tokens > r->burst)
			s->tokens = r->burst;
		if (cost > r->burst)
			cost =
			    r->burst; /* a big batch waits for a full bucket */
		if (s->tokens >= cost) {
			s->tokens -= cost;
		} else {
			double secs = (cost - s->tokens) / r->per_sec;
			wait = (unsigned)ceil(secs);
			if (wait < 1)
				wait = 1;
		}
	}
	pthread_mutex_unlock(&l->m);
	return wait;
}

int limits_note(struct limits *l, const char *name, int role, size_t lookups,
		size_t unknown)
{
	const struct rate *r = &l->rates[role];
	double t = now();
	int flag = 0;
	pthread_mutex_lock(&l->m);
	struct slot *s = by_name(l, name);
	if (s) {
		if (t - s->win_start > ENUM_WINDOW) {
			s->win_start = t;
			s->lookups = s->unknown = 0;
		}
		s->lookups += lookups;
		s->unknown += unknown;
		/* mostly unreported (9 in 10) and many of them */
		flag = r->enum_unknown && s->unknown >= r->enum_unknown &&
		       s->unknown * 10 >= s->lookups * 9;
	}
	pthread_mutex_unlock(&l->m);
	return flag;
}
