/*
 * snap — one game's state record (see snap.h; layout: docs/schemas.md "State records
 * (savant.state.v1)").
 *
 * Encoding writes a fixed key order with msgpack-c's packer, so the same state gives the same
 * bytes. Restoring reads the record with the allocation-free, bounds-checked wire_mp reader (the
 * one under wire_decode()) into a scratch record, checks every field (types, ranges, enums,
 * counts, string lengths, finite floats, name indices, the book table's room), and only then
 * applies it through market.c's restore entry points, which recompute every derived field with
 * market_derive(), the code an odds event runs.
 *
 * Speed (docs/performance.md "State records"): a market's quotes, the line history and the LSTM
 * vectors are one bin each of fixed-size little-endian values (a copy and a range check per
 * value instead of a msgpack header; the quotes name their books by entry of the record's
 * "books" table; the first layout's arrays are still read); the state's markets the record
 * overwrites are prefetched while it decodes, and market.c finds them among the game's markets
 * (engine/market.c restore_find()) instead of the hash table; the typed readers take their common
 * encodings inline; the scratch of a usual record (SNAP_M_LOCAL markets, SNAP_H_LOCAL history
 * points) lives in the restore's stack frame, whose pages stay warm; each distinct book of a
 * record is looked up once (the record's book table), which gives both the book table's room
 * check and the book indices market.c interns with.
 *
 * What of eng_market_t a record stores, and what is derived on restore:
 *   key          event_id (the record's), market, player/has_player: stored (player only for
 *                props); event_id_len, market_len, player_len: recomputed from the strings
 *   mirrored     stored (and checked: it follows from the market token)
 *   names        stored in order (names[0] is the reference); name_cnt, name_len, name_buf:
 *                rebuilt from them
 *   names_ok     stored (private bits: names checked against the known game)
 *   ts, updates  stored
 *   quotes       stored, every field of eng_quote_t (out[] up to n: the entries past n are
 *                not state), the book as an entry of the record's "books" (its id there;
 *                re-interned: book indices are per process);
 *                quote_cnt follows; quote_cap and quote_inline are allocation
 *   hist         stored oldest first (hist_cnt of them); hist_head follows
 *   close_p      stored with close_set (absent when not set: zeros)
 *   idx, game    per process: the market's place in the restoring state
 *   derived      has_modal, modal_has_line, arb, steam_dir, cand_cnt, modal_books,
 *                active_books, modal_line, line_variance, arb_sum, arb_profit, cands:
 *                recomputed by market_derive() (eng_state_restore_market())
 */
#include "snap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/elo.h"
#include "sv_util.h"
#include "wire_mp.h"

#define SNAP_VERSION 1
#define SNAP_MARKETS_MAX 1024  /* markets one record may hold */
#define SNAP_CTX_MAX 4096      /* splits, and injuries, one record may hold */
#define SNAP_HIST_MAX 1000000  /* history points of one market (conf.history_size's maximum) */
#define SNAP_DEPTH 8           /* path frames kept for error fields */
#define SNAP_HIST_REC 25       /* bytes of one history point in the "h" bin */
#define SNAP_M_LOCAL 4         /* markets decoded into the restore's stack frame (more: heap) */
#define SNAP_H_LOCAL 256       /* history points decoded into the stack frame (more: heap) */
#define SNAP_F64_EXP 0x7ff0000000000000ULL /* a float64's exponent bits */
#define SNAP_BOOKS_TAB 64      /* distinct books of one record looked up once each */
#define SNAP_BOOK_NONE 0xff    /* snap_mkt_t.bid of a book past the record's book table */
#define SNAP_Q_HEAD 60         /* bytes of one quote's fixed part in the "q" bin */
#define SNAP_Q_OUT 30          /* bytes of one outcome in the "q" bin */
#define SNAP_Q_MAX (SNAP_Q_HEAD + ENG_OUTCOMES_MAX * SNAP_Q_OUT) /* the longest quote */

/* quote flags */
#define SQ_HAS_LINE 1u
#define SQ_HAS_REF 2u
#define SQ_DEVIG_OK 4u
#define SQ_ANCHOR_SET 8u
#define SQ_ANCHOR_HAS_LINE 16u

/* ---- encode ------------------------------------------------------------------------------- */

static int pk_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    return msgpack_pack_str(pk, n) | msgpack_pack_str_body(pk, s, n);
}

static int pk_bool(msgpack_packer *pk, bool b)
{
    return b ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
}

static int pk_game(msgpack_packer *pk, const eng_game_t *g)
{
    const eng_officials_t *of = &g->officials;
    const eng_weather_t *wx = &g->weather;
    int rc = msgpack_pack_map(pk, 17);

    rc |= pk_str(pk, "known") | pk_bool(pk, g->known);
    rc |= pk_str(pk, "ts") | msgpack_pack_int64(pk, g->ts);
    rc |= pk_str(pk, "sport") | pk_str(pk, g->sport);
    rc |= pk_str(pk, "league") | pk_str(pk, g->league);
    rc |= pk_str(pk, "home") | pk_str(pk, g->home);
    rc |= pk_str(pk, "away") | pk_str(pk, g->away);
    rc |= pk_str(pk, "commence_ts") | msgpack_pack_int64(pk, g->commence_ts);
    rc |= pk_str(pk, "status") | msgpack_pack_uint32(pk, (uint32_t)g->status);
    rc |= pk_str(pk, "period") | msgpack_pack_int32(pk, g->period);
    rc |= pk_str(pk, "clock_s") | msgpack_pack_int32(pk, g->clock_s);
    rc |= pk_str(pk, "home_score") | msgpack_pack_int32(pk, g->home_score);
    rc |= pk_str(pk, "away_score") | msgpack_pack_int32(pk, g->away_score);
    rc |= pk_str(pk, "present") | msgpack_pack_uint32(pk, g->present);
    rc |= pk_str(pk, "splits") | msgpack_pack_array(pk, g->splits_cnt);
    for (size_t i = 0; i < g->splits_cnt; i++) {
        const eng_splits_t *s = &g->splits[i];
        rc |= msgpack_pack_array(pk, 5) | pk_str(pk, s->market) | pk_str(pk, s->side) |
              msgpack_pack_double(pk, s->ticket_pct) | msgpack_pack_double(pk, s->money_pct) |
              msgpack_pack_int64(pk, s->ts);
    }
    rc |= pk_str(pk, "inj") | msgpack_pack_array(pk, g->injury_cnt);
    for (size_t i = 0; i < g->injury_cnt; i++) {
        const eng_injury_t *in = &g->injuries[i];
        rc |= msgpack_pack_array(pk, 7) | pk_str(pk, in->team) | pk_str(pk, in->player) |
              msgpack_pack_uint32(pk, (uint32_t)in->status) | msgpack_pack_double(pk, in->impact) |
              pk_bool(pk, in->is_starter) | msgpack_pack_uint32(pk, in->present) |
              msgpack_pack_int64(pk, in->ts);
    }
    rc |= pk_str(pk, "off") | msgpack_pack_array(pk, 6) | pk_str(pk, of->lead) |
          msgpack_pack_array(pk, of->crew_cnt);
    for (size_t i = 0; i < of->crew_cnt && i < WIRE_CREW_MAX; i++)
        rc |= pk_str(pk, of->crew[i]);
    rc |= msgpack_pack_double(pk, of->over_pct) | msgpack_pack_double(pk, of->home_bias) |
          msgpack_pack_uint32(pk, of->present) | msgpack_pack_int64(pk, of->ts);
    rc |= pk_str(pk, "wx") | msgpack_pack_array(pk, 7) | msgpack_pack_double(pk, wx->temp_f) |
          msgpack_pack_double(pk, wx->wind_mph) | msgpack_pack_double(pk, wx->precip_in) |
          msgpack_pack_double(pk, wx->humidity) | pk_bool(pk, wx->indoor) |
          msgpack_pack_uint32(pk, wx->present) | msgpack_pack_int64(pk, wx->ts);
    return rc;
}

static int pk_quote(msgpack_packer *pk, const eng_state_t *st, const eng_quote_t *bq)
{
    unsigned flags = (bq->has_line ? SQ_HAS_LINE : 0) | (bq->has_ref ? SQ_HAS_REF : 0) |
                     (bq->devig_ok ? SQ_DEVIG_OK : 0) | (bq->anchor_set ? SQ_ANCHOR_SET : 0) |
                     (bq->anchor_has_line ? SQ_ANCHOR_HAS_LINE : 0);
    int rc = msgpack_pack_array(pk, 11) | pk_str(pk, eng_state_book_name(st, bq->book)) |
             msgpack_pack_int64(pk, bq->ts) | msgpack_pack_double(pk, bq->line) |
             msgpack_pack_int64(pk, bq->move_ts) | msgpack_pack_int8(pk, bq->move_dir) |
             msgpack_pack_uint8(pk, (uint8_t)flags) | msgpack_pack_array(pk, bq->n);

    for (uint8_t k = 0; k < bq->n; k++) {
        const eng_out_t *o = &bq->out[k];
        rc |= msgpack_pack_array(pk, 6) | msgpack_pack_double(pk, o->dec) |
              msgpack_pack_double(pk, o->p) | msgpack_pack_double(pk, o->point) |
              msgpack_pack_int32(pk, o->american) | msgpack_pack_uint8(pk, o->name) |
              pk_bool(pk, o->has_point);
    }
    return rc | msgpack_pack_double(pk, bq->ref_q) | msgpack_pack_int64(pk, bq->anchor_ts) |
           msgpack_pack_double(pk, bq->anchor_q) | msgpack_pack_double(pk, bq->anchor_line);
}

/* Little-endian stores and loads of the bins' fixed-size values: plain moves on a
 * little-endian host, byte by byte elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SNAP_LE_HOST 1
#else
#define SNAP_LE_HOST 0
#endif

static inline void le64_put(uint8_t *p, uint64_t v)
{
    if (SNAP_LE_HOST) {
        memcpy(p, &v, sizeof(v));
        return;
    }
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline void le32_put(uint8_t *p, uint32_t v)
{
    if (SNAP_LE_HOST) {
        memcpy(p, &v, sizeof(v));
        return;
    }
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline uint64_t le64_get(const uint8_t *p)
{
    uint64_t v = 0;
    if (SNAP_LE_HOST) {
        memcpy(&v, p, sizeof(v));
        return v;
    }
    for (int k = 7; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

static inline uint32_t le32_get(const uint8_t *p)
{
    uint32_t v = 0;
    if (SNAP_LE_HOST) {
        memcpy(&v, p, sizeof(v));
        return v;
    }
    for (int k = 3; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* A big-endian 64-bit value (msgpack's numbers). */
static inline uint64_t be64_get(const uint8_t *p)
{
    uint64_t v = 0;
    if (SNAP_LE_HOST) {
        memcpy(&v, p, sizeof(v));
        return __builtin_bswap64(v);
    }
    memcpy(&v, p, sizeof(v));
    return v;
}

/* The line history as one bin of SNAP_HIST_REC bytes per point, oldest first. */
static int pk_hist(msgpack_packer *pk, const eng_state_t *st, const eng_market_t *mk)
{
    uint8_t buf[64 * SNAP_HIST_REC];
    size_t n = 0;
    int rc = msgpack_pack_bin(pk, (size_t)mk->hist_cnt * SNAP_HIST_REC);

    for (uint32_t i = 0; i < mk->hist_cnt; i++) {
        const eng_hist_t *h = eng_market_history(st, mk, i);
        uint8_t *p = buf + n * SNAP_HIST_REC;
        uint64_t u;
        le64_put(p, (uint64_t)h->ts);
        memcpy(&u, &h->p_first, sizeof(u));
        le64_put(p + 8, u);
        memcpy(&u, &h->point, sizeof(u));
        le64_put(p + 16, u);
        p[24] = h->has_point ? 1 : 0;
        if (++n == 64) {
            rc |= msgpack_pack_bin_body(pk, buf, n * SNAP_HIST_REC);
            n = 0;
        }
    }
    return n ? rc | msgpack_pack_bin_body(pk, buf, n * SNAP_HIST_REC) : rc;
}

/* n float32 (n <= ENG_LSTM_HID_MAX) as one bin of 4 bytes each. */
static int pk_f32s(msgpack_packer *pk, const float *x, size_t n)
{
    uint8_t buf[4 * ENG_LSTM_HID_MAX];
    for (size_t k = 0; k < n; k++) {
        uint32_t u;
        memcpy(&u, &x[k], sizeof(u));
        le32_put(buf + 4 * k, u);
    }
    return msgpack_pack_bin(pk, 4 * n) | msgpack_pack_bin_body(pk, buf, 4 * n);
}

static inline uint64_t f64_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof(u));
    return u;
}

/* The record's book table: the distinct books of game g's quotes in order of first quote, at
 * most SNAP_BOOKS_TAB (a book past it makes its markets' quotes arrays). Each quote's book is
 * likely the entry of its own index (a game's markets list their books in the same order). */
typedef struct snap_btab {
    uint16_t book[SNAP_BOOKS_TAB];
    size_t cnt;
} snap_btab_t;

static size_t btab_find(const snap_btab_t *bt, uint16_t b, size_t hint)
{
    if (hint < bt->cnt && bt->book[hint] == b)
        return hint;
    for (size_t k = 0; k < bt->cnt; k++)
        if (bt->book[k] == b)
            return k;
    return SNAP_BOOK_NONE;
}

static void btab_fill(const eng_state_t *st, const eng_game_t *g, snap_btab_t *bt)
{
    bt->cnt = 0;
    for (size_t i = 0; i < g->market_cnt; i++) {
        const eng_market_t *mk = eng_state_game_market(st, g, i);
        for (uint8_t j = 0; j < mk->quote_cnt; j++)
            if (btab_find(bt, mk->quotes[j].book, j) == SNAP_BOOK_NONE &&
                bt->cnt < SNAP_BOOKS_TAB)
                bt->book[bt->cnt++] = mk->quotes[j].book;
    }
}

/* A market's quotes as one bin (docs/schemas.md "State records"): per quote SNAP_Q_HEAD bytes
 * (ts, line, move_ts, ref_q, anchor_ts, anchor_q, anchor_line as 8-byte little-endian values;
 * book table entry, flags, move_dir, n as bytes), then n outcomes of SNAP_Q_OUT bytes (dec, p,
 * point as float64, american as int32, little-endian; name, has_point as bytes). bid: each
 * quote's entry of the record's book table. */
static int pk_quotes_bin(msgpack_packer *pk, const eng_market_t *mk, const uint8_t *bid)
{
    uint8_t buf[ENG_BOOKS_MAX * SNAP_Q_MAX], *p = buf;

    SV_ASSERT(mk->quote_cnt <= ENG_BOOKS_MAX);
    for (uint8_t i = 0; i < mk->quote_cnt; i++) {
        const eng_quote_t *bq = &mk->quotes[i];
        le64_put(p, (uint64_t)bq->ts);
        le64_put(p + 8, f64_bits(bq->line));
        le64_put(p + 16, (uint64_t)bq->move_ts);
        le64_put(p + 24, f64_bits(bq->ref_q));
        le64_put(p + 32, (uint64_t)bq->anchor_ts);
        le64_put(p + 40, f64_bits(bq->anchor_q));
        le64_put(p + 48, f64_bits(bq->anchor_line));
        p[56] = bid[i];
        p[57] = (uint8_t)((bq->has_line ? SQ_HAS_LINE : 0) | (bq->has_ref ? SQ_HAS_REF : 0) |
                          (bq->devig_ok ? SQ_DEVIG_OK : 0) | (bq->anchor_set ? SQ_ANCHOR_SET : 0) |
                          (bq->anchor_has_line ? SQ_ANCHOR_HAS_LINE : 0));
        p[58] = (uint8_t)bq->move_dir;
        p[59] = bq->n;
        p += SNAP_Q_HEAD;
        for (uint8_t k = 0; k < bq->n; k++, p += SNAP_Q_OUT) {
            const eng_out_t *o = &bq->out[k];
            le64_put(p, f64_bits(o->dec));
            le64_put(p + 8, f64_bits(o->p));
            le64_put(p + 16, f64_bits(o->point));
            le32_put(p + 24, (uint32_t)o->american);
            p[28] = o->name;
            p[29] = o->has_point ? 1 : 0;
        }
    }
    return msgpack_pack_bin(pk, (size_t)(p - buf)) |
           msgpack_pack_bin_body(pk, buf, (size_t)(p - buf));
}

static int pk_market(msgpack_packer *pk, const eng_state_t *st, const eng_ai_t *ai,
                     const eng_market_t *mk, const snap_btab_t *bt)
{
    uint8_t bid[ENG_BOOKS_MAX];
    bool as_bin = true;
    eng_ai_slot_state_t slots[ENG_OUTCOMES_MAX];
    size_t slot_ix[ENG_OUTCOMES_MAX], slot_cnt = 0;
    int n_hid = ai ? eng_ai_n_hid(ai) : 0, rc;

    for (size_t i = 0; n_hid > 0 && i < ENG_OUTCOMES_MAX; i++)
        if (eng_ai_slot_get(ai, mk, i, &slots[slot_cnt]))
            slot_ix[slot_cnt++] = i;
    rc = msgpack_pack_map(pk, 8 + mk->has_player + mk->close_set + (slot_cnt > 0));
    rc |= pk_str(pk, "market") | pk_str(pk, mk->market);
    if (mk->has_player)
        rc |= pk_str(pk, "player") | pk_str(pk, mk->player);
    rc |= pk_str(pk, "mir") | pk_bool(pk, mk->mirrored);
    rc |= pk_str(pk, "names") | msgpack_pack_array(pk, mk->name_cnt);
    for (uint8_t i = 0; i < mk->name_cnt; i++)
        rc |= pk_str(pk, mk->names[i]);
    rc |= pk_str(pk, "nok") | msgpack_pack_array(pk, 2) | msgpack_pack_uint8(pk, mk->names_ok[0]) |
          msgpack_pack_uint8(pk, mk->names_ok[1]);
    rc |= pk_str(pk, "ts") | msgpack_pack_int64(pk, mk->ts);
    rc |= pk_str(pk, "upd") | msgpack_pack_uint64(pk, mk->updates);
    for (uint8_t i = 0; i < mk->quote_cnt && as_bin; i++)
        as_bin = (bid[i] = (uint8_t)btab_find(bt, mk->quotes[i].book, i)) != SNAP_BOOK_NONE;
    if (as_bin) {
        rc |= pk_str(pk, "q") | pk_quotes_bin(pk, mk, bid);
    } else { /* a book past the record's table: the first layout's arrays */
        rc |= pk_str(pk, "q") | msgpack_pack_array(pk, mk->quote_cnt);
        for (uint8_t i = 0; i < mk->quote_cnt; i++)
            rc |= pk_quote(pk, st, &mk->quotes[i]);
    }
    rc |= pk_str(pk, "h") | pk_hist(pk, st, mk);
    if (mk->close_set) {
        rc |= pk_str(pk, "close") | msgpack_pack_array(pk, ENG_OUTCOMES_MAX);
        for (size_t i = 0; i < ENG_OUTCOMES_MAX; i++)
            rc |= msgpack_pack_double(pk, mk->close_p[i]);
    }
    if (slot_cnt) {
        rc |= pk_str(pk, "ai") | msgpack_pack_array(pk, slot_cnt);
        for (size_t j = 0; j < slot_cnt; j++) {
            const eng_ai_slot_state_t *s = &slots[j];
            rc |= msgpack_pack_array(pk, 8) | msgpack_pack_uint8(pk, (uint8_t)slot_ix[j]) |
                  pk_bool(pk, s->has) | msgpack_pack_float(pk, s->p) | pk_bool(pk, s->prev_set) |
                  msgpack_pack_double(pk, s->prev_p_fair) | msgpack_pack_double(pk, s->prev_line);
            rc |= pk_f32s(pk, s->h, (size_t)n_hid) | pk_f32s(pk, s->c, (size_t)n_hid);
        }
    }
    return rc;
}

sv_err_t eng_snap_encode(const eng_state_t *st, const eng_ai_t *ai, const eng_game_t *g,
                         const eng_snap_at_t *at, msgpack_packer *pk)
{
    const eng_elo_t *elo = ai ? eng_ai_elo(ai) : NULL;
    const char *model = ai ? eng_ai_model_id(ai) : NULL;
    const char *teams[2] = {g->home, g->away};
    double rating[2];
    uint32_t games[2];
    size_t team_cnt = 0, pos_cnt = at->cnt < ENG_SNAP_TOPICS_MAX ? at->cnt : ENG_SNAP_TOPICS_MAX;
    snap_btab_t bt;
    int rc;

    if (elo && g->known && eng_elo_sport_of(elo, g->sport))
        for (size_t i = 0; i < 2; i++)
            if (teams[i][0] && eng_elo_team_get(elo, g->sport, teams[i], &rating[team_cnt],
                                                &games[team_cnt]))
                teams[team_cnt++] = teams[i];
    btab_fill(st, g, &bt);
    rc = msgpack_pack_map(pk, 6 + (model != NULL) + 2 * (elo != NULL));
    rc |= pk_str(pk, "v") | msgpack_pack_uint8(pk, SNAP_VERSION);
    rc |= pk_str(pk, "event_id") | pk_str(pk, g->event_id);
    rc |= pk_str(pk, "at") | msgpack_pack_map(pk, 3) | pk_str(pk, "part") |
          msgpack_pack_int32(pk, at->part) | pk_str(pk, "pnow") | msgpack_pack_int64(pk, at->pnow) |
          pk_str(pk, "pos") | msgpack_pack_array(pk, pos_cnt);
    for (size_t i = 0; i < pos_cnt; i++)
        rc |= msgpack_pack_array(pk, 2) | pk_str(pk, at->pos[i].topic) |
              msgpack_pack_int64(pk, at->pos[i].offset);
    rc |= pk_str(pk, "g") | pk_game(pk, g);
    rc |= pk_str(pk, "books") | msgpack_pack_array(pk, bt.cnt);
    for (size_t i = 0; i < bt.cnt; i++)
        rc |= pk_str(pk, eng_state_book_name(st, bt.book[i]));
    rc |= pk_str(pk, "m") | msgpack_pack_array(pk, g->market_cnt);
    for (size_t i = 0; i < g->market_cnt; i++)
        rc |= pk_market(pk, st, ai, eng_state_game_market(st, g, i), &bt);
    if (model)
        rc |= pk_str(pk, "ai_model") | pk_str(pk, model);
    if (elo) {
        rc |= pk_str(pk, "elo") | msgpack_pack_array(pk, team_cnt);
        for (size_t i = 0; i < team_cnt; i++)
            rc |= msgpack_pack_array(pk, 3) | pk_str(pk, teams[i]) |
                  msgpack_pack_double(pk, rating[i]) | msgpack_pack_uint32(pk, games[i]);
        rc |= pk_str(pk, "fin") | pk_bool(pk, eng_elo_applied(elo, g->event_id));
    }
    return rc ? SV_ERR_NOMEM : SV_OK;
}

/* ---- decode ------------------------------------------------------------------------------- */

/* One market of a record, decoded. */
typedef struct snap_mkt {
    eng_ai_slot_state_t ai[ENG_OUTCOMES_MAX];    /* model state of slot ai_ix[j] (as read) */
    eng_market_in_t in;                          /* what market.c restores */
    bool mirrored;                               /* as stored (checked) */
    eng_hist_t *hist;                            /* in.hist points here */
    bool hist_owned;                             /* hist is on the heap (else: the stack pool) */
    size_t ai_cnt;                               /* entries in ai */
    uint8_t ai_ix[ENG_OUTCOMES_MAX];             /* the candidate slot of each */
    uint8_t bid[ENG_BOOKS_MAX];                  /* each quote's entry of the record's book
                                                    table, SNAP_BOOK_NONE past it */
    eng_market_t *mk;                            /* on apply: the market restored */
} snap_mkt_t;

/* A whole record, decoded. */
typedef struct snap_rec {
    snap_mkt_t *m;                   /* markets (64-aligned; owned unless m_local) */
    size_t m_cnt;
    snap_mkt_t *m_local;             /* SNAP_M_LOCAL markets in the caller's frame (borrowed) */
    eng_hist_t *h_pool;              /* history points in the caller's frame (borrowed) */
    size_t h_free;                   /* of them not handed out */
    size_t book_cnt;                 /* the record's distinct books (at most SNAP_BOOKS_TAB) */
    size_t book_named;               /* of them in the record's "books" (the first ones) */
    size_t book_fresh;               /* of them not in the state's book table */
    bool book_over;                  /* the record names more books than the table holds */
    struct {
        const uint8_t *id;           /* the book id (its bytes in the record) */
        size_t len;
        int32_t ix;                  /* eng_state_book_find() of it */
    } book[SNAP_BOOKS_TAB];
    eng_game_t g;                    /* the game; splits, injuries owned */
    eng_snap_at_t at;
    char model[80];                  /* ai_model, "" absent */
    int n_hid;                       /* the hidden units of the record's slots, -1 none */
    size_t elo_cnt;
    struct {
        char team[WIRE_NAME_MAX + 1];
        double rating;
        uint32_t games;
    } elo[2];
    bool fin;                        /* elo had applied the game's final */
    const eng_game_t *pf;            /* the state's game of the record's event_id, NULL none:
                                        its markets are prefetched while the record decodes */
} snap_rec_t;

/* A key of a record's map, with its length. */
typedef struct snap_key {
    const char *s;
    size_t len;
} snap_key_t;
#define SNAP_KEY(x) {x, sizeof(x) - 1}

typedef struct snap_frame {
    const char *key; /* a key of a map, or the name of an array */
    long ix;         /* the entry of that array, -1 for a map key */
} snap_frame_t;

typedef struct snap_dec {
    wire_mp_reader_t r;
    wire_err_t *err;
    snap_frame_t fr[SNAP_DEPTH]; /* where the reader is, for error fields */
    size_t depth;
} snap_dec_t;

static sv_err_t bad(snap_dec_t *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), cold, noinline));

/* Fail with SV_ERR_INVALID: err->field is the path to key ("m[1].q[0].book"). */
static sv_err_t bad(snap_dec_t *d, const char *key, const char *fmt, ...)
{
    va_list ap;
    size_t n = 0;
    char *f;
    if (!d->err)
        return SV_ERR_INVALID;
    f = d->err->field;
    f[0] = '\0';
    for (size_t i = 0; i < d->depth && n < sizeof(d->err->field); i++) {
        const snap_frame_t *fr = &d->fr[i];
        n += (size_t)(fr->ix >= 0 ? snprintf(f + n, sizeof(d->err->field) - n, "%s%s[%ld]",
                                             n ? "." : "", fr->key, fr->ix)
                                  : snprintf(f + n, sizeof(d->err->field) - n, "%s%s",
                                             n ? "." : "", fr->key));
    }
    if (key && *key && n < sizeof(d->err->field))
        snprintf(f + n, sizeof(d->err->field) - n, "%s%s", n ? "." : "", key);
    va_start(ap, fmt);
    vsnprintf(d->err->reason, sizeof(d->err->reason), fmt, ap);
    va_end(ap);
    return SV_ERR_INVALID;
}

static void push(snap_dec_t *d, const char *key, long ix)
{
    SV_ASSERT(d->depth < SNAP_DEPTH);
    d->fr[d->depth++] = (snap_frame_t){key, ix};
}

static void pop(snap_dec_t *d)
{
    d->depth--;
}

/* The next value: wire_mp_next_fast() plus, inline, the 64-bit integers of event times. */
static inline __attribute__((always_inline)) sv_err_t rd(snap_dec_t *d, const char *key,
                                                         wire_mp_val_t *v)
{
    wire_mp_reader_t *r = &d->r;
    if (r->end - r->p > 8 && (*r->p == 0xcf || *r->p == 0xd3)) {
        uint64_t u = be64_get(r->p + 1);
        v->kind = *r->p == 0xcf ? WIRE_MP_UINT : WIRE_MP_INT;
        v->u = u;
        v->i = (int64_t)u;
        r->p += 9;
        return SV_OK;
    }
    if (wire_mp_next_fast(r, v) != SV_OK)
        return bad(d, key, "malformed msgpack: %s", d->r.why ? d->r.why : "truncated");
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_i64(snap_dec_t *d, const char *key, int64_t lo, int64_t hi, int64_t *x)
{
    wire_mp_val_t v;
    sv_err_t rc;
    if (d->r.p < d->r.end) { /* fixints, int8/16 and uint8/16 in range, read here */
        const uint8_t *p = d->r.p;
        size_t left = (size_t)(d->r.end - p);
        int64_t y;
        int used;
        if (*p <= 0x7f || *p >= 0xe0)
            y = (int8_t)*p, used = 1;
        else if (*p == 0xcc && left > 1)
            y = p[1], used = 2;
        else if (*p == 0xd0 && left > 1)
            y = (int8_t)p[1], used = 2;
        else if (*p == 0xcd && left > 2)
            y = (uint16_t)(p[1] << 8 | p[2]), used = 3;
        else if (*p == 0xd1 && left > 2)
            y = (int16_t)(uint16_t)(p[1] << 8 | p[2]), used = 3;
        else
            used = 0, y = 0;
        if (used && y >= lo && y <= hi) {
            *x = y;
            d->r.p += used;
            return SV_OK;
        }
    }
    if ((rc = rd(d, key, &v)) != SV_OK)
        return rc;
    if (v.kind == WIRE_MP_UINT) {
        if (v.u > (uint64_t)INT64_MAX || (int64_t)v.u > hi)
            return bad(d, key, "out of range");
        *x = (int64_t)v.u;
    } else if (v.kind == WIRE_MP_INT) {
        *x = v.i;
    } else {
        return bad(d, key, "must be an integer");
    }
    if (*x < lo || *x > hi)
        return bad(d, key, "out of range %lld..%lld", (long long)lo, (long long)hi);
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_u64(snap_dec_t *d, const char *key, uint64_t *x)
{
    wire_mp_val_t v;
    sv_err_t rc = rd(d, key, &v);
    if (rc)
        return rc;
    if (v.kind == WIRE_MP_UINT)
        *x = v.u;
    else if (v.kind == WIRE_MP_INT && v.i >= 0)
        *x = (uint64_t)v.i;
    else
        return bad(d, key, "must be an unsigned integer");
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_int(snap_dec_t *d, const char *key, int lo, int hi, int *x)
{
    int64_t y = 0;
    sv_err_t rc = rd_i64(d, key, lo, hi, &y);
    if (!rc)
        *x = (int)y;
    return rc;
}

static inline __attribute__((always_inline)) sv_err_t rd_u32(snap_dec_t *d, const char *key, uint32_t *x)
{
    int64_t y = 0;
    sv_err_t rc = rd_i64(d, key, 0, UINT32_MAX, &y);
    if (!rc)
        *x = (uint32_t)y;
    return rc;
}

/* A float64 (or float32), finite. */
static inline __attribute__((always_inline)) sv_err_t rd_dbl(snap_dec_t *d, const char *key, double *x)
{
    wire_mp_val_t v;
    sv_err_t rc;
    if (d->r.end - d->r.p > 8 && *d->r.p == 0xcb) { /* a float64, read here */
        uint64_t u = be64_get(d->r.p + 1);
        double y;
        memcpy(&y, &u, sizeof(y));
        if (!isfinite(y))
            return bad(d, key, "must be finite");
        d->r.p += 9;
        *x = y;
        return SV_OK;
    }
    if ((rc = rd(d, key, &v)) != SV_OK)
        return rc;
    if (v.kind != WIRE_MP_FLOAT)
        return bad(d, key, "must be a float");
    if (!isfinite(v.d))
        return bad(d, key, "must be finite");
    *x = v.d;
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_f32(snap_dec_t *d, const char *key, float *x)
{
    double y = 0;
    sv_err_t rc = rd_dbl(d, key, &y);
    if (rc)
        return rc;
    if (fabs(y) > 3.4028234663852886e38)
        return bad(d, key, "out of float32 range");
    *x = (float)y;
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_bool(snap_dec_t *d, const char *key, bool *x)
{
    wire_mp_val_t v;
    sv_err_t rc;
    if (d->r.p < d->r.end && (*d->r.p | 1) == 0xc3) {
        *x = *d->r.p++ == 0xc3;
        return SV_OK;
    }
    if ((rc = rd(d, key, &v)) != SV_OK)
        return rc;
    if (v.kind != WIRE_MP_BOOL)
        return bad(d, key, "must be a boolean");
    *x = v.b;
    return SV_OK;
}

/* A string of min..max bytes without NUL into dst (max + 1 bytes, zero-padded). */
/* Whether a[0..n) holds a NUL byte (short strings inline). */
static inline bool has_nul(const uint8_t *a, size_t n)
{
    uint8_t all = 0xff;
    if (n > 16)
        return memchr(a, '\0', n) != NULL;
    for (size_t j = 0; j < n; j++)
        all &= (uint8_t)(a[j] != 0 ? 0xff : 0);
    return !all;
}

/* Whether a[0..n) and b[0..n) are the same bytes (short keys and ids inline). */
static inline bool bytes_eq(const uint8_t *a, const void *b, size_t n)
{
    const uint8_t *c = b;
    for (size_t j = 0; j < n; j++)
        if (a[j] != c[j])
            return false;
    return true;
}

/* rd_str, with the string's length into *len. */
static inline __attribute__((always_inline)) sv_err_t rd_strn(snap_dec_t *d, const char *key, size_t min, size_t max, char *dst, size_t *len)
{
    wire_mp_val_t v;
    sv_err_t rc = rd(d, key, &v);
    if (rc)
        return rc;
    if (v.kind != WIRE_MP_STR)
        return bad(d, key, "must be a string");
    if (v.len < min || v.len > max)
        return bad(d, key, "must be %zu..%zu bytes (%u)", min, max, v.len);
    if (has_nul(v.ptr, v.len))
        return bad(d, key, "holds a NUL byte");
    memset(dst, 0, max + 1); /* max is a constant: a few wide stores, not a string loop */
    memcpy(dst, v.ptr, v.len);
    *len = v.len;
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_str(snap_dec_t *d, const char *key, size_t min, size_t max, char *dst)
{
    size_t len;
    return rd_strn(d, key, min, max, dst, &len);
}

/* An array header of exactly n (n > 0) or at most max (n == 0) entries. */
static inline __attribute__((always_inline)) sv_err_t rd_arr(snap_dec_t *d, const char *key, size_t n, size_t max, size_t *cnt)
{
    wire_mp_val_t v;
    sv_err_t rc;
    if (d->r.p < d->r.end && (*d->r.p & 0xf0) == 0x90) { /* a fixarray (entries as wire_mp) */
        size_t c = *d->r.p & 0x0f;
        if (c < (size_t)(d->r.end - d->r.p) && (n ? c == n : c <= max)) {
            d->r.p++;
            *cnt = c;
            return SV_OK;
        }
    }
    if ((rc = rd(d, key, &v)) != SV_OK)
        return rc;
    if (v.kind != WIRE_MP_ARRAY)
        return bad(d, key, "must be an array");
    if (n ? v.len != n : v.len > max)
        return n ? bad(d, key, "must have %zu entries (%u)", n, v.len)
                 : bad(d, key, "more than %zu entries (%u)", max, v.len);
    *cnt = v.len;
    return SV_OK;
}

static inline __attribute__((always_inline)) sv_err_t rd_map(snap_dec_t *d, const char *key, size_t *cnt)
{
    wire_mp_val_t v;
    sv_err_t rc = rd(d, key, &v);
    if (rc)
        return rc;
    if (v.kind != WIRE_MP_MAP)
        return bad(d, key, "must be a map");
    *cnt = v.len;
    return SV_OK;
}

/* The keys of one map: which of names (at most 32) the next key is, -1 for an unknown one
 * (skipped). A repeated known key is invalid. */
static sv_err_t rd_key(snap_dec_t *d, const snap_key_t *names, size_t n, uint32_t *seen,
                       int *which)
{
    wire_mp_val_t k;
    sv_err_t rc;
    size_t start = *which + 1 < (int)n ? (size_t)(*which + 1) : 0; /* the encoder's order first */
    const snap_key_t *e = &names[start];

    /* the key the encoder writes next, as its fixstr (keys are < 32 bytes) */
    if ((size_t)(d->r.end - d->r.p) > e->len && *d->r.p == (0xa0 | e->len) &&
        bytes_eq(d->r.p + 1, e->s, e->len) && !(*seen & (1u << start))) {
        d->r.p += 1 + e->len;
        *seen |= 1u << start;
        *which = (int)start;
        return SV_OK;
    }
    if ((rc = rd(d, "", &k)) != SV_OK)
        return rc;
    if (k.kind != WIRE_MP_STR)
        return bad(d, "", "a key must be a string");
    for (size_t j = 0, i = start; j < n; j++, i = i + 1 == n ? 0 : i + 1)
        if (names[i].len == k.len && bytes_eq(k.ptr, names[i].s, k.len)) {
            if (*seen & (1u << i))
                return bad(d, names[i].s, "repeated key");
            *seen |= 1u << i;
            *which = (int)i;
            return SV_OK;
        }
    *which = -1;
    if (wire_mp_skip(&d->r, d->depth + 1) != SV_OK)
        return bad(d, "", "malformed msgpack: %s", d->r.why ? d->r.why : "truncated");
    return SV_OK;
}

/* Every key of names (n of them) but those in optional was seen. */
static sv_err_t need_keys(snap_dec_t *d, const snap_key_t *names, size_t n, uint32_t seen,
                          uint32_t optional)
{
    for (size_t i = 0; i < n; i++)
        if (!(seen & (1u << i)) && !(optional & (1u << i)))
            return bad(d, names[i].s, "missing");
    return SV_OK;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        sv_err_t rc_ = (x);                                                                        \
        if (rc_ != SV_OK)                                                                          \
            return rc_;                                                                            \
    } while (0)

static sv_err_t dec_at(snap_dec_t *d, eng_snap_at_t *at)
{
    static const snap_key_t keys[] = {SNAP_KEY("part"), SNAP_KEY("pnow"), SNAP_KEY("pos")};
    size_t n = 0, cnt = 0;
    uint32_t seen = 0;
    int w = -1;

    TRY(rd_map(d, "at", &n));
    push(d, "at", -1);
    for (size_t k = 0; k < n; k++) {
        TRY(rd_key(d, keys, 3, &seen, &w));
        if (w == 0) {
            int64_t p = 0;
            TRY(rd_i64(d, "part", -1, INT32_MAX, &p));
            at->part = (int32_t)p;
        } else if (w == 1) {
            TRY(rd_i64(d, "pnow", INT64_MIN, INT64_MAX, &at->pnow)); /* not read here */
        } else if (w == 2) {
            TRY(rd_arr(d, "pos", 0, ENG_SNAP_TOPICS_MAX, &cnt));
            at->cnt = cnt;
            for (size_t i = 0; i < cnt; i++) {
                size_t two;
                push(d, "pos", (long)i);
                TRY(rd_arr(d, "", 2, 0, &two));
                TRY(rd_str(d, "topic", 1, ENG_SNAP_TOPIC_MAX, at->pos[i].topic));
                TRY(rd_i64(d, "offset", 0, INT64_MAX, &at->pos[i].offset));
                pop(d);
            }
        }
    }
    TRY(need_keys(d, keys, 3, seen, 0));
    pop(d);
    return SV_OK;
}

static sv_err_t dec_game(snap_dec_t *d, eng_game_t *g)
{
    static const snap_key_t keys[] = {SNAP_KEY("known"), SNAP_KEY("ts"), SNAP_KEY("sport"),
                                       SNAP_KEY("league"), SNAP_KEY("home"), SNAP_KEY("away"),
                                       SNAP_KEY("commence_ts"), SNAP_KEY("status"),
                                       SNAP_KEY("period"), SNAP_KEY("clock_s"),
                                       SNAP_KEY("home_score"), SNAP_KEY("away_score"),
                                       SNAP_KEY("present"), SNAP_KEY("splits"), SNAP_KEY("inj"),
                                       SNAP_KEY("off"), SNAP_KEY("wx")};
    size_t n = 0, cnt = 0;
    uint32_t seen = 0;
    int w = -1, st;

    TRY(rd_map(d, "g", &n));
    push(d, "g", -1);
    for (size_t k = 0; k < n; k++) {
        TRY(rd_key(d, keys, SV_ARRAY_SIZE(keys), &seen, &w));
        switch (w) {
        case 0: TRY(rd_bool(d, "known", &g->known)); break;
        case 1: TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &g->ts)); break;
        case 2: TRY(rd_str(d, "sport", 0, WIRE_TOKEN_MAX, g->sport)); break;
        case 3: TRY(rd_str(d, "league", 0, WIRE_NAME_MAX, g->league)); break;
        case 4: TRY(rd_str(d, "home", 0, WIRE_NAME_MAX, g->home)); break;
        case 5: TRY(rd_str(d, "away", 0, WIRE_NAME_MAX, g->away)); break;
        case 6: TRY(rd_i64(d, "commence_ts", 0, WIRE_TS_MAX, &g->commence_ts)); break;
        case 7:
            TRY(rd_int(d, "status", 0, WIRE_GAME_CANCELLED, &st));
            g->status = (wire_game_status_t)st;
            break;
        case 8: TRY(rd_int(d, "period", 0, 20, &g->period)); break;
        case 9: TRY(rd_int(d, "clock_s", 0, 86400, &g->clock_s)); break;
        case 10: TRY(rd_int(d, "home_score", 0, 1000, &g->home_score)); break;
        case 11: TRY(rd_int(d, "away_score", 0, 1000, &g->away_score)); break;
        case 12: TRY(rd_u32(d, "present", &g->present)); break;
        case 13:
            TRY(rd_arr(d, "splits", 0, SNAP_CTX_MAX, &cnt));
            if (cnt && !(g->splits = calloc(cnt, sizeof(*g->splits))))
                return SV_ERR_NOMEM;
            for (size_t i = 0; i < cnt; i++) {
                eng_splits_t *s = &g->splits[i];
                size_t five;
                push(d, "splits", (long)i);
                TRY(rd_arr(d, "", 5, 0, &five));
                TRY(rd_str(d, "market", 0, WIRE_TOKEN_MAX, s->market));
                TRY(rd_str(d, "side", 0, WIRE_NAME_MAX, s->side));
                TRY(rd_dbl(d, "ticket_pct", &s->ticket_pct));
                TRY(rd_dbl(d, "money_pct", &s->money_pct));
                TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &s->ts));
                g->splits_cnt = i + 1;
                pop(d);
            }
            break;
        case 14:
            TRY(rd_arr(d, "inj", 0, SNAP_CTX_MAX, &cnt));
            if (cnt && !(g->injuries = calloc(cnt, sizeof(*g->injuries))))
                return SV_ERR_NOMEM;
            for (size_t i = 0; i < cnt; i++) {
                eng_injury_t *in = &g->injuries[i];
                size_t seven;
                push(d, "inj", (long)i);
                TRY(rd_arr(d, "", 7, 0, &seven));
                TRY(rd_str(d, "team", 0, WIRE_NAME_MAX, in->team));
                TRY(rd_str(d, "player", 0, WIRE_NAME_MAX, in->player));
                TRY(rd_int(d, "status", 0, WIRE_INJ_ACTIVE, &st));
                in->status = (wire_injury_status_t)st;
                TRY(rd_dbl(d, "impact", &in->impact));
                TRY(rd_bool(d, "is_starter", &in->is_starter));
                TRY(rd_u32(d, "present", &in->present));
                TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &in->ts));
                g->injury_cnt = i + 1;
                pop(d);
            }
            break;
        case 15: {
            eng_officials_t *of = &g->officials;
            size_t six;
            TRY(rd_arr(d, "off", 6, 0, &six));
            push(d, "off", -1);
            TRY(rd_str(d, "lead", 0, WIRE_NAME_MAX, of->lead));
            TRY(rd_arr(d, "crew", 0, WIRE_CREW_MAX, &of->crew_cnt));
            for (size_t i = 0; i < of->crew_cnt; i++) {
                push(d, "crew", (long)i);
                TRY(rd_str(d, "", 0, WIRE_NAME_MAX, of->crew[i]));
                pop(d);
            }
            TRY(rd_dbl(d, "over_pct", &of->over_pct));
            TRY(rd_dbl(d, "home_bias", &of->home_bias));
            TRY(rd_u32(d, "present", &of->present));
            TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &of->ts));
            pop(d);
            break;
        }
        case 16: {
            eng_weather_t *wx = &g->weather;
            size_t seven;
            TRY(rd_arr(d, "wx", 7, 0, &seven));
            push(d, "wx", -1);
            TRY(rd_dbl(d, "temp_f", &wx->temp_f));
            TRY(rd_dbl(d, "wind_mph", &wx->wind_mph));
            TRY(rd_dbl(d, "precip_in", &wx->precip_in));
            TRY(rd_dbl(d, "humidity", &wx->humidity));
            TRY(rd_bool(d, "indoor", &wx->indoor));
            TRY(rd_u32(d, "present", &wx->present));
            TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &wx->ts));
            pop(d);
            break;
        }
        default: break;
        }
    }
    TRY(need_keys(d, keys, SV_ARRAY_SIZE(keys), seen, 0));
    pop(d);
    return SV_OK;
}

/* Quote i's book (the id's len bytes at id, checked; copied into m->in.books[i]) in the
 * record's book table: looked up in the state's book table the first time the record names it.
 * Its entry into m->bid[i], its index in the state's table into m->in.book_ix[i] (-1: new to
 * it). Quotes of a game's markets name the same books in mostly the same order: entry i is
 * tried first. */
static void book_of(const eng_state_t *st, snap_rec_t *rec, snap_mkt_t *m, size_t i,
                    const uint8_t *id, size_t len)
{
    size_t b = rec->book_cnt;

    if (i < rec->book_cnt && rec->book[i].len == len && bytes_eq(rec->book[i].id, id, len))
        b = i;
    else
        for (size_t k = 0; k < rec->book_cnt && b == rec->book_cnt; k++)
            if (rec->book[k].len == len && bytes_eq(rec->book[k].id, id, len))
                b = k;
    if (b < rec->book_cnt) {
        m->bid[i] = (uint8_t)b;
        m->in.book_ix[i] = rec->book[b].ix;
        return;
    }
    m->in.book_ix[i] = eng_state_book_find(st, m->in.books[i]);
    if (rec->book_cnt == SNAP_BOOKS_TAB) {
        m->bid[i] = SNAP_BOOK_NONE;
        rec->book_over = true;
        return;
    }
    rec->book[b].id = id;
    rec->book[b].len = len;
    rec->book[b].ix = m->in.book_ix[i];
    rec->book_fresh += m->in.book_ix[i] < 0;
    rec->book_cnt++;
    m->bid[i] = (uint8_t)b;
}

static sv_err_t dec_quote(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec, snap_mkt_t *m,
                          size_t i)
{
    eng_quote_t *bq = &m->in.quotes[i];
    size_t n = 0, cnt = 0, len = 0;
    int64_t x = 0;

    memset(bq, 0, sizeof(*bq));
    TRY(rd_arr(d, "", 11, 0, &n));
    TRY(rd_strn(d, "book", 1, WIRE_ID_MAX, m->in.books[i], &len));
    book_of(st, rec, m, i, d->r.p - len, len); /* the string's bytes end where the reader is */
    for (size_t j = 0; j < i; j++)
        if (m->bid[i] != SNAP_BOOK_NONE ? m->bid[j] == m->bid[i]
                                        : strcmp(m->in.books[j], m->in.books[i]) == 0)
            return bad(d, "book", "repeated book %s", m->in.books[i]);
    TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &bq->ts));
    TRY(rd_dbl(d, "line", &bq->line));
    TRY(rd_i64(d, "move_ts", 0, WIRE_TS_MAX, &bq->move_ts));
    TRY(rd_i64(d, "move_dir", -1, 1, &x));
    bq->move_dir = (int8_t)x;
    TRY(rd_i64(d, "flags", 0, 31, &x));
    bq->has_line = (x & SQ_HAS_LINE) != 0;
    bq->has_ref = (x & SQ_HAS_REF) != 0;
    bq->devig_ok = (x & SQ_DEVIG_OK) != 0;
    bq->anchor_set = (x & SQ_ANCHOR_SET) != 0;
    bq->anchor_has_line = (x & SQ_ANCHOR_HAS_LINE) != 0;
    TRY(rd_arr(d, "out", 0, ENG_OUTCOMES_MAX, &cnt));
    bq->n = (uint8_t)cnt;
    for (size_t k = 0; k < cnt; k++) {
        eng_out_t *o = &bq->out[k];
        size_t six;
        push(d, "out", (long)k);
        TRY(rd_arr(d, "", 6, 0, &six));
        TRY(rd_dbl(d, "dec", &o->dec));
        if (!(o->dec > 0.0))
            return bad(d, "dec", "must be > 0");
        TRY(rd_dbl(d, "p", &o->p));
        TRY(rd_dbl(d, "point", &o->point));
        TRY(rd_int(d, "american", INT32_MIN, INT32_MAX, &o->american));
        TRY(rd_i64(d, "name", 0, ENG_OUTCOMES_MAX - 1, &x));
        o->name = (uint8_t)x;
        TRY(rd_bool(d, "has_point", &o->has_point));
        pop(d);
    }
    TRY(rd_dbl(d, "ref_q", &bq->ref_q));
    TRY(rd_i64(d, "anchor_ts", 0, WIRE_TS_MAX, &bq->anchor_ts));
    TRY(rd_dbl(d, "anchor_q", &bq->anchor_q));
    TRY(rd_dbl(d, "anchor_line", &bq->anchor_line));
    return SV_OK;
}

/* The record's book table "books": its distinct book ids, before the markets naming them by
 * entry. Each is looked up in the state's book table once. */
static sv_err_t dec_books(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec)
{
    char id[WIRE_ID_MAX + 1];
    size_t cnt = 0, len = 0;

    TRY(rd_arr(d, "books", 0, SNAP_BOOKS_TAB, &cnt));
    for (size_t i = 0; i < cnt; i++) {
        push(d, "books", (long)i);
        TRY(rd_strn(d, "", 1, WIRE_ID_MAX, id, &len));
        for (size_t k = 0; k < i; k++)
            if (rec->book[k].len == len && memcmp(rec->book[k].id, id, len) == 0)
                return bad(d, "", "repeated book %s", id);
        rec->book[i].id = d->r.p - len; /* the string's bytes end where the reader is */
        rec->book[i].len = len;
        rec->book[i].ix = eng_state_book_find(st, id);
        rec->book_fresh += rec->book[i].ix < 0;
        pop(d);
    }
    rec->book_cnt = rec->book_named = cnt;
    return SV_OK;
}

/* Whether float64 bits u are a finite value (its exponent bits are not all set). */
#define F64_FINITE(u) (((u) & SNAP_F64_EXP) != SNAP_F64_EXP)

/* Quote i of a "q" bin at p (its n outcomes there) failed the checks: name the first bad field
 * (cold: only a malformed record comes here). */
static sv_err_t __attribute__((cold, noinline))
quote_bin_bad(snap_dec_t *d, const snap_rec_t *rec, const uint8_t *p, size_t i, uint64_t books)
{
    static const char *const keys[7] = {"ts", "line", "move_ts", "ref_q", "anchor_ts",
                                        "anchor_q", "anchor_line"};
    size_t n;
    push(d, "q", (long)i);
    for (size_t j = 0; j < 7; j++) {
        uint64_t u = le64_get(p + 8 * j);
        bool is_ts = j == 0 || j == 2 || j == 4; /* an event time; else a float64 */
        if (is_ts && u > (uint64_t)WIRE_TS_MAX)
            return bad(d, keys[j], "out of range 0..%lld", (long long)WIRE_TS_MAX);
        if (!is_ts && !F64_FINITE(u))
            return bad(d, keys[j], "must be finite");
    }
    if (p[56] >= rec->book_named)
        return bad(d, "book", "no such entry of the record's books (%zu)", rec->book_named);
    if (books & (1ull << p[56]))
        return bad(d, "book", "repeated book (entry %u)", p[56]);
    if (p[57] > 31)
        return bad(d, "flags", "out of range 0..31");
    if (p[58] > 1 && p[58] != 0xff)
        return bad(d, "move_dir", "out of range -1..1");
    n = p[59];
    p += SNAP_Q_HEAD;
    for (size_t k = 0; k < n; k++, p += SNAP_Q_OUT) {
        uint64_t dec = le64_get(p);
        double x;
        push(d, "out", (long)k);
        memcpy(&x, &dec, sizeof(x));
        if (!F64_FINITE(dec))
            return bad(d, "dec", "must be finite");
        if (!(x > 0.0))
            return bad(d, "dec", "must be > 0");
        if (!F64_FINITE(le64_get(p + 8)))
            return bad(d, "p", "must be finite");
        if (!F64_FINITE(le64_get(p + 16)))
            return bad(d, "point", "must be finite");
        if (p[28] >= ENG_OUTCOMES_MAX)
            return bad(d, "name", "out of range 0..%d", ENG_OUTCOMES_MAX - 1);
        if (p[29] > 1)
            return bad(d, "has_point", "must be 0 or 1");
        pop(d);
    }
    return bad(d, "", "invalid"); /* not reached: the caller saw a bad value */
}

/* A market's quotes "q" as one bin (pk_quotes_bin()), len bytes at p, into m->in: every value
 * range- and finite-checked, the book an entry of the record's "books". */
static sv_err_t dec_quotes_bin(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec,
                               snap_mkt_t *m, const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    size_t max = (size_t)eng_state_conf(st)->max_books, i = 0;
    uint64_t books = 0; /* the record's book table entries the market's quotes named so far */

    for (; p < end; i++) {
        eng_quote_t *bq = &m->in.quotes[i];
        uint64_t ts, line, mts, ref_q, ats, aq, al;
        size_t n, b;
        bool oops;
        if (i == max)
            return bad(d, "q", "more than max_books (%zu) quotes", max);
        if ((size_t)(end - p) < SNAP_Q_HEAD || p[59] > ENG_OUTCOMES_MAX ||
            (size_t)(end - p) - SNAP_Q_HEAD < (size_t)p[59] * SNAP_Q_OUT) {
            if ((size_t)(end - p) >= SNAP_Q_HEAD && p[59] > ENG_OUTCOMES_MAX) {
                push(d, "q", (long)i);
                return bad(d, "n", "out of range 0..%d", ENG_OUTCOMES_MAX);
            }
            return bad(d, "q", "must be whole quotes of %d bytes and %d per outcome (%zu bytes "
                       "left at quote %zu)", SNAP_Q_HEAD, SNAP_Q_OUT, (size_t)(end - p), i);
        }
        ts = le64_get(p), line = le64_get(p + 8), mts = le64_get(p + 16);
        ref_q = le64_get(p + 24), ats = le64_get(p + 32), aq = le64_get(p + 40);
        al = le64_get(p + 48);
        b = p[56], n = p[59];
        /* every check of the fixed part at once */
        /* the entries past n are not state: zero, as the arrays leave them (the whole array
         * at once: a constant size is a few wide stores) */
        memset(bq->out, 0, sizeof(bq->out));
        oops = (ts > (uint64_t)WIRE_TS_MAX) | (mts > (uint64_t)WIRE_TS_MAX) |
               (ats > (uint64_t)WIRE_TS_MAX) | !F64_FINITE(line) | !F64_FINITE(ref_q) |
               !F64_FINITE(aq) | !F64_FINITE(al) | (b >= rec->book_named) |
               (b < 64 && (books >> b) & 1) | (p[57] > 31) | (p[58] > 1 && p[58] != 0xff);
        for (size_t k = 0; k < n; k++) {
            const uint8_t *o = p + SNAP_Q_HEAD + k * SNAP_Q_OUT;
            eng_out_t *out = &bq->out[k];
            uint64_t dec = le64_get(o), pp = le64_get(o + 8), pt = le64_get(o + 16);
            memcpy(&out->dec, &dec, sizeof(dec));
            memcpy(&out->p, &pp, sizeof(pp));
            memcpy(&out->point, &pt, sizeof(pt));
            out->american = (int)(int32_t)le32_get(o + 24);
            out->name = o[28];
            out->has_point = o[29] != 0;
            oops |= !F64_FINITE(dec) | !(out->dec > 0.0) | !F64_FINITE(pp) | !F64_FINITE(pt) |
                    (o[28] >= ENG_OUTCOMES_MAX) | (o[29] > 1);
        }
        if (oops)
            return quote_bin_bad(d, rec, p, i, books);
        books |= 1ull << b;

        bq->ts = (int64_t)ts;
        memcpy(&bq->line, &line, sizeof(line));
        bq->move_ts = (int64_t)mts;
        bq->book = 0;
        bq->n = (uint8_t)n;
        bq->move_dir = (int8_t)p[58];
        bq->has_line = (p[57] & SQ_HAS_LINE) != 0;
        bq->has_ref = (p[57] & SQ_HAS_REF) != 0;
        bq->devig_ok = (p[57] & SQ_DEVIG_OK) != 0;
        bq->anchor_set = (p[57] & SQ_ANCHOR_SET) != 0;
        bq->anchor_has_line = (p[57] & SQ_ANCHOR_HAS_LINE) != 0;
        memcpy(&bq->ref_q, &ref_q, sizeof(ref_q));
        bq->anchor_ts = (int64_t)ats;
        memcpy(&bq->anchor_q, &aq, sizeof(aq));
        memcpy(&bq->anchor_line, &al, sizeof(al));
        m->bid[i] = (uint8_t)b;
        m->in.book_ix[i] = rec->book[b].ix;
        memcpy(m->in.books[i], rec->book[b].id, rec->book[b].len);
        m->in.books[i][rec->book[b].len] = '\0';
        p += SNAP_Q_HEAD + n * SNAP_Q_OUT;
    }
    m->in.quote_cnt = (uint8_t)i;
    return SV_OK;
}

/* An LSTM vector (h or c) of at most ENG_LSTM_HID_MAX float32, finite, into x (*n of them):
 * one bin of 4 little-endian bytes each, or the array of floats records were first written with. */
static sv_err_t dec_f32s(snap_dec_t *d, const char *key, float *x, size_t *n)
{
    wire_mp_val_t v;

    TRY(rd(d, key, &v));
    if (v.kind == WIRE_MP_BIN) {
        if (v.len % 4 || v.len / 4 > ENG_LSTM_HID_MAX)
            return bad(d, key, "must be at most %d float32 of 4 bytes (%u bytes)",
                       ENG_LSTM_HID_MAX, v.len);
        *n = v.len / 4;
        for (size_t k = 0; k < *n; k++) {
            uint32_t u = le32_get(v.ptr + 4 * k);
            memcpy(&x[k], &u, sizeof(u));
            if (!isfinite(x[k])) {
                push(d, key, (long)k);
                return bad(d, "", "must be finite");
            }
        }
        return SV_OK;
    }
    if (v.kind != WIRE_MP_ARRAY)
        return bad(d, key, "must be a bin or an array");
    if (v.len > ENG_LSTM_HID_MAX)
        return bad(d, key, "more than %d entries (%u)", ENG_LSTM_HID_MAX, v.len);
    *n = v.len;
    for (size_t k = 0; k < *n; k++)
        TRY(rd_f32(d, key, &x[k]));
    return SV_OK;
}

static sv_err_t dec_slot(snap_dec_t *d, snap_rec_t *rec, snap_mkt_t *m, size_t j)
{
    eng_ai_slot_state_t *s = &m->ai[j];
    size_t n = 0, nh = 0, nc = 0;
    int64_t x = 0;

    memset(s, 0, sizeof(*s));
    TRY(rd_arr(d, "", 8, 0, &n));
    TRY(rd_i64(d, "slot", 0, ENG_OUTCOMES_MAX - 1, &x));
    for (size_t k = 0; k < j; k++)
        if (m->ai_ix[k] == (uint8_t)x)
            return bad(d, "slot", "repeated slot %d", (int)x);
    m->ai_ix[j] = (uint8_t)x;
    TRY(rd_bool(d, "has", &s->has));
    TRY(rd_f32(d, "p", &s->p));
    TRY(rd_bool(d, "prev_set", &s->prev_set));
    TRY(rd_dbl(d, "prev_p_fair", &s->prev_p_fair));
    TRY(rd_dbl(d, "prev_line", &s->prev_line));
    TRY(dec_f32s(d, "h", s->h, &nh));
    if (rec->n_hid >= 0 && (size_t)rec->n_hid != nh)
        return bad(d, "h", "%zu units, other slots have %d", nh, rec->n_hid);
    rec->n_hid = (int)nh;
    TRY(dec_f32s(d, "c", s->c, &nc));
    if (nc != nh)
        return bad(d, "c", "%zu units, h has %zu", nc, nh);
    return SV_OK;
}

/* Room for cnt history points of m: from the stack pool when it has them, else the heap. */
static sv_err_t hist_alloc(snap_rec_t *rec, snap_mkt_t *m, size_t cnt)
{
    if (!cnt)
        return SV_OK;
    if (cnt <= rec->h_free) {
        m->hist = rec->h_pool;
        rec->h_pool += cnt;
        rec->h_free -= cnt;
        return SV_OK;
    }
    if (!(m->hist = malloc(cnt * sizeof(*m->hist))))
        return SV_ERR_NOMEM;
    m->hist_owned = true;
    return SV_OK;
}

/* The line history "h": one bin of SNAP_HIST_REC bytes per point (ts int64, p_first float64,
 * point float64, has_point 0|1; little-endian), or the array of [ts, p_first, point, has_point]
 * arrays records were first written with. */
static sv_err_t dec_hist(snap_dec_t *d, snap_rec_t *rec, snap_mkt_t *m)
{
    wire_mp_val_t v;
    size_t cnt;

    TRY(rd(d, "h", &v));
    if (v.kind == WIRE_MP_BIN) {
        const uint8_t *p = v.ptr;
        if (v.len % SNAP_HIST_REC)
            return bad(d, "h", "must be a whole number of %d-byte points (%u bytes)",
                       SNAP_HIST_REC, v.len);
        cnt = v.len / SNAP_HIST_REC;
        if (cnt > SNAP_HIST_MAX)
            return bad(d, "h", "more than %d points (%zu)", SNAP_HIST_MAX, cnt);
        TRY(hist_alloc(rec, m, cnt));
        for (size_t i = 0; i < cnt; i++, p += SNAP_HIST_REC) {
            eng_hist_t *h = &m->hist[i];
            uint64_t ts = le64_get(p), pf = le64_get(p + 8), pt = le64_get(p + 16);
            const char *key = NULL, *why = NULL;
            __builtin_prefetch(p + 16 * SNAP_HIST_REC); /* the record ahead: read once, cold */
            h->ts = (int64_t)ts;
            memcpy(&h->p_first, &pf, sizeof(pf));
            memcpy(&h->point, &pt, sizeof(pt));
            h->has_point = p[24] != 0;
            /* every check at once (a float64 is finite unless its exponent bits are all set) */
            if (!((ts > (uint64_t)WIRE_TS_MAX) | ((pf & SNAP_F64_EXP) == SNAP_F64_EXP) |
                  ((pt & SNAP_F64_EXP) == SNAP_F64_EXP) | (p[24] > 1)))
                continue;
            if (ts > (uint64_t)WIRE_TS_MAX)
                key = "ts", why = "out of range";
            else if ((pf & SNAP_F64_EXP) == SNAP_F64_EXP)
                key = "p_first", why = "must be finite";
            else if ((pt & SNAP_F64_EXP) == SNAP_F64_EXP)
                key = "point", why = "must be finite";
            else
                key = "has_point", why = "must be 0 or 1";
            push(d, "h", (long)i);
            return bad(d, key, "%s", why);
        }
    } else if (v.kind == WIRE_MP_ARRAY) {
        cnt = v.len;
        if (cnt > SNAP_HIST_MAX)
            return bad(d, "h", "more than %d entries (%zu)", SNAP_HIST_MAX, cnt);
        TRY(hist_alloc(rec, m, cnt));
        for (size_t i = 0; i < cnt; i++) {
            eng_hist_t *h = &m->hist[i];
            size_t four;
            push(d, "h", (long)i);
            memset(h, 0, sizeof(*h));
            TRY(rd_arr(d, "", 4, 0, &four));
            TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &h->ts));
            TRY(rd_dbl(d, "p_first", &h->p_first));
            TRY(rd_dbl(d, "point", &h->point));
            TRY(rd_bool(d, "has_point", &h->has_point));
            pop(d);
        }
    } else {
        return bad(d, "h", "must be a bin or an array");
    }
    m->in.hist = m->hist;
    m->in.hist_cnt = cnt;
    return SV_OK;
}

static sv_err_t dec_market(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec, snap_mkt_t *m)
{
    static const snap_key_t keys[] = {SNAP_KEY("market"), SNAP_KEY("player"), SNAP_KEY("mir"),
                                       SNAP_KEY("names"), SNAP_KEY("nok"), SNAP_KEY("ts"),
                                       SNAP_KEY("upd"), SNAP_KEY("q"), SNAP_KEY("h"),
                                       SNAP_KEY("close"), SNAP_KEY("ai")};
    enum { K_PLAYER = 1u << 1, K_CLOSE = 1u << 9, K_AI = 1u << 10 };
    size_t n = 0, cnt = 0;
    uint32_t seen = 0;
    int w = -1;
    int64_t x = 0;

    TRY(rd_map(d, "", &n));
    for (size_t k = 0; k < n; k++) {
        TRY(rd_key(d, keys, SV_ARRAY_SIZE(keys), &seen, &w));
        switch (w) {
        case 0: TRY(rd_str(d, "market", 1, WIRE_TOKEN_MAX, m->in.market)); break;
        case 1:
            TRY(rd_str(d, "player", 1, WIRE_NAME_MAX, m->in.player));
            m->in.has_player = true;
            break;
        case 2: TRY(rd_bool(d, "mir", &m->mirrored)); break;
        case 3:
            TRY(rd_arr(d, "names", 0, ENG_OUTCOMES_MAX, &cnt));
            for (size_t i = 0; i < cnt; i++) {
                push(d, "names", (long)i);
                TRY(rd_str(d, "", 1, WIRE_NAME_MAX, m->in.names[i]));
                for (size_t j = 0; j < i; j++)
                    if (strcmp(m->in.names[j], m->in.names[i]) == 0)
                        return bad(d, "", "repeated name %s", m->in.names[i]);
                pop(d);
            }
            m->in.name_cnt = (uint8_t)cnt;
            break;
        case 4:
            TRY(rd_arr(d, "nok", 2, 0, &cnt));
            push(d, "nok", -1);
            for (size_t i = 0; i < 2; i++) {
                TRY(rd_i64(d, "", 0, (1 << ENG_OUTCOMES_MAX) - 1, &x));
                m->in.names_ok[i] = (uint8_t)x;
            }
            pop(d);
            break;
        case 5: TRY(rd_i64(d, "ts", 0, WIRE_TS_MAX, &m->in.ts)); break;
        case 6: TRY(rd_u64(d, "upd", &m->in.updates)); break;
        case 7: {
            wire_mp_val_t v;
            TRY(rd(d, "q", &v));
            if (v.kind == WIRE_MP_BIN) {
                TRY(dec_quotes_bin(d, st, rec, m, v.ptr, v.len));
                break;
            }
            if (v.kind != WIRE_MP_ARRAY)
                return bad(d, "q", "must be a bin or an array");
            if (v.len > ENG_BOOKS_MAX)
                return bad(d, "q", "more than %d entries (%u)", ENG_BOOKS_MAX, v.len);
            cnt = v.len;
            if (cnt > (size_t)eng_state_conf(st)->max_books)
                return bad(d, "q", "more than max_books (%d) quotes",
                           eng_state_conf(st)->max_books);
            for (size_t i = 0; i < cnt; i++) {
                push(d, "q", (long)i);
                TRY(dec_quote(d, st, rec, m, i));
                pop(d);
            }
            m->in.quote_cnt = (uint8_t)cnt;
            break;
        }
        case 8: TRY(dec_hist(d, rec, m)); break;
        case 9:
            TRY(rd_arr(d, "close", ENG_OUTCOMES_MAX, 0, &cnt));
            push(d, "close", -1);
            for (size_t i = 0; i < ENG_OUTCOMES_MAX; i++)
                TRY(rd_dbl(d, "", &m->in.close_p[i]));
            pop(d);
            m->in.close_set = true;
            break;
        case 10:
            TRY(rd_arr(d, "ai", 0, ENG_OUTCOMES_MAX, &cnt));
            for (size_t j = 0; j < cnt; j++) {
                push(d, "ai", (long)j);
                TRY(dec_slot(d, rec, m, j));
                pop(d);
            }
            m->ai_cnt = cnt;
            break;
        default: break;
        }
    }
    TRY(need_keys(d, keys, SV_ARRAY_SIZE(keys), seen, K_PLAYER | K_CLOSE | K_AI));
    /* what only the whole market can tell */
    if (m->mirrored != (strstr(m->in.market, "spread") != NULL))
        return bad(d, "mir", "does not follow from market %s", m->in.market);
    for (size_t i = 0; i < m->in.quote_cnt; i++)
        for (size_t k = 0; k < m->in.quotes[i].n; k++)
            if (m->in.quotes[i].out[k].name >= m->in.name_cnt) {
                char f[64];
                snprintf(f, sizeof(f), "q[%u].out[%u].name", (unsigned)i & 63, (unsigned)k & 7);
                return bad(d, f, "no such name (%u names)", m->in.name_cnt);
            }
    return SV_OK;
}

static void rec_release(snap_rec_t *rec)
{
    for (size_t i = 0; i < rec->m_cnt; i++)
        if (rec->m[i].hist_owned)
            free(rec->m[i].hist);
    if (rec->m != rec->m_local)
        free(rec->m);
    free(rec->g.splits);
    free(rec->g.injuries);
}

/* Prefetching what applying a record overwrites. A state of many games does not fit the
 * caches: each market a record names is some 70 cache lines (its header and names, its quotes,
 * its history ring) the apply would otherwise wait on one after the other. They are requested
 * while the record is still decoding: the headers of the game's markets when the event_id is
 * known, market i's quotes and history (whose addresses are in its header) when the record's
 * market i starts (records name a game's markets in the game's order, so it is most likely the
 * same one; a wrong guess costs bandwidth only). Always inlined: gcc drops calls of a function
 * of prefetches alone. */
#define SNAP_PF_MARKETS 8 /* markets of a game prefetched */
#ifndef SNAP_PF
#define SNAP_PF 1
#endif

static inline __attribute__((always_inline)) void pf_headers(const eng_state_t *st,
                                                             const eng_game_t *g)
{
    for (size_t i = 0; i < g->market_cnt && i < SNAP_PF_MARKETS; i++) {
        const char *p = (const char *)eng_state_game_market(st, g, i);
        /* the key, counts, derived fields and the first line of the names (name_buf's other
         * lines are rewritten only when the names change) */
        for (size_t off = 0; off < offsetof(eng_market_t, name_buf) + 64; off += 64)
            __builtin_prefetch(p + off, 1);
    }
}

static inline __attribute__((always_inline)) void pf_body(const eng_market_t *mk)
{
    const char *q = (const char *)mk->quotes, *h = (const char *)mk->hist;
    size_t nq = (size_t)mk->quote_cnt * sizeof(eng_quote_t), nh = mk->hist_cnt * sizeof(eng_hist_t);
    for (size_t off = 0; off < nq; off += 64)
        __builtin_prefetch(q + off, 1);
    for (size_t off = 0; off < nh; off += 64)
        __builtin_prefetch(h + off, 1);
}

static sv_err_t dec_record(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec)
{
    static const snap_key_t keys[] = {SNAP_KEY("v"),     SNAP_KEY("event_id"), SNAP_KEY("at"),
                                       SNAP_KEY("g"),     SNAP_KEY("books"),    SNAP_KEY("m"),
                                       SNAP_KEY("ai_model"), SNAP_KEY("elo"),   SNAP_KEY("fin")};
    enum { K_BOOKS = 1u << 4, K_M = 1u << 5, K_MODEL = 1u << 6, K_ELO = 1u << 7, K_FIN = 1u << 8 };
    char event_id[WIRE_ID_MAX + 1];
    size_t n = 0, cnt = 0;
    uint32_t seen = 0;
    int w = -1;
    int64_t x = 0;

    TRY(rd_map(d, "", &n));
    for (size_t k = 0; k < n; k++) {
        TRY(rd_key(d, keys, SV_ARRAY_SIZE(keys), &seen, &w));
        switch (w) {
        case 0: TRY(rd_i64(d, "v", SNAP_VERSION, SNAP_VERSION, &x)); break;
        case 1:
            TRY(rd_str(d, "event_id", 1, WIRE_ID_MAX, event_id));
            if (SNAP_PF && (rec->pf = eng_state_game(st, event_id)))
                pf_headers(st, rec->pf);
            break;
        case 2: TRY(dec_at(d, &rec->at)); break;
        case 3: TRY(dec_game(d, &rec->g)); break;
        case 4:
            if (seen & K_M)
                return bad(d, "books", "must come before m");
            TRY(dec_books(d, st, rec));
            break;
        case 5: {
            size_t sz;
            TRY(rd_arr(d, "m", 0, SNAP_MARKETS_MAX, &cnt));
            sz = (cnt * sizeof(*rec->m) + 63) & ~(size_t)63;
            if (cnt <= SNAP_M_LOCAL)
                rec->m = rec->m_local;
            else if (!(rec->m = aligned_alloc(64, sz)))
                return SV_ERR_NOMEM;
            for (size_t i = 0; i < cnt; i++) {
                snap_mkt_t *m = &rec->m[i];
                /* only the header is zeroed: quotes and books are written as read */
                memset(&m->in.market, 0, sizeof(*m) - offsetof(snap_mkt_t, in.market));
                rec->m_cnt = i + 1;
                if (rec->pf && i < rec->pf->market_cnt)
                    pf_body(eng_state_game_market(st, rec->pf, i));
                push(d, "m", (long)i);
                m->in.hint = i;
                TRY(dec_market(d, st, rec, m));
                for (size_t j = 0; j < i; j++)
                    if (strcmp(rec->m[j].in.market, m->in.market) == 0 &&
                        rec->m[j].in.has_player == m->in.has_player &&
                        strcmp(rec->m[j].in.player, m->in.player) == 0)
                        return bad(d, "market", "repeated market %s", m->in.market);
                pop(d);
            }
            break;
        }
        case 6: TRY(rd_str(d, "ai_model", 1, sizeof(rec->model) - 1, rec->model)); break;
        case 7:
            TRY(rd_arr(d, "elo", 0, 2, &cnt));
            for (size_t i = 0; i < cnt; i++) {
                size_t three;
                push(d, "elo", (long)i);
                TRY(rd_arr(d, "", 3, 0, &three));
                TRY(rd_str(d, "team", 1, WIRE_NAME_MAX, rec->elo[i].team));
                TRY(rd_dbl(d, "rating", &rec->elo[i].rating));
                TRY(rd_u32(d, "games", &rec->elo[i].games));
                pop(d);
            }
            rec->elo_cnt = cnt;
            break;
        case 8: TRY(rd_bool(d, "fin", &rec->fin)); break;
        default: break;
        }
    }
    if (d->r.p != d->r.end)
        return bad(d, "", "trailing bytes after the record");
    TRY(need_keys(d, keys, SV_ARRAY_SIZE(keys), seen, K_BOOKS | K_MODEL | K_ELO | K_FIN));
    memcpy(rec->g.event_id, event_id, sizeof(event_id));
    for (size_t i = 0; i < rec->elo_cnt; i++) {
        push(d, "elo", (long)i);
        if (!rec->g.sport[0])
            return bad(d, "team", "the game has no sport");
        if (strcmp(rec->elo[i].team, rec->g.home) != 0 && strcmp(rec->elo[i].team, rec->g.away) != 0)
            return bad(d, "team", "neither home nor away of the game");
        if (i == 1 && strcmp(rec->elo[0].team, rec->elo[1].team) == 0)
            return bad(d, "team", "repeated team");
        pop(d);
    }
    return SV_OK;
}

/* Whether the book table can take the record's books it does not hold yet. */
static bool books_fit(const eng_state_t *st, const snap_rec_t *rec)
{
    size_t room = eng_state_book_room(st), fresh = 0;

    if (!rec->book_over)
        return rec->book_fresh <= room;
    /* more distinct books than the record's table: counted one by one */

    for (size_t i = 0; i < rec->m_cnt; i++)
        for (size_t j = 0; j < rec->m[i].in.quote_cnt; j++) {
            const char *b = rec->m[i].in.books[j];
            bool dup = false;
            if (eng_state_book_find(st, b) >= 0)
                continue;
            /* counted once: an earlier quote of the record named it (rare: warm-up only) */
            for (size_t i2 = 0; i2 <= i && !dup; i2++)
                for (size_t j2 = 0; j2 < (i2 == i ? j : rec->m[i2].in.quote_cnt) && !dup; j2++)
                    dup = strcmp(rec->m[i2].in.books[j2], b) == 0;
            if (!dup && ++fresh > room)
                return false;
        }
    return true;
}

static sv_err_t apply(eng_state_t *st, eng_ai_t *ai, snap_rec_t *rec, eng_game_t **out)
{
    eng_game_t *g;
    eng_market_t *mk;
    sv_err_t rc;
    bool slots = false;

    if ((rc = eng_state_restore_game(st, &rec->g, &g)) != SV_OK)
        return rc;
    g->part = rec->at.part;
    if (ai) {
        const char *model = eng_ai_model_id(ai);
        slots = model && strcmp(model, rec->model) == 0 && rec->n_hid == eng_ai_n_hid(ai);
    }
    for (size_t i = 0; i < rec->m_cnt; i++) {
        snap_mkt_t *m = &rec->m[i];
        if ((rc = eng_state_restore_market(st, g, &m->in, &mk)) != SV_OK)
            return rc;
        m->mk = mk;
        if (!ai)
            continue;
        eng_ai_reset_market(ai, mk);
        for (size_t j = 0; slots && j < m->ai_cnt; j++)
            if ((rc = eng_ai_slot_set(ai, mk, m->ai_ix[j], &m->ai[j])) != SV_OK)
                return rc;
    }
    /* the game's markets the record does not name: as if never quoted */
    for (size_t i = 0; i < g->market_cnt; i++) {
        bool named = false;
        mk = eng_state_game_market(st, g, i);
        for (size_t j = 0; j < rec->m_cnt && !named; j++)
            named = rec->m[j].mk == mk;
        if (named)
            continue;
        eng_state_reset_market(st, mk);
        if (ai)
            eng_ai_reset_market(ai, mk);
    }
    if (ai) {
        eng_elo_t *elo = eng_ai_elo(ai);
        for (size_t i = 0; i < rec->elo_cnt; i++) {
            double r;
            uint32_t games;
            (void)eng_elo_team_get(elo, rec->g.sport, rec->elo[i].team, &r, &games);
            if (rec->elo[i].games > games &&
                (rc = eng_elo_team_set(elo, rec->g.sport, rec->elo[i].team, rec->elo[i].rating,
                                       rec->elo[i].games)) != SV_OK)
                return rc;
        }
        if (rec->fin && (rc = eng_elo_mark_applied(elo, rec->g.event_id)) != SV_OK &&
            rc != SV_ERR_EXISTS)
            return rc;
    }
    *out = g;
    return SV_OK;
}

sv_err_t eng_snap_restore(eng_state_t *st, eng_ai_t *ai, const void *buf, size_t len,
                          eng_snap_at_t *at, eng_game_t **g, wire_err_t *err)
{
    /* the scratch of a usual record (a few markets) lives here, its pages warm from the last
     * call: a heap block this size comes back from the allocator with fresh pages to fault in */
    _Alignas(64) snap_mkt_t m_local[SNAP_M_LOCAL];
    eng_hist_t h_local[SNAP_H_LOCAL];
    snap_dec_t d;
    snap_rec_t rec;
    eng_game_t *gp = NULL;
    sv_err_t rc;

    if (g)
        *g = NULL;
    if (err)
        err->field[0] = err->reason[0] = '\0';
    /* zeroed but for the positions' entries (written as read) */
    memset(&rec, 0, offsetof(snap_rec_t, at) + offsetof(eng_snap_at_t, pos));
    memset(rec.model, 0, sizeof(rec) - offsetof(snap_rec_t, model));
    rec.n_hid = -1;
    rec.m_local = m_local;
    rec.h_pool = h_local;
    rec.h_free = SNAP_H_LOCAL;
    wire_mp_init(&d.r, buf, len);
    d.err = err;
    d.depth = 0;
    if ((rc = dec_record(&d, st, &rec)) != SV_OK)
        goto out;
    if (!books_fit(st, &rec)) {
        d.depth = 0;
        rc = bad(&d, "m", "the book table is full");
        goto out;
    }
    if ((rc = apply(st, ai, &rec, &gp)) != SV_OK)
        goto out;
    if (at) {
        at->part = rec.at.part;
        at->pnow = rec.at.pnow;
        at->cnt = rec.at.cnt;
        memcpy(at->pos, rec.at.pos, rec.at.cnt * sizeof(at->pos[0]));
    }
    if (g)
        *g = gp;
out:
    rec_release(&rec);
    return rc;
}
