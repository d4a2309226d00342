/*
 * research — the Research engine of one candidate (see research.h): the splits pillars (sharp
 * money, public fade, splits base), line variance, ESPN, liquidity, the post-adjustments, and the
 * side-aware crediting of D2 and the officials placement of D5.
 */
#include "research.h"

#include <math.h>
#include <stddef.h>

#include "pynum.h"

/* Threshold tables: first row whose test passes gives the points. */
typedef struct {
    double min;       /* value >= min */
    double pts;       /* points */
    const char *name; /* label */
} step_t;

static const step_t SHARP_STEPS[] = {
    {20.0, 3.0, "STRONG"},
    {10.0, 1.5, "MODERATE"},
    {5.0, 0.5, "MILD"},
};

static const step_t FADE_STEPS[] = {
    {80.0, 2.0, "FADE"},
    {75.0, 2.0, "FADE"},
    {70.0, 1.5, "FADE"},
    {65.0, 1.0, "FADE"},
};

static const step_t LIQUIDITY_STEPS[] = {
    {8.0, 0.5, NULL},
    {5.0, 0.3, NULL},
    {3.0, 0.1, NULL},
};

#define NSTEPS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const step_t *step_find(const step_t *t, int n, double v)
{
    for (int i = 0; i < n; i++)
        if (v >= t[i].min)
            return &t[i];
    return NULL;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static const char *side_name(int side)
{
    switch (side) {
    case ENG_PICK_HOME: return "home";
    case ENG_PICK_AWAY: return "away";
    case ENG_PICK_OVER: return "over";
    case ENG_PICK_UNDER: return "under";
    default: return "none";
    }
}

/* The splits side (HOME or AWAY) a pick belongs to; Over reads as home, Under as away. */
static int splits_side(int pick)
{
    switch (pick) {
    case ENG_PICK_HOME:
    case ENG_PICK_OVER: return ENG_PICK_HOME;
    case ENG_PICK_AWAY:
    case ENG_PICK_UNDER: return ENG_PICK_AWAY;
    default: return ENG_PICK_NONE;
    }
}

const char *eng_sharp_strength(double diff)
{
    const step_t *s = step_find(SHARP_STEPS, NSTEPS(SHARP_STEPS), fabs(diff));
    return s ? s->name : "NONE";
}

static double sharp_points(double diff)
{
    const step_t *s = step_find(SHARP_STEPS, NSTEPS(SHARP_STEPS), fabs(diff));
    return s ? s->pts : 0.0;
}

double eng_public_fade(double public_pct, bool has_tm, double ticket, double money,
                       const char **label)
{
    const step_t *s = step_find(FADE_STEPS, NSTEPS(FADE_STEPS), clampd(public_pct, 0.0, 100.0));
    double pts = s ? s->pts : 0.0;
    bool fade = s != NULL;
    const char *lab = fade ? "FADE" : "NEUTRAL";

    if (has_tm) {
        double div = fabs(ticket - money);
        if (ticket > 60.0 && money < 45.0 && div >= 20.0) {
            pts = fmin(2.5, pts + 0.5);
        } else if (div >= 5.0 && !fade) {
            pts = fmin(2.0, pts + 0.5);
            lab = "LEAN_MONEY";
        }
    }
    if (label)
        *label = lab;
    return pts;
}

double eng_weather_research(double temp_f, double wind_mph, double precip_in, double humidity)
{
    double m = 0.0;

    if (wind_mph >= 20.0)
        m -= 0.15;
    else if (wind_mph >= 15.0)
        m -= 0.10;
    if (temp_f < 32.0)
        m -= 0.10;
    if (precip_in >= 0.3)
        m -= 0.10;
    else if (precip_in >= 0.1)
        m -= 0.05;
    if (humidity >= 80.0)
        m -= 0.05;
    return fmax(m, -0.35);
}

double eng_officials(int pick, bool db, double over_pct, double home_bias)
{
    bool totals = pick == ENG_PICK_OVER || pick == ENG_PICK_UNDER;
    bool first = pick == ENG_PICK_OVER || pick == ENG_PICK_HOME; /* Over / home side */

    if (pick == ENG_PICK_NONE)
        return 0.0;
    if (!db) {
        double v = totals ? (over_pct - 0.5) * 5.0 : home_bias * 5.0;
        return clampd(first ? v : -v, -0.5, 0.5);
    }
    if (totals) {
        if (first)
            return over_pct >= 0.55 ? 0.3 : over_pct >= 0.52 ? 0.15 : 0.0;
        return over_pct <= 0.45 ? 0.3 : over_pct <= 0.48 ? 0.15 : 0.0;
    }
    if (first)
        return home_bias >= 0.03 ? 0.2 : home_bias >= 0.015 ? 0.1 : 0.0;
    return home_bias <= -0.03 ? 0.2 : home_bias <= -0.015 ? 0.1 : 0.0;
}

static double espn_points(double spread_diff, double total_diff)
{
    double p = 0.0;

    if (!isnan(spread_diff)) {
        double d = fabs(spread_diff);
        p = d <= 0.5 ? 0.5 : d <= 1.0 ? 0.25 : 0.0;
    }
    if (p == 0.0 && !isnan(total_diff)) {
        double d = fabs(total_diff);
        p = d <= 1.0 ? 0.5 : d <= 2.0 ? 0.25 : 0.0;
    }
    return p;
}

/* Splits pillars: sharp, public fade, base. Fills out; adds reasons. */
static void splits_pillars(const eng_research_in_t *in, eng_research_out_t *o, eng_why_t *why)
{
    int me = splits_side(in->pick);
    bool agnostic = in->original || me == ENG_PICK_NONE;
    double t = in->ticket_pct, m = in->money_pct, diff, fade;
    const char *lab = "NEUTRAL";

    o->sharp_strength = "NONE";
    o->sharp_side = ENG_PICK_NONE;
    o->public_side = ENG_PICK_NONE;
    o->public_label = "NEUTRAL";
    if (!in->has_splits) {
        /* no splits: public defaults to 50 → no fade; base 2.0 */
        o->base = 2.0;
        eng_why_add(why, "research: no ticket/money splits, base +2.00");
        return;
    }
    diff = fabs(m - t);
    o->base = diff >= 3.0 ? 3.0 : 2.5;
    eng_why_add(why, "research: splits present (tickets %.0f%%, money %.0f%%), base +%.2f", t, m,
                o->base);

    o->sharp_strength = eng_sharp_strength(diff);
    o->sharp_side = m > t ? ENG_PICK_HOME : ENG_PICK_AWAY;
    if (sharp_points(diff) > 0.0) {
        if (agnostic || me == o->sharp_side) {
            o->sharp = sharp_points(diff);
            eng_why_add(why, "research: sharp money %s on %s (|money - tickets| %.0f) +%.2f",
                        o->sharp_strength, side_name(o->sharp_side), diff, o->sharp);
        } else {
            eng_why_add(why, "research: sharp money %s is on the %s side, not this pick",
                        o->sharp_strength, side_name(o->sharp_side));
        }
    }

    if (agnostic) {
        /* the original's home view: public = home tickets */
        o->public_side = t >= 50.0 ? ENG_PICK_HOME : ENG_PICK_AWAY;
        fade = eng_public_fade(t, true, t, m, &lab);
        o->public_fade = fade;
    } else {
        bool home_public = t >= 50.0;
        double pt = home_public ? t : 100.0 - t, pm = home_public ? m : 100.0 - m;
        o->public_side = home_public ? ENG_PICK_HOME : ENG_PICK_AWAY;
        fade = eng_public_fade(pt, true, pt, pm, &lab);
        o->public_fade = me != o->public_side ? fade : 0.0;
    }
    o->public_label = lab;
    if (o->public_fade > 0.0)
        eng_why_add(why, "research: fade the public (on %s, signal %s) +%.2f",
                    side_name(o->public_side), lab, o->public_fade);
    else if (fade > 0.0)
        eng_why_add(why, "research: public fade %.2f goes to the side opposite the public (%s)",
                    fade, side_name(o->public_side));
}

double eng_research(const eng_research_in_t *in, eng_research_out_t *out, eng_why_t *why)
{
    eng_research_out_t o = {0};
    double sum;

    splits_pillars(in, &o, why);

    if (in->has_lv) {
        double lv = eng_py_round(in->line_variance, 1);
        o.line = lv > 1.5 ? 3.0 : lv > 0.5 ? 1.5 : 0.0;
        if (o.line > 0.0)
            eng_why_add(why, "research: line variance %.1f (RLM) +%.2f", lv, o.line);
    }
    if (in->has_espn) {
        o.espn = espn_points(in->espn_spread_diff, in->espn_total_diff);
        if (o.espn > 0.0)
            eng_why_add(why, "research: ESPN line agrees +%.2f", o.espn);
    }
    {
        const step_t *s = step_find(LIQUIDITY_STEPS, NSTEPS(LIQUIDITY_STEPS), (double)in->books);
        o.liquidity = s ? s->pts : 0.0;
        if (s)
            eng_why_add(why, "research: liquidity %d books +%.2f", in->books, o.liquidity);
    }

    sum = o.base + o.sharp + o.line + o.public_fade + o.espn + o.liquidity;
    o.research = fmin(10.0, sum);

    if (in->has_season_avg && in->season_avg > 0.0) {
        double d = (in->prop_line - in->season_avg) / in->season_avg;
        o.line_difficulty = d < -0.15 ? 0.3 : d > 0.15 ? -0.2 : 0.0;
        o.research += o.line_difficulty;
        if (o.line_difficulty != 0.0)
            eng_why_add(why, "research: prop line %.1f vs season average %.1f %+.2f",
                        in->prop_line, in->season_avg, o.line_difficulty);
    }
    if (in->has_weather && in->weather_sport) {
        o.weather = eng_weather_research(in->temp_f, in->wind_mph, in->precip_in, in->humidity);
        o.research += o.weather;
        if (o.weather != 0.0)
            eng_why_add(why, "research: weather %.2f", o.weather);
    }
    if (in->has_officials) {
        o.officials =
            eng_officials(in->pick, in->officials_db, in->officials_over_pct,
                          in->officials_home_bias);
        if (o.officials != 0.0)
            eng_why_add(why, "research: officials %+.2f%s", o.officials,
                        in->original ? " (after BASE: gates only)" : "");
    }
    o.research_gates = o.research + o.officials;
    if (!in->original)
        o.research = o.research_gates;
    if (out)
        *out = o;
    return o.research;
}
