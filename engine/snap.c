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
 * What of eng_market_t a record stores, and what is derived on restore:
 *   key          event_id (the record's), market, player/has_player: stored (player only for
 *                props); event_id_len, market_len, player_len: recomputed from the strings
 *   mirrored     stored (and checked: it follows from the market token)
 *   names        stored in order (names[0] is the reference); name_cnt, name_len, name_buf:
 *                rebuilt from them
 *   names_ok     stored (private bits: names checked against the known game)
 *   ts, updates  stored
 *   quotes       stored, every field of eng_quote_t (out[] up to n: the entries past n are
 *                not state), the book as its id (re-interned: book indices are per process);
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

static int pk_market(msgpack_packer *pk, const eng_state_t *st, const eng_ai_t *ai,
                     const eng_market_t *mk)
{
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
    rc |= pk_str(pk, "q") | msgpack_pack_array(pk, mk->quote_cnt);
    for (uint8_t i = 0; i < mk->quote_cnt; i++)
        rc |= pk_quote(pk, st, &mk->quotes[i]);
    rc |= pk_str(pk, "h") | msgpack_pack_array(pk, mk->hist_cnt);
    for (uint32_t i = 0; i < mk->hist_cnt; i++) {
        const eng_hist_t *h = eng_market_history(st, mk, i);
        rc |= msgpack_pack_array(pk, 4) | msgpack_pack_int64(pk, h->ts) |
              msgpack_pack_double(pk, h->p_first) | msgpack_pack_double(pk, h->point) |
              pk_bool(pk, h->has_point);
    }
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
            rc |= msgpack_pack_array(pk, (size_t)n_hid);
            for (int k = 0; k < n_hid; k++)
                rc |= msgpack_pack_float(pk, s->h[k]);
            rc |= msgpack_pack_array(pk, (size_t)n_hid);
            for (int k = 0; k < n_hid; k++)
                rc |= msgpack_pack_float(pk, s->c[k]);
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
    int rc;

    if (elo && g->known && eng_elo_sport_of(elo, g->sport))
        for (size_t i = 0; i < 2; i++)
            if (teams[i][0] && eng_elo_team_get(elo, g->sport, teams[i], &rating[team_cnt],
                                                &games[team_cnt]))
                teams[team_cnt++] = teams[i];
    rc = msgpack_pack_map(pk, 5 + (model != NULL) + 2 * (elo != NULL));
    rc |= pk_str(pk, "v") | msgpack_pack_uint8(pk, SNAP_VERSION);
    rc |= pk_str(pk, "event_id") | pk_str(pk, g->event_id);
    rc |= pk_str(pk, "at") | msgpack_pack_map(pk, 3) | pk_str(pk, "part") |
          msgpack_pack_int32(pk, at->part) | pk_str(pk, "pnow") | msgpack_pack_int64(pk, at->pnow) |
          pk_str(pk, "pos") | msgpack_pack_array(pk, pos_cnt);
    for (size_t i = 0; i < pos_cnt; i++)
        rc |= msgpack_pack_array(pk, 2) | pk_str(pk, at->pos[i].topic) |
              msgpack_pack_int64(pk, at->pos[i].offset);
    rc |= pk_str(pk, "g") | pk_game(pk, g);
    rc |= pk_str(pk, "m") | msgpack_pack_array(pk, g->market_cnt);
    for (size_t i = 0; i < g->market_cnt; i++)
        rc |= pk_market(pk, st, ai, eng_state_game_market(st, g, i));
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
    eng_hist_t *hist;                            /* owned; in.hist points here */
    size_t ai_cnt;                               /* entries in ai */
    uint8_t ai_ix[ENG_OUTCOMES_MAX];             /* the candidate slot of each */
} snap_mkt_t;

/* A whole record, decoded. */
typedef struct snap_rec {
    snap_mkt_t *m;                   /* markets (64-aligned, owned) */
    size_t m_cnt;
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
} snap_rec_t;

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
        uint64_t u = 0;
        for (int k = 1; k <= 8; k++)
            u = u << 8 | r->p[k];
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
    sv_err_t rc = rd(d, key, &v);
    if (rc)
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
    sv_err_t rc = rd(d, key, &v);
    if (rc)
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
    sv_err_t rc = rd(d, key, &v);
    if (rc)
        return rc;
    if (v.kind != WIRE_MP_BOOL)
        return bad(d, key, "must be a boolean");
    *x = v.b;
    return SV_OK;
}

/* A string of min..max bytes without NUL into dst (max + 1 bytes, zero-padded). */
static inline __attribute__((always_inline)) sv_err_t rd_str(snap_dec_t *d, const char *key, size_t min, size_t max, char *dst)
{
    wire_mp_val_t v;
    sv_err_t rc = rd(d, key, &v);
    if (rc)
        return rc;
    if (v.kind != WIRE_MP_STR)
        return bad(d, key, "must be a string");
    if (v.len < min || v.len > max)
        return bad(d, key, "must be %zu..%zu bytes (%u)", min, max, v.len);
    if (v.len && memchr(v.ptr, '\0', v.len))
        return bad(d, key, "holds a NUL byte");
    memcpy(dst, v.ptr, v.len);
    memset(dst + v.len, 0, max + 1 - v.len);
    return SV_OK;
}

/* An array header of exactly n (n > 0) or at most max (n == 0) entries. */
static inline __attribute__((always_inline)) sv_err_t rd_arr(snap_dec_t *d, const char *key, size_t n, size_t max, size_t *cnt)
{
    wire_mp_val_t v;
    sv_err_t rc = rd(d, key, &v);
    if (rc)
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
static sv_err_t rd_key(snap_dec_t *d, const char *const *names, size_t n, uint32_t *seen,
                       int *which)
{
    wire_mp_val_t k;
    sv_err_t rc = rd(d, "", &k);
    size_t start = *which + 1 < (int)n ? (size_t)(*which + 1) : 0; /* the encoder's order first */
    if (rc)
        return rc;
    if (k.kind != WIRE_MP_STR)
        return bad(d, "", "a key must be a string");
    for (size_t j = 0, i = start; j < n; j++, i = i + 1 == n ? 0 : i + 1)
        if (strlen(names[i]) == k.len && memcmp(names[i], k.ptr, k.len) == 0) {
            if (*seen & (1u << i))
                return bad(d, names[i], "repeated key");
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
static sv_err_t need_keys(snap_dec_t *d, const char *const *names, size_t n, uint32_t seen,
                          uint32_t optional)
{
    for (size_t i = 0; i < n; i++)
        if (!(seen & (1u << i)) && !(optional & (1u << i)))
            return bad(d, names[i], "missing");
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
    static const char *const keys[] = {"part", "pnow", "pos"};
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
    static const char *const keys[] = {"known",   "ts",         "sport",      "league",
                                       "home",    "away",       "commence_ts", "status",
                                       "period",  "clock_s",    "home_score", "away_score",
                                       "present", "splits",     "inj",        "off",
                                       "wx"};
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

static sv_err_t dec_quote(snap_dec_t *d, snap_mkt_t *m, size_t i)
{
    eng_quote_t *bq = &m->in.quotes[i];
    size_t n = 0, cnt = 0;
    int64_t x = 0;

    memset(bq, 0, sizeof(*bq));
    TRY(rd_arr(d, "", 11, 0, &n));
    TRY(rd_str(d, "book", 1, WIRE_ID_MAX, m->in.books[i]));
    for (size_t j = 0; j < i; j++)
        if (strcmp(m->in.books[j], m->in.books[i]) == 0)
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
    TRY(rd_arr(d, "h", 0, ENG_LSTM_HID_MAX, &nh));
    if (rec->n_hid >= 0 && (size_t)rec->n_hid != nh)
        return bad(d, "h", "%zu units, other slots have %d", nh, rec->n_hid);
    rec->n_hid = (int)nh;
    for (size_t k = 0; k < nh; k++)
        TRY(rd_f32(d, "h", &s->h[k]));
    TRY(rd_arr(d, "c", 0, ENG_LSTM_HID_MAX, &nc));
    if (nc != nh)
        return bad(d, "c", "%zu units, h has %zu", nc, nh);
    for (size_t k = 0; k < nc; k++)
        TRY(rd_f32(d, "c", &s->c[k]));
    return SV_OK;
}

static sv_err_t dec_market(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec, snap_mkt_t *m)
{
    static const char *const keys[] = {"market", "player", "mir", "names", "nok", "ts",
                                       "upd",    "q",      "h",   "close", "ai"};
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
        case 7:
            TRY(rd_arr(d, "q", 0, ENG_BOOKS_MAX, &cnt));
            if (cnt > (size_t)eng_state_conf(st)->max_books)
                return bad(d, "q", "more than max_books (%d) quotes",
                           eng_state_conf(st)->max_books);
            for (size_t i = 0; i < cnt; i++) {
                push(d, "q", (long)i);
                TRY(dec_quote(d, m, i));
                pop(d);
            }
            m->in.quote_cnt = (uint8_t)cnt;
            break;
        case 8:
            TRY(rd_arr(d, "h", 0, SNAP_HIST_MAX, &cnt));
            if (cnt && !(m->hist = malloc(cnt * sizeof(*m->hist))))
                return SV_ERR_NOMEM;
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
            m->in.hist = m->hist;
            m->in.hist_cnt = cnt;
            break;
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
        free(rec->m[i].hist);
    free(rec->m);
    free(rec->g.splits);
    free(rec->g.injuries);
}

static sv_err_t dec_record(snap_dec_t *d, const eng_state_t *st, snap_rec_t *rec)
{
    static const char *const keys[] = {"v", "event_id", "at", "g", "m", "ai_model", "elo", "fin"};
    enum { K_MODEL = 1u << 5, K_ELO = 1u << 6, K_FIN = 1u << 7 };
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
        case 1: TRY(rd_str(d, "event_id", 1, WIRE_ID_MAX, event_id)); break;
        case 2: TRY(dec_at(d, &rec->at)); break;
        case 3: TRY(dec_game(d, &rec->g)); break;
        case 4: {
            size_t sz;
            TRY(rd_arr(d, "m", 0, SNAP_MARKETS_MAX, &cnt));
            sz = (cnt * sizeof(*rec->m) + 63) & ~(size_t)63;
            if (cnt && !(rec->m = aligned_alloc(64, sz)))
                return SV_ERR_NOMEM;
            for (size_t i = 0; i < cnt; i++) {
                snap_mkt_t *m = &rec->m[i];
                /* only the header is zeroed: quotes and books are written as read */
                memset(&m->in.market, 0, sizeof(*m) - offsetof(snap_mkt_t, in.market));
                rec->m_cnt = i + 1;
                push(d, "m", (long)i);
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
        case 5: TRY(rd_str(d, "ai_model", 1, sizeof(rec->model) - 1, rec->model)); break;
        case 6:
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
        case 7: TRY(rd_bool(d, "fin", &rec->fin)); break;
        default: break;
        }
    }
    if (d->r.p != d->r.end)
        return bad(d, "", "trailing bytes after the record");
    TRY(need_keys(d, keys, SV_ARRAY_SIZE(keys), seen, K_MODEL | K_ELO | K_FIN));
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

static sv_err_t apply(eng_state_t *st, eng_ai_t *ai, const snap_rec_t *rec, eng_game_t **out)
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
        const snap_mkt_t *m = &rec->m[i];
        if ((rc = eng_state_restore_market(st, g, &m->in, &mk)) != SV_OK)
            return rc;
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
            named = strcmp(rec->m[j].in.market, mk->market) == 0 &&
                    rec->m[j].in.has_player == mk->has_player &&
                    strcmp(rec->m[j].in.player, mk->player) == 0;
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
