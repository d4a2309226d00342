/*
 * research — the Research engine (Engine 2) of spec/original-scoring.md §5.1–§5.2: sharp money
 * from ticket/money splits, line variance, public fade, the splits-present base, the ESPN
 * cross-check, liquidity, the NBA-prop line difficulty, the weather research penalty of §3.5 and
 * the officials pillar (Pillar 16). It turns the game-level inputs into the research score of one
 * candidate, with each pillar's points reported separately.
 *
 * Savant differs from the original here (DESIGN.md §8), selected by `original`:
 *  - D2: the original credits sharp money, line variance and public fade to both sides alike.
 *    Savant credits sharp money only to the side the money is on, the public fade only to the side
 *    opposite the public, and line variance, the splits base, ESPN and liquidity to both sides.
 *    Example (TV20, home tickets 62 / money 40, lv 1.0, 8 books): original 8.5 for both sides;
 *    Savant home 3.0 + 1.5 + 0.5 = 5.0 (no sharp: money 40 < tickets 62 is on the away side; the
 *    public is on home, so home gets no fade), away 8.5 (sharp STRONG: away money 60 vs tickets
 *    38; the +0.5 divergence bonus goes to the side opposite the public).
 *  - D5: the original adds officials after BASE (they move only Titanium and the gates); Savant
 *    adds them to the research score that enters BASE.
 *
 * Decisions where the spec leaves a choice (copied to docs/scoring.md):
 *  - Splits are the home side's (the Over's for totals). In Savant mode the away (Under) side's
 *    tickets and money are 100 − home. The public is on home when home tickets >= 50 (a 50/50 split
 *    counts as home, matching the original's home-view computation), else on away; the fade is
 *    eng_public_fade() computed from the public side's own ticket/money and credited to the other
 *    side. ENG_PICK_NONE (props) keeps the original side-agnostic rules in both modes.
 *  - Over is treated as the "home" side and Under as the "away" side for sharp/public sides.
 *  - Line variance is rounded to 1 dp (Python round) before the > 1.5 / > 0.5 tests, as §5.1
 *    rounds it; rounding an already rounded value changes nothing.
 *  - ESPN: a NaN difference means that line is missing; the spread check comes first and the
 *    total check is used only when the spread check gave 0 points. Differences are taken as |x|.
 *  - Line difficulty needs season_avg > 0; it stays side-agnostic in both modes.
 *  - Post-adjustments (line difficulty, weather, officials in Savant mode) are added after the
 *    min(10, …) cap and are not re-clamped, as §5.2 states.
 *  - Officials: only for HOME/AWAY picks (spread tendency, home_bias) and OVER/UNDER picks
 *    (totals tendency, over_pct); ENG_PICK_NONE gets 0. The mirror rules credit the Under
 *    (over_pct <= .45 → +0.3, <= .48 → +0.15) and the away side (home_bias <= −.03 → +0.2,
 *    <= −.015 → +0.1); the static fallback is (over_pct − .5)·5 for Over, negated for Under,
 *    home_bias·5 for home, negated for away, capped ±0.5. Sport eligibility (NBA/NFL/NHL) and the
 *    weather sports (NFL/MLB/NCAAF, game picks) are decided by the caller through has_officials
 *    and weather_sport.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_RESEARCH_H
#define SV_ENG_RESEARCH_H

#include <stdbool.h>

#include "why.h"

/** Which side a candidate picks, for side-aware research (D2). */
enum eng_pick_side {
    ENG_PICK_NONE = 0, /* side-agnostic (props): the original's rules */
    ENG_PICK_HOME = 1,
    ENG_PICK_AWAY = 2,
    ENG_PICK_OVER = 3, /* totals: treated as the "home" side of the splits */
    ENG_PICK_UNDER = 4 /* totals: treated as the "away" side of the splits */
};

typedef struct eng_research_in {
    bool has_splits;          /* ticket/money percentages known */
    double ticket_pct;        /* tickets on the HOME side (Over for totals), 0–100 */
    double money_pct;         /* money on the HOME side (Over for totals), 0–100 */
    int pick;                 /* enum eng_pick_side */
    bool has_lv;              /* line variance known (>= 2 books) */
    double line_variance;     /* max − min of the home spread over books */
    int books;                /* distinct books quoting this market for the game */
    bool has_espn;            /* an ESPN line exists for the game */
    double espn_spread_diff;  /* |ours − ESPN| spread, NaN if missing */
    double espn_total_diff;   /* |ours − ESPN| total, NaN if missing */
    bool has_season_avg;      /* NBA prop with a season average: line difficulty applies */
    double prop_line;         /* the prop line */
    double season_avg;        /* the player's season average of the stat */
    bool has_weather;         /* weather known */
    double temp_f;            /* temperature, °F */
    double wind_mph;          /* wind, mph */
    double precip_in;         /* precipitation, inches */
    double humidity;          /* relative humidity, % */
    bool weather_sport;       /* NFL/MLB/NCAAF game pick: the weather penalty applies */
    bool has_officials;       /* officials tendency known and the sport qualifies */
    bool officials_db;        /* tendency from the tendency store (thresholds), else static (linear) */
    double officials_over_pct;  /* crew's over rate, 0–1 (totals) */
    double officials_home_bias; /* crew's home cover bias, e.g. 0.03 (spreads) */
    bool original;            /* reproduce the original (not side-aware, officials after BASE) */
} eng_research_in_t;

typedef struct eng_research_out {
    const char *sharp_strength; /* "STRONG", "MODERATE", "MILD", "NONE" */
    int sharp_side;           /* side the money is on (ENG_PICK_HOME/AWAY), NONE without splits */
    const char *public_label; /* "FADE", "LEAN_MONEY", "NEUTRAL" (eng_public_fade label) */
    int public_side;          /* side the public is on (ENG_PICK_HOME/AWAY), NONE without splits */
    double sharp;             /* sharp money points credited to this candidate */
    double line;              /* line variance points */
    double public_fade;       /* public fade points credited to this candidate */
    double base;              /* splits-present base: 3.0 / 2.5 / 2.0 */
    double espn;              /* ESPN cross-check points */
    double liquidity;         /* liquidity points */
    double line_difficulty;   /* NBA prop line difficulty (+0.3 / −0.2 / 0) */
    double weather;           /* weather penalty (<= 0, floor −0.35) */
    double officials;         /* officials points (in research only in Savant mode) */
    double research;          /* the research score entering BASE (= return value) */
    double research_gates;    /* research for Titanium and gates (original: + officials) */
} eng_research_out_t;

/**
 * @brief Sharp strength from |money − ticket|: >= 20 STRONG, >= 10 MODERATE, >= 5 MILD, else NONE.
 * @returns a static string
 */
const char *eng_sharp_strength(double diff);

/**
 * @brief The public fade of signals/public_fade.py (TV20): public (clamped to 0–100) >= 80 or
 *        >= 75 → 2.0, >= 70 → 1.5, >= 65 → 1.0, else 0. With tickets and money: tickets > 60,
 *        money < 45 and |t − m| >= 20 → +0.5 (cap 2.5); else |t − m| >= 5 and no fade yet → +0.5
 *        (cap 2.0, label LEAN_MONEY).
 * @param label if not NULL, set to "FADE", "LEAN_MONEY" or "NEUTRAL" (static strings)
 * @returns the research points, 0–2.5
 */
double eng_public_fade(double public_pct, bool has_tm, double ticket, double money,
                       const char **label);

/**
 * @brief Weather penalty on research (§3.5): wind >= 20 −0.15 / >= 15 −0.10; temp < 32 −0.10;
 *        precip >= 0.3 −0.10 / >= 0.1 −0.05; humidity >= 80 −0.05; floor −0.35. NaN inputs are
 *        ignored.
 * @returns the penalty, −0.35 … 0
 */
double eng_weather_research(double temp_f, double wind_mph, double precip_in, double humidity);

/**
 * @brief Officials points (Pillar 16) for one pick side; see the file comment for the rules.
 * @param pick enum eng_pick_side
 * @param db true: tendency-store thresholds; false: static linear fallback capped ±0.5
 * @returns the points for this side, −0.5 … 0.5
 */
double eng_officials(int pick, bool db, double over_pct, double home_bias);

/**
 * @brief The research score of one candidate (§5.2 with D2/D5 unless in->original).
 * @param out if not NULL, filled with every pillar
 * @param why if not NULL, one reason per pillar that scored
 * @returns the research score that enters BASE
 * @locality any thread
 */
double eng_research(const eng_research_in_t *in, eng_research_out_t *out, eng_why_t *why);

#endif
