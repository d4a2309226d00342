/*
 * filters — the §7.9 output pipeline over an array of picks, in place (see filters.h).
 */
#include "filters.h"

#include <math.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pynum.h"

#define PICK_ID_INPUT_MAX 4096 /* canonical string bytes; longer inputs are truncated */

static const char *const PREFERRED_BOOKS[] = {"draftkings", "fanduel", "betmgm", "caesars",
                                              "pinnacle"};
#define N_BOOKS ((int)(sizeof(PREFERRED_BOOKS) / sizeof(PREFERRED_BOOKS[0])))

static const char *const KEEP_TIERS[] = {"TITANIUM_SMASH", "GOLD_STAR", "EDGE_LEAN"};

static const char *str(const char *s)
{
    return s ? s : "";
}

void eng_filter_conf_init(eng_filter_conf_t *conf)
{
    conf->game_floor = 7.0;
    conf->prop_floor = 6.5;
    conf->top_n = 10;
    conf->per_sport = 8;
    conf->per_player = 1;
    conf->per_game = 2;
    conf->skip_floors = false;
}

void eng_pick_id(const char *sport, const char *event_id, const char *market, const char *side,
                 double line, const char *player, char out[13])
{
    static const char hex[] = "0123456789abcdef";
    char buf[PICK_ID_INPUT_MAX], num[ENG_PY_REPR_MAX];
    unsigned char md[SHA_DIGEST_LENGTH];
    size_t len = 0;
    int w;

    eng_py_repr(eng_py_round(line, 2), num, sizeof(num));
    w = snprintf(buf, sizeof(buf), "%s|%s|%s|", str(sport), str(event_id), str(market));
    len = w < 0 ? 0 : (size_t)w < sizeof(buf) ? (size_t)w : sizeof(buf) - 1;
    for (const char *s = str(side); *s && len < sizeof(buf) - 1; s++)
        buf[len++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s;
    buf[len] = '\0';
    w = snprintf(buf + len, sizeof(buf) - len, "|%s|%s", num, str(player));
    if (w > 0)
        len = len + (size_t)w < sizeof(buf) ? len + (size_t)w : sizeof(buf) - 1;
    SHA1((const unsigned char *)buf, len, md);
    for (int i = 0; i < 6; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0xf];
    }
    out[12] = '\0';
}

/* ---- market kinds ------------------------------------------------------------------------- */

static bool has_ci(const char *hay, const char *needle)
{
    return strcasestr(str(hay), needle) != NULL;
}

static bool is_spread(const eng_pick_t *p)
{
    return has_ci(p->market, "SPREAD");
}

static bool is_ml(const eng_pick_t *p)
{
    return has_ci(p->market, "MONEYLINE") || has_ci(p->market, "H2H") ||
           strcasecmp(str(p->market), "ML") == 0;
}

static bool is_total(const eng_pick_t *p)
{
    return has_ci(p->market, "TOTAL");
}

static bool is_prop_market(const eng_pick_t *p)
{
    return p->prop || has_ci(p->market, "PROP") || has_ci(p->market, "PLAYER_");
}

static double line_of(const eng_pick_t *p)
{
    return p->has_line ? p->line : 0.0;
}

static const char *selection(const eng_pick_t *p)
{
    return p->player && *p->player ? p->player : str(p->side);
}

/* ---- ordering ----------------------------------------------------------------------------- */

static int book_rank(const char *book)
{
    for (int i = 0; i < N_BOOKS; i++)
        if (strcasecmp(str(book), PREFERRED_BOOKS[i]) == 0)
            return i;
    return N_BOOKS;
}

/* (kept first, −score, pick_id, selection, matchup) */
static int pick_cmp(const eng_pick_t *a, const eng_pick_t *b)
{
    int c;

    if (a->keep != b->keep)
        return a->keep ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if ((c = strcmp(a->pick_id, b->pick_id)) != 0)
        return c;
    if ((c = strcmp(selection(a), selection(b))) != 0)
        return c;
    return strcmp(str(a->event_id), str(b->event_id));
}

/* Stable insertion sort: the arrays are one request's candidates, so n is small. */
static void pick_sort(eng_pick_t *p, int n)
{
    for (int i = 1; i < n; i++) {
        eng_pick_t t = p[i];
        int j = i - 1;
        while (j >= 0 && pick_cmp(&p[j], &t) > 0) {
            p[j + 1] = p[j];
            j--;
        }
        p[j + 1] = t;
    }
}

/* ---- steps -------------------------------------------------------------------------------- */

static void dedupe(eng_pick_t *p, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n && p[i].keep; j++) {
            if (j == i || strcmp(p[i].pick_id, p[j].pick_id) != 0)
                continue;
            if (p[j].score > p[i].score ||
                (p[j].score == p[i].score &&
                 (book_rank(p[j].book) < book_rank(p[i].book) ||
                  (book_rank(p[j].book) == book_rank(p[i].book) && j < i))))
                p[i].keep = false;
        }
    }
}

static bool tier_ok(const char *tier)
{
    for (size_t i = 0; tier && i < sizeof(KEEP_TIERS) / sizeof(KEEP_TIERS[0]); i++)
        if (strcmp(tier, KEEP_TIERS[i]) == 0)
            return true;
    return false;
}

static void floors(eng_pick_t *p, int n, double game_floor, double prop_floor)
{
    for (int i = 0; i < n; i++)
        if (p[i].keep && (p[i].score < (p[i].prop ? prop_floor : game_floor) || !tier_ok(p[i].tier)))
            p[i].keep = false;
}

static void line_key(const eng_pick_t *p, char *buf, size_t size)
{
    double l = line_of(p);

    if (!p->prop && is_total(p))
        snprintf(buf, size, "ANY");
    else if (l == 0.0)
        snprintf(buf, size, "0.0");
    else
        snprintf(buf, size, "%.1f", is_spread(p) ? fabs(l) : l);
}

static bool same_key(const eng_pick_t *a, const eng_pick_t *b)
{
    char ka[64], kb[64];
    const char *sa = a->player && *a->player ? a->player : "Game";
    const char *sb = b->player && *b->player ? b->player : "Game";

    if (a->prop != b->prop || strcasecmp(str(a->sport), str(b->sport)) != 0 ||
        strcmp(str(a->date), str(b->date)) != 0 || strcmp(str(a->event_id), str(b->event_id)) != 0 ||
        strcasecmp(str(a->market), str(b->market)) != 0 ||
        strcasecmp(str(a->prop_type), str(b->prop_type)) != 0 || strcmp(sa, sb) != 0)
        return false;
    line_key(a, ka, sizeof(ka));
    line_key(b, kb, sizeof(kb));
    return strcmp(ka, kb) == 0;
}

static bool opposite(const eng_pick_t *a, const eng_pick_t *b)
{
    const char *x = str(a->side), *y = str(b->side);

    if (!*x || !*y)
        return false;
    if (is_total(a) || is_prop_market(a))
        return (strcasecmp(x, "OVER") == 0 && strcasecmp(y, "UNDER") == 0) ||
               (strcasecmp(x, "UNDER") == 0 && strcasecmp(y, "OVER") == 0);
    if (is_spread(a) || is_ml(a))
        return strcasecmp(x, y) != 0;
    return false;
}

/* p is sorted by score: the first kept member of a group is its highest score. */
static void contradictions(eng_pick_t *p, int n)
{
    for (int i = 0; i < n; i++) {
        bool opp = false;

        if (!p[i].keep)
            continue;
        for (int j = i + 1; j < n && !opp; j++) {
            if (!p[j].keep || !same_key(&p[i], &p[j]))
                continue;
            for (int k = i; k < n && !opp; k++)
                if (k != j && p[k].keep && same_key(&p[i], &p[k]) && opposite(&p[j], &p[k]))
                    opp = true;
        }
        if (!opp)
            continue;
        for (int j = i + 1; j < n; j++)
            if (p[j].keep && same_key(&p[i], &p[j]))
                p[j].keep = false;
    }
}

static void redundancy(eng_pick_t *p, int n)
{
    for (int i = 0; i < n; i++) {
        if (!p[i].keep || p[i].prop || !(is_spread(&p[i]) || is_ml(&p[i])))
            continue;
        for (int j = i + 1; j < n; j++) {
            if (!p[j].keep || p[j].prop || strcmp(str(p[i].event_id), str(p[j].event_id)) != 0 ||
                strcasecmp(str(p[i].side), str(p[j].side)) != 0)
                continue;
            if ((is_spread(&p[i]) && is_ml(&p[j])) || (is_ml(&p[i]) && is_spread(&p[j])))
                p[j].keep = false;
        }
    }
}

static int count_before(const eng_pick_t *p, int i, bool by_player)
{
    int c = 0;

    for (int j = 0; j < i; j++) {
        if (!p[j].keep || p[j].prop != p[i].prop)
            continue;
        if (by_player ? strcmp(str(p[j].player), str(p[i].player)) == 0
                      : strcmp(str(p[j].event_id), str(p[i].event_id)) == 0)
            c++;
    }
    return c;
}

static void diversity(eng_pick_t *p, int n, const eng_filter_conf_t *c)
{
    for (int i = 0; i < n; i++) {
        if (!p[i].keep)
            continue;
        if (p[i].prop && count_before(p, i, true) >= c->per_player)
            p[i].keep = false;
        else if (count_before(p, i, false) >= c->per_game)
            p[i].keep = false;
    }
}

static void caps(eng_pick_t *p, int n, const eng_filter_conf_t *c)
{
    int props = 0, games = 0;

    for (int i = 0; i < n; i++) {
        if (!p[i].keep)
            continue;
        if (p[i].prop ? props++ >= c->top_n : games++ >= c->top_n)
            p[i].keep = false;
    }
    for (int i = 0; i < n; i++) {
        int same = 0;
        if (!p[i].keep)
            continue;
        for (int j = 0; j < i; j++)
            if (p[j].keep && strcasecmp(str(p[j].sport), str(p[i].sport)) == 0)
                same++;
        if (same >= c->per_sport)
            p[i].keep = false;
    }
}

int eng_filter_picks(eng_pick_t *picks, int n, const eng_filter_conf_t *conf)
{
    eng_filter_conf_t def;
    double game_floor;
    int kept = 0;

    if (!conf) {
        eng_filter_conf_init(&def);
        conf = &def;
    }
    game_floor = conf->game_floor < 5.0 ? 5.0 : conf->game_floor > 10.0 ? 10.0 : conf->game_floor;
    for (int i = 0; i < n; i++) {
        eng_pick_t *p = &picks[i];
        eng_pick_id(p->sport, p->event_id, p->market, p->side, line_of(p), p->player, p->pick_id);
        p->keep = true;
    }
    dedupe(picks, n);
    pick_sort(picks, n);
    if (!conf->skip_floors)
        floors(picks, n, game_floor, conf->prop_floor);
    contradictions(picks, n);
    redundancy(picks, n);
    diversity(picks, n, conf);
    caps(picks, n, conf);
    pick_sort(picks, n);
    for (int i = 0; i < n; i++)
        kept += picks[i].keep;
    return kept;
}
