/*
 * founders — Founder's Echo: founding-year table (§A.1) as static data and the resonance rule
 * of §3.4. See founders.h for the quirks kept from the original.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "scoring/founders.h"
#include "scoring/gematria.h"
#include "scoring/pynum.h"

#define FOUNDERS_DEFAULT_YEAR 1900
#define FOUNDERS_ONE 0.20
#define FOUNDERS_BOTH 0.35

typedef struct founders_row {
    const char *name; /* nickname key, exact and case-sensitive */
    int year;         /* founding year (effective value after the original's duplicate keys) */
} founders_row_t;

static const founders_row_t founders_tab[] = {
    {"49ers", 1946},
    {"76ers", 1946},
    {"Angels", 1961},
    {"Astros", 1962},
    {"Athletics", 1901},
    {"Avalanche", 1972},
    {"Bears", 1919},
    {"Bengals", 1968},
    {"Bills", 1960},
    {"Blackhawks", 1926},
    {"Blue Jackets", 2000},
    {"Blue Jays", 1977},
    {"Blues", 1967},
    {"Braves", 1871},
    {"Brewers", 1969},
    {"Broncos", 1960},
    {"Browns", 1946},
    {"Bruins", 1924},
    {"Buccaneers", 1976},
    {"Bucks", 1968},
    {"Bulls", 1966},
    {"Canadiens", 1909},
    {"Canucks", 1970},
    {"Capitals", 1974},
    {"Cardinals", 1882},
    {"Cavaliers", 1970},
    {"Celtics", 1946},
    {"Chargers", 1960},
    {"Chiefs", 1960},
    {"Clippers", 1970},
    {"Colts", 1953},
    {"Commanders", 1932},
    {"Cowboys", 1960},
    {"Coyotes", 1972},
    {"Cubs", 1876},
    {"Devils", 1974},
    {"Diamondbacks", 1998},
    {"Dodgers", 1883},
    {"Dolphins", 1966},
    {"Ducks", 1993},
    {"Eagles", 1933},
    {"Falcons", 1966},
    {"Flames", 1972},
    {"Flyers", 1967},
    {"Giants", 1883},
    {"Golden Knights", 2017},
    {"Grizzlies", 1995},
    {"Guardians", 1901},
    {"Hawks", 1946},
    {"Heat", 1988},
    {"Hornets", 1988},
    {"Hurricanes", 1972},
    {"Indians", 1901},
    {"Islanders", 1972},
    {"Jaguars", 1995},
    {"Jazz", 1974},
    {"Jets", 1999},
    {"Kings", 1967},
    {"Knicks", 1946},
    {"Kraken", 2021},
    {"Lakers", 1947},
    {"Lightning", 1992},
    {"Lions", 1930},
    {"Magic", 1989},
    {"Maple Leafs", 1917},
    {"Mariners", 1977},
    {"Marlins", 1993},
    {"Mavericks", 1980},
    {"Mets", 1962},
    {"Nationals", 1969},
    {"Nets", 1967},
    {"Nuggets", 1967},
    {"Oilers", 1972},
    {"Orioles", 1901},
    {"Pacers", 1967},
    {"Packers", 1919},
    {"Padres", 1969},
    {"Panthers", 1993},
    {"Patriots", 1960},
    {"Pelicans", 2002},
    {"Penguins", 1967},
    {"Phillies", 1883},
    {"Pirates", 1882},
    {"Pistons", 1941},
    {"Predators", 1998},
    {"Raiders", 1960},
    {"Rams", 1936},
    {"Rangers", 1926},
    {"Raptors", 1995},
    {"Ravens", 1996},
    {"Rays", 1998},
    {"Red Sox", 1901},
    {"Red Wings", 1926},
    {"Reds", 1881},
    {"Rockets", 1967},
    {"Rockies", 1993},
    {"Royals", 1969},
    {"Sabres", 1970},
    {"Saints", 1967},
    {"Seahawks", 1976},
    {"Senators", 1992},
    {"Sharks", 1991},
    {"Spurs", 1967},
    {"Stars", 1967},
    {"Steelers", 1933},
    {"Suns", 1968},
    {"Texans", 2002},
    {"Thunder", 1967},
    {"Tigers", 1901},
    {"Timberwolves", 1989},
    {"Titans", 1960},
    {"Trail Blazers", 1970},
    {"Twins", 1901},
    {"Vikings", 1961},
    {"Warriors", 1946},
    {"White Sox", 1901},
    {"Wild", 2000},
    {"Wizards", 1961},
    {"Yankees", 1901},
};

int eng_founders_year(const char *name)
{
    if (!name)
        return FOUNDERS_DEFAULT_YEAR;
    for (size_t i = 0; i < sizeof(founders_tab) / sizeof(founders_tab[0]); i++)
        if (strcmp(founders_tab[i].name, name) == 0)
            return founders_tab[i].year;
    return FOUNDERS_DEFAULT_YEAR;
}

/* The three checks of the original's check_founders_echo; *kind names the first that holds. */
static bool founders_check(const char *name, int game_year, int *year, int *g, int *ys,
                           const char **kind)
{
    *year = eng_founders_year(name);
    *g = eng_gem_upper_ordinal(name);
    *ys = eng_digit_sum(*year);
    if (*g == *ys)
        *kind = "gematria = year digit sum";
    else if (*ys > 0 && *g % *ys == 0)
        *kind = "gematria is a multiple of the year digit sum";
    else if (*g > 0 && (game_year - *year) % *g == 0)
        *kind = "years since founding are a multiple of the gematria";
    else
        return false;
    return true;
}

bool eng_founders_resonates(const char *name, int game_year)
{
    int year, g, ys;
    const char *kind;

    return founders_check(name, game_year, &year, &g, &ys, &kind);
}

double eng_founders_echo(const char *home, const char *away, int game_year, eng_why_t *why)
{
    const char *teams[2] = {home ? home : "", away ? away : ""};
    int n = 0;
    double boost;

    for (int i = 0; i < 2; i++) {
        int year, g, ys;
        const char *kind;

        if (founders_check(teams[i], game_year, &year, &g, &ys, &kind)) {
            n++;
            eng_why_add(why, "founders echo: %s (founded %d, gematria %d, year sum %d): %s",
                        teams[i], year, g, ys, kind);
        }
    }
    boost = n == 2 ? FOUNDERS_BOTH : n == 1 ? FOUNDERS_ONE : 0.0;
    if (n > 0)
        eng_why_add(why, "founders echo: %d team(s) resonate %+.2f", n, boost);
    return boost;
}
