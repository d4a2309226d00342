/*
 * 0410–0429: gematria, the JARVIS engine, MSRF and Founder's Echo (engine/scoring/gematria.h,
 * jarvis.h, msrf.h, founders.h). Expected values are the test vectors of
 * spec/original-scoring.md §11 (TV1–TV6, TV11, TV24) and values worked out from the spec's
 * formulas by hand or with python3, never copied from this code's output.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "scoring/caltime.h"
#include "scoring/founders.h"
#include "scoring/gematria.h"
#include "scoring/jarvis.h"
#include "scoring/msrf.h"
#include "scoring/why.h"

/* A string of 'z's and one letter whose simple gematria is v (v >= 1, < 26·100). */
static const char *sum_str(int v, char *buf)
{
    int i = 0;

    for (; v > 26; v -= 26)
        buf[i++] = 'z';
    buf[i++] = (char)('a' + v - 1);
    buf[i] = '\0';
    return buf;
}

/* Jarvis rs of a game whose names sum to v (no player). */
static double rs_of_sum(int v, double spread, eng_jarvis_out_t *out)
{
    char buf[128];
    eng_jarvis_prep_t jp;

    eng_jarvis_prepare(sum_str(v, buf), "", NULL, &jp);
    return eng_jarvis_finish(&jp, spread, out, NULL);
}

/* Does any reason of the list contain needle? */
static int why_has(const eng_why_t *why, const char *needle)
{
    for (int i = 0; i < why->n; i++)
        if (strstr(eng_why_get(why, i), needle))
            return 1;
    return 0;
}

int test_0410_gematria_tv1(void);
int test_0410_gematria_tv1(void)
{
    static const struct {
        const char *text;
        int simple, reverse, jewish, red_s, red_r;
    } tv[] = {
        {"Boston Celtics", 156, 195, 949, 3, 6},
        {"Los Angeles Lakers", 175, 257, 1066, 4, 5},
        {"LeBron James", 114, 183, 695, 6, 3},
        {"Kansas City Chiefs", 172, 260, 1048, 1, 8},
        {"Buffalo Bills", 117, 207, 714, 9, 9},
        {"Dallas Cowboys", 151, 200, 919, 7, 2},
        {"New York Yankees", 191, 187, 1160, 11, 7}, /* master stop */
    };
    eng_gem_t g;
    T_BEGIN;
    for (size_t i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
        eng_gem_calc(tv[i].text, &g);
        T_ASSERT_INT(g.simple, ==, tv[i].simple);
        T_ASSERT_INT(g.reverse, ==, tv[i].reverse);
        T_ASSERT_INT(g.jewish, ==, tv[i].jewish);
        T_ASSERT_INT(g.red_simple, ==, tv[i].red_s);
        T_ASSERT_INT(g.red_reverse, ==, tv[i].red_r);
        T_ASSERT_INT(g.simple + g.reverse, ==, 27 * g.letters);
        T_ASSERT_INT(eng_gem_simple(tv[i].text), ==, tv[i].simple);
    }
    /* non-ASCII letters are 0 but count 1 in the length: "joséñ-2é" has 8 code points */
    eng_gem_calc("José Ñ-2 é", &g);
    T_ASSERT_INT(g.simple, ==, 44);
    T_ASSERT_INT(g.reverse, ==, 37);
    T_ASSERT_INT(g.jewish, ==, 272);
    T_ASSERT_INT(g.letters, ==, 3);
    /* only ' ' is removed: a tab counts in the length */
    eng_gem_calc("a\tb", &g);
    T_ASSERT_INT(g.simple, ==, 3);
    T_ASSERT_INT(g.jewish, ==, 21);
    eng_gem_calc(NULL, &g);
    T_ASSERT_INT(g.simple, ==, 0);
    T_ASSERT_INT(g.jewish, ==, 0);
    T_ASSERT_INT(g.red_simple, ==, 0);
    eng_gem_calc("  ", &g);
    T_ASSERT_INT(g.jewish, ==, 0);
    T_ASSERT_INT(eng_gem_simple("AZ az"), ==, 54);
    T_END;
}

int test_0411_gematria_upper(void);
int test_0411_gematria_upper(void)
{
    T_BEGIN;
    T_ASSERT_INT(eng_gem_upper_ordinal("Lakers"), ==, 66);
    T_ASSERT_INT(eng_gem_upper_ordinal("Celtics"), ==, 71);
    T_ASSERT_INT(eng_gem_upper_ordinal("Chiefs"), ==, 50);
    T_ASSERT_INT(eng_gem_upper_ordinal("Los Angeles Lakers"), ==, 175);
    T_ASSERT_INT(eng_gem_upper_ordinal("76ers"), ==, 42);      /* digits ignored */
    T_ASSERT_INT(eng_gem_upper_ordinal("José"), ==, 44);       /* decision: é ignored */
    T_ASSERT_INT(eng_gem_upper_ordinal("Straße"), ==, 63);     /* decision: ß ignored */
    T_ASSERT_INT(eng_gem_upper_ordinal(NULL), ==, 0);
    T_END;
}

int test_0412_jarvis_tv2(void);
int test_0412_jarvis_tv2(void)
{
    static const struct {
        int v;
        double rs;
    } tv[] = {
        {29, 4.5},   {33, 7.9},   {44, 5.3},   {66, 7.8},    {93, 8.64},  {138, 7.6},
        {201, 7.35}, {212, 4.5},  {222, 6.85}, {289, 4.5},   {300, 7.35}, {301, 4.5},
        {303, 6.85}, {306, 5.0},  {309, 7.35}, {322, 6.5},   {331, 6.5},  {369, 6.35},
        {552, 7.6},  {666, 6.35}, {888, 7.79}, {1656, 5.35}, {2178, 8.35},
        /* §2.3 rows for the power numbers and small sums */
        {11, 5.3},   {22, 5.3},   {55, 5.3},   {77, 5.3},    {88, 7.06},  {99, 5.65},
        {1, 4.5},    {3, 7.35},   {9, 5.0},
    };
    eng_jarvis_out_t out;
    T_BEGIN;
    for (size_t i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
        double rs = rs_of_sum(tv[i].v, 0.0, &out);
        if (rs != tv[i].rs)
            T_FAILF("sum %d: rs %.17g, want %.17g", tv[i].v, rs, tv[i].rs);
        T_ASSERT(out.has_rs);
        T_ASSERT(out.rs == rs);
        T_ASSERT_INT(out.immortal, ==, tv[i].v == 2178);
        T_ASSERT(!out.goldilocks);
        T_ASSERT(out.gem_contrib == 0.0);
    }
    rs_of_sum(29, 0.0, &out);
    T_ASSERT_INT(out.hits, ==, 0);
    T_ASSERT(!out.any_trigger);
    rs_of_sum(2178, 0.0, &out);
    T_ASSERT_INT(out.hits, ==, 2); /* IMMORTAL + TESLA 9 */
    T_ASSERT(out.any_trigger);
    T_END;
}

int test_0413_jarvis_hits(void);
int test_0413_jarvis_hits(void)
{
    eng_jarvis_hit_t h[ENG_JARVIS_HITS_MAX];
    eng_jarvis_prep_t jp;
    char buf[128];
    int n;
    T_BEGIN;
    /* 66: detection order REDUCTION 201, POWER 66, TESLA 3 */
    n = eng_jarvis_triggers(66, h, ENG_JARVIS_HITS_MAX);
    T_ASSERT_INT(n, ==, 3);
    T_ASSERT_INT(h[0].number, ==, 201);
    T_ASSERT_INT(h[0].kind, ==, ENG_HIT_REDUCTION);
    T_ASSERT_STR(h[0].name, "THE ORDER");
    T_ASSERT(h[0].base == 2.5); /* the live value, not the 0.5 reduction default */
    T_ASSERT_INT(h[1].number, ==, 66);
    T_ASSERT_INT(h[1].kind, ==, ENG_HIT_POWER);
    T_ASSERT_STR(h[1].name, "POWER_NUMBER");
    T_ASSERT(h[1].base == 0.8);
    T_ASSERT_INT(h[2].number, ==, 3);
    T_ASSERT_INT(h[2].kind, ==, ENG_HIT_TESLA);
    T_ASSERT_STR(h[2].name, "TESLA_REDUCTION");
    T_ASSERT(h[2].base == 0.5);
    T_ASSERT(h[2].contrib == h[2].base);
    /* truncation: counted, not stored */
    T_ASSERT_INT(eng_jarvis_triggers(66, h, 1), ==, 3);
    T_ASSERT_INT(eng_jarvis_triggers(66, NULL, 0), ==, 3);

    /* 93: sorted ORDER 2.5, WILL 2.0·0.7, TESLA 0.5·0.49 */
    eng_jarvis_prepare(sum_str(93, buf), "", NULL, &jp);
    T_ASSERT(jp.valid);
    T_ASSERT_INT(jp.sum, ==, 93);
    T_ASSERT_INT(jp.n_hits, ==, 3);
    T_ASSERT_INT(jp.hits[0].number, ==, 201);
    T_ASSERT_INT(jp.hits[1].number, ==, 93);
    T_ASSERT_INT(jp.hits[1].kind, ==, ENG_HIT_DIRECT);
    T_ASSERT_STR(jp.hits[1].name, "THE WILL");
    T_ASSERT_INT(jp.hits[2].number, ==, 3);
    T_ASSERT_DBL(jp.hits[0].contrib, 2.5, 1e-15);
    T_ASSERT_DBL(jp.hits[1].contrib, 1.4, 1e-15);
    T_ASSERT_DBL(jp.hits[2].contrib, 0.245, 1e-15);
    T_ASSERT_DBL(jp.trigger_sum, 4.145, 1e-12);

    /* 33: DIRECT and POWER both key 2.0: the stable sort keeps DIRECT first */
    eng_jarvis_prepare(sum_str(33, buf), "", NULL, &jp);
    T_ASSERT_INT(jp.n_hits, ==, 2);
    T_ASSERT_INT(jp.hits[0].kind, ==, ENG_HIT_DIRECT);
    T_ASSERT_INT(jp.hits[1].kind, ==, ENG_HIT_POWER);
    T_ASSERT(jp.hits[1].base == 2.0); /* POWER on 33 earns the table value */
    T_ASSERT_DBL(jp.hits[1].contrib, 1.4, 1e-15);

    /* 138: Phoenix-class DIRECT (0.5 default) sorts after ORDER, before TESLA */
    eng_jarvis_prepare(sum_str(138, buf), "", NULL, &jp);
    T_ASSERT_INT(jp.n_hits, ==, 3);
    T_ASSERT_INT(jp.hits[0].number, ==, 201);
    T_ASSERT_INT(jp.hits[1].number, ==, 138);
    T_ASSERT_STR(jp.hits[1].name, "THE PLASMA CYCLE");
    T_ASSERT(jp.hits[1].base == 0.5);
    T_ASSERT_INT(jp.hits[2].number, ==, 3);

    /* 99: POWER (key 0.5, base 0.8) stays before TESLA (key 0.5) */
    eng_jarvis_prepare(sum_str(99, buf), "", NULL, &jp);
    T_ASSERT_INT(jp.n_hits, ==, 2);
    T_ASSERT_INT(jp.hits[0].kind, ==, ENG_HIT_POWER);
    T_ASSERT_DBL(jp.hits[1].contrib, 0.35, 1e-15);

    /* 88: SOCIETY by reduction (88 -> 16 -> 7), then POWER 0.8·0.7 */
    eng_jarvis_prepare(sum_str(88, buf), "", NULL, &jp);
    T_ASSERT_INT(jp.n_hits, ==, 2);
    T_ASSERT_INT(jp.hits[0].number, ==, 322);
    T_ASSERT_DBL(jp.hits[1].contrib, 0.56, 1e-15);

    /* 201: DIRECT; its own reduction (3) does not add a second ORDER */
    n = eng_jarvis_triggers(201, h, ENG_JARVIS_HITS_MAX);
    T_ASSERT_INT(n, ==, 2);
    T_ASSERT_INT(h[0].kind, ==, ENG_HIT_DIRECT);
    T_ASSERT_INT(h[1].kind, ==, ENG_HIT_TESLA);
    /* reductions 12/18/24 can never match: 2178 -> 9 gives only TESLA */
    n = eng_jarvis_triggers(2178, h, ENG_JARVIS_HITS_MAX);
    T_ASSERT_INT(n, ==, 2);
    T_ASSERT(h[0].base == 3.5);
    T_ASSERT_INT(h[1].number, ==, 9);
    /* 0 and negatives reduce to themselves and hit nothing; 10 -> 1 */
    T_ASSERT_INT(eng_jarvis_triggers(0, h, ENG_JARVIS_HITS_MAX), ==, 0);
    T_ASSERT_INT(eng_jarvis_triggers(-3, h, ENG_JARVIS_HITS_MAX), ==, 0);
    T_ASSERT_INT(eng_jarvis_triggers(10, h, ENG_JARVIS_HITS_MAX), ==, 0);
    T_ASSERT_INT(eng_jarvis_triggers(29, h, ENG_JARVIS_HITS_MAX), ==, 0); /* dr* 11 */
    T_ASSERT_STR(eng_jarvis_kind_name(ENG_HIT_TESLA), "TESLA_REDUCTION");
    T_END;
}

int test_0414_jarvis_legacy_boost(void);
int test_0414_jarvis_legacy_boost(void)
{
    T_BEGIN;
    T_ASSERT(eng_jarvis_legacy_boost(0) == 0);
    T_ASSERT(eng_jarvis_legacy_boost(3) == 8);    /* ORDER half 6 + TESLA 2 */
    T_ASSERT(eng_jarvis_legacy_boost(9) == 2);
    T_ASSERT(eng_jarvis_legacy_boost(12) == 8);
    T_ASSERT(eng_jarvis_legacy_boost(19) == 0);   /* dr* 1 */
    T_ASSERT(eng_jarvis_legacy_boost(33) == 13);  /* DIRECT 10 + POWER 3 */
    T_ASSERT(eng_jarvis_legacy_boost(44) == 3);
    T_ASSERT(eng_jarvis_legacy_boost(138) == 18); /* 10 + ORDER 6 + TESLA 2 */
    T_ASSERT(eng_jarvis_legacy_boost(201) == 14);
    T_ASSERT(eng_jarvis_legacy_boost(289) == 0);
    T_ASSERT(eng_jarvis_legacy_boost(666) == 10);
    T_ASSERT(eng_jarvis_legacy_boost(1656) == 14);
    T_ASSERT(eng_jarvis_legacy_boost(2178) == 20); /* 22 capped at 20 */
    T_ASSERT(eng_jarvis_legacy_boost(-5) == 0);
    T_END;
}

int test_0415_jarvis_tv3(void);
int test_0415_jarvis_tv3(void)
{
    eng_jarvis_prep_t jp;
    eng_jarvis_out_t out;
    T_BEGIN;
    eng_jarvis_prepare("Los Angeles Lakers", "Boston Celtics", NULL, &jp);
    T_ASSERT(jp.valid);
    T_ASSERT_INT(jp.sum, ==, 331);
    T_ASSERT_INT(jp.n_hits, ==, 1);
    T_ASSERT_INT(jp.hits[0].number, ==, 322);
    T_ASSERT_INT(jp.hits[0].kind, ==, ENG_HIT_REDUCTION);
    T_ASSERT(jp.hits[0].contrib == 2.0);
    T_ASSERT(eng_jarvis_finish(&jp, 0.0, &out, NULL) == 6.5);
    T_ASSERT(eng_jarvis_finish(&jp, -5.5, &out, NULL) == 7.0);
    T_ASSERT(out.goldilocks);
    T_ASSERT_INT(out.hits, ==, 1);
    T_ASSERT(out.trigger_sum == 2.0);

    eng_jarvis_prepare("Kansas City Chiefs", "Buffalo Bills", "", &jp);
    T_ASSERT_INT(jp.sum, ==, 289);
    T_ASSERT(eng_jarvis_finish(&jp, -2.5, &out, NULL) == 4.5);
    T_ASSERT(!out.any_trigger);

    /* prop: 445 (dr 4), Goldilocks only; gematria combined 289, diff 19 -> strength 0 */
    eng_jarvis_prepare("Los Angeles Lakers", "Boston Celtics", "LeBron James", &jp);
    T_ASSERT_INT(jp.sum, ==, 445);
    T_ASSERT_INT(jp.n_hits, ==, 0);
    T_ASSERT(jp.gem_strength == 0.0);
    T_ASSERT(eng_jarvis_finish(&jp, -5.5, &out, NULL) == 5.0);
    T_END;
}

int test_0416_jarvis_gematria_signal(void);
int test_0416_jarvis_gematria_signal(void)
{
    static const struct {
        int player, home, away;
        double strength, contrib;
    } tv[] = {
        {101, 100, 97, 1.0, 1.5}, /* TV5: 14 + 8 */
        {50, 52, 40, 0.8, 1.5},   /* TV5: 8 + 8 */
        {10, 20, 11, 0.5, 0.8},   /* TV5: 8 + 2 */
        {100, 100, 91, 0.1, 0.0}, /* TV5: 0 + 2 */
        {101, 100, 100, 0.7, 0.8},  /* 14 + 0: at the STRONG threshold -> MODERATE */
        {13, 20, 11, 0.75, 1.5},    /* 13 + 2: just above */
        {269, 100, 100, 0.45, 0.8}, /* 9 + 0: just above MODERATE */
        {10, 20, 20, 0.4, 0.0},     /* 8 + 0: at the MODERATE threshold -> WEAK */
    };
    char p[128], h[128], a[128];
    eng_jarvis_prep_t jp;
    eng_jarvis_out_t out;
    T_BEGIN;
    for (size_t i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
        eng_jarvis_prepare(sum_str(tv[i].home, h), sum_str(tv[i].away, a),
                           sum_str(tv[i].player, p), &jp);
        if (jp.gem_strength != tv[i].strength || jp.gem_contrib != tv[i].contrib)
            T_FAILF("%d/%d/%d: strength %.17g contrib %g", tv[i].player, tv[i].home,
                    tv[i].away, jp.gem_strength, jp.gem_contrib);
    }
    /* full scores: 50/52/40 (sum 142: dr 7 SOCIETY) 4.5 + 2.0 + 1.5 = 8.0 */
    eng_jarvis_prepare(sum_str(52, h), sum_str(40, a), sum_str(50, p), &jp);
    T_ASSERT(eng_jarvis_finish(&jp, 0.0, &out, NULL) == 8.0);
    T_ASSERT(out.gem_contrib == 1.5);
    /* 13/20/11 (sum 44: POWER) 4.5 + 0.8 + 1.5 = 6.8 */
    eng_jarvis_prepare(sum_str(20, h), sum_str(11, a), sum_str(13, p), &jp);
    T_ASSERT(eng_jarvis_finish(&jp, 0.0, &out, NULL) == 6.8);
    /* no sub-signal without a player, or without a home team */
    eng_jarvis_prepare(sum_str(100, h), sum_str(97, a), NULL, &jp);
    T_ASSERT(jp.gem_contrib == 0.0);
    eng_jarvis_prepare("", sum_str(97, a), sum_str(101, p), &jp);
    T_ASSERT(jp.valid);
    T_ASSERT(jp.gem_contrib == 0.0);
    /* clamp at 10: 6/42/45 sums to 93 (4.145) + STRONG 1.5 + Goldilocks 0.5 = 10.645 */
    eng_jarvis_prepare(sum_str(42, h), sum_str(45, a), sum_str(6, p), &jp);
    T_ASSERT(jp.gem_contrib == 1.5);
    T_ASSERT(eng_jarvis_finish(&jp, -5.5, &out, NULL) == 10.0);
    T_END;
}

int test_0417_jarvis_goldilocks(void);
int test_0417_jarvis_goldilocks(void)
{
    eng_jarvis_out_t out;
    double zp;
    T_BEGIN;
    /* TV4 and the edges, on a sum with no trigger (4.5 -> 5.0) */
    T_ASSERT(rs_of_sum(29, 3.5, &out) == 4.5);
    T_ASSERT(rs_of_sum(29, nextafter(4.0, 0.0), &out) == 4.5);
    T_ASSERT(rs_of_sum(29, 4.0, &out) == 5.0);
    T_ASSERT(out.goldilocks);
    T_ASSERT(rs_of_sum(29, nextafter(4.0, 5.0), &out) == 5.0);
    T_ASSERT(rs_of_sum(29, 6.5, &out) == 5.0);
    T_ASSERT(rs_of_sum(29, nextafter(9.0, 0.0), &out) == 5.0);
    T_ASSERT(rs_of_sum(29, 9.0, &out) == 5.0);
    T_ASSERT(rs_of_sum(29, nextafter(9.0, 10.0), &out) == 4.5);
    T_ASSERT(!out.goldilocks);
    T_ASSERT(rs_of_sum(29, 9.5, &out) == 4.5);
    T_ASSERT(rs_of_sum(29, -4.0, &out) == 5.0);
    T_ASSERT(rs_of_sum(29, -9.5, &out) == 4.5);
    T_ASSERT(rs_of_sum(29, NAN, &out) == 4.5);

    /* §2.7 mid-spread helper */
    T_ASSERT(eng_jarvis_mid_spread(4.0, &zp) == 0.20);
    T_ASSERT(zp == 0.0);
    T_ASSERT(eng_jarvis_mid_spread(6.5, &zp) == 0.20);
    T_ASSERT(zp == 1.0);
    T_ASSERT(eng_jarvis_mid_spread(-9.0, &zp) == 0.20);
    T_ASSERT(zp == 0.0);
    T_ASSERT(eng_jarvis_mid_spread(5.25, &zp) == 0.20);
    T_ASSERT(zp == 0.5);
    T_ASSERT(eng_jarvis_mid_spread(3.5, &zp) == 0.0);
    T_ASSERT(zp == 0.0);
    T_ASSERT(eng_jarvis_mid_spread(9.5, NULL) == 0.0);
    T_ASSERT(eng_jarvis_mid_spread(nextafter(4.0, 0.0), NULL) == 0.0);
    T_END;
}

int test_0418_jarvis_inputs(void);
int test_0418_jarvis_inputs(void)
{
    eng_jarvis_prep_t jp;
    eng_jarvis_out_t out;
    eng_why_t why;
    T_BEGIN;
    eng_jarvis_prepare("", "", NULL, &jp);
    T_ASSERT(!jp.valid);
    eng_why_init(&why);
    T_ASSERT(eng_jarvis_finish(&jp, -5.5, &out, &why) == 0.0);
    T_ASSERT(!out.has_rs);
    T_ASSERT_INT(out.hits, ==, 0);
    T_ASSERT_INT(why.n, ==, 1);
    eng_jarvis_prepare(NULL, NULL, NULL, &jp);
    T_ASSERT(!jp.valid);
    /* a player alone is not enough: both team names are empty */
    eng_jarvis_prepare("", "", "LeBron James", &jp);
    T_ASSERT(!jp.valid);
    /* one team name is enough; a name without letters is still a name */
    eng_jarvis_prepare("", "Boston Celtics", NULL, &jp);
    T_ASSERT(jp.valid);
    T_ASSERT(eng_jarvis_finish(&jp, 0.0, NULL, NULL) == 7.35); /* 156: dr 3 */
    eng_jarvis_prepare("76", NULL, NULL, &jp);
    T_ASSERT(jp.valid);
    T_ASSERT_INT(jp.sum, ==, 0);
    T_ASSERT(eng_jarvis_finish(&jp, 0.0, &out, NULL) == 4.5);
    T_ASSERT(out.has_rs);
    T_END;
}

int test_0419_jarvis_reasons(void);
int test_0419_jarvis_reasons(void)
{
    char h[128], a[128], p[128];
    eng_jarvis_prep_t jp;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    eng_jarvis_prepare("Los Angeles Lakers", "Boston Celtics", NULL, &jp);
    eng_jarvis_finish(&jp, -5.5, NULL, &why);
    T_ASSERT_INT(why.n, ==, 2);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "322 THE SOCIETY (REDUCTION) +2.00");
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "331");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "goldilocks");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "+0.50");

    eng_why_init(&why);
    eng_jarvis_prepare(sum_str(2178, h), "", NULL, &jp);
    eng_jarvis_finish(&jp, 0.0, NULL, &why);
    T_ASSERT(why_has(&why, "2178 THE IMMORTAL (DIRECT) +3.50"));
    T_ASSERT(why_has(&why, "9 TESLA_REDUCTION (TESLA_REDUCTION) +0.35"));
    T_ASSERT(why_has(&why, "IMMORTAL"));

    eng_why_init(&why);
    eng_jarvis_prepare(sum_str(52, h), sum_str(40, a), sum_str(50, p), &jp);
    eng_jarvis_finish(&jp, 0.0, NULL, &why);
    T_ASSERT(why_has(&why, "gematria signal STRONG (strength 0.80) +1.50"));

    eng_why_init(&why);
    eng_jarvis_prepare("Kansas City Chiefs", "Buffalo Bills", NULL, &jp);
    eng_jarvis_finish(&jp, 0.0, NULL, &why);
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "no triggers");
    T_END;
}

int test_0420_jarvis_2178(void);
int test_0420_jarvis_2178(void)
{
    T_BEGIN;
    T_ASSERT(eng_jarvis_validate_2178(2178));   /* 2178·4 = 8712 */
    T_ASSERT(eng_jarvis_validate_2178(21978));  /* 21978·4 = 87912 */
    T_ASSERT(!eng_jarvis_validate_2178(8712));
    T_ASSERT(!eng_jarvis_validate_2178(2177));
    T_ASSERT(!eng_jarvis_validate_2178(1089));  /* 1089·9 = 9801, but ·4 = 4356 */
    T_ASSERT(!eng_jarvis_validate_2178(0));
    T_ASSERT(!eng_jarvis_validate_2178(-2178));
    T_ASSERT(!eng_jarvis_validate_2178(INT64_MAX));
    T_END;
}

int test_0421_jarvis_trap(void);
int test_0421_jarvis_trap(void)
{
    const char *level = NULL;
    eng_why_t why;
    T_BEGIN;
    /* TV6 */
    eng_why_init(&why);
    T_ASSERT(eng_jarvis_trap(14, 220, &level, &why) == -0.20);
    T_ASSERT_STR(level, "TRAP");
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "MASSIVE_SPREAD");
    T_ASSERT(eng_jarvis_trap(10, 220, &level, NULL) == 0.0); /* ratio 0.0455 */
    T_ASSERT_STR(level, "CLEAR");
    T_ASSERT(eng_jarvis_trap(10, 180, &level, NULL) == -0.15); /* ratio 0.0556 */
    T_ASSERT_STR(level, "TRAP");
    T_ASSERT(eng_jarvis_trap(12.5, 0, &level, NULL) == -0.10);
    T_ASSERT_STR(level, "TRAP");
    /* edges */
    T_ASSERT(eng_jarvis_trap(nextafter(14.0, 0.0), 0, NULL, NULL) == -0.10);
    T_ASSERT(eng_jarvis_trap(-14, 0, NULL, NULL) == -0.20);
    T_ASSERT(eng_jarvis_trap(nextafter(14.0, 0.0), 220, NULL, NULL) == -0.15);
    T_ASSERT(eng_jarvis_trap(nextafter(10.0, 0.0), 0, &level, NULL) == 0.0);
    T_ASSERT_STR(level, "CLEAR");
    T_ASSERT(eng_jarvis_trap(-10, 180, NULL, NULL) == -0.15);
    T_ASSERT(eng_jarvis_trap(10, 200, NULL, NULL) == 0.0);    /* ratio exactly 0.05 */
    T_ASSERT(eng_jarvis_trap(10, 199.5, NULL, NULL) == -0.15); /* just above 0.05 */
    T_ASSERT(eng_jarvis_trap(10, -3, NULL, NULL) == -0.10);   /* total <= 0 */
    T_ASSERT(eng_jarvis_trap(0, 220, &level, NULL) == 0.0);
    T_ASSERT(eng_jarvis_trap(NAN, 220, &level, NULL) == 0.0);
    T_ASSERT_STR(level, "CLEAR");
    T_END;
}

int test_0422_jarvis_hybrid(void);
int test_0422_jarvis_hybrid(void)
{
    double m = -1;
    eng_why_t why;
    T_BEGIN;
    /* 2026-02-16 (doy 47, day 20500), S = 331: msrf 1.65; 0.55·7 + 0.45·8.25 = 7.5625 */
    T_ASSERT(eng_jarvis_hybrid(7.0, eng_cal_days(2026, 2, 16), "Los Angeles Lakers",
                               "Boston Celtics", &m, NULL) == 7.56);
    T_ASSERT(m == 1.65);
    /* 4.5 -> +0.75 capped */
    T_ASSERT(eng_jarvis_hybrid(4.5, 20500, "Los Angeles Lakers", "Boston Celtics", &m, NULL) ==
             5.25);
    /* "before or 4.5": 0 is treated as 4.5 */
    T_ASSERT(eng_jarvis_hybrid(0.0, 20500, "Los Angeles Lakers", "Boston Celtics", &m, NULL) ==
             5.25);
    /* 2025-01-01 (doy 1), S = 137: msrf 0.3, delta −3.08 capped at −0.75 */
    T_ASSERT(eng_jarvis_hybrid(8.35, eng_cal_days(2025, 1, 1), "Lakers", "Celtics", &m, NULL) ==
             7.6);
    T_ASSERT(m == 0.3);
    /* 1999-12-31: days since 2000 = −1, Python's −1 % 1000 = 999 */
    T_ASSERT(eng_jarvis_hybrid(9.9, eng_cal_days(1999, 12, 31), "Kansas City Chiefs",
                               "Buffalo Bills", &m, NULL) == 9.33);
    T_ASSERT(m == 1.725);
    /* one team name only */
    eng_why_init(&why);
    T_ASSERT(eng_jarvis_hybrid(6.5, eng_cal_days(2026, 7, 4), "Dallas Cowboys", "", &m, &why) ==
             6.28);
    T_ASSERT(m == 1.2);
    T_ASSERT(why.n >= 2);
    T_ASSERT(why_has(&why, "msrf 1.2000"));
    /* no team names: unchanged */
    T_ASSERT(eng_jarvis_hybrid(6.5, 20500, "", NULL, &m, NULL) == 6.5);
    T_ASSERT(m == 0.0);
    T_END;
}

int test_0423_msrf_sets(void);
int test_0423_msrf_sets(void)
{
    T_BEGIN;
    T_ASSERT(eng_msrf_important(138));
    T_ASSERT(!eng_msrf_important(137));
    T_ASSERT(eng_msrf_important(2178));
    T_ASSERT(eng_msrf_important(2520));
    T_ASSERT(!eng_msrf_important(2521));
    T_ASSERT(!eng_msrf_important(-138));
    T_ASSERT(eng_msrf_normal(12));
    T_ASSERT(!eng_msrf_normal(11));
    T_ASSERT(eng_msrf_normal(36));
    T_ASSERT(eng_msrf_normal(1019));
    T_ASSERT(eng_msrf_normal(2559));
    T_ASSERT(!eng_msrf_normal(2560));
    T_ASSERT(!eng_msrf_normal(0));
    T_ASSERT(eng_msrf_normal_hybrid(1008));
    T_ASSERT(!eng_msrf_normal_hybrid(1019)); /* NORMAL, but past the hybrid's 1008 */
    T_ASSERT(eng_msrf_normal_hybrid(2178));
    T_ASSERT(!eng_msrf_normal_hybrid(2559));
    T_ASSERT(eng_msrf_vortex(21.7));
    T_ASSERT(eng_msrf_vortex(84.0));
    T_ASSERT(eng_msrf_vortex(871.2));
    T_ASSERT(!eng_msrf_vortex(21.8));
    T_ASSERT(!eng_msrf_vortex(21.70001));
    T_ASSERT_INT(eng_msrf_flip(2178), ==, 8712);
    T_ASSERT_INT(eng_msrf_flip(120), ==, 21);
    T_ASSERT_INT(eng_msrf_flip(0), ==, 0);
    T_ASSERT_INT(eng_msrf_flip(-12), ==, 21);
    T_END;
}

int test_0424_msrf_tv24(void);
int test_0424_msrf_tv24(void)
{
    int64_t d[5];
    double pts = -1;
    eng_why_t why;
    T_BEGIN;
    d[0] = eng_cal_days(2025, 12, 1);
    d[1] = eng_cal_days(2025, 12, 29);
    d[2] = eng_cal_days(2026, 1, 20);
    /* O9: 22·φ = 35.6 from X2 lands on 2026-02-02 (NORMAL 36), 1 point */
    eng_why_init(&why);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 2), &pts, &why) == 0.0);
    T_ASSERT(pts == 1.0);
    T_ASSERT_INT(why.n, ==, 2);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "O9");
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "2026-02-02");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "MILD_RESONANCE");
    /* O10 (28·π = 87.96 -> 88, X1, weight 1) + O12 (22·φ, X3, weight 0.5) */
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 25), &pts, NULL) == 0.0);
    T_ASSERT(pts == 1.5);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 15), &pts, NULL) == 0.0);
    T_ASSERT(pts == 0.0);
    /* ±1 day tolerance around the 2026-02-02 projection */
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 1), &pts, NULL) == 0.0);
    T_ASSERT(pts == 1.0);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 3), &pts, NULL) == 0.0);
    T_ASSERT(pts == 1.0);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 1, 31), &pts, NULL) == 0.0);
    T_ASSERT(pts == 0.0);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 4), &pts, NULL) == 0.0);
    T_ASSERT(pts == 0.0);
    /* any order, duplicates, an older date: the same three latest distinct days */
    d[0] = eng_cal_days(2026, 1, 20);
    d[1] = eng_cal_days(2025, 12, 1);
    d[2] = eng_cal_days(2025, 12, 29);
    d[3] = eng_cal_days(2026, 1, 20);
    d[4] = eng_cal_days(2025, 6, 1);
    T_ASSERT(eng_msrf_boost(d, 5, eng_cal_days(2026, 2, 25), &pts, NULL) == 0.0);
    T_ASSERT(pts == 1.5);
    /* fewer than three distinct dates */
    T_ASSERT(eng_msrf_boost(d, 1, eng_cal_days(2026, 2, 2), &pts, NULL) == 0.0);
    T_ASSERT(pts == 0.0);
    d[1] = d[0];
    d[2] = eng_cal_days(2025, 12, 29);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 2, 2), &pts, NULL) == 0.0);
    T_ASSERT(pts == 0.0);
    T_ASSERT(eng_msrf_boost(NULL, 0, 0, NULL, NULL) == 0.0);
    T_END;
}

int test_0425_msrf_levels(void);
int test_0425_msrf_levels(void)
{
    int64_t d[3];
    double pts = -1;
    const char *level = NULL;
    T_BEGIN;
    T_ASSERT(eng_msrf_level(0.5, &level) == 0.0);
    T_ASSERT_STR(level, "NO_RESONANCE");
    T_ASSERT(eng_msrf_level(1.0, &level) == 0.0);
    T_ASSERT_STR(level, "MILD_RESONANCE");
    T_ASSERT(eng_msrf_level(2.5, &level) == 0.0);
    T_ASSERT(eng_msrf_level(3.0, &level) == 0.25);
    T_ASSERT_STR(level, "MODERATE_RESONANCE");
    T_ASSERT(eng_msrf_level(4.5, &level) == 0.25);
    T_ASSERT(eng_msrf_level(5.0, &level) == 0.5);
    T_ASSERT_STR(level, "HIGH_RESONANCE");
    T_ASSERT(eng_msrf_level(7.5, &level) == 0.5);
    T_ASSERT(eng_msrf_level(8.0, &level) == 1.0);
    T_ASSERT_STR(level, "EXTREME_RESONANCE");
    T_ASSERT(eng_msrf_level(8.5, NULL) == 1.0);

    /* real dates at the thresholds (points from the §4 rules, computed independently) */
    d[0] = eng_cal_days(2025, 10, 1);
    d[1] = eng_cal_days(2025, 10, 2);
    d[2] = eng_cal_days(2025, 10, 25);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2025, 12, 24), &pts, NULL) == 0.0);
    T_ASSERT(pts == 2.5);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2025, 12, 25), &pts, NULL) == 0.25);
    T_ASSERT(pts == 3.0);
    d[1] = eng_cal_days(2025, 10, 22);
    d[2] = eng_cal_days(2025, 11, 12);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2025, 12, 4), &pts, NULL) == 0.25);
    T_ASSERT(pts == 4.5);
    d[1] = eng_cal_days(2025, 10, 25);
    d[2] = eng_cal_days(2025, 11, 18);
    T_ASSERT(eng_msrf_boost(d, 3, eng_cal_days(2026, 1, 18), &pts, NULL) == 0.5);
    T_ASSERT(pts == 5.0);
    T_END;
}

int test_0426_founders_echo(void);
int test_0426_founders_echo(void)
{
    eng_why_t why;
    T_BEGIN;
    T_ASSERT_INT(eng_founders_year("Lakers"), ==, 1947);
    T_ASSERT_INT(eng_founders_year("49ers"), ==, 1946);
    T_ASSERT_INT(eng_founders_year("Golden Knights"), ==, 2017);
    T_ASSERT_INT(eng_founders_year("Blue Jays"), ==, 1977);
    T_ASSERT_INT(eng_founders_year("Yankees"), ==, 1901);
    T_ASSERT_INT(eng_founders_year("lakers"), ==, 1900);             /* case-sensitive */
    T_ASSERT_INT(eng_founders_year("Los Angeles Lakers"), ==, 1900); /* full names miss */
    T_ASSERT_INT(eng_founders_year(NULL), ==, 1900);

    /* TV11 (2026) */
    T_ASSERT(!eng_founders_resonates("Lakers", 2026));  /* 66, 1947, 21 */
    T_ASSERT(!eng_founders_resonates("Celtics", 2026)); /* 71, 1946, 20 */
    T_ASSERT(!eng_founders_resonates("Chiefs", 2026));  /* 50, 1960, 16 */
    T_ASSERT(!eng_founders_resonates("Los Angeles Lakers", 2026)); /* 175, 1900, 10 */
    /* full names: gematria a multiple of 10 (year 1900, ys 10) */
    T_ASSERT(eng_founders_resonates("Detroit Lions", 2026)); /* 160 */
    T_ASSERT(eng_founders_resonates("Dallas Mavericks", 2026)); /* 150 */
    /* each rule: g = ys ("J" 10, 1900); g mod ys ("Bulls" 66, 1966, 22); years ("Blues" 59,
     * 1967: 2026 − 1967 = 59) */
    T_ASSERT(eng_founders_resonates("J", 2026));
    T_ASSERT(eng_founders_resonates("Bulls", 2026));
    T_ASSERT(eng_founders_resonates("Bulls", 1990));
    T_ASSERT(eng_founders_resonates("Blues", 2026));
    T_ASSERT(!eng_founders_resonates("Blues", 2025));
    T_ASSERT(!eng_founders_resonates("Blues", 2027));
    T_ASSERT(eng_founders_resonates("Blues", 2085));
    T_ASSERT(eng_founders_resonates("Blues", 1967)); /* 0 mod 59 */
    /* quirk: no letters -> g 0 -> 0 mod ys = 0 */
    T_ASSERT(eng_founders_resonates("", 2026));

    T_ASSERT(eng_founders_echo("Lakers", "Celtics", 2026, NULL) == 0.0);
    T_ASSERT(eng_founders_echo("Los Angeles Lakers", "Boston Celtics", 2026, NULL) == 0.0);
    eng_why_init(&why);
    T_ASSERT(eng_founders_echo("Bulls", "Lakers", 2026, &why) == 0.20);
    T_ASSERT_INT(why.n, ==, 2);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "Bulls");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "+0.20");
    T_ASSERT(eng_founders_echo("Lakers", "Blues", 2026, NULL) == 0.20);
    T_ASSERT(eng_founders_echo("Bulls", "Jazz", 2026, NULL) == 0.35);
    T_ASSERT(eng_founders_echo("Green Bay Packers", "Detroit Lions", 2026, NULL) == 0.35);
    T_END;
}
