/*
 * rivalry — the §A.2 rivalry table and its lookup (see rivalry.h). Each row is the spec's text
 * "A-keywords ~ B-keywords" with keywords separated by '|', so the data reads like the spec.
 */
#include "rivalry.h"

#include <stddef.h>
#include <string.h>

#define RIV_MEDIUM ENG_RIVALRY_MEDIUM
#define RIV_HIGH ENG_RIVALRY_HIGH

typedef struct riv_pair {
    const char *row; /* "a|b ~ c|d", lower-case keywords */
    int level;       /* ENG_RIVALRY_MEDIUM or ENG_RIVALRY_HIGH */
} riv_pair_t;

static const riv_pair_t riv_nba[] = {
    {"boston|celtics ~ la lakers|lakers|los angeles lakers", RIV_HIGH},
    {"boston|celtics ~ 76ers|philadelphia|sixers", RIV_HIGH},
    {"bulls|chicago ~ detroit|pistons", RIV_HIGH},
    {"bulls|chicago ~ knicks|new york", RIV_HIGH},
    {"lakers|los angeles lakers ~ san antonio|spurs", RIV_HIGH},
    {"boston|celtics ~ knicks|new york", RIV_HIGH},
    {"brooklyn|nets ~ knicks|new york", RIV_HIGH},
    {"76ers|philadelphia|sixers ~ knicks|new york", RIV_MEDIUM},
    {"raptors|toronto ~ brooklyn|nets", RIV_MEDIUM},
    {"raptors|toronto ~ 76ers|philadelphia|sixers", RIV_MEDIUM},
    {"bulls|chicago ~ cavaliers|cleveland", RIV_MEDIUM},
    {"indiana|pacers ~ detroit|pistons", RIV_MEDIUM},
    {"indiana|pacers ~ bulls|chicago", RIV_MEDIUM},
    {"bucks|milwaukee ~ bulls|chicago", RIV_MEDIUM},
    {"cavaliers|cleveland ~ detroit|pistons", RIV_MEDIUM},
    {"heat|miami ~ knicks|new york", RIV_MEDIUM},
    {"heat|miami ~ bulls|chicago", RIV_MEDIUM},
    {"atlanta|hawks ~ heat|miami", RIV_MEDIUM},
    {"charlotte|hornets ~ atlanta|hawks", RIV_MEDIUM},
    {"magic|orlando ~ heat|miami", RIV_MEDIUM},
    {"washington|wizards ~ cavaliers|cleveland", RIV_MEDIUM},
    {"denver|nuggets ~ jazz|utah", RIV_MEDIUM},
    {"blazers|portland|trail blazers ~ okc|oklahoma city|thunder", RIV_MEDIUM},
    {"minnesota|timberwolves ~ denver|nuggets", RIV_MEDIUM},
    {"okc|oklahoma city|thunder ~ jazz|utah", RIV_MEDIUM},
    {"golden state|warriors ~ cavaliers|cleveland", RIV_HIGH},
    {"lakers|los angeles lakers ~ clippers|los angeles clippers", RIV_MEDIUM},
    {"golden state|warriors ~ lakers|los angeles lakers", RIV_MEDIUM},
    {"kings|sacramento ~ lakers|los angeles lakers", RIV_MEDIUM},
    {"phoenix|suns ~ lakers|los angeles lakers", RIV_MEDIUM},
    {"dallas|mavericks ~ san antonio|spurs", RIV_MEDIUM},
    {"houston|rockets ~ san antonio|spurs", RIV_MEDIUM},
    {"houston|rockets ~ dallas|mavericks", RIV_MEDIUM},
    {"grizzlies|memphis ~ san antonio|spurs", RIV_MEDIUM},
    {"new orleans|pelicans ~ grizzlies|memphis", RIV_MEDIUM},
};

static const riv_pair_t riv_nfl[] = {
    {"bills|buffalo ~ dolphins|miami", RIV_HIGH},
    {"bills|buffalo ~ new england|patriots", RIV_HIGH},
    {"bills|buffalo ~ jets|new york jets", RIV_MEDIUM},
    {"dolphins|miami ~ new england|patriots", RIV_HIGH},
    {"dolphins|miami ~ jets|new york jets", RIV_MEDIUM},
    {"new england|patriots ~ jets|new york jets", RIV_HIGH},
    {"baltimore|ravens ~ pittsburgh|steelers", RIV_HIGH},
    {"bengals|cincinnati ~ pittsburgh|steelers", RIV_HIGH},
    {"bengals|cincinnati ~ baltimore|ravens", RIV_MEDIUM},
    {"browns|cleveland ~ pittsburgh|steelers", RIV_HIGH},
    {"browns|cleveland ~ baltimore|ravens", RIV_HIGH},
    {"browns|cleveland ~ bengals|cincinnati", RIV_MEDIUM},
    {"colts|indianapolis ~ houston|texans", RIV_MEDIUM},
    {"colts|indianapolis ~ tennessee|titans", RIV_HIGH},
    {"jacksonville|jaguars ~ tennessee|titans", RIV_MEDIUM},
    {"houston|texans ~ tennessee|titans", RIV_MEDIUM},
    {"broncos|denver ~ las vegas|raiders", RIV_HIGH},
    {"broncos|denver ~ chiefs|kansas city", RIV_HIGH},
    {"broncos|denver ~ chargers|la chargers|los angeles chargers", RIV_MEDIUM},
    {"chiefs|kansas city ~ las vegas|raiders", RIV_HIGH},
    {"chiefs|kansas city ~ chargers|la chargers|los angeles chargers", RIV_MEDIUM},
    {"las vegas|raiders ~ chargers|la chargers|los angeles chargers", RIV_MEDIUM},
    {"cowboys|dallas ~ eagles|philadelphia", RIV_HIGH},
    {"cowboys|dallas ~ giants|new york giants", RIV_HIGH},
    {"cowboys|dallas ~ commanders|washington", RIV_HIGH},
    {"eagles|philadelphia ~ giants|new york giants", RIV_HIGH},
    {"eagles|philadelphia ~ commanders|washington", RIV_MEDIUM},
    {"giants|new york giants ~ commanders|washington", RIV_MEDIUM},
    {"green bay|packers ~ bears|chicago", RIV_HIGH},
    {"green bay|packers ~ minnesota|vikings", RIV_HIGH},
    {"green bay|packers ~ detroit|lions", RIV_MEDIUM},
    {"bears|chicago ~ minnesota|vikings", RIV_MEDIUM},
    {"bears|chicago ~ detroit|lions", RIV_MEDIUM},
    {"minnesota|vikings ~ detroit|lions", RIV_MEDIUM},
    {"atlanta|falcons ~ new orleans|saints", RIV_HIGH},
    {"buccaneers|bucs|tampa bay ~ new orleans|saints", RIV_MEDIUM},
    {"carolina|panthers ~ atlanta|falcons", RIV_MEDIUM},
    {"carolina|panthers ~ new orleans|saints", RIV_MEDIUM},
    {"49ers|san francisco ~ seahawks|seattle", RIV_HIGH},
    {"49ers|san francisco ~ la rams|los angeles rams|rams", RIV_HIGH},
    {"49ers|san francisco ~ arizona|cardinals", RIV_MEDIUM},
    {"seahawks|seattle ~ la rams|los angeles rams|rams", RIV_MEDIUM},
    {"arizona|cardinals ~ la rams|los angeles rams|rams", RIV_MEDIUM},
    {"cowboys|dallas ~ 49ers|san francisco", RIV_HIGH},
    {"bills|buffalo ~ chiefs|kansas city", RIV_HIGH},
    {"pittsburgh|steelers ~ cowboys|dallas", RIV_MEDIUM},
};

static const riv_pair_t riv_nhl[] = {
    {"boston|bruins ~ canadiens|montreal", RIV_HIGH},
    {"maple leafs|toronto ~ canadiens|montreal", RIV_HIGH},
    {"blackhawks|chicago ~ detroit|red wings", RIV_HIGH},
    {"boston|bruins ~ new york rangers|rangers", RIV_MEDIUM},
    {"canadiens|montreal ~ new york rangers|rangers", RIV_MEDIUM},
    {"maple leafs|toronto ~ detroit|red wings", RIV_MEDIUM},
    {"boston|bruins ~ maple leafs|toronto", RIV_MEDIUM},
    {"buffalo|sabres ~ maple leafs|toronto", RIV_MEDIUM},
    {"buffalo|sabres ~ ottawa|senators", RIV_MEDIUM},
    {"ottawa|senators ~ maple leafs|toronto", RIV_MEDIUM},
    {"detroit|red wings ~ maple leafs|toronto", RIV_MEDIUM},
    {"florida|panthers ~ lightning|tampa bay", RIV_HIGH},
    {"penguins|pittsburgh ~ flyers|philadelphia", RIV_HIGH},
    {"new york rangers|rangers ~ islanders|new york islanders", RIV_HIGH},
    {"new york rangers|rangers ~ devils|new jersey", RIV_HIGH},
    {"flyers|philadelphia ~ new york rangers|rangers", RIV_MEDIUM},
    {"capitals|washington ~ penguins|pittsburgh", RIV_HIGH},
    {"blue jackets|columbus ~ penguins|pittsburgh", RIV_MEDIUM},
    {"carolina|hurricanes ~ capitals|washington", RIV_MEDIUM},
    {"avalanche|colorado ~ detroit|red wings", RIV_HIGH},
    {"blackhawks|chicago ~ blues|st. louis", RIV_HIGH},
    {"minnesota|wild ~ avalanche|colorado", RIV_MEDIUM},
    {"minnesota|wild ~ jets|winnipeg", RIV_MEDIUM},
    {"nashville|predators ~ blues|st. louis", RIV_MEDIUM},
    {"dallas|stars ~ blues|st. louis", RIV_MEDIUM},
    {"arizona|coyotes|utah hockey club ~ avalanche|colorado", RIV_MEDIUM},
    {"edmonton|oilers ~ calgary|flames", RIV_HIGH},
    {"canucks|vancouver ~ calgary|flames", RIV_MEDIUM},
    {"canucks|vancouver ~ edmonton|oilers", RIV_MEDIUM},
    {"kings|los angeles ~ san jose|sharks", RIV_HIGH},
    {"anaheim|ducks ~ kings|los angeles", RIV_HIGH},
    {"anaheim|ducks ~ san jose|sharks", RIV_MEDIUM},
    {"golden knights|vegas ~ san jose|sharks", RIV_HIGH},
    {"golden knights|vegas ~ kings|los angeles", RIV_MEDIUM},
    {"kraken|seattle ~ canucks|vancouver", RIV_MEDIUM},
    {"kraken|seattle ~ golden knights|vegas", RIV_MEDIUM},
};

static const riv_pair_t riv_mlb[] = {
    {"new york yankees|yankees ~ boston|red sox", RIV_HIGH},
    {"new york yankees|yankees ~ baltimore|orioles", RIV_MEDIUM},
    {"new york yankees|yankees ~ blue jays|toronto", RIV_MEDIUM},
    {"boston|red sox ~ rays|tampa bay", RIV_MEDIUM},
    {"baltimore|orioles ~ boston|red sox", RIV_MEDIUM},
    {"chicago white sox|white sox ~ minnesota|twins", RIV_MEDIUM},
    {"cleveland|guardians ~ minnesota|twins", RIV_MEDIUM},
    {"cleveland|guardians ~ detroit|tigers", RIV_MEDIUM},
    {"detroit|tigers ~ minnesota|twins", RIV_MEDIUM},
    {"kansas city|royals ~ chicago white sox|white sox", RIV_MEDIUM},
    {"astros|houston ~ rangers|texas", RIV_HIGH},
    {"angels|la angels|los angeles angels ~ athletics|oakland", RIV_MEDIUM},
    {"mariners|seattle ~ athletics|oakland", RIV_MEDIUM},
    {"astros|houston ~ athletics|oakland", RIV_MEDIUM},
    {"angels|la angels|los angeles angels ~ mariners|seattle", RIV_MEDIUM},
    {"mets|new york mets ~ philadelphia|phillies", RIV_HIGH},
    {"atlanta|braves ~ philadelphia|phillies", RIV_HIGH},
    {"atlanta|braves ~ mets|new york mets", RIV_MEDIUM},
    {"nationals|washington ~ philadelphia|phillies", RIV_MEDIUM},
    {"marlins|miami ~ atlanta|braves", RIV_MEDIUM},
    {"chicago cubs|cubs ~ cardinals|st. louis", RIV_HIGH},
    {"cincinnati|reds ~ cardinals|st. louis", RIV_MEDIUM},
    {"brewers|milwaukee ~ chicago cubs|cubs", RIV_HIGH},
    {"brewers|milwaukee ~ cardinals|st. louis", RIV_MEDIUM},
    {"pirates|pittsburgh ~ cardinals|st. louis", RIV_MEDIUM},
    {"cincinnati|reds ~ pirates|pittsburgh", RIV_MEDIUM},
    {"dodgers|los angeles dodgers ~ giants|san francisco", RIV_HIGH},
    {"dodgers|los angeles dodgers ~ padres|san diego", RIV_HIGH},
    {"giants|san francisco ~ padres|san diego", RIV_MEDIUM},
    {"arizona|diamondbacks ~ dodgers|los angeles dodgers", RIV_MEDIUM},
    {"colorado|rockies ~ arizona|diamondbacks", RIV_MEDIUM},
    {"chicago white sox|white sox ~ chicago cubs|cubs", RIV_HIGH},
    {"new york yankees|yankees ~ mets|new york mets", RIV_HIGH},
    {"dodgers|los angeles dodgers ~ angels|la angels|los angeles angels", RIV_MEDIUM},
    {"giants|san francisco ~ athletics|oakland", RIV_MEDIUM},
    {"baltimore|orioles ~ nationals|washington", RIV_MEDIUM},
};

static const riv_pair_t riv_ncaab[] = {
    {"blue devils|duke ~ north carolina|tar heels|unc", RIV_HIGH},
    {"blue devils|duke ~ nc state|north carolina state|wolfpack", RIV_MEDIUM},
    {"north carolina|tar heels|unc ~ nc state|north carolina state|wolfpack", RIV_MEDIUM},
    {"blue devils|duke ~ demon deacons|wake forest", RIV_MEDIUM},
    {"michigan|wolverines ~ michigan state|msu|spartans", RIV_HIGH},
    {"michigan|wolverines ~ buckeyes|ohio state", RIV_HIGH},
    {"hoosiers|indiana ~ boilermakers|purdue", RIV_HIGH},
    {"fighting illini|illinois ~ hoosiers|indiana", RIV_MEDIUM},
    {"hawkeyes|iowa ~ cyclones|iowa state", RIV_HIGH},
    {"badgers|wisconsin ~ golden gophers|minnesota", RIV_MEDIUM},
    {"nittany lions|penn state ~ buckeyes|ohio state", RIV_MEDIUM},
    {"maryland|terrapins ~ cavaliers|virginia", RIV_MEDIUM},
    {"kentucky|wildcats ~ cardinals|louisville", RIV_HIGH},
    {"kentucky|wildcats ~ tennessee|vols|volunteers", RIV_MEDIUM},
    {"auburn|tigers ~ alabama|crimson tide", RIV_HIGH},
    {"florida|gators ~ florida state|seminoles", RIV_HIGH},
    {"bulldogs|georgia ~ georgia tech|yellow jackets", RIV_MEDIUM},
    {"arkansas|razorbacks ~ missouri|tigers", RIV_MEDIUM},
    {"mississippi|ole miss ~ bulldogs|mississippi state", RIV_MEDIUM},
    {"lsu|tigers ~ mississippi|ole miss", RIV_MEDIUM},
    {"gamecocks|south carolina ~ clemson|tigers", RIV_MEDIUM},
    {"jayhawks|kansas ~ k-state|kansas state|wildcats", RIV_HIGH},
    {"jayhawks|kansas ~ missouri|tigers", RIV_HIGH},
    {"longhorns|texas ~ aggies|texas a&m", RIV_HIGH},
    {"longhorns|texas ~ oklahoma|sooners", RIV_MEDIUM},
    {"oklahoma|sooners ~ cowboys|oklahoma state", RIV_HIGH},
    {"baylor|bears ~ longhorns|texas", RIV_MEDIUM},
    {"horned frogs|tcu ~ mustangs|smu", RIV_MEDIUM},
    {"mountaineers|west virginia ~ panthers|pittsburgh", RIV_HIGH},
    {"bearcats|cincinnati ~ musketeers|xavier", RIV_HIGH},
    {"bruins|ucla ~ trojans|usc", RIV_HIGH},
    {"arizona|wildcats ~ arizona state|asu|sun devils", RIV_HIGH},
    {"ducks|oregon ~ beavers|oregon state", RIV_HIGH},
    {"huskies|washington ~ cougars|washington state|wsu", RIV_MEDIUM},
    {"cardinal|stanford ~ bears|cal|california", RIV_MEDIUM},
    {"buffaloes|colorado ~ utah|utes", RIV_MEDIUM},
    {"villanova|wildcats ~ georgetown|hoyas", RIV_HIGH},
    {"georgetown|hoyas ~ orange|syracuse", RIV_HIGH},
    {"huskies|uconn ~ orange|syracuse", RIV_MEDIUM},
    {"golden eagles|marquette ~ georgetown|hoyas", RIV_MEDIUM},
    {"red storm|st. john's ~ pirates|seton hall", RIV_MEDIUM},
    {"bluejays|creighton ~ golden eagles|marquette", RIV_MEDIUM},
    {"bulldogs|gonzaga ~ gaels|saint mary's", RIV_HIGH},
    {"dayton|flyers ~ musketeers|xavier", RIV_MEDIUM},
    {"memphis|tigers ~ bearcats|cincinnati", RIV_MEDIUM},
    {"rams|vcu ~ richmond|spiders", RIV_MEDIUM},
    {"rebels|unlv ~ nevada|wolf pack", RIV_MEDIUM},
    {"shockers|wichita state ~ bluejays|creighton", RIV_MEDIUM},
    {"aztecs|san diego state ~ rebels|unlv", RIV_MEDIUM},
    {"boise state|broncos ~ nevada|wolf pack", RIV_MEDIUM},
    {"lobos|new mexico ~ aggies|new mexico state", RIV_HIGH},
};
typedef struct riv_sport {
    const char *sport;       /* sport code */
    const riv_pair_t *pairs; /* its block, in list order */
    size_t n;                /* pairs in the block */
} riv_sport_t;

#define RIV_BLOCK(s, a) {s, a, sizeof(a) / sizeof((a)[0])}

static const riv_sport_t riv_sports[] = {
    RIV_BLOCK("NBA", riv_nba), RIV_BLOCK("NFL", riv_nfl), RIV_BLOCK("NHL", riv_nhl),
    RIV_BLOCK("MLB", riv_mlb), RIV_BLOCK("NCAAB", riv_ncaab),
};

static int riv_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool riv_ieq(const char *a, const char *b)
{
    while (*a && *b && riv_lower((unsigned char)*a) == riv_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Is the lower-case keyword kw[0..n) a substring of name, ignoring ASCII case of name? */
static bool riv_contains(const char *name, const char *kw, size_t n)
{
    const char *p;
    size_t i;

    for (p = name; *p; p++) {
        for (i = 0; i < n && p[i] && riv_lower((unsigned char)p[i]) == (unsigned char)kw[i]; i++)
            ;
        if (i == n)
            return true;
    }
    return n == 0;
}

/* Does any '|'-separated keyword of side[0..n) occur in name? */
static bool riv_side(const char *name, const char *side, size_t n)
{
    size_t start = 0, i;

    for (i = 0; i <= n; i++) {
        if (i == n || side[i] == '|') {
            if (riv_contains(name, side + start, i - start))
                return true;
            start = i + 1;
        }
    }
    return false;
}

int eng_rivalry(const char *sport, const char *home, const char *away, const char **pair)
{
    size_t s, i;

    if (pair)
        *pair = NULL;
    if (!sport || !home || !away)
        return ENG_RIVALRY_NONE;
    for (s = 0; s < sizeof(riv_sports) / sizeof(riv_sports[0]); s++) {
        if (!riv_ieq(sport, riv_sports[s].sport))
            continue;
        for (i = 0; i < riv_sports[s].n; i++) {
            const char *row = riv_sports[s].pairs[i].row, *sep = strstr(row, " ~ ");
            size_t na = (size_t)(sep - row), nb = strlen(sep + 3);
            bool h1 = riv_side(home, row, na), h2 = riv_side(home, sep + 3, nb);
            bool a1 = riv_side(away, row, na), a2 = riv_side(away, sep + 3, nb);

            if ((h1 && a2) || (h2 && a1)) {
                if (pair)
                    *pair = row;
                return riv_sports[s].pairs[i].level;
            }
        }
        break;
    }
    return ENG_RIVALRY_NONE;
}

int eng_rivalry_pairs(const char *sport)
{
    size_t s, n = 0;

    for (s = 0; s < sizeof(riv_sports) / sizeof(riv_sports[0]); s++)
        if (!sport || riv_ieq(sport, riv_sports[s].sport))
            n += riv_sports[s].n;
    return (int)n;
}

double eng_rivalry_value(int level, bool over)
{
    if (level == ENG_RIVALRY_HIGH)
        return over ? -0.15 : 0.25;
    if (level == ENG_RIVALRY_MEDIUM)
        return over ? -0.08 : 0.15;
    return 0.0;
}
