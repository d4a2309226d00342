/*
 * jarvis — the JARVIS engine of the original scoring (savant v16 additive model): trigger
 * detection, stacked contributions, gematria sub-signal, Goldilocks, and the Jarvis-class
 * helpers (2178, trap, mid spread, hybrid). The trigger table is static data; see jarvis.h for
 * the decisions.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scoring/caltime.h"
#include "scoring/gematria.h"
#include "scoring/jarvis.h"
#include "scoring/msrf.h"
#include "scoring/pynum.h"

#define JARVIS_POWER_CONTRIB 0.8
#define JARVIS_TESLA_CONTRIB 0.5
#define JARVIS_REDUCTION_CONTRIB 0.5
#define JARVIS_DEFAULT_CONTRIB 0.5
#define JARVIS_GEM_STRONG_CONTRIB 1.5
#define JARVIS_GEM_MODERATE_CONTRIB 0.8
#define JARVIS_GOLDILOCKS_CONTRIB 0.5
#define JARVIS_DECAY 0.7
#define JARVIS_LEGACY_POWER 3.0
#define JARVIS_LEGACY_TESLA 2.0
#define JARVIS_LEGACY_CAP 20.0

/* One row of the savant trigger table (§2.1). */
typedef struct jarvis_trigger {
    int number;        /* trigger number */
    const char *name;  /* its name */
    double legacy;     /* savant "boost" (legacy units, §2.4) */
    int reduction;     /* stored "reduction" field */
    double live;       /* TRIGGER_CONTRIBUTIONS value, or the 0.5 default */
    bool in_live;      /* present in TRIGGER_CONTRIBUTIONS */
} jarvis_trigger_t;

static const jarvis_trigger_t jarvis_triggers[] = {
    {2178, "THE IMMORTAL", 20, 18, 3.5, true},
    {201, "THE ORDER", 12, 3, 2.5, true},
    {33, "THE MASTER", 10, 6, 2.0, true},
    {93, "THE WILL", 10, 12, 2.0, true},
    {322, "THE SOCIETY", 10, 7, 2.0, true},
    {666, "THE BEAST", 8, 18, 1.5, true},
    {888, "JESUS", 8, 24, 1.5, true},
    {369, "TESLA KEY", 7, 18, 1.5, true},
    {1656, "THE PHOENIX", 12, 18, JARVIS_DEFAULT_CONTRIB, false},
    {552, "THE PHOENIX FRAGMENT", 10, 12, JARVIS_DEFAULT_CONTRIB, false},
    {138, "THE PLASMA CYCLE", 10, 12, JARVIS_DEFAULT_CONTRIB, false},
};

#define N_TRIGGERS ((int)(sizeof(jarvis_triggers) / sizeof(jarvis_triggers[0])))

static const jarvis_trigger_t *jarvis_find(int64_t v)
{
    for (int i = 0; i < N_TRIGGERS; i++)
        if (jarvis_triggers[i].number == v)
            return &jarvis_triggers[i];
    return NULL;
}

/* TRIGGER_CONTRIBUTIONS.get(number, 0.5): the sort key (and base when present). */
static double jarvis_live(int64_t number, bool *present)
{
    const jarvis_trigger_t *t = jarvis_find(number);
    bool in = t && t->in_live;

    if (present)
        *present = in;
    return in ? t->live : JARVIS_DEFAULT_CONTRIB;
}

/* The original's _reduce_to_single: unchanged when <= 9, else dr* with the master stop. */
static int64_t jarvis_reduce(int64_t v)
{
    return v <= 9 ? v : eng_dr_master(v);
}

static bool jarvis_is_power(int64_t v)
{
    return v >= 11 && v <= 99 && v % 11 == 0;
}

static bool jarvis_is_tesla(int64_t r)
{
    return r == 3 || r == 6 || r == 9;
}

const char *eng_jarvis_kind_name(eng_hit_kind_t kind)
{
    static const char *const names[] = {"DIRECT", "REDUCTION", "POWER_NUMBER", "TESLA_REDUCTION"};

    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* Append one hit when there is room; always count it. */
static void jarvis_push(eng_jarvis_hit_t *hits, int max, int *n, int number, eng_hit_kind_t kind,
                        const char *name, double base)
{
    if (*n < max) {
        hits[*n].number = number;
        hits[*n].kind = kind;
        hits[*n].name = name;
        hits[*n].base = base;
        hits[*n].contrib = base;
    }
    (*n)++;
}

/* Live base contribution of a hit, checked in the original's order (§2.2 step 3). */
static double jarvis_base(int64_t number, eng_hit_kind_t kind)
{
    bool present;
    double live = jarvis_live(number, &present);

    if (present)
        return live;
    switch (kind) {
    case ENG_HIT_POWER:
        return JARVIS_POWER_CONTRIB;
    case ENG_HIT_TESLA:
        return JARVIS_TESLA_CONTRIB;
    case ENG_HIT_REDUCTION:
        return JARVIS_REDUCTION_CONTRIB;
    case ENG_HIT_DIRECT:
        break;
    }
    return JARVIS_DEFAULT_CONTRIB;
}

int eng_jarvis_triggers(int64_t v, eng_jarvis_hit_t *hits, int max)
{
    const jarvis_trigger_t *direct = jarvis_find(v);
    int64_t r = jarvis_reduce(v);
    int n = 0;

    if (direct)
        jarvis_push(hits, max, &n, direct->number, ENG_HIT_DIRECT, direct->name,
                    jarvis_base(direct->number, ENG_HIT_DIRECT));
    for (int i = 0; i < N_TRIGGERS; i++) {
        const jarvis_trigger_t *t = &jarvis_triggers[i];
        /* "not already hit": only the DIRECT hit can precede, and the table has no duplicate */
        if (t->reduction == r && t != direct)
            jarvis_push(hits, max, &n, t->number, ENG_HIT_REDUCTION, t->name,
                        jarvis_base(t->number, ENG_HIT_REDUCTION));
    }
    if (jarvis_is_power(v))
        jarvis_push(hits, max, &n, (int)v, ENG_HIT_POWER, "POWER_NUMBER",
                    jarvis_base(v, ENG_HIT_POWER));
    if (jarvis_is_tesla(r))
        jarvis_push(hits, max, &n, (int)r, ENG_HIT_TESLA, "TESLA_REDUCTION",
                    jarvis_base(r, ENG_HIT_TESLA));
    return n;
}

double eng_jarvis_legacy_boost(int64_t v)
{
    const jarvis_trigger_t *direct = jarvis_find(v);
    int64_t r = jarvis_reduce(v);
    double total = 0.0;

    if (direct)
        total += direct->legacy;
    for (int i = 0; i < N_TRIGGERS; i++)
        if (jarvis_triggers[i].reduction == r && &jarvis_triggers[i] != direct)
            total += jarvis_triggers[i].legacy * 0.5;
    if (jarvis_is_power(v))
        total += JARVIS_LEGACY_POWER;
    if (jarvis_is_tesla(r))
        total += JARVIS_LEGACY_TESLA;
    return total < JARVIS_LEGACY_CAP ? total : JARVIS_LEGACY_CAP;
}

/* Stable insertion sort by the live-table key, descending (Python's sorted(reverse=True)). */
static void jarvis_sort(eng_jarvis_hit_t *hits, int n)
{
    for (int i = 1; i < n; i++) {
        eng_jarvis_hit_t h = hits[i];
        double key = jarvis_live(h.number, NULL);
        int j = i;

        while (j > 0 && jarvis_live(hits[j - 1].number, NULL) < key) {
            hits[j] = hits[j - 1];
            j--;
        }
        hits[j] = h;
    }
}

void eng_jarvis_prepare(const char *home, const char *away, const char *player,
                        eng_jarvis_prep_t *jp)
{
    const char *h = home ? home : "", *a = away ? away : "", *p = player ? player : "";
    int sh = eng_gem_simple(h), sa = eng_gem_simple(a);

    *jp = (eng_jarvis_prep_t){0};
    /* game_str empty or both team names empty: the first implies the second */
    if (!*h && !*a)
        return;
    jp->valid = true;
    jp->sum = (int64_t)sh + sa + eng_gem_simple(p);

    jp->n_hits = eng_jarvis_triggers(jp->sum, jp->hits, ENG_JARVIS_HITS_MAX);
    jarvis_sort(jp->hits, jp->n_hits);
    for (int i = 0; i < jp->n_hits; i++) {
        eng_jarvis_hit_t *hit = &jp->hits[i];
        hit->contrib = hit->base * pow(JARVIS_DECAY, i);
        jp->trigger_sum += hit->contrib;
        if (hit->number == 2178)
            jp->immortal = true;
    }

    if (*p && *h) {
        int64_t combined = (int64_t)eng_gem_simple(p) + sh;
        int64_t diff = sh > sa ? sh - sa : sa - sh;
        double s = (eng_jarvis_legacy_boost(combined) + eng_jarvis_legacy_boost(diff)) / 20;

        jp->gem_strength = s < 1.0 ? s : 1.0;
        if (jp->gem_strength > 0.7)
            jp->gem_contrib = JARVIS_GEM_STRONG_CONTRIB;
        else if (jp->gem_strength > 0.4)
            jp->gem_contrib = JARVIS_GEM_MODERATE_CONTRIB;
    }
}

double eng_jarvis_finish(const eng_jarvis_prep_t *jp, double spread, eng_jarvis_out_t *out,
                         eng_why_t *why)
{
    eng_jarvis_out_t o = {0};
    double a = fabs(spread), gold, rs;

    if (!jp->valid) {
        eng_why_add(why, "jarvis: no score (team names missing)");
        if (out)
            *out = o;
        return 0.0;
    }
    o.has_rs = true;
    o.immortal = jp->immortal;
    o.hits = jp->n_hits;
    o.any_trigger = jp->n_hits > 0;
    o.goldilocks = a >= 4.0 && a <= 9.0;
    o.gem_contrib = jp->gem_contrib;
    o.trigger_sum = jp->trigger_sum;
    gold = o.goldilocks ? JARVIS_GOLDILOCKS_CONTRIB : 0.0;

    rs = ENG_JARVIS_BASELINE + jp->trigger_sum + jp->gem_contrib + gold;
    rs = rs < 10.0 ? rs : 10.0;
    rs = rs > 0.0 ? rs : 0.0;
    o.rs = eng_py_round(rs, 2);

    if (why) {
        int n = jp->n_hits < ENG_JARVIS_HITS_MAX ? jp->n_hits : ENG_JARVIS_HITS_MAX;

        for (int i = 0; i < n; i++) {
            const eng_jarvis_hit_t *hit = &jp->hits[i];
            eng_why_add(why, "jarvis: sum %lld -> trigger %d %s (%s) %+.2f (%.2f x 0.7^%d)",
                        (long long)jp->sum, hit->number, hit->name,
                        eng_jarvis_kind_name(hit->kind), hit->contrib, hit->base, i);
        }
        if (jp->immortal)
            eng_why_add(why, "jarvis: IMMORTAL 2178 detected");
        if (jp->gem_contrib > 0)
            eng_why_add(why, "jarvis: gematria signal %s (strength %.2f) %+.2f",
                        jp->gem_contrib == JARVIS_GEM_STRONG_CONTRIB ? "STRONG" : "MODERATE",
                        jp->gem_strength, jp->gem_contrib);
        if (o.goldilocks)
            eng_why_add(why, "jarvis: goldilocks spread %.1f in 4.0-9.0 %+.2f", spread, gold);
        if (jp->n_hits == 0 && jp->gem_contrib == 0 && !o.goldilocks)
            eng_why_add(why, "jarvis: sum %lld, no triggers, baseline %.1f", (long long)jp->sum,
                        ENG_JARVIS_BASELINE);
    }
    if (out)
        *out = o;
    return o.rs;
}

bool eng_jarvis_validate_2178(int64_t n)
{
    if (n <= 0 || n > INT64_MAX / 4)
        return false;
    return n * 4 == eng_msrf_flip(n) && eng_dr(n) == 9;
}

double eng_jarvis_trap(double spread, double total, const char **level, eng_why_t *why)
{
    double a = fabs(spread), mod = 0.0;

    if (a >= 14) {
        mod = -0.20;
        eng_why_add(why, "trap: MASSIVE_SPREAD |%.1f| >= 14 %.2f", spread, mod);
    } else if (a >= 10) {
        if (total > 0 && a / total > 0.05) {
            mod = -0.15;
            eng_why_add(why, "trap: large spread |%.1f|, spread/total %.4f > 0.05 %.2f", spread,
                        a / total, mod);
        } else if (total <= 0) {
            mod = -0.10;
            eng_why_add(why, "trap: large spread |%.1f| without a total %.2f", spread, mod);
        }
    }
    if (level)
        *level = mod < 0 ? "TRAP" : "CLEAR";
    return mod;
}

double eng_jarvis_mid_spread(double spread, double *zone_position)
{
    double a = fabs(spread);

    if (a >= 4.0 && a <= 9.0) {
        if (zone_position)
            *zone_position = 1 - fabs(a - 6.5) / 2.5;
        return 0.20;
    }
    if (zone_position)
        *zone_position = 0.0;
    return 0.0;
}

#define OPH_PI 3.141592653589793
#define OPH_PHI 1.618033988749895
#define OPH_CRV 2.618033988749895
#define OPH_HEP 7.0
#define OPH_MSRF_CAP 2.0
#define OPH_SCALE 5.0
#define OPH_JARVIS_WEIGHT 0.55
#define OPH_OPHIS_WEIGHT 0.45
#define OPH_DELTA_CAP 0.75
#define OPH_DAY_2000 10957 /* 2000-01-01 as days since 1970-01-01 */

/* The original's _score_z_value against the hybrid's MSRF sets. */
static double ophis_score(double z, int64_t *zi_out)
{
    int64_t zi = (int64_t)eng_py_round(z, 0), f;

    *zi_out = zi;
    if (eng_msrf_important(zi))
        return 0.6;
    if (eng_msrf_normal_hybrid(zi))
        return 0.3;
    f = eng_msrf_flip(zi);
    if (eng_msrf_important(f))
        return 0.45;
    if (eng_msrf_normal_hybrid(f))
        return 0.225;
    return 0.0;
}

double eng_jarvis_hybrid(double before, int64_t game_day, const char *home, const char *away,
                         double *msrf, eng_why_t *why)
{
    const char *h = home ? home : "", *a = away ? away : "";
    double z[11], total = 0.0, m, target, delta, rs;
    int nz = 0, y, mo, d, doy;
    int64_t dse, s;

    if (msrf)
        *msrf = 0.0;
    if (!*h && !*a) {
        eng_why_add(why, "jarvis hybrid: team names missing, unchanged");
        return before;
    }
    if (before == 0.0 || isnan(before))
        before = ENG_JARVIS_BASELINE;

    eng_cal_civil(game_day, &y, &mo, &d);
    doy = eng_cal_doy(y, mo, d);
    dse = game_day - OPH_DAY_2000;
    s = (int64_t)eng_gem_simple(h) + eng_gem_simple(a);

    z[nz++] = (double)doy;
    z[nz++] = (double)(((dse % 1000) + 1000) % 1000); /* Python's non-negative modulo */
    z[nz++] = doy * OPH_PHI;
    z[nz++] = doy / OPH_PHI;
    z[nz++] = doy * OPH_PI / 2;
    z[nz++] = (double)dse / OPH_PI;
    z[nz++] = doy / OPH_CRV;
    z[nz++] = doy * OPH_HEP / 10;
    z[nz++] = (double)eng_msrf_flip(doy);
    z[nz++] = (double)s;
    z[nz++] = (double)s * OPH_PHI / 10;

    for (int i = 0; i < nz; i++) {
        int64_t zi;
        double sc;

        if (!(z[i] > 0 && z[i] < 10000))
            continue;
        sc = ophis_score(z[i], &zi);
        if (sc > 0) {
            total += sc;
            eng_why_add(why, "jarvis hybrid: z %.2f -> %lld scores %.3f", z[i], (long long)zi, sc);
        }
    }
    m = eng_py_round(total < OPH_MSRF_CAP ? total : OPH_MSRF_CAP, 4);
    target = OPH_JARVIS_WEIGHT * before + OPH_OPHIS_WEIGHT * (m * OPH_SCALE);
    delta = target - before;
    delta = delta > OPH_DELTA_CAP ? OPH_DELTA_CAP : delta;
    delta = delta < -OPH_DELTA_CAP ? -OPH_DELTA_CAP : delta;
    rs = before + delta;
    rs = rs < 10.0 ? rs : 10.0;
    rs = rs > 0.0 ? rs : 0.0;
    rs = eng_py_round(rs, 2);
    if (msrf)
        *msrf = m;
    eng_why_add(why, "jarvis hybrid: msrf %.4f, %.2f -> %.2f (delta %+.4f)", m, before, rs, delta);
    return rs;
}
