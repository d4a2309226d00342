/*
 * 0450–0469: line-based esoteric modules, GLITCH aggregation, Phase 8 and the static tables
 * (engine/scoring/fib.h, vortex.h, linesig.h, gann.h, hurst.h, glitch.h, rivalry.h, venue.h,
 * phase8.h). Expectations are spec/original-scoring.md §11 vectors (TV7, TV9, TV10, TV16, TV17,
 * TV19) and boundary values evaluated by hand or with the spec's formulas in python3.
 */
#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "scoring/caltime.h"
#include "scoring/fib.h"
#include "scoring/gann.h"
#include "scoring/glitch.h"
#include "scoring/hurst.h"
#include "scoring/linesig.h"
#include "scoring/phase8.h"
#include "scoring/rivalry.h"
#include "scoring/venue.h"
#include "scoring/vortex.h"
#include "scoring/why.h"

int test_0450_magnitude(void);
int test_0450_magnitude(void)
{
    T_BEGIN;
    /* props: |prop_line|, else |spread|, else |total/10| if total != 220, else 0 */
    T_ASSERT(eng_magnitude(true, -5.5, 3.0, 230.0) == 5.5);
    T_ASSERT(eng_magnitude(true, 0.0, -3.0, 230.0) == 3.0);
    T_ASSERT(eng_magnitude(true, 0.0, 0.0, 224.5) == 22.45);
    T_ASSERT(eng_magnitude(true, 0.0, 0.0, 220.0) == 0.0);
    /* games: |spread|, else |total|/10 if total != 220, else |prop_line| */
    T_ASSERT(eng_magnitude(false, -5.5, -5.5, 220.0) == 5.5); /* SPREAD candidate */
    T_ASSERT(eng_magnitude(false, 224.5, 0.0, 224.5) == 22.45); /* TOTAL candidate */
    T_ASSERT(eng_magnitude(false, 0.0, 0.0, 220.0) == 0.0);   /* MONEYLINE */
    T_ASSERT(eng_magnitude(false, 220.0, 0.0, 220.0) == 220.0); /* TOTAL at exactly 220 */
    T_ASSERT(eng_magnitude(false, 0.0, 0.0, 219.5) == 21.95);
    T_END;
}

int test_0451_fib_align(void);
int test_0451_fib_align(void)
{
    const char *k = NULL;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    /* TV7 */
    T_ASSERT(eng_fib_align(8.0, &k, &why) == 6.0);
    T_ASSERT_STR(k, "EXACT");
    T_ASSERT(eng_fib_align(8.0, NULL, NULL) * ENG_FIB_WEIGHT == 0.6000000000000001);
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_STR(eng_why_get(&why, 0), "fibonacci: 8.0 is a Fibonacci number (EXACT) +0.60");
    T_ASSERT(eng_fib_align(5.5, &k, NULL) == 3.0000000000000004);
    T_ASSERT_STR(k, "NEAR");
    T_ASSERT(eng_fib_align(5.5, NULL, NULL) * ENG_FIB_WEIGHT == 0.30000000000000004);
    T_ASSERT(eng_fib_align(4.5, &k, NULL) == 3.0000000000000004); /* NEAR 5, not PHI (4.5/3) */
    T_ASSERT_STR(k, "NEAR");
    T_ASSERT(eng_fib_align(12.0, &k, NULL) == 4.2); /* 12/8 = 1.5 */
    T_ASSERT_STR(k, "PHI");
    T_ASSERT(eng_fib_align(12.0, NULL, NULL) * ENG_FIB_WEIGHT == 0.42000000000000004);
    T_ASSERT(eng_fib_align(7.0, &k, NULL) == 0.0);
    T_ASSERT_STR(k, "NONE");
    /* NEAR threshold 0.5: at, just above */
    T_ASSERT(eng_fib_align(13.5, &k, NULL) == 3.0000000000000004);
    T_ASSERT(eng_fib_align(5.51, &k, NULL) == 0.0);
    T_ASSERT_STR(k, "NONE");
    T_ASSERT(eng_fib_align(4.49, &k, NULL) == 0.0); /* 0.51 from 5; 4.49/3 < 1.5 */
    /* PHI window [1.5, 1.7] on f = 8: just below, at both ends, just above */
    T_ASSERT(eng_fib_align(11.9, &k, NULL) == 0.0);
    T_ASSERT(eng_fib_align(13.6, &k, NULL) == 4.2); /* 13.6/8 == 1.7 in doubles */
    T_ASSERT_STR(k, "PHI");
    T_ASSERT(eng_fib_align(13.7, &k, NULL) == 0.0);
    T_ASSERT(eng_fib_align(0.0, &k, NULL) == 0.0);
    T_ASSERT(eng_fib_align(610.0, &k, NULL) == 6.0);
    T_END;
}

int test_0452_vortex_pattern(void);
int test_0452_vortex_pattern(void)
{
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    /* TV7: V=55 -> 1 -> 0.32; V=30 -> 3 -> 0.56; V=2245 -> 4 -> 0.32 */
    T_ASSERT(eng_vortex_pattern(5.5, &why) == 4.0);
    T_ASSERT(eng_vortex_pattern(5.5, NULL) * ENG_VORTEX_WEIGHT == 0.32);
    T_ASSERT(eng_vortex_pattern(3.0, NULL) == 7.0);
    T_ASSERT(eng_vortex_pattern(3.0, NULL) * ENG_VORTEX_WEIGHT == 0.56);
    T_ASSERT(eng_vortex_pattern(224.5, NULL) == 4.0);
    T_ASSERT(eng_vortex_pattern(22.45, NULL) == 4.0); /* 224.5 -> V 224 -> 8 */
    T_ASSERT(eng_vortex_pattern(0.0, NULL) == 0.0);
    T_ASSERT(eng_vortex_pattern(0.0999, NULL) == 0.0); /* V = int(0.999) = 0 */
    T_ASSERT(eng_vortex_pattern(0.1, NULL) == 4.0);    /* V = 1 */
    T_ASSERT(eng_vortex_pattern(2.9, NULL) == 4.0);    /* V = 29 -> 11 -> 2 (no master stop) */
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_STR(eng_why_get(&why, 0), "vortex: 55 reduces to 1 (FLOW) +0.32");
    T_END;
}

int test_0453_vortex_energy(void);
int test_0453_vortex_energy(void)
{
    double sc = -1;
    bool tr = true;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    /* TV9 */
    T_ASSERT(eng_vortex_energy(-5.5, 220, -5.5, &sc, &tr, NULL) == 0.0); /* prop context */
    T_ASSERT(sc == 5.5 && !tr);
    T_ASSERT(eng_vortex_energy(224.5, 224.5, 0, &sc, &tr, NULL) == 0.0);
    T_ASSERT(sc == 5.5 && !tr);
    T_ASSERT(eng_vortex_energy_of(3, ENG_VE_SPREAD, &sc, &tr, &why) == 0.2);
    T_ASSERT(sc == 8.0 && tr);
    T_ASSERT_STR(eng_why_get(&why, 0), "vortex energy: 3.0 root 3 TESLA_ALIGNED (8.0) +0.2");
    T_ASSERT(eng_vortex_energy(5.0, 220, 0, &sc, &tr, NULL) == 0.0); /* golden 6.5 */
    T_ASSERT(sc == 6.5 && !tr);
    T_ASSERT(eng_vortex_energy(36.9, 220, 0, &sc, &tr, NULL) == 0.3); /* "369" */
    T_ASSERT(sc == 9.0 && tr);
    T_ASSERT(eng_vortex_energy(16.5, 220, 0, &sc, &tr, NULL) == 0.2); /* root 3 & golden */
    T_ASSERT(sc == 8.5 && tr);
    /* X selection: prop_line, else total, else |spread| */
    T_ASSERT(eng_vortex_energy(0, 225.0, 3.5, &sc, &tr, NULL) == 0.2); /* total, root 9: 7.8 */
    T_ASSERT(sc == 7.8 && tr);
    T_ASSERT(eng_vortex_energy(0, 0, -3.0, &sc, &tr, NULL) == 0.2); /* |spread| 3 in spread ctx */
    T_ASSERT(sc == 8.0);
    T_ASSERT(eng_vortex_energy(0, 0, 0, &sc, &tr, NULL) == 0.0);
    T_ASSERT(sc == 5.0 && !tr);
    /* D8: 220 is "220.0" -> digits 2200 -> root 4 -> 5.5 */
    T_ASSERT(eng_vortex_energy_of(220.0, ENG_VE_TOTAL, &sc, &tr, NULL) == 0.0);
    T_ASSERT(sc == 5.5);
    /* key spreads add 0.5 only in spread context; threshold 7.0 */
    T_ASSERT(eng_vortex_energy_of(3.5, ENG_VE_SPREAD, &sc, &tr, NULL) == 0.0); /* 5.0 + 0.5 */
    T_ASSERT(sc == 5.5 && !tr);
    T_ASSERT(eng_vortex_energy_of(6.5, ENG_VE_SPREAD, &sc, &tr, NULL) == 0.0);
    T_ASSERT(sc == 5.5);
    T_ASSERT(eng_vortex_energy_of(2.5, ENG_VE_SPREAD, &sc, &tr, NULL) == 0.0); /* root 7 */
    T_ASSERT(sc == 5.5);
    T_ASSERT(eng_vortex_energy_of(3.0, ENG_VE_PROP, &sc, &tr, NULL) == 0.2); /* 7.5, no bonus */
    T_ASSERT(sc == 7.5 && tr);
    T_ASSERT(eng_vortex_energy_of(4.5, ENG_VE_TOTAL, &sc, &tr, NULL) == 0.2); /* 7.5 + 0.3 */
    T_ASSERT(sc == 7.8);
    T_ASSERT(eng_vortex_energy_of(0.9, ENG_VE_PROP, &sc, &tr, NULL) == 0.2); /* "09" -> 9 */
    T_END;
}

int test_0454_golden_ratio(void);
int test_0454_golden_ratio(void)
{
    bool tr = false;
    T_BEGIN;
    /* TV16 */
    T_ASSERT(eng_golden_ratio(8.0, &tr) == 0.8); /* PHI x5 */
    T_ASSERT(tr);
    T_ASSERT(eng_golden_ratio(-5.5, &tr) == 0.5);
    T_ASSERT(!tr);
    T_ASSERT(eng_golden_ratio(16.0, &tr) == 0.8); /* PHI_SCALED_10 */
    T_ASSERT(eng_golden_ratio(161.5, &tr) == 0.8); /* PHI_SCALED_100 */
    T_ASSERT(eng_golden_ratio(0.0, &tr) == 0.5);
    T_ASSERT(!tr);
    T_ASSERT(eng_golden_ratio(3.2360679774, &tr) == 0.8); /* 2 phi exactly */
    /* 2 % window around 5 phi = 8.0901699435: just inside / just outside each side */
    T_ASSERT(eng_golden_ratio(8.25116432537565, &tr) == 0.8);
    T_ASSERT(eng_golden_ratio(8.25278235936435, &tr) == 0.5);
    T_ASSERT(!tr);
    T_ASSERT(eng_golden_ratio(7.9291755616243496, &tr) == 0.8);
    T_ASSERT(eng_golden_ratio(7.927557527635649, &tr) == 0.5);
    /* 5 % window of the scaled checks: best diff >= 0.02 -> 0.65 */
    T_ASSERT(eng_golden_ratio(16.973176541462998, &tr) == 0.65);
    T_ASSERT(tr);
    T_ASSERT(eng_golden_ratio(169.73176541463, &tr) == 0.65);
    T_ASSERT(eng_golden_ratio(170.05537221236997, &tr) == 0.5);
    T_ASSERT(eng_golden_ratio(-8.0, &tr) == 0.5); /* negative P never matches */
    T_END;
}

int test_0455_prime_resonance(void);
int test_0455_prime_resonance(void)
{
    bool tr = true;
    T_BEGIN;
    /* TV16 */
    T_ASSERT(eng_prime_resonance(8.0, &tr) == 0.55); /* near 7 */
    T_ASSERT(!tr);
    T_ASSERT(eng_prime_resonance(-5.5, &tr) == 0.75); /* 5, 11, digit sum 5 */
    T_ASSERT(tr);
    T_ASSERT(eng_prime_resonance(3.0, &tr) == 0.75);  /* 3 and digit sum 3 */
    T_ASSERT(eng_prime_resonance(16.0, &tr) == 0.65); /* digit sum 7 only */
    T_ASSERT(tr);
    /* no hit: within 1 of a prime, or not */
    T_ASSERT(eng_prime_resonance(0.0, &tr) == 0.5); /* nearest prime 2 is 2 away */
    T_ASSERT(!tr);
    T_ASSERT(eng_prime_resonance(1.0, &tr) == 0.65); /* int(2·1) = 2 is prime */
    T_ASSERT(tr);
    T_ASSERT(eng_prime_resonance(0.5, &tr) == 0.5);   /* 0, 1, digit sum 0 */
    T_ASSERT(eng_prime_resonance(10.0, &tr) == 0.55); /* distance 1 to 11: at the limit */
    T_ASSERT(!tr);
    T_ASSERT(eng_prime_resonance(9.0, &tr) == 0.5);  /* distance 2: just outside */
    T_ASSERT(eng_prime_resonance(26.0, &tr) == 0.5);
    T_ASSERT(eng_prime_resonance(98.0, &tr) == 0.65); /* digit sum 17 is among the first ten */
    T_ASSERT(eng_prime_resonance(100.0, &tr) == 0.5); /* nearest 97 is 3 away */
    T_ASSERT(eng_prime_resonance(1.5, &tr) == 0.65);  /* int(3.0) = 3 */
    T_END;
}

int test_0456_symmetry(void);
int test_0456_symmetry(void)
{
    bool tr = false;
    T_BEGIN;
    /* TV16 */
    T_ASSERT(eng_symmetry(8.0, &tr) == 0.5); /* "80" */
    T_ASSERT(!tr);
    T_ASSERT(eng_symmetry(-5.5, &tr) == 0.75); /* "55" palindrome + repeating */
    T_ASSERT(tr);
    T_ASSERT(eng_symmetry(3.0, &tr) == 0.5); /* "30" */
    /* D8: 22.0 reads "220" (an int 22 would read "22", a palindrome) */
    T_ASSERT(eng_symmetry(22.0, &tr) == 0.5);
    T_ASSERT(eng_symmetry(0.0, &tr) == 0.75); /* "00" */
    T_ASSERT(eng_symmetry(1.1, &tr) == 0.75);
    T_ASSERT(eng_symmetry(12.21, &tr) == 0.75); /* palindrome + mirror */
    T_ASSERT(eng_symmetry(12.1, &tr) == 0.65);  /* "121": palindrome, too short for mirror */
    T_ASSERT(eng_symmetry(111.1, &tr) == 0.75); /* three kinds */
    /* sequences need 3 digits */
    T_ASSERT(eng_symmetry(4.5, &tr) == 0.5); /* "45" */
    T_ASSERT(!tr);
    T_ASSERT(eng_symmetry(1.23, &tr) == 0.65);
    T_ASSERT(tr);
    T_ASSERT(eng_symmetry(3.21, &tr) == 0.65);
    T_ASSERT(eng_symmetry(-4.32, &tr) == 0.65);
    T_ASSERT(eng_symmetry(123.4, &tr) == 0.65);
    T_ASSERT(eng_symmetry(33.3, &tr) == 0.75);
    T_ASSERT(eng_symmetry(11.0, &tr) == 0.5); /* "110" */
    T_ASSERT(eng_symmetry(121.0, &tr) == 0.5); /* "1210" */
    /* exponent form: the original's int('e') raises -> 0.5 */
    T_ASSERT(eng_symmetry(1e-05, &tr) == 0.5);
    T_ASSERT(!tr);
    T_END;
}

int test_0457_gann(void);
int test_0457_gann(void)
{
    eng_gann_sq_t sq;
    double ang = -1;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    /* TV10 */
    T_ASSERT(eng_gann(6.5, 220, &ang, NULL) == 0.0); /* 197.8: WEAK */
    T_ASSERT_DBL(ang, 197.82351244670122, 1e-9);
    eng_gann_square(6.5, &sq);
    T_ASSERT(!sq.resonant && sq.strength == 0 && sq.closest == 180);
    T_ASSERT(eng_gann(7, 220, &ang, NULL) == 0.15); /* 232.5 near 225 */
    T_ASSERT_DBL(ang, 232.47047198325265, 1e-9);
    T_ASSERT(eng_gann(4, 225, &ang, &why) == 0.25); /* 0/0: MODERATE + combined */
    T_ASSERT(ang == 0.0);
    T_ASSERT_STR(eng_why_get(&why, 0),
                 "gann: spread 4.0 at 0.0 deg near 0 (MODERATE, total resonant too) +0.25");
    eng_gann_square(220, &sq);
    T_ASSERT(!sq.resonant);
    T_ASSERT_DBL(sq.angle, 299.66291070887735, 1e-9);
    T_ASSERT(eng_gann(-5.5, 220, &ang, NULL) == 0.0); /* TV25: angle 124.3 */
    T_ASSERT_DBL(ang, 124.27483676821736, 1e-9);
    /* STRONG at 180 (6.25 -> 2.5 -> 180.0), and with a resonant total */
    T_ASSERT(eng_gann(6.25, 220, NULL, NULL) == 0.25);
    T_ASSERT(eng_gann(-6.25, 225, NULL, NULL) == 0.35);
    /* 10 degree window: 8.94 in, 10.72 out; 350.94 in, 346.37 out */
    eng_gann_square(4.1, &sq);
    T_ASSERT(sq.resonant && sq.closest == 0 && sq.strength == 1);
    eng_gann_square(4.12, &sq);
    T_ASSERT(!sq.resonant);
    eng_gann_square(3.9, &sq);
    T_ASSERT(sq.resonant && sq.closest == 0 && sq.strength == 1);
    eng_gann_square(3.85, &sq);
    T_ASSERT(!sq.resonant);
    /* ties between 0 and 360 go to 0, except where float rounding makes 360 closer (81.5) */
    eng_gann_square(9, &sq);
    T_ASSERT(sq.closest == 0 && sq.strength == 1);
    eng_gann_square(81.5, &sq);
    T_ASSERT(sq.resonant && sq.closest == 360 && sq.strength == 2);
    /* not applied without a spread or a total */
    T_ASSERT(eng_gann(0, 225, &ang, NULL) == 0.0);
    T_ASSERT(ang == 0.0);
    T_ASSERT(eng_gann(4, 0, NULL, NULL) == 0.0);
    T_END;
}

int test_0458_hurst(void);
int test_0458_hurst(void)
{
    static const double tv19[] = {-3.0, -3.0, -3.5, -3.5, -4.0, -4.0, -4.5, -4.0, -4.5, -5.0,
                                  -5.0, -5.5, -5.0, -5.5, -6.0, -6.0, -6.5, -6.0, -6.5, -7.0};
    static const double updown[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1};
    double alt[20] = {0}, flat[20] = {0};
    const char *reg = NULL;
    int i;
    T_BEGIN;
    for (i = 0; i < 20; i++)
        alt[i] = i % 2;
    /* TV19 */
    T_ASSERT(eng_hurst(tv19, 20, &reg) == 0.386);
    T_ASSERT_STR(reg, "MEAN_REVERTING");
    T_ASSERT(eng_hurst_glitch_score(eng_hurst(tv19, 20, NULL)) == 0.614);
    /* 19 points: insufficient (GLITCH still counts it from 10 points: 0.5, triggered) */
    T_ASSERT(eng_hurst(tv19, 19, &reg) == 0.5);
    T_ASSERT_STR(reg, "INSUFFICIENT_DATA");
    T_ASSERT(eng_hurst_glitch_score(0.5) == 0.5);
    T_ASSERT(eng_hurst(updown, 20, &reg) == 0.784);
    T_ASSERT_STR(reg, "TRENDING");
    T_ASSERT(eng_hurst(alt, 20, &reg) == 0.355);
    T_ASSERT_STR(reg, "MEAN_REVERTING");
    T_ASSERT(eng_hurst_glitch_score(0.355) == 0.645);
    T_ASSERT(eng_hurst(flat, 20, &reg) == 0.5); /* R/S = 0 */
    T_ASSERT_STR(reg, "RANDOM_WALK");
    T_END;
}

int test_0459_glitch(void);
int test_0459_glitch(void)
{
    eng_glitch_sig_t s[ENG_GLITCH__CNT];
    double g10 = -1, w1[ENG_GLITCH__CNT] = {0};
    eng_why_t why;
    int i;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_CHROME] == 0.20);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_VOID] == 0.12);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_NOOSPHERE] == 0.15);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_HURST] == 0.25);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_KP] == 0.33);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_GOLDEN] == 0.04);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_PRIME] == 0.03);
    T_ASSERT(eng_glitch_default_weights[ENG_GLITCH_SYMMETRY] == 0.03);

    /* TV17 prop: chrome 0.85, void 0.7, schumann 0.5, golden 0.5, prime 0.65, symmetry 0.5 */
    memset(s, 0, sizeof(s));
    s[ENG_GLITCH_CHROME] = (eng_glitch_sig_t){true, 0.85, true};
    s[ENG_GLITCH_VOID] = (eng_glitch_sig_t){true, 0.7, false};
    s[ENG_GLITCH_KP] = (eng_glitch_sig_t){true, 0.5, true};
    s[ENG_GLITCH_GOLDEN] = (eng_glitch_sig_t){true, 0.5, false};
    s[ENG_GLITCH_PRIME] = (eng_glitch_sig_t){true, 0.65, true};
    s[ENG_GLITCH_SYMMETRY] = (eng_glitch_sig_t){true, 0.5, false};
    T_ASSERT(eng_glitch(s, eng_glitch_default_weights, &g10, &why) == 0.19649999999999992);
    T_ASSERT(g10 == 6.31);
    T_ASSERT_STR(eng_why_get(&why, 0), "glitch: 6.31/10 (3 triggered: chrome,kp,prime) +0.1965");

    /* TV17 spread pick: void 0.7, schumann NORMAL 0.7, golden 0.5, prime 0.75, symmetry 0.75 */
    memset(s, 0, sizeof(s));
    s[ENG_GLITCH_VOID] = (eng_glitch_sig_t){true, 0.7, false};
    s[ENG_GLITCH_KP] = (eng_glitch_sig_t){true, 0.7, false};
    s[ENG_GLITCH_GOLDEN] = (eng_glitch_sig_t){true, 0.5, false};
    s[ENG_GLITCH_PRIME] = (eng_glitch_sig_t){true, 0.75, true};
    s[ENG_GLITCH_SYMMETRY] = (eng_glitch_sig_t){true, 0.75, true};
    T_ASSERT(eng_glitch(s, eng_glitch_default_weights, &g10, NULL) == 0.28650000000000003);
    T_ASSERT(g10 == 6.91);

    /* nothing present: 5.0 and 0 */
    memset(s, 0, sizeof(s));
    T_ASSERT(eng_glitch(s, eng_glitch_default_weights, &g10, NULL) == 0.0);
    T_ASSERT(g10 == 5.0);
    /* extremes: ±0.75 */
    for (i = 0; i < ENG_GLITCH__CNT; i++)
        s[i] = (eng_glitch_sig_t){true, 1.0, true};
    T_ASSERT(eng_glitch(s, eng_glitch_default_weights, &g10, NULL) == 0.75);
    T_ASSERT(g10 == 10.0);
    for (i = 0; i < ENG_GLITCH__CNT; i++)
        s[i] = (eng_glitch_sig_t){true, 0.0, false};
    T_ASSERT(eng_glitch(s, eng_glitch_default_weights, &g10, NULL) == -0.75);
    /* round(10·g, 2) on the binary value: 6.345 is stored below the half -> 6.34 */
    memset(s, 0, sizeof(s));
    w1[ENG_GLITCH_HURST] = 1.0;
    s[ENG_GLITCH_HURST] = (eng_glitch_sig_t){true, 0.6345, true};
    T_ASSERT(eng_glitch(s, w1, &g10, NULL) == 0.20099999999999998);
    T_ASSERT(g10 == 6.34);
    T_ASSERT_STR(eng_glitch_name(ENG_GLITCH_SYMMETRY), "symmetry");
    T_ASSERT_STR(eng_glitch_name(ENG_GLITCH__CNT), "?");
    T_END;
}

int test_0460_rivalry(void);
int test_0460_rivalry(void)
{
    const char *pair = "x";
    T_BEGIN;
    T_ASSERT_INT(eng_rivalry_pairs(NULL), ==, ENG_RIVALRY_PAIRS);
    T_ASSERT_INT(eng_rivalry_pairs("NBA"), ==, 35);
    T_ASSERT_INT(eng_rivalry_pairs("NFL"), ==, 46);
    T_ASSERT_INT(eng_rivalry_pairs("NHL"), ==, 36);
    T_ASSERT_INT(eng_rivalry_pairs("mlb"), ==, 36);
    T_ASSERT_INT(eng_rivalry_pairs("NCAAB"), ==, 51);
    T_ASSERT_INT(eng_rivalry_pairs("EPL"), ==, 0);

    /* both orientations of the first NBA pair */
    T_ASSERT_INT(eng_rivalry("NBA", "Boston Celtics", "Los Angeles Lakers", &pair), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_STR(pair, "boston|celtics ~ la lakers|lakers|los angeles lakers");
    T_ASSERT_INT(eng_rivalry("nba", "Los Angeles Lakers", "Boston Celtics", &pair), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_INT(eng_rivalry("NBA", "Los Angeles Lakers", "Los Angeles Clippers", &pair), ==,
                 ENG_RIVALRY_MEDIUM);
    T_ASSERT_STR(pair, "lakers|los angeles lakers ~ clippers|los angeles clippers");
    T_ASSERT_INT(eng_rivalry("NBA", "Boston Celtics", "New York Knicks", NULL), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_INT(eng_rivalry("NBA", "Utah Jazz", "Orlando Magic", &pair), ==, ENG_RIVALRY_NONE);
    T_ASSERT(pair == NULL);
    /* the sport restricts the search */
    T_ASSERT_INT(eng_rivalry("NFL", "Boston Celtics", "Los Angeles Lakers", NULL), ==,
                 ENG_RIVALRY_NONE);
    T_ASSERT_INT(eng_rivalry("EPL", "Boston Celtics", "Los Angeles Lakers", NULL), ==,
                 ENG_RIVALRY_NONE);
    T_ASSERT_INT(eng_rivalry("NFL", "New York Jets", "Buffalo Bills", &pair), ==,
                 ENG_RIVALRY_MEDIUM);
    T_ASSERT_STR(pair, "bills|buffalo ~ jets|new york jets");
    T_ASSERT_INT(eng_rivalry("NFL", "NEW YORK GIANTS", "Dallas Cowboys", NULL), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_INT(eng_rivalry("NHL", "New York Rangers", "New York Islanders", NULL), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_INT(eng_rivalry("MLB", "Chicago White Sox", "Chicago Cubs", &pair), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_STR(pair, "chicago white sox|white sox ~ chicago cubs|cubs");
    /* substring keywords: "kansas" is inside "kansas state" */
    T_ASSERT_INT(eng_rivalry("NCAAB", "Kansas Jayhawks", "Kansas State Wildcats", &pair), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_STR(pair, "jayhawks|kansas ~ k-state|kansas state|wildcats");
    T_ASSERT_INT(eng_rivalry("NCAAB", "St. John's Red Storm", "Seton Hall Pirates", NULL), ==,
                 ENG_RIVALRY_MEDIUM);
    /* last row of the table */
    T_ASSERT_INT(eng_rivalry("NCAAB", "New Mexico Lobos", "New Mexico State Aggies", &pair), ==,
                 ENG_RIVALRY_HIGH);
    T_ASSERT_INT(eng_rivalry("NBA", NULL, "Boston Celtics", NULL), ==, ENG_RIVALRY_NONE);
    T_END;
}

int test_0461_rivalry_value(void);
int test_0461_rivalry_value(void)
{
    T_BEGIN;
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_HIGH, false) == 0.25);
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_HIGH, true) == -0.15);
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_MEDIUM, false) == 0.15);
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_MEDIUM, true) == -0.08);
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_NONE, true) == 0.0);
    T_ASSERT(eng_rivalry_value(ENG_RIVALRY_NONE, false) == 0.0);
    T_END;
}

int test_0462_venue(void);
int test_0462_venue(void)
{
    int ft = -1;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    /* altitude */
    T_ASSERT(eng_altitude("NFL", "Denver Broncos", &ft) == 0.3);
    T_ASSERT_INT(ft, ==, 5280);
    T_ASSERT(eng_altitude("MLB", "Colorado Rockies", &ft) == 0.8);
    T_ASSERT_INT(ft, ==, 5200);
    T_ASSERT(eng_altitude("NBA", "Denver Nuggets", &ft) == 0.0);
    T_ASSERT_INT(ft, ==, 0);
    T_ASSERT(eng_altitude("NFL", "Kansas City Chiefs", &ft) == 0.0);
    T_ASSERT(eng_altitude("MLB", "Unknown Team", &ft) == 0.0);
    T_ASSERT(eng_altitude_boost("MLB", 4999) == 0.2);
    T_ASSERT(eng_altitude_boost("MLB", 5000) == 0.8);
    T_ASSERT(eng_altitude_boost("nfl", 5000) == 0.3);
    T_ASSERT(eng_altitude_boost("NFL", 3000) == 0.2);
    T_ASSERT(eng_altitude_boost("NFL", 2999) == 0.0);
    T_ASSERT(eng_altitude_boost("NBA", 5280) == 0.0);
    /* surface */
    T_ASSERT(eng_surface("NFL", "Dallas Cowboys", "player_pass_yds", "Over", &why) == 0.10);
    T_ASSERT_STR(eng_why_get(&why, 0), "surface: turf favours passing at AT&T Stadium +0.10");
    T_ASSERT(eng_surface("NFL", "Dallas Cowboys", "player_rush_yds", "Over", NULL) == -0.05);
    T_ASSERT(eng_surface("NFL", "Dallas Cowboys", "totals", "Over", NULL) == 0.05);
    T_ASSERT(eng_surface("NFL", "Dallas Cowboys", "totals", "Under", NULL) == 0.0);
    T_ASSERT(eng_surface("NFL", "Dallas Cowboys", "spreads", "Dallas Cowboys", NULL) == 0.0);
    T_ASSERT(eng_surface("NFL", "Green Bay Packers", "player_rush_yds", "Under", NULL) == 0.05);
    T_ASSERT(eng_surface("NFL", "Green Bay Packers", "player_pass_yds", "Over", NULL) == 0.0);
    T_ASSERT(eng_surface("MLB", "Toronto Blue Jays", "totals", "Over", NULL) == 0.05);
    T_ASSERT(eng_surface("NBA", "Dallas Mavericks", "totals", "Over", NULL) == 0.0);
    T_ASSERT(eng_surface("NFL", "Nowhere Team", "totals", "Over", NULL) == 0.0);
    /* MLB park factor */
    T_ASSERT(eng_park_factor_of("Colorado Rockies") == 1.15);
    T_ASSERT(eng_park_factor_of("New York Yankees") == 1.0);
    T_ASSERT(eng_park_factor("Colorado Rockies", true, 1.5, NULL) == 0.11249999999999993);
    T_ASSERT(eng_park_factor("Colorado Rockies", false, 0.0, NULL) == -0.1574999999999999);
    T_ASSERT(eng_park_factor("Seattle Mariners", true, 0.5, NULL) == -0.017499999999999988);
    T_ASSERT(eng_park_factor("Seattle Mariners", false, 6.5, NULL) == 0.1364999999999999);
    T_ASSERT(eng_park_factor("Cincinnati Reds", true, 1.5, NULL) == 0.06000000000000005);
    T_ASSERT(eng_park_factor("New York Yankees", true, 1.5, NULL) == 0.0);
    T_ASSERT(eng_park_adj(0.95, true, 2.0) == 0.0);
    T_ASSERT(eng_park_adj(1.05, true, 2.0) == 0.0);
    T_ASSERT(eng_park_adj(0.9499, true, 2.0) == -0.05010000000000003);
    T_ASSERT(eng_park_adj(1.0501, true, 2.0) == 0.05010000000000003);
    T_END;
}

int test_0463_phase8(void);
int test_0463_phase8(void)
{
    eng_phase8_in_t in = {0};
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT(eng_phase8(&in, &why) == 0.0);
    T_ASSERT_INT(why.n, ==, 0);
    in.mercury = -0.15;
    in.rivalry = 0.25;
    T_ASSERT(eng_phase8(&in, NULL) == 0.1); /* 0.09999999999999998 rounded to 3 places */
    in = (eng_phase8_in_t){0.25, -0.15, 0.25, 0.2, 0.15}; /* 0.7000000000000001 */
    T_ASSERT(eng_phase8(&in, &why) == 0.5);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "(capped)");
    in = (eng_phase8_in_t){0.25, 0, 0.25, 0, 0}; /* exactly at the cap */
    T_ASSERT(eng_phase8(&in, NULL) == 0.5);
    in = (eng_phase8_in_t){0.25, 0, 0.25, 0, 0.025}; /* just above */
    T_ASSERT(eng_phase8(&in, NULL) == 0.5);
    in = (eng_phase8_in_t){0.2, 0, 0.25, 0, 0.025}; /* just below */
    T_ASSERT(eng_phase8(&in, NULL) == 0.475);
    in = (eng_phase8_in_t){-0.15, -0.15, -0.15, -0.15, 0};
    T_ASSERT(eng_phase8(&in, NULL) == -0.5);
    in = (eng_phase8_in_t){-0.15, -0.15, -0.15, 0, 0};
    T_ASSERT(eng_phase8(&in, NULL) == -0.45);
    T_END;
}

int test_0464_fib_retracement(void);
int test_0464_fib_retracement(void)
{
    char b[ENG_SEASON_LABEL_MAX];
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT(eng_fib_retracement(8, 3, 13, &why) == 0.35); /* 50 % */
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "REVERSAL_ZONE");
    T_ASSERT(eng_fib_retracement(5.36, 3, 13, NULL) == 0.20);  /* 23.6 % */
    T_ASSERT(eng_fib_retracement(10.86, 3, 13, NULL) == 0.20); /* 78.6 % */
    /* "near" is strictly under 3 points */
    T_ASSERT(eng_fib_retracement(47.0, 0, 100, NULL) == 0.0);
    T_ASSERT(eng_fib_retracement(47.01, 0, 100, NULL) == 0.35);
    T_ASSERT(eng_fib_retracement(52.99, 0, 100, NULL) == 0.35);
    T_ASSERT(eng_fib_retracement(53.0, 0, 100, NULL) == 0.0);
    T_ASSERT(eng_fib_retracement(7.7, 3, 13, NULL) == 0.0); /* 47.0 % */
    T_ASSERT(eng_fib_retracement(9.5, 3, 13, NULL) == 0.0); /* 65 %: 3.2 from 61.8 */
    T_ASSERT(eng_fib_retracement(30.9, 0, 100, NULL) == 0.0);
    T_ASSERT(eng_fib_retracement(5, 5, 5, NULL) == 0.0); /* no range */
    /* season label, September rollover */
    T_ASSERT_STR(eng_season_label(eng_cal_days(2026, 2, 15), b, sizeof(b)), "2025-26");
    T_ASSERT_STR(eng_season_label(eng_cal_days(2025, 9, 1), b, sizeof(b)), "2025-26");
    T_ASSERT_STR(eng_season_label(eng_cal_days(2025, 8, 31), b, sizeof(b)), "2024-25");
    T_ASSERT_STR(eng_season_label(eng_cal_days(1999, 12, 1), b, sizeof(b)), "1999-00");
    T_ASSERT_INT(eng_season_year(eng_cal_days(2026, 1, 1)), ==, 2025);
    T_END;
}
