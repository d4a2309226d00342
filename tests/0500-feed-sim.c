/*
 * 0500–0519: the market simulator (producers/feed_sim.c): determinism by seed (encoded bytes),
 * schema validity and event-time order of every event, exact counts per type from the counting
 * rules of docs/feeds.md, final scores against the ground-truth file, steam (a sharp move followed
 * by retail books in the same direction), --events, --follow and bad settings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "feed.h"
#include "harness.h"
#include "wire.h"

#define SIM_TEST_MAX 20000 /* events one test run keeps */

/* What one run produced. */
typedef struct sim_rec {
    wire_type_t type;
    int64_t ts;
    char event_id[WIRE_ID_MAX + 1];
    char book[WIRE_ID_MAX + 1];   /* odds */
    char market[WIRE_TOKEN_MAX + 1]; /* odds */
    size_t outcome_cnt;           /* odds */
    int price[2];                 /* odds: first two prices */
    wire_game_t game;             /* game events */
} sim_rec_t;

typedef struct sim_run {
    msgpack_sbuffer sbuf; /* every event encoded, one after the other */
    msgpack_packer pk;
    sim_rec_t *recs;
    size_t n;
    int64_t last_ts;
    int order_bad;        /* an event earlier than the one before */
    long stop_after;      /* emit returns 1 at this event (0 = never) */
} sim_run_t;

static int collect(wire_type_t type, const void *ev, void *arg)
{
    sim_run_t *r = arg;
    sim_rec_t *rec;
    wire_err_t err;
    char buf[300];

    if (wire_validate(type, ev, &err) != SV_OK) {
        fprintf(stderr, "simulated %s fails its schema: %s\n", wire_type_name(type),
                wire_err_str(&err, buf, sizeof(buf)));
        abort();
    }
    if (wire_encode(type, ev, &r->pk, &err) != SV_OK)
        abort();
    if (r->n >= SIM_TEST_MAX)
        return 1;
    if (r->stop_after && (long)r->n + 1 >= r->stop_after)
        return 1;
    rec = &r->recs[r->n++];
    memset(rec, 0, sizeof(*rec));
    rec->type = type;
    if (type == WIRE_ODDS) {
        const wire_odds_t *o = ev;
        rec->ts = o->ts;
        snprintf(rec->event_id, sizeof(rec->event_id), "%s", o->event_id);
        snprintf(rec->book, sizeof(rec->book), "%s", o->book);
        snprintf(rec->market, sizeof(rec->market), "%s", o->market);
        rec->outcome_cnt = o->outcome_cnt;
        if (o->outcome_cnt >= 2) {
            rec->price[0] = o->outcomes[0].price;
            rec->price[1] = o->outcomes[1].price;
        }
    } else if (type == WIRE_GAME) {
        rec->game = *(const wire_game_t *)ev;
        rec->ts = rec->game.ts;
        snprintf(rec->event_id, sizeof(rec->event_id), "%s", rec->game.event_id);
    } else {
        const wire_context_t *c = ev;
        rec->ts = c->ts;
        snprintf(rec->event_id, sizeof(rec->event_id), "%s", c->event_id);
    }
    if (rec->ts < r->last_ts)
        r->order_bad = 1;
    r->last_ts = rec->ts;
    return 0;
}

static int run_init(sim_run_t *r)
{
    memset(r, 0, sizeof(*r));
    msgpack_sbuffer_init(&r->sbuf);
    msgpack_packer_init(&r->pk, &r->sbuf, msgpack_sbuffer_write);
    r->recs = calloc(SIM_TEST_MAX, sizeof(*r->recs));
    return r->recs ? 0 : -1;
}

static void run_release(sim_run_t *r)
{
    if (r->recs) /* run_init() ran */
        msgpack_sbuffer_destroy(&r->sbuf);
    free(r->recs);
    r->recs = NULL;
}

static sv_err_t run_sim(const feed_sim_conf_t *c, sim_run_t *r, feed_stats_t *st, char *e,
                        size_t esz)
{
    memset(st, 0, sizeof(*st));
    return feed_sim_run(c, collect, r, st, e, esz);
}

/* Implied probability of American odds a. */
static double implied(int a)
{
    return a < 0 ? -a / (100.0 - a) : 100.0 / (a + 100.0);
}

int test_0500_sim_determinism(void);
int test_0500_sim_determinism(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t a = {0}, b = {0}, d = {0};
    char e[256];
    T_BEGIN;
    T_ASSERT(run_init(&a) == 0 && run_init(&b) == 0 && run_init(&d) == 0);
    feed_sim_conf_init(&c);
    c.seed = 3;
    c.games = 6;
    T_ASSERT_INT(run_sim(&c, &a, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(run_sim(&c, &b, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT(a.sbuf.size > 0);
    T_ASSERT_INT(a.sbuf.size, ==, b.sbuf.size);
    T_ASSERT(memcmp(a.sbuf.data, b.sbuf.data, a.sbuf.size) == 0);
    c.seed = 4;
    T_ASSERT_INT(run_sim(&c, &d, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT(d.sbuf.size != a.sbuf.size || memcmp(a.sbuf.data, d.sbuf.data, a.sbuf.size) != 0);
end:
    run_release(&a);
    run_release(&b);
    run_release(&d);
    return t_rc_;
}

/*
 * Counts from the rules (docs/feeds.md), per game: 1 scheduled; 3 opening quotes per book;
 * 2 shocks x (3 quotes per book + 3 suspensions when books > 2); 4 drifts when books > 2;
 * live updates (nba 4x4+1 = 17, nhl 3x3+1 = 10, mlb 9x1+1 = 10); 1 final; and 3 splits for the
 * games with an even index.
 *   nba, 4 games, 4 books: odds 4 x (12 + 2 x 15 + 4) = 184; games 4 x (1 + 17 + 1) = 76;
 *     context 2 x 3 = 6; total 266.
 *   nhl,mlb, 3 games, 2 books: odds 3 x (6 + 2 x 6) = 54; games 3 x (1 + 10 + 1) = 36;
 *     context 2 x 3 = 6; total 96.
 */
int test_0501_sim_counts(void);
int test_0501_sim_counts(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t r = {0};
    char e[256];
    long odds = 0, games = 0, ctx = 0, susp = 0;
    T_BEGIN;
    T_ASSERT(run_init(&r) == 0);
    feed_sim_conf_init(&c);
    c.seed = 11;
    c.games = 4;
    c.books = 4;
    c.sports = "nba";
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(r.order_bad, ==, 0);
    T_ASSERT_INT(st.emitted, ==, 266);
    T_ASSERT_INT(st.odds, ==, 184);
    T_ASSERT_INT(st.games, ==, 76);
    T_ASSERT_INT(st.context, ==, 6);
    T_ASSERT_INT(st.skipped, ==, 0);
    for (size_t i = 0; i < r.n; i++) {
        odds += r.recs[i].type == WIRE_ODDS;
        games += r.recs[i].type == WIRE_GAME;
        ctx += r.recs[i].type == WIRE_CONTEXT;
        susp += r.recs[i].type == WIRE_ODDS && r.recs[i].outcome_cnt == 0;
    }
    T_ASSERT_INT(odds, ==, 184);
    T_ASSERT_INT(games, ==, 76);
    T_ASSERT_INT(ctx, ==, 6);
    T_ASSERT_INT(susp, ==, 4 * 2 * 3); /* 4 games x 2 shocks x 3 markets */
    T_ASSERT_INT(r.recs[0].ts, ==, 1767225600000LL); /* the default start, 2026-01-01T00:00Z */

    run_release(&r);
    T_ASSERT(run_init(&r) == 0);
    c.games = 3;
    c.books = 2;
    c.sports = "nhl,mlb";
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(r.order_bad, ==, 0);
    T_ASSERT_INT(st.emitted, ==, 96);
    T_ASSERT_INT(st.odds, ==, 54);
    T_ASSERT_INT(st.games, ==, 36);
    T_ASSERT_INT(st.context, ==, 6);
end:
    run_release(&r);
    return t_rc_;
}

/* Every game goes scheduled -> live (scores never falling) -> final with the truth file's score. */
int test_0502_sim_truth(void);
int test_0502_sim_truth(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t r = {0};
    char e[256], path[] = "/tmp/savant-0502-XXXXXX";
    json_t *lines[64];
    size_t nl = 0;
    FILE *fp = NULL;
    int fd;
    T_BEGIN;
    T_ASSERT(run_init(&r) == 0);
    fd = mkstemp(path);
    T_ASSERT(fd >= 0);
    close(fd);
    feed_sim_conf_init(&c);
    c.seed = 21;
    c.games = 12;
    c.truth_path = path;
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(r.order_bad, ==, 0);
    fp = fopen(path, "r");
    T_ASSERT(fp != NULL);
    for (;;) {
        json_error_t jerr;
        json_t *j = json_loadf(fp, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!j)
            break;
        T_ASSERT(nl < 64);
        lines[nl++] = j;
    }
    T_ASSERT_INT(nl, ==, 12);
    for (size_t k = 0; k < nl; k++) {
        json_t *t = lines[k];
        const char *id = json_string_value(json_object_get(t, "event_id"));
        int hs = (int)json_integer_value(json_object_get(t, "home_score"));
        int as = (int)json_integer_value(json_object_get(t, "away_score"));
        double p = json_real_value(json_object_get(t, "p_home_true"));
        double m = json_real_value(json_object_get(t, "exp_margin"));
        const char *winner = json_string_value(json_object_get(t, "winner"));
        const char *home = json_string_value(json_object_get(t, "home"));
        const char *away = json_string_value(json_object_get(t, "away"));
        int sched = 0, live = 0, final = 0, ph = 0, pa = 0;
        T_ASSERT(id && winner && home && away);
        T_ASSERT(p > 0 && p < 1);
        T_ASSERT((p > 0.5) == (m > 0)); /* p = Phi(margin / sd) */
        T_ASSERT(hs != as);
        T_ASSERT_STR(winner, hs > as ? home : away);
        for (size_t i = 0; i < r.n; i++) {
            const wire_game_t *g = &r.recs[i].game;
            if (r.recs[i].type != WIRE_GAME || strcmp(g->event_id, id) != 0)
                continue;
            T_ASSERT_STR(g->home, home);
            T_ASSERT_STR(g->away, away);
            T_ASSERT_INT(g->commence_ts, ==, json_integer_value(json_object_get(t, "commence_ts")));
            if (g->status == WIRE_GAME_SCHEDULED) {
                T_ASSERT_INT(live + final, ==, 0);
                sched++;
                continue;
            }
            T_ASSERT_INT(sched, ==, 1);
            T_ASSERT_INT(final, ==, 0); /* nothing after final */
            T_ASSERT(g->ts >= g->commence_ts);
            T_ASSERT(g->home_score >= ph && g->away_score >= pa);
            ph = g->home_score;
            pa = g->away_score;
            if (g->status == WIRE_GAME_LIVE) {
                live++;
            } else {
                T_ASSERT_INT(g->status, ==, WIRE_GAME_FINAL);
                T_ASSERT_INT(g->home_score, ==, hs);
                T_ASSERT_INT(g->away_score, ==, as);
                final++;
            }
        }
        T_ASSERT_INT(sched, ==, 1);
        T_ASSERT_INT(final, ==, 1);
        T_ASSERT(live >= 10);
    }
end:
    for (size_t k = 0; k < nl; k++)
        json_decref(lines[k]);
    if (fp)
        fclose(fp);
    unlink(path);
    run_release(&r);
    return t_rc_;
}

/* Steam: after a sharp book's h2h move, retail books move the same way within the lag (4 min). */
int test_0503_sim_steam(void);
int test_0503_sim_steam(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t r = {0};
    char e[256];
    long sharp_moves = 0, followed = 0;
    T_BEGIN;
    T_ASSERT(run_init(&r) == 0);
    feed_sim_conf_init(&c);
    c.seed = 5;
    c.games = 8;
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_OK);
    for (size_t i = 0; i < r.n; i++) {
        const sim_rec_t *q = &r.recs[i];
        double before = -1, now, dir;
        bool sharp = strcmp(q->book, "pinnacle") == 0 || strcmp(q->book, "circa") == 0;
        if (q->type != WIRE_ODDS || !sharp || strcmp(q->market, "h2h") != 0 || !q->outcome_cnt)
            continue;
        for (size_t j = 0; j < i; j++) /* this book's previous quote of the game */
            if (r.recs[j].type == WIRE_ODDS && r.recs[j].outcome_cnt &&
                strcmp(r.recs[j].market, "h2h") == 0 && strcmp(r.recs[j].book, q->book) == 0 &&
                strcmp(r.recs[j].event_id, q->event_id) == 0)
                before = implied(r.recs[j].price[0]);
        now = implied(q->price[0]);
        if (before < 0 || fabs(now - before) < 0.02)
            continue;
        sharp_moves++;
        dir = now > before ? 1 : -1;
        /* a retail quote within 4 minutes after, moved the same way against its previous one */
        for (size_t j = i + 1; j < r.n && r.recs[j].ts <= q->ts + 240000; j++) {
            const sim_rec_t *f = &r.recs[j];
            double fb = -1;
            if (f->type != WIRE_ODDS || !f->outcome_cnt || strcmp(f->market, "h2h") != 0 ||
                strcmp(f->event_id, q->event_id) != 0 || strcmp(f->book, "pinnacle") == 0 ||
                strcmp(f->book, "circa") == 0)
                continue;
            for (size_t k = 0; k < i; k++)
                if (r.recs[k].type == WIRE_ODDS && r.recs[k].outcome_cnt &&
                    strcmp(r.recs[k].market, "h2h") == 0 && strcmp(r.recs[k].book, f->book) == 0 &&
                    strcmp(r.recs[k].event_id, f->event_id) == 0)
                    fb = implied(r.recs[k].price[0]);
            if (fb >= 0 && (implied(f->price[0]) - fb) * dir > 0.01) {
                followed++;
                break;
            }
        }
    }
    /* 8 games x 2 shocks x 2 sharp books = 32 sharp re-quotes after news; most move >= 0.02 */
    T_ASSERT(sharp_moves >= 16);
    if (followed * 10 < sharp_moves * 8) /* at least 80% of them are followed */
        T_FAILF("%ld of %ld sharp moves followed", followed, sharp_moves);
end:
    run_release(&r);
    return t_rc_;
}

/* --events N stops after exactly N events, a prefix of the full run; --follow opens new slates
 * with new event ids; the receiver can stop the run. */
int test_0504_sim_events_follow(void);
int test_0504_sim_events_follow(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t full = {0}, part = {0}, fol = {0}, stop = {0};
    char e[256];
    bool slate2 = false;
    T_BEGIN;
    T_ASSERT(run_init(&full) == 0 && run_init(&part) == 0 && run_init(&fol) == 0 &&
             run_init(&stop) == 0);
    feed_sim_conf_init(&c);
    c.seed = 9;
    c.games = 3;
    T_ASSERT_INT(run_sim(&c, &full, &st, e, sizeof(e)), ==, SV_OK);
    c.events = 100;
    T_ASSERT_INT(run_sim(&c, &part, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(st.emitted, ==, 100);
    T_ASSERT_INT(part.n, ==, 100);
    T_ASSERT(part.sbuf.size < full.sbuf.size);
    T_ASSERT(memcmp(part.sbuf.data, full.sbuf.data, part.sbuf.size) == 0);

    c.events = (long)full.n + 500;
    c.follow = true;
    T_ASSERT_INT(run_sim(&c, &fol, &st, e, sizeof(e)), ==, SV_OK);
    T_ASSERT_INT(st.emitted, ==, c.events);
    T_ASSERT_INT(fol.order_bad, ==, 0);
    T_ASSERT(memcmp(fol.sbuf.data, full.sbuf.data, full.sbuf.size) == 0);
    for (size_t i = full.n; i < fol.n; i++) {
        const char *id = fol.recs[i].event_id;
        if (!strstr(id, "-s2") && !strstr(id, "-s3")) /* 500 events: slate 2, then 3 */
            T_FAILF("event %zu of %zu (first run %zu): id %s", i, fol.n, full.n, id);
        slate2 = true;
    }
    T_ASSERT(slate2);

    c.follow = false;
    c.events = 0;
    stop.stop_after = 10;
    T_ASSERT_INT(run_sim(&c, &stop, &st, e, sizeof(e)), ==, SV_ERR_FAIL);
    T_ASSERT_INT(st.emitted, ==, 9);
end:
    run_release(&full);
    run_release(&part);
    run_release(&fol);
    run_release(&stop);
    return t_rc_;
}

/* Bad settings are usage errors naming the setting; nothing is emitted. */
int test_0505_sim_bad_conf(void);
int test_0505_sim_bad_conf(void)
{
    feed_sim_conf_t c;
    feed_stats_t st;
    sim_run_t r = {0};
    char e[256];
    T_BEGIN;
    T_ASSERT(run_init(&r) == 0);
    feed_sim_conf_init(&c);
    c.sports = "nba,curling";
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(e, "sports: unknown sport 'curling' (nba, nfl, nhl, mlb)");
    c.sports = "nba,nhl,nba";
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(e, "sports: 'nba' given twice");
    feed_sim_conf_init(&c);
    c.games = 0;
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(e, "games: 0 is not in 1..1000");
    feed_sim_conf_init(&c);
    c.books = 17;
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(e, "books: 17 is not in 2..16");
    feed_sim_conf_init(&c);
    c.truth_path = "/nonexistent-dir/truth.jsonl";
    T_ASSERT_INT(run_sim(&c, &r, &st, e, sizeof(e)), ==, SV_ERR_IO);
    T_ASSERT_CONTAINS(e, "truth: cannot open '/nonexistent-dir/truth.jsonl'");
    T_ASSERT_INT(r.n, ==, 0);
end:
    run_release(&r);
    return t_rc_;
}
