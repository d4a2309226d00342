/*
 * venue — venue tables and the altitude, surface and park-factor rules (see venue.h).
 *
 * Source: public venue facts (stadium elevations, playing surfaces, multi-year park factors).
 * Keywords are lower-case; the first row whose sport matches and any of whose keywords occurs in
 * the home team's name wins.
 */
#include "venue.h"

#include <stddef.h>
#include <string.h>

#include "pynum.h"

typedef enum { SURF_UNKNOWN, SURF_GRASS, SURF_TURF } venue_surf_t;

typedef struct venue_row {
    const char *sport;    /* "NFL" or "MLB" */
    const char *keys;     /* '|'-separated lower-case keywords of the home team */
    const char *name;     /* venue */
    int feet;             /* elevation in feet, 0 = not listed */
    venue_surf_t surface; /* playing surface */
} venue_row_t;

static const venue_row_t venue_rows[] = {
    /* NFL */
    {"NFL", "broncos|denver", "Empower Field at Mile High", 5280, SURF_GRASS},
    {"NFL", "chiefs|kansas city", "Arrowhead Stadium", 0, SURF_GRASS},
    {"NFL", "packers|green bay", "Lambeau Field", 0, SURF_GRASS},
    {"NFL", "bears|chicago", "Soldier Field", 0, SURF_GRASS},
    {"NFL", "steelers|pittsburgh", "Acrisure Stadium", 0, SURF_GRASS},
    {"NFL", "ravens|baltimore", "M&T Bank Stadium", 0, SURF_GRASS},
    {"NFL", "browns|cleveland", "Cleveland Browns Stadium", 0, SURF_GRASS},
    {"NFL", "dolphins|miami", "Hard Rock Stadium", 0, SURF_GRASS},
    {"NFL", "eagles|philadelphia", "Lincoln Financial Field", 0, SURF_GRASS},
    {"NFL", "commanders|washington", "Northwest Stadium", 0, SURF_GRASS},
    {"NFL", "49ers|san francisco", "Levi's Stadium", 0, SURF_GRASS},
    {"NFL", "buccaneers|tampa bay", "Raymond James Stadium", 0, SURF_GRASS},
    {"NFL", "jaguars|jacksonville", "EverBank Stadium", 0, SURF_GRASS},
    {"NFL", "cardinals|arizona", "State Farm Stadium", 0, SURF_GRASS},
    {"NFL", "raiders|las vegas", "Allegiant Stadium", 0, SURF_GRASS},
    {"NFL", "patriots|new england", "Gillette Stadium", 0, SURF_TURF},
    {"NFL", "jets", "MetLife Stadium", 0, SURF_TURF},
    {"NFL", "giants", "MetLife Stadium", 0, SURF_TURF},
    {"NFL", "bengals|cincinnati", "Paycor Stadium", 0, SURF_TURF},
    {"NFL", "colts|indianapolis", "Lucas Oil Stadium", 0, SURF_TURF},
    {"NFL", "texans|houston", "NRG Stadium", 0, SURF_TURF},
    {"NFL", "cowboys|dallas", "AT&T Stadium", 0, SURF_TURF},
    {"NFL", "lions|detroit", "Ford Field", 0, SURF_TURF},
    {"NFL", "vikings|minnesota", "U.S. Bank Stadium", 0, SURF_TURF},
    {"NFL", "falcons|atlanta", "Mercedes-Benz Stadium", 0, SURF_TURF},
    {"NFL", "saints|new orleans", "Caesars Superdome", 0, SURF_TURF},
    {"NFL", "rams|chargers", "SoFi Stadium", 0, SURF_TURF},
    {"NFL", "seahawks|seattle", "Lumen Field", 0, SURF_TURF},
    /* MLB */
    {"MLB", "rockies|colorado", "Coors Field", 5200, SURF_GRASS},
    {"MLB", "blue jays|toronto", "Rogers Centre", 0, SURF_TURF},
    {"MLB", "rangers|texas", "Globe Life Field", 0, SURF_TURF},
    {"MLB", "diamondbacks|arizona", "Chase Field", 0, SURF_TURF},
    {"MLB", "marlins|miami", "loanDepot park", 0, SURF_TURF},
    {"MLB", "yankees", "Yankee Stadium", 0, SURF_GRASS},
    {"MLB", "red sox|boston", "Fenway Park", 0, SURF_GRASS},
    {"MLB", "cubs", "Wrigley Field", 0, SURF_GRASS},
    {"MLB", "dodgers", "Dodger Stadium", 0, SURF_GRASS},
    {"MLB", "giants|san francisco", "Oracle Park", 0, SURF_GRASS},
    {"MLB", "padres|san diego", "Petco Park", 0, SURF_GRASS},
    {"MLB", "reds|cincinnati", "Great American Ball Park", 0, SURF_GRASS},
    {"MLB", "mariners|seattle", "T-Mobile Park", 0, SURF_GRASS},
};

/* MLB run park factors clearly outside [0.95, 1.05] (approximate multi-year values). */
typedef struct venue_park {
    const char *keys; /* '|'-separated lower-case keywords of the home team */
    const char *name; /* park */
    double factor;    /* runs relative to an average park */
} venue_park_t;

static const venue_park_t venue_parks[] = {
    {"rockies|colorado", "Coors Field", 1.15},
    {"reds|cincinnati", "Great American Ball Park", 1.08},
    {"mariners|seattle", "T-Mobile Park", 0.93},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int v_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool v_ieq(const char *a, const char *b)
{
    while (*a && *b && v_lower((unsigned char)*a) == v_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Is the lower-case kw[0..n) a substring of s, ignoring ASCII case of s? */
static bool v_contains(const char *s, const char *kw, size_t n)
{
    const char *p;
    size_t i;

    for (p = s; *p; p++) {
        for (i = 0; i < n && p[i] && v_lower((unsigned char)p[i]) == (unsigned char)kw[i]; i++)
            ;
        if (i == n)
            return true;
    }
    return n == 0;
}

static bool v_keys(const char *name, const char *keys)
{
    size_t n = strlen(keys), start = 0, i;

    for (i = 0; i <= n; i++) {
        if (i == n || keys[i] == '|') {
            if (v_contains(name, keys + start, i - start))
                return true;
            start = i + 1;
        }
    }
    return false;
}

static const venue_row_t *venue_find(const char *sport, const char *home)
{
    size_t i;

    if (!sport || !home)
        return NULL;
    for (i = 0; i < NELEM(venue_rows); i++)
        if (v_ieq(sport, venue_rows[i].sport) && v_keys(home, venue_rows[i].keys))
            return &venue_rows[i];
    return NULL;
}

double eng_altitude_boost(const char *sport, int feet)
{
    bool mlb = sport && v_ieq(sport, "MLB");

    if (!mlb && !(sport && v_ieq(sport, "NFL")))
        return 0.0;
    if (feet >= 5000)
        return mlb ? 0.8 : 0.3;
    if (feet >= 3000)
        return 0.2;
    return 0.0;
}

double eng_altitude(const char *sport, const char *home, int *feet)
{
    const venue_row_t *v = venue_find(sport, home);
    int ft = v ? v->feet : 0;

    if (feet)
        *feet = ft;
    return eng_altitude_boost(sport, ft);
}

double eng_surface(const char *sport, const char *home, const char *market, const char *side,
                   eng_why_t *why)
{
    const venue_row_t *v = venue_find(sport, home);
    const char *what = NULL;
    double val = 0.0;

    if (!v || !market)
        return 0.0;
    if (v->surface == SURF_TURF) {
        if (v_contains(market, "pass", 4)) {
            val = 0.10;
            what = "turf favours passing";
        } else if (v_contains(market, "rush", 4)) {
            val = -0.05;
            what = "turf slows rushing";
        } else if (v_contains(market, "total", 5) && side && v_contains(side, "over", 4)) {
            val = 0.05;
            what = "turf favours scoring";
        }
    } else if (v->surface == SURF_GRASS) {
        if (v_contains(market, "rush", 4)) {
            val = 0.05;
            what = "grass favours rushing";
        }
    }
    if (what)
        eng_why_add(why, "surface: %s at %s %+.2f", what, v->name, val);
    return val;
}

double eng_park_factor_of(const char *home)
{
    size_t i;

    if (!home)
        return 1.0;
    for (i = 0; i < NELEM(venue_parks); i++)
        if (v_keys(home, venue_parks[i].keys))
            return venue_parks[i].factor;
    return 1.0;
}

double eng_park_adj(double f, bool batter, double prop_line)
{
    double avg;

    if (!(f < 0.95 || f > 1.05))
        return 0.0;
    avg = prop_line != 0 ? prop_line : 3.5;
    return batter ? (f - 1) * avg * 0.5 : (1 - f) * avg * 0.3;
}

double eng_park_factor(const char *home, bool batter, double prop_line, eng_why_t *why)
{
    double f = eng_park_factor_of(home), v = eng_park_adj(f, batter, prop_line);

    if (v == 0.0)
        return 0.0;
    eng_why_add(why, "park factor: %.2f for a %s %+.3f", f, batter ? "batter" : "pitcher", v);
    return v;
}
