/*
 * feed_sim — the market simulator behind `savant-feed sim`: a slate of games over several sports,
 * each with a latent true expected margin (hence a true home win probability) and an expected
 * total that "news" shocks move before the game; sharp books (the first two) re-quote right after
 * the news, retail books follow with a lag and noise (so steam exists), one retail book suspends
 * its markets around each shock; every book quotes h2h, spreads and totals with its own margin;
 * some games get betting splits; at commence live game updates run to a final score sampled from
 * the latent truth. Everything is planned at the start of a slate from a xoshiro256** generator
 * seeded by conf->seed and the slate number, then played from a priority queue ordered by
 * (event time, insertion order), so the output is in non-decreasing event time and the same
 * conf gives the same events. No clock is read and no global state is kept.
 *
 * Counting rules (tests 0500+ rely on them): per game 1 scheduled game event; 3 opening quotes
 * (h2h, spreads, totals) per book; FEED_SIM_SHOCKS news shocks, each re-quoting all 3 markets of
 * every book plus, with more than two books, 3 suspensions of one retail book; FEED_SIM_DRIFTS
 * single-market re-quotes by retail books (with more than two books); 3 splits context events for
 * games with an even index in the slate; live updates periods * updates-per-period + 1 (nba 17,
 * nfl 13, nhl 10, mlb 10); 1 final game event.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "sv_util.h"
#include "wire.h"

#define SIM_DEFAULT_START 1767225600000LL /* 2026-01-01T00:00:00Z */
#define SIM_MIN 60000LL                   /* one minute in ms */
#define SIM_SPORTS_MAX 8                  /* sports in one --sports list */
#define SIM_SLOTS_MAX 40                  /* scoring slots of one game */
#define SIM_BOOKS_MAX FEED_SIM_BOOKS_MAX /* books known to the simulator */

/* ---- random numbers: xoshiro256** seeded through splitmix64 ----------------------------------- */

typedef struct sim_rng {
    uint64_t s[4];
} sim_rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(sim_rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(sim_rng_t *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* uniform in [0, 1) */
static double rng_unif(sim_rng_t *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform in [lo, hi) */
static double rng_range(sim_rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unif(r);
}

/* uniform integer in [0, n), n > 0 */
static int64_t rng_int(sim_rng_t *r, int64_t n)
{
    return (int64_t)(rng_unif(r) * (double)n);
}

/* standard normal (Box-Muller, one draw per call) */
static double rng_normal(sim_rng_t *r)
{
    double u1 = 1.0 - rng_unif(r), u2 = rng_unif(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double phi(double x)
{
    return 0.5 * erfc(-x / 1.4142135623730951);
}

/* ---- sports and books -------------------------------------------------------------------------- */

typedef struct sim_team {
    const char *abbr; /* lower case, for event ids */
    const char *name;
} sim_team_t;

static const sim_team_t nba_teams[] = {
    {"atl", "Atlanta Hawks"}, {"bos", "Boston Celtics"}, {"bkn", "Brooklyn Nets"},
    {"cha", "Charlotte Hornets"}, {"chi", "Chicago Bulls"}, {"cle", "Cleveland Cavaliers"},
    {"dal", "Dallas Mavericks"}, {"den", "Denver Nuggets"}, {"det", "Detroit Pistons"},
    {"gsw", "Golden State Warriors"}, {"hou", "Houston Rockets"}, {"ind", "Indiana Pacers"},
    {"lac", "Los Angeles Clippers"}, {"lal", "Los Angeles Lakers"}, {"mem", "Memphis Grizzlies"},
    {"mia", "Miami Heat"}, {"mil", "Milwaukee Bucks"}, {"min", "Minnesota Timberwolves"},
    {"nop", "New Orleans Pelicans"}, {"nyk", "New York Knicks"}, {"okc", "Oklahoma City Thunder"},
    {"orl", "Orlando Magic"}, {"phi", "Philadelphia 76ers"}, {"phx", "Phoenix Suns"},
    {"por", "Portland Trail Blazers"}, {"sac", "Sacramento Kings"}, {"sas", "San Antonio Spurs"},
    {"tor", "Toronto Raptors"}, {"uta", "Utah Jazz"}, {"was", "Washington Wizards"},
};

static const sim_team_t nfl_teams[] = {
    {"ari", "Arizona Cardinals"}, {"atl", "Atlanta Falcons"}, {"bal", "Baltimore Ravens"},
    {"buf", "Buffalo Bills"}, {"car", "Carolina Panthers"}, {"chi", "Chicago Bears"},
    {"cin", "Cincinnati Bengals"}, {"cle", "Cleveland Browns"}, {"dal", "Dallas Cowboys"},
    {"den", "Denver Broncos"}, {"det", "Detroit Lions"}, {"gb", "Green Bay Packers"},
    {"hou", "Houston Texans"}, {"ind", "Indianapolis Colts"}, {"jax", "Jacksonville Jaguars"},
    {"kc", "Kansas City Chiefs"}, {"lv", "Las Vegas Raiders"}, {"lac", "Los Angeles Chargers"},
    {"lar", "Los Angeles Rams"}, {"mia", "Miami Dolphins"}, {"min", "Minnesota Vikings"},
    {"ne", "New England Patriots"}, {"no", "New Orleans Saints"}, {"nyg", "New York Giants"},
    {"nyj", "New York Jets"}, {"phi", "Philadelphia Eagles"}, {"pit", "Pittsburgh Steelers"},
    {"sf", "San Francisco 49ers"}, {"sea", "Seattle Seahawks"}, {"tb", "Tampa Bay Buccaneers"},
    {"ten", "Tennessee Titans"}, {"was", "Washington Commanders"},
};

static const sim_team_t nhl_teams[] = {
    {"ana", "Anaheim Ducks"}, {"bos", "Boston Bruins"}, {"buf", "Buffalo Sabres"},
    {"cgy", "Calgary Flames"}, {"car", "Carolina Hurricanes"}, {"chi", "Chicago Blackhawks"},
    {"col", "Colorado Avalanche"}, {"cbj", "Columbus Blue Jackets"}, {"dal", "Dallas Stars"},
    {"det", "Detroit Red Wings"}, {"edm", "Edmonton Oilers"}, {"fla", "Florida Panthers"},
    {"lak", "Los Angeles Kings"}, {"min", "Minnesota Wild"}, {"mtl", "Montreal Canadiens"},
    {"nsh", "Nashville Predators"}, {"njd", "New Jersey Devils"}, {"nyi", "New York Islanders"},
    {"nyr", "New York Rangers"}, {"ott", "Ottawa Senators"}, {"phi", "Philadelphia Flyers"},
    {"pit", "Pittsburgh Penguins"}, {"sjs", "San Jose Sharks"}, {"sea", "Seattle Kraken"},
    {"stl", "St. Louis Blues"}, {"tbl", "Tampa Bay Lightning"}, {"tor", "Toronto Maple Leafs"},
    {"uta", "Utah Hockey Club"}, {"van", "Vancouver Canucks"}, {"vgk", "Vegas Golden Knights"},
    {"wsh", "Washington Capitals"}, {"wpg", "Winnipeg Jets"},
};

static const sim_team_t mlb_teams[] = {
    {"ari", "Arizona Diamondbacks"}, {"atl", "Atlanta Braves"}, {"bal", "Baltimore Orioles"},
    {"bos", "Boston Red Sox"}, {"chc", "Chicago Cubs"}, {"cws", "Chicago White Sox"},
    {"cin", "Cincinnati Reds"}, {"cle", "Cleveland Guardians"}, {"col", "Colorado Rockies"},
    {"det", "Detroit Tigers"}, {"hou", "Houston Astros"}, {"kc", "Kansas City Royals"},
    {"laa", "Los Angeles Angels"}, {"lad", "Los Angeles Dodgers"}, {"mia", "Miami Marlins"},
    {"mil", "Milwaukee Brewers"}, {"min", "Minnesota Twins"}, {"nym", "New York Mets"},
    {"nyy", "New York Yankees"}, {"oak", "Oakland Athletics"}, {"phi", "Philadelphia Phillies"},
    {"pit", "Pittsburgh Pirates"}, {"sd", "San Diego Padres"}, {"sf", "San Francisco Giants"},
    {"sea", "Seattle Mariners"}, {"stl", "St. Louis Cardinals"}, {"tb", "Tampa Bay Rays"},
    {"tex", "Texas Rangers"}, {"tor", "Toronto Blue Jays"}, {"wsh", "Washington Nationals"},
};

/* How lines are drawn. */
typedef enum sim_line {
    SIM_SPREAD_HALF,  /* nearest half point */
    SIM_SPREAD_KEY,   /* nearest half point, snapped to 3 and 7 when within a half point */
    SIM_SPREAD_RUN,   /* puck line / run line: favourite -1.5 */
} sim_line_t;

/* How points are scored, for the in-play path to the final score. */
typedef enum sim_chunk {
    SIM_CHUNK_BASKET, /* 2s and 3s */
    SIM_CHUNK_FOOT,   /* 7s and 3s */
    SIM_CHUNK_ONE,    /* goals, runs */
} sim_chunk_t;

typedef struct sim_sport {
    const char *token;       /* wire sport token */
    const char *league;      /* league name */
    const sim_team_t *teams; /* real team names */
    int nteams;              /* entries in teams */
    double home_adv;         /* mean expected margin (home minus away) */
    double mu_sd;            /* spread of the expected margin over games */
    double res_sd;           /* sd of the result margin around the expected one */
    double total_mean;       /* mean expected total */
    double total_sd;         /* spread of the expected total over games */
    double res_total_sd;     /* sd of the result total around the expected one */
    double shock_lo, shock_hi; /* size of a news shock to the expected margin */
    double total_lo, total_hi; /* range of quoted totals */
    sim_line_t spread;       /* spread kind */
    sim_chunk_t chunk;       /* scoring kind */
    int periods;             /* regulation periods */
    int upp;                 /* live updates per period */
    int period_s;            /* clock seconds per period; 0 = no clock (innings) */
    int64_t duration_ms;     /* commence to final */
} sim_sport_t;

static const sim_sport_t sim_sports[] = {
    {"nba", "NBA", nba_teams, (int)SV_ARRAY_SIZE(nba_teams), 2.5, 6.0, 12.0, 226.0, 8.0, 18.0,
     1.5, 4.0, 190.5, 260.5, SIM_SPREAD_HALF, SIM_CHUNK_BASKET, 4, 4, 720, 150 * SIM_MIN},
    {"nfl", "NFL", nfl_teams, (int)SV_ARRAY_SIZE(nfl_teams), 1.8, 6.0, 13.5, 44.5, 4.0, 13.0, 1.5,
     4.5, 33.5, 58.5, SIM_SPREAD_KEY, SIM_CHUNK_FOOT, 4, 3, 900, 195 * SIM_MIN},
    {"nhl", "NHL", nhl_teams, (int)SV_ARRAY_SIZE(nhl_teams), 0.25, 0.6, 2.4, 6.1, 0.35, 2.4, 0.2,
     0.5, 5.5, 6.5, SIM_SPREAD_RUN, SIM_CHUNK_ONE, 3, 3, 1200, 150 * SIM_MIN},
    {"mlb", "MLB", mlb_teams, (int)SV_ARRAY_SIZE(mlb_teams), 0.2, 1.0, 4.3, 8.6, 0.7, 4.4, 0.3,
     0.8, 7.5, 9.5, SIM_SPREAD_RUN, SIM_CHUNK_ONE, 9, 1, 0, 180 * SIM_MIN},
};

typedef struct sim_book {
    const char *name;
    double margin;   /* overround of a two-way market */
    int round5;      /* prices rounded to multiples of 5 */
} sim_book_t;

/* The first two are sharp: low margin, they move first. */
static const sim_book_t sim_books[SIM_BOOKS_MAX] = {
    {"pinnacle", 0.021, 0}, {"circa", 0.026, 0},     {"draftkings", 0.045, 1},
    {"fanduel", 0.043, 1},  {"betmgm", 0.050, 1},    {"caesars", 0.048, 1},
    {"bet365", 0.044, 1},   {"bovada", 0.055, 1},    {"pointsbet", 0.047, 1},
    {"betrivers", 0.052, 1}, {"wynnbet", 0.050, 1},  {"unibet", 0.049, 1},
    {"espnbet", 0.046, 1},  {"superbook", 0.040, 1}, {"betonline", 0.042, 1},
    {"mybookie", 0.060, 1},
};
#define SIM_SHARP_BOOKS 2

/* ---- the plan of a slate ---------------------------------------------------------------------- */

typedef struct sim_shock {
    int64_t t;    /* news time */
    double delta; /* change of the expected margin */
} sim_shock_t;

typedef struct sim_game {
    const sim_sport_t *sp;
    char event_id[WIRE_ID_MAX + 1];
    const sim_team_t *home, *away;
    int64_t commence;
    double mu0;         /* expected margin before any news */
    double mu;          /* expected margin after all news (the truth) */
    double total;       /* expected total */
    sim_shock_t shocks[FEED_SIM_SHOCKS];
    double bias_mu[SIM_BOOKS_MAX], bias_total[SIM_BOOKS_MAX]; /* each book's own view */
    int home_score, away_score;                   /* the final result */
    int slots;                                    /* scoring slots = live updates after the first */
    int home_pts[SIM_SLOTS_MAX], away_pts[SIM_SLOTS_MAX]; /* points scored in each slot */
    sim_rng_t rng;      /* noise drawn while the game is played */
} sim_game_t;

typedef enum sim_act_kind {
    ACT_SCHEDULED, /* the scheduled game event */
    ACT_QUOTE,     /* one book quotes all three markets */
    ACT_SUSPEND,   /* one book suspends all three markets */
    ACT_DRIFT,     /* one book re-quotes one market (arg) */
    ACT_SPLITS,    /* a splits context event */
    ACT_LIVE,      /* live update arg (0 = start) */
    ACT_FINAL,     /* the final game event */
} sim_act_kind_t;

typedef struct sim_act {
    int64_t t;     /* event time */
    uint32_t seq;  /* insertion order, breaks ties */
    uint16_t game; /* index in the slate */
    uint8_t kind;  /* sim_act_kind_t */
    uint8_t book;  /* book index */
    int arg;       /* market or live update number */
} sim_act_t;

typedef struct sim_heap {
    sim_act_t *a;
    size_t n, cap;
    uint32_t seq;
} sim_heap_t;

static bool act_lt(const sim_act_t *x, const sim_act_t *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static sv_err_t heap_push(sim_heap_t *h, int64_t t, int game, sim_act_kind_t kind, int book,
                          int arg)
{
    size_t i;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 256;
        sim_act_t *a = realloc(h->a, cap * sizeof(*a));
        if (!a)
            return SV_ERR_NOMEM;
        h->a = a;
        h->cap = cap;
    }
    i = h->n++;
    h->a[i] = (sim_act_t){t, h->seq++, (uint16_t)game, (uint8_t)kind, (uint8_t)book, arg};
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!act_lt(&h->a[i], &h->a[p]))
            break;
        sim_act_t tmp = h->a[p];
        h->a[p] = h->a[i];
        h->a[i] = tmp;
        i = p;
    }
    return SV_OK;
}

static sim_act_t heap_pop(sim_heap_t *h)
{
    sim_act_t top = h->a[0];
    size_t i = 0;
    h->a[0] = h->a[--h->n];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && act_lt(&h->a[l], &h->a[m]))
            m = l;
        if (r < h->n && act_lt(&h->a[r], &h->a[m]))
            m = r;
        if (m == i)
            break;
        sim_act_t tmp = h->a[m];
        h->a[m] = h->a[i];
        h->a[i] = tmp;
        i = m;
    }
    return top;
}

/* ---- helpers ----------------------------------------------------------------------------------- */

/* days since 1970-01-01 to a civil date (Howard Hinnant's algorithm) */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static double round_half(double x)
{
    double r = round(x * 2.0) / 2.0;
    return r == 0.0 ? 0.0 : r; /* no -0.0 */
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* American odds of implied probability q (margin included). */
static int american(double q, int round5)
{
    int p;
    q = clampd(q, 0.005, 0.995);
    if (q >= 0.5)
        p = -(int)lround(100.0 * q / (1.0 - q));
    else
        p = (int)lround(100.0 * (1.0 - q) / q);
    if (round5)
        p = (p < 0 ? -1 : 1) * (int)(5 * lround(abs(p) / 5.0));
    if (abs(p) < 100)
        p = p < 0 ? -100 : 100;
    return p;
}

/* The latent expected margin known at time t (news up to t). */
static double mu_at(const sim_game_t *g, int64_t t)
{
    double mu = g->mu0;
    for (int i = 0; i < FEED_SIM_SHOCKS; i++)
        if (g->shocks[i].t <= t)
            mu += g->shocks[i].delta;
    return mu;
}

static const sim_sport_t *sport_find(const char *tok, size_t len)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(sim_sports); i++)
        if (strlen(sim_sports[i].token) == len && memcmp(sim_sports[i].token, tok, len) == 0)
            return &sim_sports[i];
    return NULL;
}

/* Points of one side into scoring chunks placed in random slots. */
static void place_points(sim_rng_t *r, const sim_sport_t *sp, int pts, int slots, int *out)
{
    while (pts > 0) {
        int c = 1;
        if (sp->chunk == SIM_CHUNK_BASKET)
            c = pts >= 3 && rng_unif(r) < 0.35 ? 3 : pts >= 2 ? 2 : 1;
        else if (sp->chunk == SIM_CHUNK_FOOT)
            c = pts >= 7 && rng_unif(r) < 0.6 ? 7 : pts >= 3 ? 3 : pts >= 2 ? 2 : 1;
        out[rng_int(r, slots)] += c;
        pts -= c;
    }
}

/* ---- the simulator ----------------------------------------------------------------------------- */

typedef struct sim {
    const feed_sim_conf_t *conf;
    const sim_sport_t *sports[SIM_SPORTS_MAX];
    int nsports;
    int nbooks;
    int64_t start;     /* start of the current slate */
    int slate;         /* 1-based slate number */
    sim_game_t *games; /* the slate */
    int ngames;
    sim_heap_t heap;
    int64_t last_ts;   /* time of the last event emitted */
    long count;        /* events emitted by this run */
    feed_emit_fn *emit;
    void *arg;
    feed_stats_t *st;
    FILE *truth;
    char *errstr;
    size_t errstr_size;
} sim_t;

/* Plans one game: teams, latent truth, news, book views, result and its path. */
static void plan_game(sim_t *s, sim_rng_t *r, int gi, const sim_team_t *home,
                      const sim_team_t *away, int round)
{
    sim_game_t *g = &s->games[gi];
    const sim_sport_t *sp = g->sp;
    double delta_sum = 0, margin_c, total_c;
    int y, m, d, mg, tot;
    int64_t span;
    char suffix[32] = "";

    g->home = home;
    g->away = away;
    g->commence = s->start + 120 * SIM_MIN + rng_int(r, 24 * 12) * 5 * SIM_MIN;
    civil_from_days(floor_div(g->commence, 86400000LL), &y, &m, &d);
    if (round > 0)
        snprintf(suffix, sizeof(suffix), "-g%d", gi + 1);
    if (s->slate > 1)
        snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), "-s%d", s->slate);
    snprintf(g->event_id, sizeof(g->event_id), "%s-%04d-%02d-%02d-%s-%s%s", sp->token, y, m, d,
             home->abbr, away->abbr, suffix);

    g->mu = clampd(sp->home_adv + sp->mu_sd * rng_normal(r), -1.6 * sp->res_sd,
                   1.6 * sp->res_sd);
    g->total = clampd(sp->total_mean + sp->total_sd * rng_normal(r), sp->total_lo,
                      sp->total_hi);
    span = g->commence - 30 * SIM_MIN - (s->start + 15 * SIM_MIN);
    for (int i = 0; i < FEED_SIM_SHOCKS; i++) {
        double size = rng_range(r, sp->shock_lo, sp->shock_hi);
        g->shocks[i].t = s->start + 15 * SIM_MIN + rng_int(r, span / 1000) * 1000;
        g->shocks[i].delta = rng_unif(r) < 0.5 ? -size : size;
        delta_sum += g->shocks[i].delta;
    }
    g->mu0 = g->mu - delta_sum;
    for (int b = 0; b < s->nbooks; b++) {
        double k = b < SIM_SHARP_BOOKS ? 0.01 : 0.025;
        g->bias_mu[b] = k * sp->res_sd * rng_normal(r);
        g->bias_total[b] = k * sp->res_total_sd * rng_normal(r);
    }

    /* The result: P(margin > 0) = phi(mu / res_sd), the true home win probability. */
    margin_c = g->mu + sp->res_sd * rng_normal(r);
    mg = (int)lround(margin_c);
    if (mg == 0)
        mg = margin_c > 0 ? 1 : -1;
    total_c = g->total + sp->res_total_sd * rng_normal(r);
    tot = (int)lround(total_c);
    if (tot < abs(mg))
        tot = abs(mg);
    if ((tot - abs(mg)) % 2)
        tot++;
    g->home_score = (tot + mg) / 2;
    g->away_score = (tot - mg) / 2;
    g->slots = sp->periods * sp->upp;
    memset(g->home_pts, 0, sizeof(g->home_pts));
    memset(g->away_pts, 0, sizeof(g->away_pts));
    place_points(r, sp, g->home_score, g->slots, g->home_pts);
    place_points(r, sp, g->away_score, g->slots, g->away_pts);
    rng_seed(&g->rng, rng_next(r));
}

/* Queues everything that happens to game gi. */
static sv_err_t schedule_game(sim_t *s, sim_rng_t *r, int gi)
{
    sim_game_t *g = &s->games[gi];
    const sim_sport_t *sp = g->sp;
    int64_t t0 = s->start, pre = g->commence - t0;
    int nlive = g->slots + 1;
    sv_err_t rc = SV_OK;

#define PUSH(t, kind, book, arg)                                                                   \
    do {                                                                                           \
        if ((rc = heap_push(&s->heap, (t), gi, (kind), (book), (arg))) != SV_OK)                   \
            return rc;                                                                             \
    } while (0)

    PUSH(t0 + gi * 1000, ACT_SCHEDULED, 0, 0);
    for (int b = 0; b < s->nbooks; b++)
        PUSH(t0 + SIM_MIN + gi * 1000 + b * 50, ACT_QUOTE, b, 0);
    for (int i = 0; i < FEED_SIM_SHOCKS; i++) {
        int64_t ts = g->shocks[i].t;
        if (s->nbooks > SIM_SHARP_BOOKS) {
            int sb = SIM_SHARP_BOOKS + (int)rng_int(r, s->nbooks - SIM_SHARP_BOOKS);
            PUSH(ts + 2000 + rng_int(r, 18) * 1000, ACT_SUSPEND, sb, 0);
        }
        for (int b = 0; b < s->nbooks; b++) {
            int64_t lag = b == 0   ? 5000 + rng_int(r, 25) * 1000
                          : b == 1 ? 10000 + rng_int(r, 50) * 1000
                                   : 60000 + rng_int(r, 180) * 1000;
            PUSH(ts + lag, ACT_QUOTE, b, 0);
        }
    }
    if (s->nbooks > SIM_SHARP_BOOKS)
        for (int i = 0; i < FEED_SIM_DRIFTS; i++) {
            int64_t t = t0 + 5 * SIM_MIN + rng_int(r, (pre - 10 * SIM_MIN) / 1000) * 1000;
            int b = SIM_SHARP_BOOKS + (int)rng_int(r, s->nbooks - SIM_SHARP_BOOKS);
            PUSH(t, ACT_DRIFT, b, (int)rng_int(r, 3));
        }
    if (gi % 2 == 0)
        for (int k = 1; k <= 3; k++)
            PUSH(t0 + (pre * k / 4) / SIM_MIN * SIM_MIN, ACT_SPLITS, 0, k);
    for (int j = 0; j < nlive; j++)
        PUSH(g->commence + sp->duration_ms / 1000 * j / nlive * 1000, ACT_LIVE, 0, j);
    PUSH(g->commence + sp->duration_ms, ACT_FINAL, 0, 0);
#undef PUSH
    return rc;
}

static sv_err_t write_truth(sim_t *s)
{
    for (int gi = 0; gi < s->ngames; gi++) {
        const sim_game_t *g = &s->games[gi];
        json_t *o = json_object();
        char *line;
        int ok;
        json_object_set_new(o, "event_id", json_string(g->event_id));
        json_object_set_new(o, "sport", json_string(g->sp->token));
        json_object_set_new(o, "home", json_string(g->home->name));
        json_object_set_new(o, "away", json_string(g->away->name));
        json_object_set_new(o, "commence_ts", json_integer(g->commence));
        json_object_set_new(o, "p_home_true", json_real(phi(g->mu / g->sp->res_sd)));
        json_object_set_new(o, "exp_margin", json_real(g->mu));
        json_object_set_new(o, "exp_total", json_real(g->total));
        json_object_set_new(o, "home_score", json_integer(g->home_score));
        json_object_set_new(o, "away_score", json_integer(g->away_score));
        json_object_set_new(o, "winner", json_string(g->home_score > g->away_score
                                                         ? g->home->name : g->away->name));
        line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17));
        json_decref(o);
        ok = line && fprintf(s->truth, "%s\n", line) >= 0;
        free(line);
        if (!ok) {
            snprintf(s->errstr, s->errstr_size, "truth: cannot write '%s': %s",
                     s->conf->truth_path, strerror(errno));
            return SV_ERR_IO;
        }
    }
    if (fflush(s->truth) != 0) {
        snprintf(s->errstr, s->errstr_size, "truth: cannot write '%s': %s", s->conf->truth_path,
                 strerror(errno));
        return SV_ERR_IO;
    }
    return SV_OK;
}

/* Plans a slate and queues it. */
static sv_err_t slate_new(sim_t *s)
{
    sim_rng_t r;
    int per_sport[SIM_SPORTS_MAX] = {0};
    int perm[SIM_SPORTS_MAX][64];
    sv_err_t rc;

    rng_seed(&r, s->conf->seed ^ ((uint64_t)s->slate * 0xd1b54a32d192ed03ULL));
    s->ngames = s->conf->games;
    free(s->games);
    s->games = calloc((size_t)s->ngames, sizeof(*s->games));
    if (!s->games)
        return SV_ERR_NOMEM;
    for (int gi = 0; gi < s->ngames; gi++) {
        int si = gi % s->nsports, k = per_sport[si]++;
        const sim_sport_t *sp = s->sports[si];
        int pairs = sp->nteams / 2, round = k / pairs, pi = k % pairs;
        if (pi == 0) { /* a fresh shuffle of the sport's teams */
            for (int i = 0; i < sp->nteams; i++)
                perm[si][i] = i;
            for (int i = sp->nteams - 1; i > 0; i--) {
                int j = (int)rng_int(&r, i + 1), t = perm[si][i];
                perm[si][i] = perm[si][j];
                perm[si][j] = t;
            }
        }
        s->games[gi].sp = sp;
        plan_game(s, &r, gi, &sp->teams[perm[si][2 * pi]], &sp->teams[perm[si][2 * pi + 1]],
                  round);
    }
    for (int gi = 0; gi < s->ngames; gi++)
        if ((rc = schedule_game(s, &r, gi)) != SV_OK)
            return rc;
    if (s->truth)
        return write_truth(s);
    return SV_OK;
}

/* Hands one event to the caller after checking it against its schema. */
static sv_err_t sim_emit(sim_t *s, wire_type_t type, const void *ev, int64_t ts)
{
    wire_err_t werr;
    char buf[300];
    if (wire_validate(type, ev, &werr) != SV_OK) {
        snprintf(s->errstr, s->errstr_size, "internal: a simulated %s fails its schema: %s",
                 wire_type_name(type), wire_err_str(&werr, buf, sizeof(buf)));
        return SV_ERR_SCHEMA;
    }
    if (s->conf->events && s->count >= s->conf->events)
        return SV_AGAIN; /* --events reached */
    SV_ASSERT(ts >= s->last_ts);
    s->last_ts = ts;
    s->st->rows++;
    if (s->emit(type, ev, s->arg) != 0) {
        snprintf(s->errstr, s->errstr_size, "stopped by the receiver");
        return SV_ERR_FAIL;
    }
    s->st->emitted++;
    s->count++;
    if (type == WIRE_ODDS)
        s->st->odds++;
    else if (type == WIRE_GAME)
        s->st->games++;
    else
        s->st->context++;
    return SV_OK;
}

static void outcome_set(wire_outcome_t *o, const char *name, int price, bool has_point,
                        double point)
{
    memset(o, 0, sizeof(*o));
    sv_strlcpy(o->name, name, sizeof(o->name));
    o->price = price;
    o->present = WIRE_OUTCOME_HAS_PRICE;
    if (has_point) {
        o->point = point == 0.0 ? 0.0 : point;
        o->present |= WIRE_OUTCOME_HAS_POINT;
    }
}

static const char *const sim_markets[3] = {"h2h", "spreads", "totals"};

/* Fills od with book b's quote of market mk (0 h2h, 1 spreads, 2 totals) at time t. */
static void quote_fill(sim_game_t *g, int b, int mk, int64_t t, bool suspend,
                       wire_odds_t *od)
{
    const sim_sport_t *sp = g->sp;
    const sim_book_t *bk = &sim_books[b];
    double noise = b < SIM_SHARP_BOOKS ? 0.004 : 0.015;
    double vm = mu_at(g, t) + g->bias_mu[b] + noise * sp->res_sd * rng_normal(&g->rng);
    double vt = g->total + g->bias_total[b] + noise * sp->res_total_sd * rng_normal(&g->rng);
    double k = 1.0 + bk->margin, p, line;

    memset(od, 0, sizeof(*od));
    od->v = WIRE_VERSION;
    od->ts = t;
    sv_strlcpy(od->event_id, g->event_id, sizeof(od->event_id));
    sv_strlcpy(od->sport, sp->token, sizeof(od->sport));
    sv_strlcpy(od->book, bk->name, sizeof(od->book));
    sv_strlcpy(od->market, sim_markets[mk], sizeof(od->market));
    if (suspend)
        return;
    od->outcome_cnt = 2;
    switch (mk) {
    case 0:
        p = phi(vm / sp->res_sd);
        outcome_set(&od->outcomes[0], g->home->name, american(p * k, bk->round5), false, 0);
        outcome_set(&od->outcomes[1], g->away->name, american((1 - p) * k, bk->round5), false,
                    0);
        break;
    case 1:
        if (sp->spread == SIM_SPREAD_RUN) {
            line = vm > 0 ? -1.5 : 1.5;
        } else {
            line = -round_half(vm);
            if (sp->spread == SIM_SPREAD_KEY)
                for (int key = 3; key <= 7; key += 4)
                    if (fabs(fabs(line) - key) <= 0.5)
                        line = line < 0 ? -key : key;
            line = line == 0.0 ? 0.0 : line;
        }
        p = phi((vm + line) / sp->res_sd); /* home covers: margin + line > 0 */
        outcome_set(&od->outcomes[0], g->home->name, american(p * k, bk->round5), true, line);
        outcome_set(&od->outcomes[1], g->away->name, american((1 - p) * k, bk->round5), true,
                    -line);
        break;
    default:
        line = clampd(round_half(vt), sp->total_lo, sp->total_hi); /* nhl: 5.5, 6.0, 6.5 */
        p = phi((vt - line) / sp->res_total_sd);
        outcome_set(&od->outcomes[0], "Over", american(p * k, bk->round5), true, line);
        outcome_set(&od->outcomes[1], "Under", american((1 - p) * k, bk->round5), true, line);
        break;
    }
}

static void game_fill(const sim_game_t *g, int64_t t, wire_game_t *gw)
{
    memset(gw, 0, sizeof(*gw));
    gw->v = WIRE_VERSION;
    gw->ts = t;
    sv_strlcpy(gw->event_id, g->event_id, sizeof(gw->event_id));
    sv_strlcpy(gw->sport, g->sp->token, sizeof(gw->sport));
    sv_strlcpy(gw->league, g->sp->league, sizeof(gw->league));
    sv_strlcpy(gw->home, g->home->name, sizeof(gw->home));
    sv_strlcpy(gw->away, g->away->name, sizeof(gw->away));
    gw->commence_ts = g->commence;
    gw->present = WIRE_GAME_HAS_LEAGUE;
    gw->status = WIRE_GAME_SCHEDULED;
}

/* Live update j: j = 0 the start (0-0), j = 1..slots after slot j-1 is played. */
static void live_fill(const sim_game_t *g, int j, wire_game_t *gw)
{
    const sim_sport_t *sp = g->sp;
    int h = 0, a = 0;
    for (int i = 0; i < j; i++) {
        h += g->home_pts[i];
        a += g->away_pts[i];
    }
    gw->status = WIRE_GAME_LIVE;
    gw->period = j == 0 ? 1 : (j - 1) / sp->upp + 1;
    gw->home_score = h;
    gw->away_score = a;
    gw->present |= WIRE_GAME_HAS_PERIOD | WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    if (sp->period_s) {
        int done = j == 0 ? 0 : (j - 1) % sp->upp + 1;
        gw->clock_s = sp->period_s - sp->period_s * done / sp->upp;
        gw->present |= WIRE_GAME_HAS_CLOCK_S;
    }
}

static sv_err_t act_run(sim_t *s, const sim_act_t *a)
{
    sim_game_t *g = &s->games[a->game];
    sv_err_t rc = SV_OK;

    switch ((sim_act_kind_t)a->kind) {
    case ACT_SCHEDULED:
    case ACT_LIVE:
    case ACT_FINAL: {
        wire_game_t gw;
        game_fill(g, a->t, &gw);
        if (a->kind == ACT_LIVE) {
            live_fill(g, a->arg, &gw);
        } else if (a->kind == ACT_FINAL) {
            live_fill(g, g->slots, &gw);
            gw.status = WIRE_GAME_FINAL;
        }
        return sim_emit(s, WIRE_GAME, &gw, a->t);
    }
    case ACT_QUOTE:
    case ACT_SUSPEND:
    case ACT_DRIFT: {
        wire_odds_t od;
        for (int mk = 0; mk < 3 && rc == SV_OK; mk++) {
            if (a->kind == ACT_DRIFT && mk != a->arg)
                continue;
            quote_fill(g, a->book, mk, a->t, a->kind == ACT_SUSPEND, &od);
            rc = sim_emit(s, WIRE_ODDS, &od, a->t);
        }
        return rc;
    }
    case ACT_SPLITS: {
        wire_context_t c;
        const sim_sport_t *sp = g->sp;
        double mu = mu_at(g, a->t), lean = mu - g->mu0;
        double tk = clampd(50 + 30 * tanh(2 * mu / sp->res_sd) + 8 * rng_normal(&g->rng), 5, 95);
        double mn = clampd(tk + (lean >= 0 ? 12 : -12) + 6 * rng_normal(&g->rng), 3, 97);
        memset(&c, 0, sizeof(c));
        c.v = WIRE_VERSION;
        c.ts = a->t;
        c.kind = WIRE_CTX_SPLITS;
        sv_strlcpy(c.event_id, g->event_id, sizeof(c.event_id));
        sv_strlcpy(c.market, "spreads", sizeof(c.market));
        sv_strlcpy(c.side, g->home->name, sizeof(c.side));
        c.ticket_pct = round(tk * 10) / 10;
        c.money_pct = round(mn * 10) / 10;
        c.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_MARKET | WIRE_CTX_HAS_SIDE |
                    WIRE_CTX_HAS_TICKET_PCT | WIRE_CTX_HAS_MONEY_PCT;
        return sim_emit(s, WIRE_CONTEXT, &c, a->t);
    }
    }
    return SV_OK;
}

void feed_sim_conf_init(feed_sim_conf_t *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->seed = 1;
    conf->games = 24;
    conf->books = 8;
    conf->events = 0;
    conf->follow = false;
    conf->start_ms = SIM_DEFAULT_START;
    conf->sports = "nba,nfl,nhl,mlb";
    conf->truth_path = NULL;
}

/* Checks conf and resolves the sport list into s. */
static sv_err_t conf_check(sim_t *s, const feed_sim_conf_t *conf)
{
    const char *p = conf->sports ? conf->sports : "";
    if (conf->games < 1 || conf->games > FEED_SIM_GAMES_MAX) {
        snprintf(s->errstr, s->errstr_size, "games: %d is not in 1..%d", conf->games,
                 FEED_SIM_GAMES_MAX);
        return SV_ERR_USAGE;
    }
    if (conf->books < 2 || conf->books > SIM_BOOKS_MAX) {
        snprintf(s->errstr, s->errstr_size, "books: %d is not in 2..%d", conf->books,
                 SIM_BOOKS_MAX);
        return SV_ERR_USAGE;
    }
    if (conf->events < 0) {
        snprintf(s->errstr, s->errstr_size, "events: %ld is negative", conf->events);
        return SV_ERR_USAGE;
    }
    /* a slate must end well before 2100 */
    if (conf->start_ms < 1 || conf->start_ms > WIRE_TS_MAX - 365LL * 86400000LL) {
        snprintf(s->errstr, s->errstr_size, "start: %" PRId64 " ms is not in 1..2099-01-01",
                 conf->start_ms);
        return SV_ERR_USAGE;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        const sim_sport_t *sp = sport_find(p, len);
        if (!sp) {
            snprintf(s->errstr, s->errstr_size, "sports: unknown sport '%.*s' (nba, nfl, nhl, mlb)",
                     (int)(len > 32 ? 32 : len), p);
            return SV_ERR_USAGE;
        }
        for (int i = 0; i < s->nsports; i++)
            if (s->sports[i] == sp) {
                snprintf(s->errstr, s->errstr_size, "sports: '%s' given twice", sp->token);
                return SV_ERR_USAGE;
            }
        if (s->nsports == SIM_SPORTS_MAX) {
            snprintf(s->errstr, s->errstr_size, "sports: more than %d entries", SIM_SPORTS_MAX);
            return SV_ERR_USAGE;
        }
        s->sports[s->nsports++] = sp;
        p += len;
        if (*p == ',')
            p++;
    }
    if (s->nsports == 0) {
        snprintf(s->errstr, s->errstr_size, "sports: empty list");
        return SV_ERR_USAGE;
    }
    s->nbooks = conf->books;
    return SV_OK;
}

sv_err_t feed_sim_run(const feed_sim_conf_t *conf, feed_emit_fn *emit, void *arg,
                      feed_stats_t *st, char *errstr, size_t errstr_size)
{
    sim_t s;
    sv_err_t rc;

    memset(&s, 0, sizeof(s));
    s.conf = conf;
    s.emit = emit;
    s.arg = arg;
    s.st = st;
    s.errstr = errstr;
    s.errstr_size = errstr_size;
    if (errstr_size)
        errstr[0] = '\0';
    if ((rc = conf_check(&s, conf)) != SV_OK)
        return rc;
    if (conf->truth_path && !(s.truth = fopen(conf->truth_path, "w"))) {
        snprintf(errstr, errstr_size, "truth: cannot open '%s': %s", conf->truth_path,
                 strerror(errno));
        return SV_ERR_IO;
    }
    s.start = conf->start_ms;
    s.last_ts = 0;
    for (s.slate = 1;; s.slate++) {
        if ((rc = slate_new(&s)) != SV_OK)
            goto out;
        while (s.heap.n > 0) {
            sim_act_t a = heap_pop(&s.heap);
            if ((rc = act_run(&s, &a)) != SV_OK)
                goto out;
        }
        if (!conf->follow)
            break;
        s.start = s.last_ts + 30 * SIM_MIN; /* the next slate opens half an hour later */
        if (s.start > WIRE_TS_MAX - 365LL * 86400000LL)
            break;
    }
out:
    if (rc == SV_AGAIN)
        rc = SV_OK;
    if (rc == SV_ERR_NOMEM)
        snprintf(errstr, errstr_size, "out of memory");
    if (s.truth && fclose(s.truth) != 0 && rc == SV_OK) {
        snprintf(errstr, errstr_size, "truth: cannot write '%s': %s", conf->truth_path,
                 strerror(errno));
        rc = SV_ERR_IO;
    }
    free(s.heap.a);
    free(s.games);
    return rc;
}
