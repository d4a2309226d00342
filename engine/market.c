/*
 * market — games, markets and their derived quantities (see market.h and docs/quant.md).
 *
 * Games, markets, books and players live in arrays that grow by doubling (markets and games as
 * pointers, so they never move) and are found through eng_htab indexes; the full key is compared
 * on every hash hit. Applying an odds event validates everything first, then mutates, so an error
 * leaves the state as it was. The derived fields of a market are recomputed from its (at most
 * ENG_BOOKS_MAX) quotes on each change: a few dozen operations, no allocation.
 *
 * The hot path is bound by cache misses over many markets (docs/performance.md), so the layout is
 * part of the design: markets are 64-byte aligned with the fields an update reads in the first
 * lines and the first ENG_QUOTES_INLINE quotes inside, the lookup prefetches them before
 * comparing the key, and only the configured de-vig method is computed per quote.
 */
#include "market.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "sv_util.h"

_Static_assert(sizeof(eng_quote_t) == 192, "eng_quote_t: three cache lines");
_Static_assert(sizeof(eng_out_t) == 32, "eng_out_t: half a cache line");
/* Lines of eng_market_t an update reads first: key, counts, derived fields, two candidates. */
#define ENG_MARKET_HOT_LINES ((offsetof(eng_market_t, cands) + 2 * sizeof(eng_cand_t) + 63) / 64)
_Static_assert(sizeof(eng_cand_t) == 32, "eng_cand_t: 32 bytes");

struct eng_state {
    eng_market_conf_t conf;       /* copied at creation */
    eng_market_t **markets;       /* insertion order */
    size_t market_cnt, market_cap;
    eng_htab_t market_ix;         /* hash(event_id, market, player) -> markets[] */
    eng_game_t **games;           /* insertion order */
    uint8_t *game_known;          /* per game: g->known, read without touching the game */
    size_t game_cnt, game_cap;
    eng_htab_t game_ix;           /* hash(event_id) -> games[] */
    uint32_t *free_games;         /* indices of retired games, reused last in first out */
    size_t free_game_cnt, free_game_cap;
    uint32_t *free_markets;       /* indices of retired markets, likewise */
    size_t free_market_cnt, free_market_cap;
    char (*books)[WIRE_ID_MAX + 1]; /* book ids, first-seen order */
    uint16_t *book_rank;          /* per book: its position in the order of ids (tie-breaks) */
    size_t book_cnt, book_cap;
    eng_htab_t book_ix;           /* hash(book) -> books[] */
    eng_player_t *players;        /* profiles, first-seen order */
    size_t player_cnt, player_cap;
    eng_htab_t player_ix;         /* hash(player) -> players[] */
    eng_space_weather_t space;    /* latest space weather */
    eng_state_stats_t stats;      /* counters (the *_cnt fields are filled on read) */
    /* eng_state_prefetch_odds(): where each of the last three events announced has got to */
    uint64_t pf_hash;             /* market hash of the last (its index slot is loading) */
    uint32_t pf_ix;               /* the one before: its markets[] index (loading), or NONE */
    const eng_market_t *pf_mk;    /* the one before that: its market (header loading), or NULL */
    const eng_market_t *pf_quotes; /* a market whose quotes the next apply requests, or NULL */
    bool pf_have_hash;            /* pf_hash is set */
    size_t score_size;            /* sizeof(wire_score_t), read at run time (score_zero()) */
};

/* ---- helpers ------------------------------------------------------------------------------ */

/* Grow *arr (elements of size sz, *cap of them) so that one more fits. */
static sv_err_t grow(void *arrp, size_t *cap, size_t cnt, size_t sz)
{
    void **arr = arrp;
    size_t ncap;
    void *n;
    if (cnt < *cap)
        return SV_OK;
    ncap = *cap ? *cap * 2 : 8;
    n = realloc(*arr, ncap * sz);
    if (!n)
        return SV_ERR_NOMEM;
    *arr = n;
    *cap = ncap;
    return SV_OK;
}

static sv_err_t fail(wire_err_t *err, sv_err_t rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sv_err_t fail(wire_err_t *err, sv_err_t rc, const char *field, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return rc;
    sv_strlcpy(err->field, field, sizeof(err->field));
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
    va_end(ap);
    return rc;
}

static uint64_t market_hash(const char *event_id, const char *market, const char *player)
{
    return eng_htab_hash_str3(event_id, market, player ? player : "");
}

void eng_market_conf_defaults(eng_market_conf_t *conf)
{
    conf->devig = ENG_DEVIG_SHIN;
    conf->steam_threshold = 0.02;
    conf->steam_books = 3;
    conf->steam_window_ms = 300000;
    conf->history_size = 64;
    conf->max_books = ENG_BOOKS_MAX;
}

eng_state_t *eng_state_new(const eng_market_conf_t *conf, char *errstr, size_t errstr_size)
{
    eng_state_t *st;
    const char *bad = NULL;

    if ((unsigned)conf->devig >= ENG_DEVIG__CNT)
        bad = "devig: unknown method";
    else if (!(conf->steam_threshold >= 0.0 && conf->steam_threshold <= 1.0))
        bad = "steam_threshold: must be within 0..1";
    else if (conf->steam_books < 1 || conf->steam_books > ENG_BOOKS_MAX)
        bad = "steam_books: must be within 1..32";
    else if (conf->steam_window_ms < 0)
        bad = "steam_window_ms: must be >= 0";
    else if (conf->history_size < 1 || conf->history_size > 1000000)
        bad = "history_size: must be within 1..1000000";
    else if (conf->max_books < 1 || conf->max_books > ENG_BOOKS_MAX)
        bad = "max_books: must be within 1..32";
    if (bad) {
        snprintf(errstr, errstr_size, "%s", bad);
        return NULL;
    }
    st = calloc(1, sizeof(*st));
    if (!st) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    st->conf = *conf;
    st->pf_ix = ENG_HTAB_NONE;
    st->score_size = sizeof(wire_score_t);
    eng_htab_init(&st->market_ix);
    eng_htab_init(&st->game_ix);
    eng_htab_init(&st->book_ix);
    eng_htab_init(&st->player_ix);
    return st;
}

static void game_free(eng_game_t *g)
{
    if (!g)
        return;
    free(g->splits);
    free(g->injuries);
    free(g->markets);
    free(g);
}

static void market_free(eng_market_t *mk)
{
    if (!mk)
        return;
    if (mk->quotes != mk->quote_inline)
        free(mk->quotes);
    free(mk->hist);
    free(mk);
}

void eng_state_free(eng_state_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->market_cnt; i++)
        market_free(st->markets[i]);
    for (size_t i = 0; i < st->game_cnt; i++)
        game_free(st->games[i]);
    free(st->markets);
    free(st->games);
    free(st->free_games);
    free(st->free_markets);
    free(st->game_known);
    free(st->books);
    free(st->book_rank);
    free(st->players);
    eng_htab_release(&st->market_ix);
    eng_htab_release(&st->game_ix);
    eng_htab_release(&st->book_ix);
    eng_htab_release(&st->player_ix);
    free(st);
}

/* ---- lookups ------------------------------------------------------------------------------ */

/* Start loading the lines of mk an update reads: the header (key, counts, derived fields, two
 * candidates) and the short names; then the first two lines of each inline quote. Always
 * inlined: gcc finds a function of prefetches alone free of side effects and drops the calls. */
static inline __attribute__((always_inline)) void market_prefetch_header(const eng_market_t *mk)
{
    const char *p = (const char *)mk;
    for (size_t l = 0; l < ENG_MARKET_HOT_LINES; l++)
        __builtin_prefetch(p + 64 * l, 1);
    __builtin_prefetch(mk->name_buf, 0);
}

static inline __attribute__((always_inline)) void market_prefetch_quotes(const eng_market_t *mk)
{
    const char *q = (const char *)mk->quote_inline;
    for (size_t i = 0; i < ENG_QUOTES_INLINE; i++, q += sizeof(eng_quote_t)) {
        __builtin_prefetch(q, 1);
        __builtin_prefetch(q + 64, 1);
    }
}

/* Whether the n >= 1 bytes at a and b are equal; both must be readable for n bytes. With a a
 * held key string and n its length + 1, the same answer as strcmp(a, b) == 0, in a few word
 * compares (overlapping at the end) instead of a call. */
static inline bool bytes_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y, d = 0;
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, sizeof(x));
            memcpy(&y, b + i, sizeof(y));
            d |= x ^ y;
        }
        if (i < n) {
            memcpy(&x, a + n - 8, sizeof(x));
            memcpy(&y, b + n - 8, sizeof(y));
            d |= x ^ y;
        }
        return d == 0;
    }
    if (n >= 4) {
        uint32_t p, q, r, t;
        memcpy(&p, a, sizeof(p));
        memcpy(&q, b, sizeof(q));
        memcpy(&r, a + n - 4, sizeof(r));
        memcpy(&t, b + n - 4, sizeof(t));
        return ((p ^ q) | (r ^ t)) == 0;
    }
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

static eng_market_t *market_find(const eng_state_t *st, uint64_t h, const char *event_id,
                                 const char *market, const char *player)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&st->market_ix, h, &it);
    while ((v = eng_htab_next(&st->market_ix, &it)) != ENG_HTAB_NONE) {
        eng_market_t *mk = st->markets[v];
        /* The market is most likely the one: start loading all an update touches before the
         * key compare waits on it. */
        market_prefetch_header(mk);
        market_prefetch_quotes(mk);
        if (strcmp(mk->event_id, event_id) == 0 && strcmp(mk->market, market) == 0 &&
            (mk->player_len ? strcmp(mk->player, player) == 0 : player[0] == '\0'))
            return mk;
    }
    return NULL;
}

/* market_find() for an odds event: the key strings are o's arrays (at least as long as any held
 * key of a validated event), so they are compared with the held lengths, without calls. */
static eng_market_t *market_find_odds(const eng_state_t *st, uint64_t h, const wire_odds_t *o,
                                      const char *player)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&st->market_ix, h, &it);
    while ((v = eng_htab_next(&st->market_ix, &it)) != ENG_HTAB_NONE) {
        eng_market_t *mk = st->markets[v];
        market_prefetch_header(mk); /* as in market_find() */
        market_prefetch_quotes(mk);
        if (bytes_eq(mk->event_id, o->event_id, (size_t)mk->event_id_len + 1) &&
            bytes_eq(mk->market, o->market, (size_t)mk->market_len + 1) &&
            (mk->player_len ? strcmp(mk->player, player) == 0 : player[0] == '\0'))
            return mk;
    }
    return NULL;
}

eng_market_t *eng_state_market(const eng_state_t *st, const char *event_id, const char *market,
                               const char *player)
{
    player = player ? player : "";
    return market_find(st, market_hash(event_id, market, player), event_id, market, player);
}

size_t eng_state_market_cnt(const eng_state_t *st)
{
    return st->market_cnt;
}

eng_market_t *eng_state_market_at(const eng_state_t *st, size_t i)
{
    SV_ASSERT(i < st->market_cnt);
    return st->markets[i];
}

static uint32_t game_find_ix(const eng_state_t *st, const char *event_id)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&st->game_ix, eng_htab_hash_str(0, event_id), &it);
    while ((v = eng_htab_next(&st->game_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(st->games[v]->event_id, event_id) == 0)
            return v;
    return ENG_HTAB_NONE;
}

eng_game_t *eng_state_game(const eng_state_t *st, const char *event_id)
{
    uint32_t v = game_find_ix(st, event_id);
    return v == ENG_HTAB_NONE ? NULL : st->games[v];
}

eng_game_t *eng_state_game_at(const eng_state_t *st, uint32_t i)
{
    return i < st->game_cnt ? st->games[i] : NULL;
}

eng_market_t *eng_state_game_market(const eng_state_t *st, const eng_game_t *g, size_t i)
{
    SV_ASSERT(i < g->market_cnt);
    return st->markets[g->markets[i]];
}

/* A market as just created: its key, names and allocations kept, nothing applied. */
static void market_reset(eng_market_t *mk)
{
    mk->quote_cnt = 0;
    mk->ts = 0;
    mk->updates = 0;
    mk->hist_head = mk->hist_cnt = 0;
    mk->has_modal = mk->modal_has_line = mk->arb = false;
    mk->steam_dir = 0;
    mk->cand_cnt = 0;
    mk->modal_books = mk->active_books = 0;
    mk->modal_line = mk->line_variance = mk->arb_sum = mk->arb_profit = 0.0;
    memset(mk->cands, 0, sizeof(mk->cands));
    memset(mk->close_p, 0, sizeof(mk->close_p));
    mk->close_set = false;
}

void eng_state_reset_market(eng_state_t *st, eng_market_t *mk)
{
    (void)st;
    market_reset(mk);
}

void eng_state_reset_game(eng_state_t *st, eng_game_t *g)
{
    uint32_t gix = game_find_ix(st, g->event_id);

    SV_ASSERT(gix != ENG_HTAB_NONE && st->games[gix] == g);
    for (size_t i = 0; i < g->market_cnt; i++)
        market_reset(st->markets[g->markets[i]]);
    g->known = false;
    st->game_known[gix] = 0;
    g->ts = 0;
    g->sport[0] = g->league[0] = g->home[0] = g->away[0] = '\0';
    g->commence_ts = 0;
    g->status = (wire_game_status_t)0;
    g->period = g->clock_s = g->home_score = g->away_score = 0;
    g->present = 0;
    g->splits_cnt = 0;
    g->injury_cnt = 0;
    memset(&g->officials, 0, sizeof(g->officials));
    memset(&g->weather, 0, sizeof(g->weather));
}

sv_err_t eng_state_retire_game(eng_state_t *st, eng_game_t *g)
{
    uint32_t gix = game_find_ix(st, g->event_id);

    SV_ASSERT(gix != ENG_HTAB_NONE && st->games[gix] == g);
    /* room on both free lists first: an error leaves everything as it was */
    if (grow(&st->free_games, &st->free_game_cap, st->free_game_cnt, sizeof(*st->free_games)) !=
            SV_OK ||
        (g->market_cnt > 0 &&
         sv_grow((void **)&st->free_markets, &st->free_market_cap, sizeof(*st->free_markets),
                 st->free_market_cnt + g->market_cnt - 1, 64) != SV_OK))
        return SV_ERR_NOMEM;
    eng_state_reset_game(st, g);
    for (size_t i = 0; i < g->market_cnt; i++) {
        eng_market_t *mk = st->markets[g->markets[i]];
        SV_ASSERT(eng_htab_remove(&st->market_ix,
                                  market_hash(mk->event_id, mk->market,
                                              mk->has_player ? mk->player : NULL),
                                  mk->idx));
        if (mk->quotes != mk->quote_inline)
            free(mk->quotes);
        mk->quotes = mk->quote_inline;
        mk->quote_cap = ENG_QUOTES_INLINE;
        mk->event_id[0] = mk->market[0] = mk->player[0] = '\0';
        mk->event_id_len = mk->market_len = mk->player_len = 0;
        mk->has_player = false;
        mk->name_cnt = 0;
        memset(mk->names, 0, sizeof(mk->names));
        memset(mk->name_len, 0, sizeof(mk->name_len));
        mk->names_ok[0] = mk->names_ok[1] = 0;
        mk->game = UINT32_MAX;
        st->free_markets[st->free_market_cnt++] = mk->idx;
    }
    SV_ASSERT(eng_htab_remove(&st->game_ix, eng_htab_hash_str(0, g->event_id), gix));
    g->event_id[0] = '\0';
    g->market_cnt = 0;
    g->part = -1;
    st->free_games[st->free_game_cnt++] = gix;
    st->pf_have_hash = false; /* the prefetch pipeline may name a market just retired */
    st->pf_ix = ENG_HTAB_NONE;
    st->pf_mk = st->pf_quotes = NULL;
    return SV_OK;
}

/* The game of event_id, created as a placeholder when absent; its index into *ix. */
static sv_err_t game_get(eng_state_t *st, const char *event_id, uint32_t *ix)
{
    eng_game_t *g;
    uint32_t v = game_find_ix(st, event_id);
    if (v != ENG_HTAB_NONE) {
        *ix = v;
        return SV_OK;
    }
    if (st->free_game_cnt > 0) { /* a retired game's entry (eng_state_retire_game() reset it) */
        v = st->free_games[st->free_game_cnt - 1];
        if (eng_htab_insert(&st->game_ix, eng_htab_hash_str(0, event_id), v) != SV_OK)
            return SV_ERR_NOMEM;
        st->free_game_cnt--;
        g = st->games[v];
        sv_strlcpy(g->event_id, event_id, sizeof(g->event_id));
        g->part = -1;
        st->game_known[v] = 0;
        *ix = v;
        return SV_OK;
    }
    if (st->game_cnt == st->game_cap) {
        uint8_t *known = realloc(st->game_known, (st->game_cap ? st->game_cap * 2 : 8));
        if (!known)
            return SV_ERR_NOMEM;
        st->game_known = known;
    }
    if (grow(&st->games, &st->game_cap, st->game_cnt, sizeof(*st->games)) != SV_OK)
        return SV_ERR_NOMEM;
    if (!(g = calloc(1, sizeof(*g))))
        return SV_ERR_NOMEM;
    sv_strlcpy(g->event_id, event_id, sizeof(g->event_id));
    g->part = -1;
    g->idx = (uint32_t)st->game_cnt;
    if (eng_htab_insert(&st->game_ix, eng_htab_hash_str(0, event_id),
                        (uint32_t)st->game_cnt) != SV_OK) {
        free(g);
        return SV_ERR_NOMEM;
    }
    st->games[st->game_cnt] = g;
    st->game_known[st->game_cnt] = 0;
    *ix = (uint32_t)st->game_cnt++;
    return SV_OK;
}

static uint32_t book_find(const eng_state_t *st, const char *book, uint64_t h)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&st->book_ix, h, &it);
    while ((v = eng_htab_next(&st->book_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(st->books[v], book) == 0)
            return v;
    return ENG_HTAB_NONE;
}

/* Rank every book by id (bytewise), so best-price ties compare two integers. Runs once per new
 * book: O(books^2), warm-up only. */
static void book_rank_update(eng_state_t *st)
{
    for (size_t i = 0; i < st->book_cnt; i++) {
        uint16_t r = 0;
        for (size_t j = 0; j < st->book_cnt; j++)
            r += strcmp(st->books[j], st->books[i]) < 0;
        st->book_rank[i] = r;
    }
}

/* Add book (absent from the table, which has room) with hash h; its index into *ix. */
static sv_err_t book_add(eng_state_t *st, const char *book, uint64_t h, uint32_t *ix)
{
    size_t cap = st->book_cap;
    uint16_t *rank;
    if (grow(&st->books, &cap, st->book_cnt, sizeof(*st->books)) != SV_OK)
        return SV_ERR_NOMEM;
    if (!(rank = realloc(st->book_rank, cap * sizeof(*rank))))
        return SV_ERR_NOMEM;
    st->book_rank = rank;
    st->book_cap = cap;
    if (eng_htab_insert(&st->book_ix, h, (uint32_t)st->book_cnt) != SV_OK)
        return SV_ERR_NOMEM;
    memset(st->books[st->book_cnt], 0, sizeof(st->books[0])); /* zero-padded, see score */
    sv_strlcpy(st->books[st->book_cnt], book, sizeof(st->books[0]));
    *ix = (uint32_t)st->book_cnt++;
    book_rank_update(st);
    return SV_OK;
}

int32_t eng_state_book_find(const eng_state_t *st, const char *book)
{
    uint32_t v = book_find(st, book, eng_htab_hash_str(0, book));
    return v == ENG_HTAB_NONE ? -1 : (int32_t)v;
}

size_t eng_state_book_room(const eng_state_t *st)
{
    return st->book_cnt >= UINT16_MAX ? 0 : UINT16_MAX - st->book_cnt;
}

const eng_market_conf_t *eng_state_conf(const eng_state_t *st)
{
    return &st->conf;
}

const char *eng_state_book_name(const eng_state_t *st, uint16_t b)
{
    SV_ASSERT(b < st->book_cnt);
    return st->books[b];
}

static uint32_t player_find(const eng_state_t *st, const char *player)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&st->player_ix, eng_htab_hash_str(0, player), &it);
    while ((v = eng_htab_next(&st->player_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(st->players[v].player, player) == 0)
            return v;
    return ENG_HTAB_NONE;
}

const eng_player_t *eng_state_player(const eng_state_t *st, const char *player)
{
    uint32_t v = player_find(st, player);
    return v == ENG_HTAB_NONE ? NULL : &st->players[v];
}

const eng_space_weather_t *eng_state_space_weather(const eng_state_t *st)
{
    return &st->space;
}

void eng_state_stats(const eng_state_t *st, eng_state_stats_t *stats)
{
    *stats = st->stats;
    stats->market_cnt = st->market_cnt - st->free_market_cnt;
    stats->game_cnt = st->game_cnt - st->free_game_cnt;
    stats->book_cnt = st->book_cnt;
    stats->player_cnt = st->player_cnt;
}

/* ---- odds --------------------------------------------------------------------------------- */

/* Which outcome names a known game allows in a market; NULL names mean "no check". */
static sv_err_t check_names(const eng_game_t *g, const wire_odds_t *o, wire_err_t *err)
{
    bool h2h = strcmp(o->market, "h2h") == 0, spreads = strcmp(o->market, "spreads") == 0;
    bool totals = strcmp(o->market, "totals") == 0, prop = (o->present & WIRE_ODDS_HAS_PLAYER);
    char field[48];

    if (!g || !g->known)
        return SV_OK;
    for (size_t i = 0; i < o->outcome_cnt; i++) {
        const char *n = o->outcomes[i].name;
        bool ok;
        if (h2h || spreads)
            ok = strcmp(n, g->home) == 0 || strcmp(n, g->away) == 0 ||
                 (h2h && strcmp(n, "Draw") == 0);
        else if (totals)
            ok = strcmp(n, "Over") == 0 || strcmp(n, "Under") == 0;
        else if (prop)
            ok = strcmp(n, "Over") == 0 || strcmp(n, "Under") == 0 || strcmp(n, "Yes") == 0 ||
                 strcmp(n, "No") == 0;
        else
            ok = true;
        if (ok)
            continue;
        snprintf(field, sizeof(field), "outcomes[%zu].name", i);
        if (h2h || spreads)
            return fail(err, SV_ERR_INVALID, field, "\"%.40s\" is not %s of %.80s",
                        n, h2h ? "home, away or Draw" : "home or away", g->event_id);
        return fail(err, SV_ERR_INVALID, field, "\"%.40s\" is not %s", n,
                    totals ? "Over or Under" : "Over, Under, Yes or No");
    }
    return SV_OK;
}

/* The reference outcome of a new market: the home team of a known game for h2h and spreads,
 * Over when the quote has one, else the quote's first outcome. */
static const char *choose_ref(const eng_game_t *g, const wire_odds_t *o)
{
    if (g && g->known && (strcmp(o->market, "h2h") == 0 || strcmp(o->market, "spreads") == 0))
        return g->home;
    for (size_t i = 0; i < o->outcome_cnt; i++)
        if (strcmp(o->outcomes[i].name, "Over") == 0)
            return "Over";
    return o->outcomes[0].name;
}

/* A quote's lines: key of each outcome, so an alternate line can be told from the main one. */
typedef struct line_key {
    bool has;
    double v;
} line_key_t;

static bool key_eq(line_key_t a, line_key_t b)
{
    /* without branches: the outcome is data-dependent and mispredicted often */
    return (a.has == b.has) & (!a.has | (a.v == b.v));
}

/* Order: no line first, then by value. */
static bool key_lt(line_key_t a, line_key_t b)
{
    if (a.has != b.has)
        return !a.has;
    return a.has && a.v < b.v;
}

static line_key_t outcome_key(const wire_outcome_t *oc, const char *ref, bool mirrored)
{
    line_key_t k = {false, 0.0};
    if (!(oc->present & WIRE_OUTCOME_HAS_POINT))
        return k;
    k.has = true;
    k.v = (mirrored && strcmp(oc->name, ref) != 0) ? -oc->point : oc->point;
    if (k.v == 0.0)
        k.v = 0.0; /* -0.0 and 0.0 are one line */
    return k;
}

static double outcome_dec(const wire_outcome_t *oc)
{
    return (oc->present & WIRE_OUTCOME_HAS_DECIMAL) ? oc->decimal
                                                    : eng_quant_american_to_decimal(oc->price);
}

/*
 * The main line of a quote: among the lines priced on two or more outcomes, the one whose
 * implied probabilities are closest together (max q - min q), ties to the smaller line; with
 * none such, the smallest line. Marks the chosen outcomes in sel.
 */
static size_t main_line(const wire_odds_t *o, const double *dec, const char *ref, bool mirrored,
                        bool *sel, line_key_t *main_key)
{
    line_key_t keys[WIRE_OUTCOMES_MAX], best = {false, 0.0};
    bool have = false, best_multi = false;
    double best_spread = 0.0;
    size_t n = 0;

    for (size_t i = 0; i < o->outcome_cnt; i++)
        keys[i] = outcome_key(&o->outcomes[i], ref, mirrored);
    for (size_t i = 0; i < o->outcome_cnt; i++) {
        size_t cnt = 0;
        double lo = 2.0, hi = -1.0;
        bool first = true;
        for (size_t j = 0; j < o->outcome_cnt; j++) {
            if (!key_eq(keys[j], keys[i]))
                continue;
            if (j < i)
                first = false;
            double q = 1.0 / dec[j];
            lo = q < lo ? q : lo;
            hi = q > hi ? q : hi;
            cnt++;
        }
        if (!first) /* this line was looked at already */
            continue;
        bool multi = cnt >= 2;
        double spread = hi - lo;
        if (!have || (multi && !best_multi) ||
            (multi == best_multi &&
             (multi ? (spread < best_spread ||
                       (spread == best_spread && key_lt(keys[i], best)))
                    : key_lt(keys[i], best)))) {
            have = true;
            best = keys[i];
            best_multi = multi;
            best_spread = spread;
        }
    }
    for (size_t i = 0; i < o->outcome_cnt; i++) {
        sel[i] = key_eq(keys[i], best);
        n += sel[i];
    }
    *main_key = best;
    return n;
}

/* The index of name (an outcome's name array) among mk's names, or -1. */
static int name_ix(const eng_market_t *mk, const char *name)
{
    for (uint8_t i = 0; i < mk->name_cnt; i++)
        if (bytes_eq(mk->names[i], name, (size_t)mk->name_len[i] + 1))
            return (int)i;
    return -1;
}

/* Bytes a name takes in name_buf: NUL included, zero-padded to 16. */
#define NAME_SLOT(len) (((size_t)(len) + 16) & ~(size_t)15)

/* Append a name to mk's packed names (the caller checked name_cnt < ENG_OUTCOMES_MAX). Each
 * starts 16-byte aligned and is zero-padded (name_buf starts zeroed), so eng_market_score()
 * copies it in whole 16-byte chunks. */
static void name_add(eng_market_t *mk, const char *name)
{
    size_t len = strnlen(name, WIRE_NAME_MAX);
    char *dst = mk->name_buf;
    if (mk->name_cnt)
        dst = (char *)mk->names[mk->name_cnt - 1] + NAME_SLOT(mk->name_len[mk->name_cnt - 1]);
    memcpy(dst, name, len);
    dst[len] = '\0';
    mk->names[mk->name_cnt] = dst;
    mk->name_len[mk->name_cnt++] = (uint8_t)len;
}

/* Steam bookkeeping for one book's new quote (bq still holds the previous one's ts/ref_q). */
static void steam_note(const eng_market_conf_t *cf, const eng_market_t *mk, eng_quote_t *bq,
                       int64_t ts, bool has_ref, double ref_q, bool has_line, double line)
{
    int64_t prev_ts = bq->ts;
    double prev_q = bq->ref_q;
    bool prev_ref = bq->has_ref && bq->n > 0;

    if (!has_ref)
        return; /* a suspension or a quote without the reference outcome keeps the anchor */
    if (!bq->anchor_set) {
        bq->anchor_set = true;
        goto anchor;
    }
    if (has_line != bq->anchor_has_line || (has_line && line != bq->anchor_line)) {
        /* A line move: toward names[0] when its line gets harder (spreads: lower; totals and
         * props: Over needs more, i.e. the line rises). */
        int dir = !has_line || !bq->anchor_has_line ? 0
                  : mk->mirrored                    ? (line < bq->anchor_line ? 1 : -1)
                                                    : (line > bq->anchor_line ? 1 : -1);
        if (dir) {
            bq->move_dir = (int8_t)dir;
            bq->move_ts = ts;
        }
        goto anchor;
    }
    if (ts - bq->anchor_ts > cf->steam_window_ms && prev_ref) {
        /* too slow from the old anchor: measure from the previous quote instead */
        bq->anchor_ts = prev_ts;
        bq->anchor_q = prev_q;
    }
    if (fabs(ref_q - bq->anchor_q) > cf->steam_threshold) {
        bq->move_dir = ref_q > bq->anchor_q ? 1 : -1;
        bq->move_ts = ts;
        goto anchor;
    }
    return;
anchor:
    bq->anchor_ts = ts;
    bq->anchor_q = ref_q;
    bq->anchor_has_line = has_line;
    bq->anchor_line = line;
}

/* What the candidate of one name accumulates over the modal books. */
typedef struct cand_acc {
    double sum_p, sum_q, best_dec, point;
    int n_p, books, best_american;
    uint16_t best_book;
    bool has_point;
} cand_acc_t;

/* Recompute every derived field of mk from its quotes: one pass for the lines and steam, one
 * over the modal books for the candidates. */
static void market_derive(const eng_state_t *st, eng_market_t *mk)
{
    const eng_market_conf_t *cf = &st->conf;
    /* the distinct live lines and how many books quote each (<= quote_cnt of them) */
    line_key_t lines[ENG_BOOKS_MAX], modal = {false, 0.0};
    int counts[ENG_BOOKS_MAX], best_cnt = 0, up = 0, down = 0, active = 0;
    cand_acc_t acc[ENG_OUTCOMES_MAX]; /* per name, in quote order */
    size_t line_cnt = 0, max_n = 0;
    int64_t since = mk->ts - cf->steam_window_ms;
    double lo = 0.0, hi = 0.0;
    bool have_line = false;

    mk->active_books = 0;
    mk->has_modal = false;
    mk->cand_cnt = 0;
    mk->arb = false;
    mk->arb_sum = 0.0;
    mk->arb_profit = 0.0;

    /* One pass over the books: live count, line range, lines and their books, steam moves.
     * Counts and the range without branches: their outcomes are data-dependent. */
    for (size_t i = 0; i < mk->quote_cnt; i++) {
        const eng_quote_t *bq = &mk->quotes[i];
        line_key_t k = {bq->has_line, bq->line};
        bool recent = bq->move_ts >= since, hl = bq->has_line;
        size_t d;
        up += (bq->move_dir > 0) & recent;
        down += (bq->move_dir < 0) & recent;
        if (bq->n == 0)
            continue;
        active++;
        lo = hl & (!have_line | (k.v < lo)) ? k.v : lo;
        hi = hl & (!have_line | (k.v > hi)) ? k.v : hi;
        have_line |= hl;
        for (d = 0; d < line_cnt && !key_eq(lines[d], k); d++)
            ;
        if (d == line_cnt) {
            lines[line_cnt] = k;
            counts[line_cnt++] = 0;
        }
        counts[d]++;
    }
    mk->active_books = active;
    mk->line_variance = have_line ? hi - lo : 0.0;
    /* modal line: the line most live books quote; ties to the smaller line */
    for (size_t d = 0; d < line_cnt; d++) {
        if (counts[d] > best_cnt || (counts[d] == best_cnt && key_lt(lines[d], modal))) {
            best_cnt = counts[d];
            modal = lines[d];
        }
    }
    mk->modal_books = best_cnt;
    if (best_cnt == 0)
        goto steam;
    mk->has_modal = true;
    mk->modal_has_line = modal.has;
    mk->modal_line = modal.has ? modal.v : 0.0;

    /* candidates: every name priced at the modal line, in names order; each name's sums, count
     * and best price run over the modal books in quote order */
    memset(acc, 0, sizeof(acc[0]) * mk->name_cnt);
    for (size_t i = 0; i < mk->quote_cnt; i++) {
        const eng_quote_t *bq = &mk->quotes[i];
        line_key_t k = {bq->has_line, bq->line};
        if (bq->n == 0 || !key_eq(k, modal))
            continue;
        if (bq->n > max_n)
            max_n = bq->n;
        for (uint8_t j = 0; j < bq->n; j++) {
            const eng_out_t *oc = &bq->out[j];
            SV_ASSERT(oc->name < mk->name_cnt);
            cand_acc_t *a = &acc[oc->name];
            if (a->books == 0) {
                a->has_point = oc->has_point;
                a->point = oc->point;
            }
            a->books++;
            if (bq->devig_ok) {
                a->sum_p += oc->p;
                a->n_p++;
            } else {
                /* only read when no book here can be de-vigged (n_p == 0): then every
                 * book lands here, and the sum runs over the same books in the same order */
                a->sum_q += 1.0 / oc->dec;
            }
            if (a->books == 1 || oc->dec > a->best_dec ||
                (oc->dec == a->best_dec &&
                 st->book_rank[bq->book] < st->book_rank[a->best_book])) {
                a->best_dec = oc->dec;
                a->best_american = oc->american;
                a->best_book = bq->book;
            }
        }
    }
    for (uint8_t nm = 0; nm < mk->name_cnt; nm++) {
        eng_cand_t *c = &mk->cands[mk->cand_cnt];
        if (acc[nm].books == 0)
            continue;
        memset(c, 0, sizeof(*c));
        c->point = acc[nm].point;
        c->has_point = acc[nm].has_point;
        c->books = (uint8_t)acc[nm].books;
        c->best_dec = acc[nm].best_dec;
        c->best_american = acc[nm].best_american;
        c->best_book = acc[nm].best_book;
        c->name = nm;
        c->p_fair = acc[nm].n_p ? acc[nm].sum_p / acc[nm].n_p : acc[nm].sum_q / acc[nm].books;
        mk->cand_cnt++;
    }
    if (mk->cand_cnt >= 2 && mk->cand_cnt >= max_n) {
        double best[ENG_OUTCOMES_MAX];
        for (uint8_t i = 0; i < mk->cand_cnt; i++)
            best[i] = mk->cands[i].best_dec;
        mk->arb = eng_quant_arb(best, mk->cand_cnt, &mk->arb_sum, &mk->arb_profit, NULL);
    }

steam:
    mk->steam_dir = 0;
    if (up >= cf->steam_books && up > down)
        mk->steam_dir = 1;
    else if (down >= cf->steam_books && down > up)
        mk->steam_dir = -1;
    for (uint8_t i = 0; i < mk->cand_cnt; i++) {
        eng_cand_t *c = &mk->cands[i];
        c->steam = (mk->steam_dir > 0 && c->name == 0) || (mk->steam_dir < 0 && c->name != 0);
    }
}

static void history_push(const eng_state_t *st, eng_market_t *mk)
{
    eng_hist_t *h;
    if (mk->cand_cnt == 0)
        return;
    h = &mk->hist[mk->hist_head];
    h->ts = mk->ts;
    h->p_first = mk->cands[0].p_fair;
    h->has_point = mk->modal_has_line;
    h->point = mk->modal_line;
    mk->hist_head = mk->hist_head + 1 == (uint32_t)st->conf.history_size ? 0 : mk->hist_head + 1;
    if (mk->hist_cnt < (uint32_t)st->conf.history_size)
        mk->hist_cnt++;
}

const eng_hist_t *eng_market_history(const eng_state_t *st, const eng_market_t *mk, size_t i)
{
    uint32_t size = (uint32_t)st->conf.history_size;
    SV_ASSERT(i < mk->hist_cnt);
    return &mk->hist[(mk->hist_head + size - mk->hist_cnt + (uint32_t)i) % size];
}

/* The key of a zeroed market (player NULL: not a prop), and its quotes inline. */
static void market_key(eng_market_t *mk, const char *event_id, const char *market,
                       const char *player)
{
    mk->event_id_len = (uint8_t)sv_strlcpy(mk->event_id, event_id, sizeof(mk->event_id));
    mk->market_len = (uint8_t)sv_strlcpy(mk->market, market, sizeof(mk->market));
    if (player) {
        mk->player_len = (uint8_t)sv_strlcpy(mk->player, player, sizeof(mk->player));
        mk->has_player = true;
    }
    mk->mirrored = strstr(market, "spread") != NULL;
    mk->quotes = mk->quote_inline;
    mk->quote_cap = ENG_QUOTES_INLINE;
}

/* A new market of key event_id|market|player (player NULL: not a prop) with hash h; the entry of
 * a retired market when there is one. */
static sv_err_t market_create(eng_state_t *st, const char *event_id, const char *market,
                              const char *player, uint64_t h, eng_market_t **out)
{
    size_t sz = (sizeof(eng_market_t) + 63) & ~(size_t)63;
    eng_market_t *mk = NULL;
    uint32_t gix;
    eng_game_t *g;

    if (game_get(st, event_id, &gix) != SV_OK)
        return SV_ERR_NOMEM;
    g = st->games[gix];
    if (grow(&st->markets, &st->market_cap, st->market_cnt, sizeof(*st->markets)) != SV_OK ||
        grow(&g->markets, &g->market_cap, g->market_cnt, sizeof(*g->markets)) != SV_OK)
        return SV_ERR_NOMEM;
    if (st->free_market_cnt > 0) {
        /* a retired market's entry: its allocations stay (history ring; quotes inline) */
        uint32_t ix = st->free_markets[st->free_market_cnt - 1];
        eng_hist_t *hist;
        if (eng_htab_insert(&st->market_ix, h, ix) != SV_OK)
            return SV_ERR_NOMEM;
        st->free_market_cnt--;
        mk = st->markets[ix];
        hist = mk->hist;
        memset(mk, 0, sz);
        mk->hist = hist;
        market_key(mk, event_id, market, player);
        mk->idx = ix;
        mk->game = gix;
        g->markets[g->market_cnt++] = ix;
        *out = mk;
        return SV_OK;
    }
    if (!(mk = aligned_alloc(64, sz)))
        return SV_ERR_NOMEM;
    memset(mk, 0, sz);
    if (!(mk->hist = calloc((size_t)st->conf.history_size, sizeof(*mk->hist))))
        goto nomem;
    market_key(mk, event_id, market, player);
    mk->idx = (uint32_t)st->market_cnt;
    mk->game = gix;
    if (eng_htab_insert(&st->market_ix, h, mk->idx) != SV_OK)
        goto nomem;
    st->markets[st->market_cnt++] = mk;
    g->markets[g->market_cnt++] = mk->idx;
    *out = mk;
    return SV_OK;
nomem:
    market_free(mk);
    return SV_ERR_NOMEM;
}

/* Start loading the history slot the update will write (market_find() already prefetched the
 * header and the quotes; the slot's address needs the header). Always inlined, like
 * market_prefetch_header(). */
static inline __attribute__((always_inline)) void market_prefetch(const eng_market_t *mk)
{
    __builtin_prefetch(&mk->hist[mk->hist_head], 1);
}

/*
 * A pipeline of four stages, one per call, so that each load has had a whole event's work to
 * complete before the next stage reads it (every load of an update depends on the one before):
 *   1. the index slot of the event announced now;
 *   2. the slot of the previous call's event has arrived: the markets[] entry it names;
 *   3. that entry has arrived: the market's header lines and short names;
 *   4. the header has arrived: the history slot.
 * The quotes of the market of stage 3 (their address needs no load) are requested at the end of
 * the next eng_state_apply_odds(), not here: the twenty-odd prefetches of one event issued at
 * once filled the line-fill buffers and stalled the core. With the hash colliding, only the
 * first market of the probe is prefetched (a wasted prefetch at worst).
 */
void eng_state_prefetch_odds(eng_state_t *st, const wire_odds_t *o)
{
    const char *player = (o->present & WIRE_ODDS_HAS_PLAYER) ? o->player : "";
    uint64_t h = market_hash(o->event_id, o->market, player);

    if (st->pf_mk) /* 4 */
        market_prefetch(st->pf_mk);
    st->pf_mk = NULL;
    if (st->pf_ix != ENG_HTAB_NONE) { /* 3 */
        st->pf_mk = st->pf_quotes = st->markets[st->pf_ix];
        market_prefetch_header(st->pf_mk);
    }
    st->pf_ix = ENG_HTAB_NONE;
    st->score_size = sizeof(wire_score_t);
    if (st->pf_have_hash) { /* 2 */
        eng_htab_it_t it;
        eng_htab_probe(&st->market_ix, st->pf_hash, &it);
        st->pf_ix = eng_htab_next(&st->market_ix, &it);
        if (st->pf_ix != ENG_HTAB_NONE)
            __builtin_prefetch(&st->markets[st->pf_ix], 0);
    }
    eng_htab_prefetch(&st->market_ix, h); /* 1 */
    st->pf_hash = h;
    st->pf_have_hash = true;
}

sv_err_t eng_state_apply_odds(eng_state_t *st, const wire_odds_t *o, eng_market_t **touched,
                              wire_err_t *err)
{
    const char *player = (o->present & WIRE_ODDS_HAS_PLAYER) ? o->player : "";
    uint64_t h = market_hash(o->event_id, o->market, player), bh;
    eng_market_t *mk;
    uint32_t book;
    eng_quote_t *bq = NULL;
    const eng_game_t *g = NULL;
    char pend[ENG_OUTCOMES_MAX][WIRE_NAME_MAX + 1];
    size_t pend_cnt = 0, sel_n = 0;
    bool sel[WIRE_OUTCOMES_MAX];
    int ixs[WIRE_OUTCOMES_MAX], known[WIRE_OUTCOMES_MAX];
    double dec[WIRE_OUTCOMES_MAX];
    line_key_t key = {false, 0.0};
    const char *ref = NULL;
    bool mirrored, prop = (o->present & WIRE_ODDS_HAS_PLAYER) != 0, checked = false;
    bool have_g = false, names_ok;
    sv_err_t rc;

    *touched = NULL;
    eng_htab_prefetch(&st->market_ix, h); /* the book lookup below runs while it loads */
    bh = eng_htab_hash_str(0, o->book);
    book = book_find(st, o->book, bh);
    if ((mk = market_find_odds(st, h, o, player)))
        market_prefetch(mk);
    names_ok = mk != NULL;
    mirrored = mk ? mk->mirrored : strstr(o->market, "spread") != NULL;
    if (mk && book != ENG_HTAB_NONE)
        for (uint8_t i = 0; i < mk->quote_cnt; i++)
            if (mk->quotes[i].book == book) {
                bq = &mk->quotes[i];
                __builtin_prefetch((const char *)bq + 128, 1); /* steam anchor, ref_q */
                break;
            }
    if (bq && o->ts < bq->ts) {
        st->stats.odds_stale++;
        return fail(err, SV_ERR_STALE, "ts",
                    "older than the quote held for book %.64s (%lld < %lld)", o->book,
                    (long long)o->ts, (long long)bq->ts);
    }
    for (size_t i = 0; i < o->outcome_cnt; i++) {
        dec[i] = outcome_dec(&o->outcomes[i]);
        known[i] = mk ? name_ix(mk, o->outcomes[i].name) : -1;
        if (known[i] < 0 || !(mk->names_ok[prop] & (1u << known[i])))
            names_ok = false;
    }
    if (mk && !st->game_known[mk->game])
        names_ok = true; /* a placeholder game: check_names() has nothing to check */
    /* Names already accepted against the known game (whose teams never change) need no check:
     * the game is looked up only when a name is new to the market. */
    if (!names_ok) {
        if (mk) {
            g = st->games[mk->game];
        } else {
            uint32_t gix = game_find_ix(st, o->event_id);
            g = gix == ENG_HTAB_NONE ? NULL : st->games[gix];
        }
        have_g = true;
        if ((rc = check_names(g, o, err)) != SV_OK)
            goto invalid;
        checked = g && g->known;
    }
    if (!bq && mk && mk->quote_cnt >= st->conf.max_books) {
        rc = fail(err, SV_ERR_INVALID, "book", "market already holds %d books",
                  st->conf.max_books);
        goto invalid;
    }
    if (o->outcome_cnt > 0) {
        uint8_t base = mk ? mk->name_cnt : 0;
        if (mk && mk->name_cnt) {
            ref = mk->names[0];
        } else {
            if (!have_g) {
                uint32_t gix = mk ? mk->game : game_find_ix(st, o->event_id);
                g = gix == ENG_HTAB_NONE ? NULL : st->games[gix];
            }
            ref = choose_ref(g, o);
            sv_strlcpy(pend[pend_cnt++], ref, sizeof(pend[0]));
        }
        sel_n = main_line(o, dec, ref, mirrored, sel, &key);
        for (size_t i = 0; i < o->outcome_cnt; i++) {
            int ix = known[i];
            if (!sel[i])
                continue;
            for (size_t j = 0; ix < 0 && j < pend_cnt; j++)
                if (strcmp(pend[j], o->outcomes[i].name) == 0)
                    ix = (int)(base + j);
            if (ix < 0) {
                if (base + pend_cnt >= ENG_OUTCOMES_MAX) {
                    rc = fail(err, SV_ERR_INVALID, "outcomes",
                              "more than %d outcome names in market %.32s", ENG_OUTCOMES_MAX,
                              o->market);
                    goto invalid;
                }
                sv_strlcpy(pend[pend_cnt], o->outcomes[i].name, sizeof(pend[0]));
                ix = (int)(base + pend_cnt++);
            }
            ixs[i] = ix;
        }
    }

    /* Everything is checked: mutate. */
    if (book == ENG_HTAB_NONE) {
        if (st->book_cnt >= UINT16_MAX)
            return fail(err, SV_ERR_NOMEM, "book", "too many books");
        if ((rc = book_add(st, o->book, bh, &book)) != SV_OK)
            return rc;
    }
    if (!mk && (rc = market_create(st, o->event_id, o->market,
                                   (o->present & WIRE_ODDS_HAS_PLAYER) ? o->player : NULL, h,
                                   &mk)) != SV_OK)
        return rc;
    if (!bq) {
        size_t cap = mk->quote_cap;
        if (mk->quote_cnt >= cap) {
            eng_quote_t *nq;
            cap = cap ? cap * 2 : 8;
            if (cap > ENG_BOOKS_MAX)
                cap = ENG_BOOKS_MAX;
            if (!(nq = aligned_alloc(64, cap * sizeof(*nq))))
                return SV_ERR_NOMEM;
            if (mk->quote_cnt)
                memcpy(nq, mk->quotes, mk->quote_cnt * sizeof(*nq));
            if (mk->quotes != mk->quote_inline)
                free(mk->quotes);
            mk->quotes = nq;
            mk->quote_cap = (uint8_t)cap;
        }
        bq = &mk->quotes[mk->quote_cnt++];
        memset(bq, 0, sizeof(*bq));
        bq->book = (uint16_t)book;
    }
    for (size_t j = 0; j < pend_cnt; j++)
        name_add(mk, pend[j]);

    {
        double q[ENG_OUTCOMES_MAX], ref_q = 0.0;
        bool has_ref = false;
        uint8_t n = 0;
        SV_ASSERT(sel_n <= ENG_OUTCOMES_MAX);
        for (size_t i = 0; i < o->outcome_cnt; i++) {
            const wire_outcome_t *oc = &o->outcomes[i];
            eng_out_t *out;
            if (!sel[i])
                continue;
            out = &bq->out[n];
            out->dec = dec[i];
            out->american = (oc->present & WIRE_OUTCOME_HAS_PRICE)
                                ? oc->price
                                : eng_quant_decimal_to_american(out->dec);
            out->p = 0.0;
            out->has_point = (oc->present & WIRE_OUTCOME_HAS_POINT) != 0;
            out->point = out->has_point ? oc->point : 0.0;
            out->name = (uint8_t)ixs[i];
            q[n] = 1.0 / out->dec;
            if (out->name == 0) {
                has_ref = true;
                ref_q = q[n];
            }
            if (checked)
                mk->names_ok[prop] |= (uint8_t)(1u << out->name);
            n++;
        }
        bq->devig_ok = n >= 2;
        if (bq->devig_ok) {
            double p[ENG_OUTCOMES_MAX];
            /* Only the configured method: the consensus uses no other (eng_quote_devig() gives
             * the rest on demand). RANGE: the fallback is filled. */
            (void)eng_quant_devig(st->conf.devig, q, n, p);
            for (uint8_t k = 0; k < n; k++)
                bq->out[k].p = p[k];
        }
        if (mk->ts < o->ts)
            mk->ts = o->ts;
        steam_note(&st->conf, mk, bq, o->ts, has_ref, ref_q, key.has, key.v);
        bq->n = n;
        bq->ts = o->ts;
        if (n > 0) {
            bq->has_line = key.has;
            bq->line = key.has ? key.v : 0.0;
            bq->has_ref = has_ref;
            bq->ref_q = ref_q;
        }
    }
    mk->updates++;
    market_derive(st, mk);
    history_push(st, mk);
    st->stats.odds++;
    *touched = mk;
    if (st->pf_quotes) { /* eng_state_prefetch_odds(), continued */
        market_prefetch_quotes(st->pf_quotes);
        st->pf_quotes = NULL;
    }
    return SV_OK;

invalid:
    st->stats.odds_invalid++;
    return rc;
}

double eng_quote_devig(const eng_quote_t *bq, eng_devig_t m, size_t k)
{
    double q[ENG_OUTCOMES_MAX], p[ENG_OUTCOMES_MAX];
    SV_ASSERT(k < bq->n && (unsigned)m < ENG_DEVIG__CNT);
    if (!bq->devig_ok)
        return 0.0;
    for (uint8_t i = 0; i < bq->n; i++)
        q[i] = 1.0 / bq->out[i].dec;
    (void)eng_quant_devig(m, q, bq->n, p); /* RANGE: the fallback is filled */
    return p[k];
}

/* Zero a score through libc's memset, whose vector width is picked at run time (~17 ns for the
 * 1 KB struct, measured): with the size a constant gcc inlines `rep stos` (~36 ns: its start-up
 * cost dominated filling a score) or, written as a loop, SSE2 stores (~27-33 ns), so the size
 * comes from the state, which gcc cannot fold. */
static void score_zero(const eng_state_t *st, wire_score_t *sc)
{
    memset(sc, 0, st->score_size);
}

/* Copy name (len bytes, zero-padded to its 16-byte slot in name_buf) into a zeroed side. */
static void name_copy(char *side, const char *name, size_t len)
{
    if (NAME_SLOT(len) > WIRE_NAME_MAX + 1) {
        memcpy(side, name, len);
        return;
    }
    for (size_t o = 0; o < NAME_SLOT(len); o += 16)
        memcpy(side + o, name + o, 16);
}

void eng_market_score(const eng_state_t *st, const eng_market_t *mk, size_t i, wire_score_t *sc)
{
    const eng_cand_t *c;
    SV_ASSERT(i < mk->cand_cnt);
    c = &mk->cands[i];
    score_zero(st, sc);
    sc->v = WIRE_VERSION;
    sc->ts = mk->ts;
    /* The sources are zero-padded: fixed-size copies (a few vector moves) give the same bytes as
     * copying the string into the zeroed field. */
    memcpy(sc->cand.event_id, mk->event_id, sizeof(sc->cand.event_id));
    memcpy(sc->cand.market, mk->market, sizeof(sc->cand.market));
    name_copy(sc->cand.side, mk->names[c->name], mk->name_len[c->name]);
    if (mk->has_player) {
        memcpy(sc->cand.player, mk->player, sizeof(sc->cand.player));
        sc->cand.present |= WIRE_CAND_HAS_PLAYER;
    }
    if (c->has_point) {
        sc->cand.point = c->point;
        sc->cand.present |= WIRE_CAND_HAS_POINT;
    }
    sc->p_fair = c->p_fair;
    sc->best_price = c->best_american;
    sc->best_decimal = c->best_dec;
    memcpy(sc->best_book, st->books[c->best_book], sizeof(sc->best_book));
    sc->books = c->books;
    sc->line_variance = mk->line_variance;
    if (c->steam)
        memcpy(sc->flags[sc->flag_cnt++], "steam", sizeof("steam"));
    if (mk->arb)
        memcpy(sc->flags[sc->flag_cnt++], "arb", sizeof("arb"));
}

/* ---- games -------------------------------------------------------------------------------- */

static bool status_terminal(wire_game_status_t s)
{
    return s == WIRE_GAME_FINAL || s == WIRE_GAME_CANCELLED;
}

sv_err_t eng_state_apply_game(eng_state_t *st, const wire_game_t *gw, eng_game_t **touched,
                              wire_err_t *err)
{
    uint32_t gix = game_find_ix(st, gw->event_id);
    eng_game_t *g = gix == ENG_HTAB_NONE ? NULL : st->games[gix];
    sv_err_t rc;

    *touched = NULL;
    if (g && g->known) {
        if (gw->ts < g->ts) {
            st->stats.games_stale++;
            return fail(err, SV_ERR_STALE, "ts", "older than the game held (%lld < %lld)",
                        (long long)gw->ts, (long long)g->ts);
        }
        if (strcmp(g->home, gw->home) != 0 || strcmp(g->away, gw->away) != 0) {
            st->stats.games_invalid++;
            return fail(err, SV_ERR_INVALID, strcmp(g->home, gw->home) != 0 ? "home" : "away",
                        "differs from the game held (%.40s vs %.40s)", g->home, g->away);
        }
        if (status_terminal(g->status) && gw->status != g->status) {
            st->stats.games_invalid++;
            return fail(err, SV_ERR_INVALID, "status", "the game is already %s",
                        g->status == WIRE_GAME_FINAL ? "final" : "cancelled");
        }
    }
    if (!g) {
        if ((rc = game_get(st, gw->event_id, &gix)) != SV_OK)
            return rc;
        g = st->games[gix];
    }
    g->known = true;
    st->game_known[gix] = 1;
    g->ts = gw->ts;
    sv_strlcpy(g->sport, gw->sport, sizeof(g->sport));
    sv_strlcpy(g->league, gw->league, sizeof(g->league));
    sv_strlcpy(g->home, gw->home, sizeof(g->home));
    sv_strlcpy(g->away, gw->away, sizeof(g->away));
    g->commence_ts = gw->commence_ts;
    g->status = gw->status;
    g->period = gw->period;
    g->clock_s = gw->clock_s;
    g->home_score = gw->home_score;
    g->away_score = gw->away_score;
    g->present = gw->present;
    st->stats.games++;
    *touched = g;
    return SV_OK;
}

/* ---- context ------------------------------------------------------------------------------ */

static sv_err_t ctx_stale(eng_state_t *st, wire_err_t *err, int64_t ts, int64_t held)
{
    st->stats.context_stale++;
    return fail(err, SV_ERR_STALE, "ts", "older than the record held (%lld < %lld)",
                (long long)ts, (long long)held);
}

static sv_err_t ctx_splits(eng_state_t *st, eng_game_t *g, const wire_context_t *c,
                           wire_err_t *err)
{
    eng_splits_t *s = NULL;
    for (size_t i = 0; i < g->splits_cnt; i++)
        if (strcmp(g->splits[i].market, c->market) == 0 && strcmp(g->splits[i].side, c->side) == 0)
            s = &g->splits[i];
    if (s && c->ts < s->ts)
        return ctx_stale(st, err, c->ts, s->ts);
    if (!s) {
        if (grow(&g->splits, &g->splits_cap, g->splits_cnt, sizeof(*g->splits)) != SV_OK)
            return SV_ERR_NOMEM;
        s = &g->splits[g->splits_cnt++];
        sv_strlcpy(s->market, c->market, sizeof(s->market));
        sv_strlcpy(s->side, c->side, sizeof(s->side));
    }
    s->ticket_pct = c->ticket_pct;
    s->money_pct = c->money_pct;
    s->ts = c->ts;
    return SV_OK;
}

static sv_err_t ctx_injury(eng_state_t *st, eng_game_t *g, const wire_context_t *c,
                           wire_err_t *err)
{
    eng_injury_t *in = NULL;
    for (size_t i = 0; i < g->injury_cnt; i++)
        if (strcmp(g->injuries[i].team, c->team) == 0 &&
            strcmp(g->injuries[i].player, c->player) == 0)
            in = &g->injuries[i];
    if (in && c->ts < in->ts)
        return ctx_stale(st, err, c->ts, in->ts);
    if (!in) {
        if (grow(&g->injuries, &g->injury_cap, g->injury_cnt, sizeof(*g->injuries)) != SV_OK)
            return SV_ERR_NOMEM;
        in = &g->injuries[g->injury_cnt++];
        sv_strlcpy(in->team, c->team, sizeof(in->team));
        sv_strlcpy(in->player, c->player, sizeof(in->player));
    }
    in->status = c->status;
    in->impact = c->impact;
    in->is_starter = c->is_starter;
    in->present = c->present & (WIRE_CTX_HAS_IMPACT | WIRE_CTX_HAS_IS_STARTER);
    in->ts = c->ts;
    return SV_OK;
}

static sv_err_t ctx_player(eng_state_t *st, const wire_context_t *c, wire_err_t *err)
{
    uint32_t v = player_find(st, c->player);
    eng_player_t *p;
    if (v != ENG_HTAB_NONE && c->ts < st->players[v].ts)
        return ctx_stale(st, err, c->ts, st->players[v].ts);
    if (v == ENG_HTAB_NONE) {
        if (grow(&st->players, &st->player_cap, st->player_cnt, sizeof(*st->players)) != SV_OK ||
            eng_htab_insert(&st->player_ix, eng_htab_hash_str(0, c->player),
                            (uint32_t)st->player_cnt) != SV_OK)
            return SV_ERR_NOMEM;
        v = (uint32_t)st->player_cnt++;
        memset(&st->players[v], 0, sizeof(st->players[v]));
        sv_strlcpy(st->players[v].player, c->player, sizeof(st->players[v].player));
    }
    p = &st->players[v];
    sv_strlcpy(p->team, (c->present & WIRE_CTX_HAS_TEAM) ? c->team : "", sizeof(p->team));
    sv_strlcpy(p->birth_date, c->birth_date, sizeof(p->birth_date));
    p->ts = c->ts;
    return SV_OK;
}

sv_err_t eng_state_apply_context(eng_state_t *st, const wire_context_t *c, eng_game_t **touched,
                                 wire_err_t *err)
{
    eng_game_t *g = NULL;
    uint32_t gix;
    sv_err_t rc = SV_OK;

    *touched = NULL;
    if (c->kind == WIRE_CTX_PLAYER) {
        rc = ctx_player(st, c, err);
        goto out;
    }
    if (c->kind == WIRE_CTX_SPACE_WEATHER) {
        if (st->space.ts && c->ts < st->space.ts) {
            rc = ctx_stale(st, err, c->ts, st->space.ts);
            goto out;
        }
        st->space.kp = c->kp;
        st->space.xray_flux = c->xray_flux;
        st->space.present = c->present & (WIRE_CTX_HAS_KP | WIRE_CTX_HAS_XRAY_FLUX);
        st->space.ts = c->ts;
        goto out;
    }
    if ((rc = game_get(st, c->event_id, &gix)) != SV_OK)
        goto out;
    g = st->games[gix];
    switch (c->kind) {
    case WIRE_CTX_SPLITS: rc = ctx_splits(st, g, c, err); break;
    case WIRE_CTX_INJURY: rc = ctx_injury(st, g, c, err); break;
    case WIRE_CTX_OFFICIALS:
        if (g->officials.ts && c->ts < g->officials.ts) {
            rc = ctx_stale(st, err, c->ts, g->officials.ts);
            break;
        }
        sv_strlcpy(g->officials.lead, c->lead, sizeof(g->officials.lead));
        g->officials.crew_cnt = c->crew_cnt;
        memcpy(g->officials.crew, c->crew, sizeof(g->officials.crew));
        g->officials.over_pct = c->over_pct;
        g->officials.home_bias = c->home_bias;
        g->officials.present =
            c->present & (WIRE_CTX_HAS_CREW | WIRE_CTX_HAS_OVER_PCT | WIRE_CTX_HAS_HOME_BIAS);
        g->officials.ts = c->ts;
        break;
    case WIRE_CTX_WEATHER:
        if (g->weather.ts && c->ts < g->weather.ts) {
            rc = ctx_stale(st, err, c->ts, g->weather.ts);
            break;
        }
        g->weather.temp_f = c->temp_f;
        g->weather.wind_mph = c->wind_mph;
        g->weather.precip_in = c->precip_in;
        g->weather.humidity = c->humidity;
        g->weather.indoor = c->indoor;
        g->weather.present = c->present & WIRE_CTX_HAS_INDOOR;
        g->weather.ts = c->ts;
        break;
    default:
        st->stats.context_invalid++;
        rc = fail(err, SV_ERR_INVALID, "kind", "unknown context kind %d", (int)c->kind);
        break;
    }
out:
    if (rc == SV_OK) {
        st->stats.context++;
        *touched = g;
    }
    return rc;
}

/* ---- restore (engine/snap.c) -------------------------------------------------------------- */

/* Copy n entries of sz bytes from src into *arr (capacity *cap), growing it; *cnt = n. */
static sv_err_t copy_arr(void *arrp, size_t *cnt, size_t *cap, const void *src, size_t n,
                         size_t sz)
{
    void **arr = arrp;
    if (n > *cap) {
        void *p = realloc(*arr, n * sz);
        if (!p)
            return SV_ERR_NOMEM;
        *arr = p;
        *cap = n;
    }
    if (n)
        memcpy(*arr, src, n * sz);
    *cnt = n;
    return SV_OK;
}

sv_err_t eng_state_restore_game(eng_state_t *st, const eng_game_t *in, eng_game_t **out)
{
    uint32_t gix;
    eng_game_t *g;

    if (game_get(st, in->event_id, &gix) != SV_OK)
        return SV_ERR_NOMEM;
    g = st->games[gix];
    /* both arrays first: an error leaves the game as it was */
    if (in->splits_cnt > g->splits_cap) {
        eng_splits_t *p = realloc(g->splits, in->splits_cnt * sizeof(*p));
        if (!p)
            return SV_ERR_NOMEM;
        g->splits = p;
        g->splits_cap = in->splits_cnt;
    }
    if (in->injury_cnt > g->injury_cap) {
        eng_injury_t *p = realloc(g->injuries, in->injury_cnt * sizeof(*p));
        if (!p)
            return SV_ERR_NOMEM;
        g->injuries = p;
        g->injury_cap = in->injury_cnt;
    }
    (void)copy_arr(&g->splits, &g->splits_cnt, &g->splits_cap, in->splits, in->splits_cnt,
                   sizeof(*g->splits));
    (void)copy_arr(&g->injuries, &g->injury_cnt, &g->injury_cap, in->injuries, in->injury_cnt,
                   sizeof(*g->injuries));
    g->known = in->known;
    st->game_known[gix] = in->known;
    g->ts = in->ts;
    memcpy(g->sport, in->sport, sizeof(g->sport));
    memcpy(g->league, in->league, sizeof(g->league));
    memcpy(g->home, in->home, sizeof(g->home));
    memcpy(g->away, in->away, sizeof(g->away));
    g->commence_ts = in->commence_ts;
    g->status = in->status;
    g->period = in->period;
    g->clock_s = in->clock_s;
    g->home_score = in->home_score;
    g->away_score = in->away_score;
    g->present = in->present;
    g->officials = in->officials;
    g->weather = in->weather;
    *out = g;
    return SV_OK;
}

/* Whether mk's key is in's market and player (len, plen: their lengths); mk is of in's game. */
static inline bool restore_key_eq(const eng_market_t *mk, const eng_market_in_t *in, size_t len,
                                  size_t plen)
{
    return mk->market_len == len && memcmp(mk->market, in->market, len) == 0 &&
           mk->has_player == in->has_player && mk->player_len == plen &&
           memcmp(mk->player, in->player, plen) == 0;
}

/* Game g's market in->market|in->player, NULL when g has none: found among g's markets (a game
 * has a few; a record names them in the game's order, so entry in->hint is tried first), not
 * through the state's hash table, whose slot would be one more cache miss: the key compares
 * read the market headers engine/snap.c prefetched. */
static eng_market_t *restore_find(const eng_state_t *st, const eng_game_t *g,
                                  const eng_market_in_t *in)
{
    size_t len = strlen(in->market), plen = in->has_player ? strlen(in->player) : 0;
    eng_market_t *mk;

    if (in->hint < g->market_cnt &&
        restore_key_eq(mk = st->markets[g->markets[in->hint]], in, len, plen))
        return mk;
    for (size_t j = 0; j < g->market_cnt; j++)
        if (j != in->hint && restore_key_eq(mk = st->markets[g->markets[j]], in, len, plen))
            return mk;
    return NULL;
}

/* Whether mk holds in's names already, in order (then its name_buf is what name_add() would
 * write for them: names packed from a zeroed buffer). */
static bool restore_names_same(const eng_market_t *mk, const eng_market_in_t *in)
{
    if (mk->name_cnt != in->name_cnt)
        return false;
    for (uint8_t i = 0; i < in->name_cnt; i++)
        if (strcmp(mk->names[i], in->names[i]) != 0)
            return false;
    return true;
}

sv_err_t eng_state_restore_market(eng_state_t *st, eng_game_t *g, const eng_market_in_t *in,
                                  eng_market_t **out)
{
    const char *player = in->has_player ? in->player : NULL;
    uint32_t books[ENG_BOOKS_MAX];
    uint32_t size = (uint32_t)st->conf.history_size;
    size_t hist_from = in->hist_cnt > size ? in->hist_cnt - size : 0;
    eng_market_t *mk = restore_find(st, g, in);
    sv_err_t rc;

    SV_ASSERT(in->quote_cnt <= ENG_BOOKS_MAX && in->name_cnt <= ENG_OUTCOMES_MAX);
    if (!mk && (rc = market_create(st, g->event_id, in->market, player,
                                   market_hash(g->event_id, in->market, player), &mk)) != SV_OK)
        return rc;
    if (in->quote_cnt > mk->quote_cap) {
        size_t cap = in->quote_cnt;
        eng_quote_t *nq = aligned_alloc(64, cap * sizeof(*nq));
        if (!nq)
            return SV_ERR_NOMEM;
        if (mk->quotes != mk->quote_inline)
            free(mk->quotes);
        mk->quotes = nq;
        mk->quote_cap = (uint8_t)cap;
        mk->quote_cnt = 0; /* the old quotes are gone: an error below leaves no quote held */
    }
    for (size_t i = 0; i < in->quote_cnt; i++) {
        uint64_t bh;
        if (in->book_ix[i] >= 0) {
            SV_ASSERT((size_t)in->book_ix[i] < st->book_cnt);
            books[i] = (uint32_t)in->book_ix[i];
            continue;
        }
        bh = eng_htab_hash_str(0, in->books[i]);
        books[i] = book_find(st, in->books[i], bh);
        if (books[i] == ENG_HTAB_NONE) {
            SV_ASSERT(st->book_cnt < UINT16_MAX);
            if ((rc = book_add(st, in->books[i], bh, &books[i])) != SV_OK)
                return rc;
        }
    }

    /* Everything allocated: overwrite (the names only when they differ: a market's names
     * rarely change, and rewriting name_buf would dirty its lines for the same bytes). */
    if (!restore_names_same(mk, in)) {
        mk->name_cnt = 0;
        memset(mk->name_buf, 0, sizeof(mk->name_buf));
        memset(mk->names, 0, sizeof(mk->names));
        memset(mk->name_len, 0, sizeof(mk->name_len));
        for (uint8_t i = 0; i < in->name_cnt; i++)
            name_add(mk, in->names[i]);
    }
    mk->names_ok[0] = in->names_ok[0];
    mk->names_ok[1] = in->names_ok[1];
    mk->ts = in->ts;
    mk->updates = in->updates;
    for (size_t i = 0; i < in->quote_cnt; i++) {
        mk->quotes[i] = in->quotes[i];
        mk->quotes[i].book = (uint16_t)books[i];
    }
    mk->quote_cnt = in->quote_cnt;
    mk->hist_cnt = (uint32_t)(in->hist_cnt - hist_from);
    for (uint32_t i = 0; i < mk->hist_cnt; i++)
        mk->hist[i] = in->hist[hist_from + i];
    mk->hist_head = mk->hist_cnt == size ? 0 : mk->hist_cnt;
    memcpy(mk->close_p, in->close_p, sizeof(mk->close_p));
    mk->close_set = in->close_set;
    memset(mk->cands, 0, sizeof(mk->cands));
    market_derive(st, mk);
    *out = mk;
    return SV_OK;
}
