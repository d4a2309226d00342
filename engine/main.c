/*
 * savant-engine — the daemon: one libevent loop that consumes the input topics in a consumer
 * group, decodes and validates every message, updates the market state (engine/market.h) and
 * emits a savant.scores.v1 event per candidate of each market an odds event changed, with
 * at-least-once delivery (an input's offset is stored only after all its outputs are
 * acknowledged; see consumers/kin.h) or Kafka transactions (kafka.exactly_once).
 *
 * An input that does not decode or validate becomes a dead letter on savant.dlq.v1 — the reason,
 * its source coordinates and its original bytes — and its offset is committed like any other;
 * nothing in an input can crash the engine. SIGINT/SIGTERM: stop taking input, wait (at most 5 s)
 * for the outputs in flight, commit, leave the group, exit 0.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <librdkafka/rdkafka.h>

#include "api.h"
#include "api_auth.h"
#include "api_bets.h"
#include "api_live.h"
#include "api_tokens.h"
#include "api_users.h"
#include "bets.h"
#include "cache.h"
#include "cfg.h"
#include "cands.h"
#include "clog.h"
#include "http.h"
#include "cfg_cli.h"
#include "kin.h"
#include "kout.h"
#include "log.h"
#include "market.h"
#include "migrate.h"
#include "publish.h"
#include "push.h"
#include "retire.h"
#include "signals.h"
#include "store.h"
#include "sv_util.h"
#include "tokens.h"
#include "wire.h"

#define ENG_TOPIC_MAX 320
#define ENG_SHUTDOWN_S 5
#define ENG_TICK_MS 100 /* the loop latency probe's period */
#define ENG_LAT_BUCKETS 8
static const double eng_lat_le[ENG_LAT_BUCKETS] = {1, 2, 5, 10, 25, 50, 100, 500}; /* ms */
#define ENG_MIGRATE_RETRY_S 2 /* seconds between migration attempts while PostgreSQL is down */

extern char **environ;

/* A signal revision read back from savant.signals.v1 during a recovery (reasons dropped). */
typedef struct eng_said {
    char signal_id[WIRE_ID_MAX + 1];
    int rev;
    wire_signal_state_t state;
    wire_cand_t cand;
    char book[WIRE_ID_MAX + 1];
    int price;
    double p_fair, p_model, edge, kelly, stake_units;
    wire_scores_t scores;
    wire_confluence_t confluence;
    wire_tier_t tier;
    char model[WIRE_ID_MAX + 1];
    char src_topic[ENG_TOPIC_MAX];       /* the input it was computed from (header savant-src) */
    int32_t src_part;
    int64_t src_off;                     /* -1: no header */
} eng_said_t;

/* The engine: the loop and everything attached to it. */
typedef struct eng {
    struct event_base *base;             /* the one loop */
    cfg_t cfg;                           /* effective configuration */
    kin_t *kin;                          /* input */
    kout_t *kout;                        /* output */
    struct event *sigint, *sigterm;      /* shutdown requests */
    struct event *shutdown_tick;         /* polls for the end of in-flight work while stopping */
    int shutdown_ticks;                  /* 100 ms ticks spent stopping */
    char dlq_topic[ENG_TOPIC_MAX];       /* prefix + dlq.v1 */
    char scores_topic[ENG_TOPIC_MAX];    /* prefix + scores.v1 */
    char signals_topic[ENG_TOPIC_MAX];   /* prefix + signals.v1 */
    char placements_topic[ENG_TOPIC_MAX]; /* prefix + placements.v1 */
    char grades_topic[ENG_TOPIC_MAX];    /* prefix + grades.v1 */
    char state_topic[ENG_TOPIC_MAX];     /* prefix + state.v1 */
    eng_clog_t *clog;                    /* the state changelog (engine/clog.h); NULL: off */
    eng_game_t *touched;                 /* the game the input being applied changed, or NULL */
    eng_bets_t *bets;                    /* the click-to-bet lifecycle (engine/bets.h) */
    eng_state_t *state;                  /* games, context and markets */
    eng_cands_t *cands;                  /* scoring of candidates (engine/cands.h) */
    eng_ai_t *ai;                        /* LSTM p_model and Elo (engine/ai.h) */
    wire_score_t score;                  /* reused output event */
    eng_score_t res;                     /* the full scoring result of score */
    eng_why_t why;                       /* reasons, when a signal is emitted */
    eng_signals_t *signals;              /* the signal rules (engine/signals.h) */
    eng_retire_t *retire;                /* when ended games are forgotten (engine/retire.h) */
    unsigned long long retired_cnt;      /* games retired */
    eng_pub_t *pub;                      /* items for the cache and push (engine/publish.h) */
    struct event *flush_ev;              /* once per loop turn: eng_pub_flush() */
    struct event *migrate_ev;            /* retries the migrations PostgreSQL was down for */
    struct event *tick_ev;               /* every ENG_TICK_MS: measures the loop's latency */
    struct timespec tick_due;            /* when the tick should fire (monotonic) */
    uint64_t loop_lat[ENG_LAT_BUCKETS + 1]; /* ticks late by <= eng_lat_le[i] ms; last: more */
    double loop_lat_sum_s;               /* sum of the delays, seconds */
    uint64_t loop_lat_cnt;               /* ticks measured */
    bool flush_armed;                    /* flush_ev is active */
    unsigned long long flush_cnt;        /* loop turns that published something */
    unsigned long long signal_cnt;       /* signal revisions emitted */
    eng_http_t *http;                    /* the HTTP port (engine/http.h) */
    eng_push_t *push;                    /* WebSocket/SSE subscribers (engine/push.h) */
    eng_api_t *api;                      /* REST API v1 (engine/api.h) */
    eng_store_t *store;                  /* PostgreSQL (engine/store.h); NULL: pg.dsn=none */
    eng_cache_t *cache;                  /* Redis (engine/cache.h); NULL: redis.url=none */
    eng_said_t *said;                    /* recovery: revisions read back */
    size_t said_cnt, said_cap;
    unsigned long long stale_cnt;        /* inputs older than the state held: ignored */
    unsigned long long score_cnt;        /* score events emitted */
    bool replaying;                      /* applying a replayed input: emit nothing */
    const rd_kafka_message_t *cur;       /* the input being handled (live), or NULL */
    msgpack_sbuffer sbuf;                /* reused output buffer */
    msgpack_packer pk;                   /* writes into sbuf */
    union {                              /* the decoded input, reused */
        wire_odds_t odds;
        wire_game_t game;
        wire_context_t context;
        wire_click_t click;
        wire_placement_result_t result;
    } in;
    unsigned long long dlq_cnt;          /* dead letters emitted */
    unsigned long long valid_cnt[WIRE__CNT]; /* valid inputs by type */
    int rc;                              /* exit status */
} eng_t;

/* What a valid input does to the state; SV_ERR_INVALID gets err filled (a semantic dead letter). */
typedef sv_err_t (eng_handler_fn)(struct eng *e, const rd_kafka_message_t *m, wire_err_t *err);

static eng_handler_fn eng_on_odds;
static eng_handler_fn eng_on_game;
static eng_handler_fn eng_on_context;
static eng_handler_fn eng_on_click;
static eng_handler_fn eng_on_result;

/* The input topics, their types, and what a valid event of each does (STYLE rule 10). */
typedef struct eng_input {
    const char *suffix;      /* topic after the prefix */
    wire_type_t type;        /* its schema */
    eng_handler_fn *handler; /* applies a valid event */
} eng_input_t;

static const eng_input_t eng_inputs[] = {
    {"odds.v1", WIRE_ODDS, eng_on_odds},
    {"games.v1", WIRE_GAME, eng_on_game},
    {"context.v1", WIRE_CONTEXT, eng_on_context},
    {"clicks.v1", WIRE_CLICK, eng_on_click},
    {"placement-results.v1", WIRE_PLACEMENT_RESULT, eng_on_result},
};

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-engine [-c FILE] [-X key=value]... [--dump-config]\n"
            "       savant-engine --migrate [-c FILE] [-X key=value]...\n"
            "       savant-engine --create-token --user EMAIL [--role admin|user] [-c FILE] [-X ...]\n"
            "\n"
            "Consumes savant.odds.v1, games.v1, context.v1, clicks.v1 and placement-results.v1\n"
            "in consumer group kafka.group from kafka.brokers and validates every event\n"
            "(invalid ones go to savant.dlq.v1 with the reason and the original bytes).\n"
            "Keeps each market's state\n"
            "(quotes per book, de-vigged consensus, best price, line variance, steam, arbitrage)\n"
            "and emits savant.scores.v1 for every candidate of a market an event changed, with\n"
            "the JARVIS Savant scores (docs/scoring.md) and the LSTM's p_model from the model\n"
            "file ai.model (refused at start if it does not match; empty: no model).\n"
            "At-least-once delivery (kafka.exactly_once: Kafka transactions). On start-up and\n"
            "on every partition assignment it rebuilds its state by re-reading the partitions\n"
            "up to the committed offsets. Runs until SIGINT/SIGTERM. Keys: docs/configuration.md\n"
            "Signals go to savant.signals.v1, the latest state to Redis (redis.url; none: off),\n"
            "push and the REST API to http.listen (docs/push.md, docs/api.md); PostgreSQL\n"
            "(pg.dsn; none: off) holds users, tokens and bets, its schema migrated at start.\n"
            "Clicks (REST POST /api/v1/bets and clicks.v1) become bets recorded there before\n"
            "their placement goes to savant.placements.v1; games ending grade the bets and\n"
            "signals on savant.grades.v1 (docs/bets.md).\n"
            "\n"
            "      --migrate          apply the database migrations (pg.dsn) and exit\n"
            "      --create-token     create the user --user EMAIL (role --role, default user)\n"
            "                         when missing and print a new API token for it, once\n"
            "\n");
    cfg_cli_usage(fp);
    fprintf(fp, "  -h, --help             this text\n\n"
                "Exit status: 0 after SIGINT/SIGTERM, 1 on failure, 2 on bad usage.\n");
}

/* Delivery report of any output: one fewer output of the batch in flight. */
static void eng_on_ack(void *opaque, rd_kafka_resp_err_t err, void *arg)
{
    eng_t *e = arg;
    bool record = opaque && e->clog && eng_clog_owns(e->clog, opaque);
    if (err) {
        /* message.timeout.ms is infinite, so only a permanent error gets here: without the
         * output (or the state record) the input must not be committed, so stop and let a
         * restart redo it */
        LOG_ERROR("eng", "output_lost", "err=%s what=%s", rd_kafka_err2name(err),
                  record ? "state_record" : "output");
        e->rc = 1;
        event_base_loopbreak(e->base);
        return;
    }
    if (record)
        eng_clog_ack(e->clog, opaque, err);
    else
        kin_release(e->kin);
}

/* Produces the encoded value in e->sbuf as one output of the current input. A signal names
 * that input in a header (eng_on_recovered). */
static void eng_emit(eng_t *e, const char *topic, const char *key, int64_t ts)
{
    char src[ENG_TOPIC_MAX + 48];
    bool named = e->cur && topic == e->signals_topic;

    if (e->replaying)
        return;
    if (named)
        snprintf(src, sizeof(src), "%s/%d/%lld", rd_kafka_topic_name(e->cur->rkt),
                 (int)e->cur->partition, (long long)e->cur->offset);
    kin_hold(e->kin);
    if (kout_produce(e->kout, topic, key, strlen(key), e->sbuf.data, e->sbuf.size, ts,
                     named ? src : NULL, NULL) != SV_OK) {
        kin_release(e->kin);
        e->rc = 1;
        event_base_loopbreak(e->base);
    }
}

static void eng_dead_letter_raw(eng_t *e, const char *topic, int32_t part, int64_t offset,
                                int64_t ts, const void *payload, size_t len, const wire_err_t *werr)
{
    wire_dlq_t d;
    wire_err_t err2;
    char key[WIRE_KEY_MAX];

    memset(&d, 0, sizeof(d));
    d.v = WIRE_VERSION;
    d.ts = ts >= 1 && ts <= WIRE_TS_MAX ? ts : 1; /* the input's own time, never the clock */
    sv_strlcpy(d.src_topic, topic, sizeof(d.src_topic));
    d.src_partition = part;
    d.src_offset = offset;
    wire_err_str(werr, d.error, sizeof(d.error));
    d.orig = payload;
    d.orig_len = len <= WIRE_DLQ_BYTES_MAX ? len : WIRE_DLQ_BYTES_MAX;
    msgpack_sbuffer_clear(&e->sbuf);
    SV_ASSERT(wire_encode(WIRE_DLQ, &d, &e->pk, &err2) == SV_OK);
    SV_ASSERT(wire_key(WIRE_DLQ, &d, key, sizeof(key)) == SV_OK);
    LOG_WARN("eng", "dead_letter", "topic=%s part=%d offset=%lld error=\"%s\"", d.src_topic,
             (int)part, (long long)offset, d.error);
    eng_emit(e, e->dlq_topic, key, d.ts);
    e->dlq_cnt++;
}

static void eng_dead_letter(eng_t *e, const rd_kafka_message_t *m, const wire_err_t *werr)
{
    rd_kafka_timestamp_type_t tstype;
    eng_dead_letter_raw(e, rd_kafka_topic_name(m->rkt), m->partition, m->offset,
                        rd_kafka_message_timestamp(m, &tstype), m->payload, m->len, werr);
}

/* An output of the bets lifecycle (a placement, a grade), produced like the engine's own. */
static void eng_bets_emit(void *arg, wire_type_t t, const void *ev)
{
    eng_t *e = arg;
    char key[WIRE_KEY_MAX];
    wire_err_t err;
    int64_t ts = t == WIRE_PLACEMENT ? ((const wire_placement_t *)ev)->ts
                                     : ((const wire_grade_t *)ev)->ts;

    msgpack_sbuffer_clear(&e->sbuf);
    if (wire_encode(t, ev, &e->pk, &err) != SV_OK ||
        wire_key(t, ev, key, sizeof(key)) != SV_OK) {
        LOG_ERROR("eng", "output_invalid", "type=%s field=%s reason=\"%s\"", wire_type_name(t),
                  err.field, err.reason);
        return;
    }
    kin_begin_output(e->kin); /* exactly-once: outside a batch, a transaction to join */
    eng_emit(e, t == WIRE_PLACEMENT ? e->placements_topic : e->grades_topic, key, ts);
}

/* The game has ended: final, or will not be played as scheduled (void). */
static bool eng_game_ended(wire_game_status_t st)
{
    return st == WIRE_GAME_FINAL || st == WIRE_GAME_CANCELLED || st == WIRE_GAME_POSTPONED;
}

/* The game has ended for good (a postponed game may be played later): it will retire. */
static bool eng_game_terminal(wire_game_status_t st)
{
    return st == WIRE_GAME_FINAL || st == WIRE_GAME_CANCELLED;
}

static void eng_nomem(eng_t *e, const char *what)
{
    LOG_ERROR("eng", "out_of_memory", "in=%s", what);
    e->rc = 1;
    event_base_loopbreak(e->base);
}

/* A signal revision from the rules: the scoring's reasons are added, then it goes to
 * savant.signals.v1 (key event_id) and to the cache and push. */
static void eng_on_signal_rev(void *arg, uint32_t slot, wire_signal_t *sig)
{
    eng_t *e = arg;
    const eng_market_t *mk = eng_state_market_at(e->state, slot / ENG_OUTCOMES_MAX);
    const eng_game_t *g = eng_state_game_at(e->state, mk->game);
    char key[WIRE_KEY_MAX];
    wire_err_t err;

    eng_why_init(&e->why);
    eng_market_score(e->state, mk, slot % ENG_OUTCOMES_MAX, &e->score);
    eng_cands_score(e->cands, e->state, mk, slot % ENG_OUTCOMES_MAX, &e->score, NULL, &e->why);
    for (int k = 0; k < e->why.n && sig->reason_cnt < WIRE_REASONS_MAX; k++)
        sv_strlcpy(sig->reasons[sig->reason_cnt++], eng_why_get(&e->why, k),
                   sizeof(sig->reasons[0]));
    if (!e->replaying) {
        msgpack_sbuffer_clear(&e->sbuf);
        if (wire_encode(WIRE_SIGNAL, sig, &e->pk, &err) != SV_OK) {
            /* a bug, not an input: say what, and keep going without this revision */
            LOG_ERROR("eng", "signal_invalid", "signal_id=%s field=%s reason=\"%s\"",
                      sig->signal_id, err.field, err.reason);
            return;
        }
        SV_ASSERT(wire_key(WIRE_SIGNAL, sig, key, sizeof(key)) == SV_OK);
        eng_emit(e, e->signals_topic, key, sig->ts);
        e->signal_cnt++;
    }
    if (eng_pub_signal(e->pub, slot, g, sig) != SV_OK)
        eng_nomem(e, "publish");
    if (eng_bets_on_signal(e->bets, slot, sig, e->replaying) != SV_OK)
        eng_nomem(e, "bets");
    if (!e->replaying)
        eng_bets_history(e->bets, sig);
}

/* Game g leaves every module (decision 0016), the state last (the others read its keys); with
 * remember (retired by time) a tombstone removes its changelog records and its inputs are passed
 * by for a while. */
static void eng_retire_game(eng_t *e, eng_game_t *g, bool remember)
{
    if (eng_pub_retire_game(e->pub, g) != SV_OK)
        return eng_nomem(e, "retire");
    if (e->bets)
        eng_bets_retire_game(e->bets, g);
    for (size_t k = 0; k < g->market_cnt; k++)
        eng_ai_reset_market(e->ai, eng_state_game_market(e->state, g, k));
    eng_cands_reset_game(e->cands, g->idx);
    eng_signals_retire_game(e->signals, g->idx);
    if (e->clog && eng_clog_retire(e->clog, g, remember) != SV_OK)
        return eng_nomem(e, "retire");
    if (remember && eng_retire_mark(e->retire, g->event_id, g->part) != SV_OK)
        return eng_nomem(e, "retire");
    LOG_DEBUG("eng", "game_retired", "event_id=%s part=%d markets=%zu", g->event_id, (int)g->part,
              g->market_cnt);
    if (eng_state_retire_game(e->state, g) != SV_OK)
        return eng_nomem(e, "retire");
    e->retired_cnt += remember;
}

/* After an input of partition part: the rules re-decide the games it touched, event time of
 * that partition moves on (signals.h: time passes per partition) and the games due retire; then
 * a flush is due. */
static void eng_decide(eng_t *e, int32_t part, int64_t ts)
{
    uint32_t gi;
    char id[WIRE_ID_MAX + 1];

    if (eng_signals_decide(e->signals, e->state, part, ts) != SV_OK)
        eng_nomem(e, "signals");
    eng_retire_clock(e->retire, part, ts);
    while (eng_retire_next(e->retire, part, &gi, id)) {
        eng_game_t *g = eng_state_game_at(e->state, gi);
        /* still that game, still over (not rebuilt, not a placeholder since) */
        if (g && g->known && strcmp(g->event_id, id) == 0 && eng_game_terminal(g->status))
            eng_retire_game(e, g, true);
    }
    if (!e->flush_armed && eng_pub_pending(e->pub)) {
        e->flush_armed = true;
        event_active(e->flush_ev, EV_TIMEOUT, 1);
    }
}

/* Once per loop turn: the cache and push get what changed. */
static void eng_flush(evutil_socket_t fd, short what, void *arg)
{
    eng_t *e = arg;
    UNUSED(fd);
    UNUSED(what);
    e->flush_armed = false;
    e->flush_cnt++;
    eng_pub_flush(e->pub);
}

/* One savant.scores.v1 event per candidate of a market whose state changed. */
static void eng_emit_scores(eng_t *e, const eng_market_t *mk)
{
    char key[WIRE_KEY_MAX];
    wire_err_t err;

    if (!mk->event_id[0])
        return; /* a retired market's entry (a walk over every market finds them) */
    for (size_t i = 0; i < mk->cand_cnt; i++) {
        bool scored;
        eng_market_score(e->state, mk, i, &e->score);
        scored = eng_cands_score(e->cands, e->state, mk, i, &e->score, &e->res, NULL);
        if (!e->replaying) {
            msgpack_sbuffer_clear(&e->sbuf);
            SV_ASSERT(wire_encode(WIRE_SCORE, &e->score, &e->pk, &err) == SV_OK);
            SV_ASSERT(wire_key(WIRE_SCORE, &e->score, key, sizeof(key)) == SV_OK);
            eng_emit(e, e->scores_topic, key, e->score.ts);
            e->score_cnt++;
        }
        /* the bytes just emitted, if any, are what the key holds should the line move on before
         * the flush (replaying: the publisher encodes them itself) */
        if (eng_pub_score_dirty(e->pub, mk, i, &e->score, e->replaying ? NULL : e->sbuf.data,
                                e->replaying ? 0 : e->sbuf.size) != SV_OK)
            eng_nomem(e, "publish");
        if (eng_signals_note_score(e->signals, e->state, mk, i, &e->score, &e->res, scored) !=
            SV_OK)
            eng_nomem(e, "signals");
    }
    if (eng_signals_touch(e->signals, mk->game) != SV_OK) /* also with no candidate */
        eng_nomem(e, "signals");
}

/* Whether market.sports lists sport (an entry ending in '*' matches a prefix). */
static bool eng_sport_known(const eng_t *e, const char *sport)
{
    return cfg_sports_match(e->cfg.market_sports, sport);
}

static sv_err_t eng_check_sport(const eng_t *e, const char *sport, wire_err_t *err)
{
    if (eng_sport_known(e, sport))
        return SV_OK;
    snprintf(err->field, sizeof(err->field), "sport");
    snprintf(err->reason, sizeof(err->reason), "unknown sport '%s' (market.sports)", sport);
    return SV_ERR_INVALID;
}

static sv_err_t eng_on_odds(eng_t *e, const rd_kafka_message_t *m, wire_err_t *err)
{
    eng_market_t *mk = NULL;
    sv_err_t rc = eng_check_sport(e, e->in.odds.sport, err);
    if (rc != SV_OK)
        return rc;
    rc = eng_state_apply_odds(e->state, &e->in.odds, &mk, err);
    if (rc == SV_OK) {
        eng_game_t *g = eng_state_game_at(e->state, mk->game);
        g->part = m->partition; /* what a recovery of the partition forgets (eng_on_recover) */
        e->touched = g;
        /* the close: the consensus after the last quote before the start (a game not known yet
         * has not started as far as the engine can tell) */
        if (!g || !g->known || (g->status == WIRE_GAME_SCHEDULED && e->in.odds.ts < g->commence_ts)) {
            for (size_t i = 0; i < mk->cand_cnt; i++)
                mk->close_p[i] = mk->cands[i].p_fair;
            mk->close_set = true;
        }
        eng_ai_on_odds(e->ai, e->state, mk, e->in.odds.ts);
        eng_emit_scores(e, mk);
    }
    return rc;
}

/* Re-score and emit every candidate of game g's markets. */
static void eng_emit_game(eng_t *e, const eng_game_t *g)
{
    for (size_t i = 0; i < g->market_cnt; i++)
        eng_emit_scores(e, eng_state_game_market(e->state, g, i));
}

/* A game event re-scores its candidates only when something the scores read changed: the game
 * became known, or its sport, teams or start moved. Live updates (score, clock, status) do not
 * enter the scores, so they emit nothing. */
static sv_err_t eng_on_game(eng_t *e, const rd_kafka_message_t *m, wire_err_t *err)
{
    eng_game_t *g = eng_state_game(e->state, e->in.game.event_id);
    bool was_known = g && g->known;
    bool was_ended = was_known && eng_game_ended(g->status);
    bool was_terminal = was_known && eng_game_terminal(g->status);
    int64_t commence = was_known ? g->commence_ts : 0;
    char home[WIRE_NAME_MAX + 1] = "", away[WIRE_NAME_MAX + 1] = "", sport[WIRE_TOKEN_MAX + 1] = "";
    sv_err_t rc = eng_check_sport(e, e->in.game.sport, err);

    if (rc != SV_OK)
        return rc;
    if (was_known) {
        sv_strlcpy(home, g->home, sizeof(home));
        sv_strlcpy(away, g->away, sizeof(away));
        sv_strlcpy(sport, g->sport, sizeof(sport));
    }
    g = NULL;
    rc = eng_state_apply_game(e->state, &e->in.game, &g, err);
    if (rc == SV_OK && g) {
        g->part = m->partition;
        e->touched = g;
    }
    if (rc == SV_OK) {
        eng_ai_on_game(e->ai, &e->in.game);
        if (g && g->market_cnt > 0) /* the rules re-decide it: it may have started or ended */
            if (eng_signals_touch(e->signals, eng_state_game_market(e->state, g, 0)->game) !=
                SV_OK)
                eng_nomem(e, "signals");
        if (g && g->known && g->status != WIRE_GAME_SCHEDULED && g->status != WIRE_GAME_LIVE &&
            eng_pub_game_dirty(e->pub, g) != SV_OK) /* ended: its items get the TTL */
            eng_nomem(e, "publish");
        /* over for good now: it retires state.retire_after_s of event time later */
        if (g && g->known && !was_terminal && eng_game_terminal(g->status) &&
            eng_retire_schedule(e->retire, g->idx, g->event_id, g->part, e->in.game.ts) != SV_OK)
            eng_nomem(e, "retire");
        /* ended now: grade its signals and bets (once: a repeated final changes nothing) */
        if (g && g->known && !was_ended && eng_game_ended(g->status) && g->market_cnt > 0 &&
            eng_bets_game_ended(e->bets, eng_state_game_market(e->state, g, 0)->game,
                                e->in.game.ts, e->replaying) != SV_OK)
            eng_nomem(e, "bets");
    }
    if (rc == SV_OK && g &&
        (!was_known || commence != g->commence_ts || strcmp(home, g->home) != 0 ||
         strcmp(away, g->away) != 0 || strcmp(sport, g->sport) != 0))
        eng_emit_game(e, g);
    return rc;
}

/* Context re-scores what reads it: a game's splits, injuries, officials or weather its game's
 * candidates; a player profile the candidates of that player's props; space weather every
 * candidate. */
static sv_err_t eng_on_context(eng_t *e, const rd_kafka_message_t *m, wire_err_t *err)
{
    eng_game_t *g = NULL;
    sv_err_t rc;

    rc = eng_state_apply_context(e->state, &e->in.context, &g, err);
    if (rc != SV_OK)
        return rc;
    if (g) {
        g->part = m->partition;
        e->touched = g;
        eng_emit_game(e, g);
    } else if (e->in.context.kind == WIRE_CTX_PLAYER) {
        for (size_t i = 0, n = eng_state_market_cnt(e->state); i < n; i++) {
            eng_market_t *mk = eng_state_market_at(e->state, i);
            if (mk->has_player && strcmp(mk->player, e->in.context.player) == 0)
                eng_emit_scores(e, mk);
        }
    } else {
        for (size_t i = 0, n = eng_state_market_cnt(e->state); i < n; i++)
            eng_emit_scores(e, eng_state_market_at(e->state, i));
    }
    return rc;
}

/* A click of savant.clicks.v1 in flight: what a dead letter needs once the answer comes, since
 * the message is only borrowed for the handler. */
typedef struct eng_click_job {
    eng_t *e;
    char topic[ENG_TOPIC_MAX];
    int32_t part;
    int64_t offset, ts;
    size_t len;
    unsigned char payload[];
} eng_click_job_t;

static void eng_dead_letter_raw(eng_t *e, const char *topic, int32_t part, int64_t offset,
                                int64_t ts, const void *payload, size_t len, const wire_err_t *werr);

/* The click's answer: a bet (or a recorded rejection) needs nothing more; anything else — an
 * unknown signal, a bad stake, PostgreSQL unavailable — is a dead letter with the reason and the
 * original bytes (to be produced again once fixed). */
static void eng_click_done(void *ctx, const eng_click_out_t *o)
{
    eng_click_job_t *j = ctx;
    eng_t *e = j->e;
    if (!o->recorded) {
        wire_err_t werr;
        snprintf(werr.field, sizeof(werr.field), "%s", o->field ? o->field : "");
        snprintf(werr.reason, sizeof(werr.reason), "HTTP %d: %.140s", o->status, o->message);
        eng_dead_letter_raw(e, j->topic, j->part, j->offset, j->ts, j->payload, j->len, &werr);
    }
    kin_release(e->kin);
    free(j);
}

/* A click: the same validated path as POST /api/v1/bets (engine/bets.h); the batch waits for
 * its answer (kin_hold), so its offset is committed only after the bet is in PostgreSQL and its
 * placement acknowledged. Re-read clicks (recovery) are not redone: they were answered. */
static sv_err_t eng_on_click(eng_t *e, const rd_kafka_message_t *m, wire_err_t *err)
{
    eng_click_job_t *j;
    char *end;
    long long user;
    rd_kafka_timestamp_type_t tstype;

    if (e->replaying)
        return SV_OK;
    user = strtoll(e->in.click.user_id, &end, 10);
    if (*end || user < 1) {
        snprintf(err->field, sizeof(err->field), "user_id");
        snprintf(err->reason, sizeof(err->reason), "expected a user id (users.id, a number >= 1)");
        return SV_ERR_INVALID;
    }
    if (!(j = malloc(sizeof(*j) + m->len)))
        return SV_ERR_NOMEM;
    j->e = e;
    sv_strlcpy(j->topic, rd_kafka_topic_name(m->rkt), sizeof(j->topic));
    j->part = m->partition;
    j->offset = m->offset;
    j->ts = rd_kafka_message_timestamp(m, &tstype);
    j->len = m->len;
    memcpy(j->payload, m->payload, m->len);
    kin_hold(e->kin);
    eng_bets_click(e->bets, &e->in.click, user, true, eng_click_done, j);
    return SV_OK;
}

static void eng_result_done(void *ctx, sv_err_t rc)
{
    eng_t *e = ctx;
    UNUSED(rc); /* not applied: the bet stays pending and its placement is resent (bets.h) */
    kin_release(e->kin);
}

/* A placement result moves its bet to placed or rejected; the batch waits for it. */
static sv_err_t eng_on_result(eng_t *e, const rd_kafka_message_t *m, wire_err_t *err)
{
    UNUSED(m);
    UNUSED(err);
    if (e->replaying)
        return SV_OK;
    kin_hold(e->kin);
    eng_bets_result(e->bets, &e->in.result, eng_result_done, e);
    return SV_OK;
}

static const eng_input_t *eng_input_for(const eng_t *e, const char *topic)
{
    size_t plen = strlen(e->cfg.kafka_topic_prefix);
    for (size_t i = 0; i < SV_ARRAY_SIZE(eng_inputs); i++)
        if (strncmp(topic, e->cfg.kafka_topic_prefix, plen) == 0 &&
            strcmp(topic + plen, eng_inputs[i].suffix) == 0)
            return &eng_inputs[i];
    return NULL;
}

/* Event time of the decoded input of type t. */
static int64_t eng_input_ts(const eng_t *e, wire_type_t t)
{
    switch (t) {
    case WIRE_ODDS:
        return e->in.odds.ts;
    case WIRE_GAME:
        return e->in.game.ts;
    case WIRE_CONTEXT:
        return e->in.context.ts;
    case WIRE_CLICK:
        return e->in.click.ts;
    default:
        return 0;
    }
}

/* Recovery, before the re-read: the games of the assigned partitions are forgotten (state and
 * model state), so the re-read up to the committed offsets rebuilds them as a first read would.
 * Without it a partition this engine held before (a rebalance, a session lost in a broker
 * outage) was re-read on top of what it still held: quotes at the same event time were applied
 * twice and the LSTM stepped twice (decision 0014). */
#define ENG_PART_MASK 1024 /* partition numbers a recovery tells apart */

/* mask[p] = 1 for every partition number p of parts. */
static void eng_part_mask(const rd_kafka_topic_partition_list_t *parts, uint8_t *mask)
{
    memset(mask, 0, ENG_PART_MASK);
    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].partition >= 0 && parts->elems[i].partition < ENG_PART_MASK)
            mask[parts->elems[i].partition] = 1;
}

/* Partitions are taken away: once every output is acknowledged, the games changed since the last
 * flush get their records now (their next owner, maybe this engine again, restores all that was
 * applied and consumes none of it again: no duplicates, even when the offsets cannot be
 * committed during the rebalance), and those records are waited for, so they land before the
 * next owner reads the changelog. Outputs not acknowledged in time: no records (an input must
 * not be covered before its outputs are safe); the next owner consumes again from the last ones. */
static void eng_on_revoke(void *arg, const rd_kafka_topic_partition_list_t *parts)
{
    eng_t *e = arg;
    uint8_t mask[ENG_PART_MASK];

    eng_part_mask(parts, mask);
    if (kout_flush(e->kout, 10000) != SV_OK) {
        LOG_WARN("eng", "revoke_flush_timeout", "inflight=%zu", kout_inflight(e->kout));
    } else if (e->clog && !kin_failed(e->kin) && e->rc == 0) {
        eng_clog_flush_acked(e->clog);
        if (kout_flush(e->kout, 10000) != SV_OK)
            LOG_WARN("eng", "revoke_state_flush_timeout", "inflight=%zu", kout_inflight(e->kout));
    }
    if (e->clog)
        eng_clog_forget(e->clog, mask, sizeof(mask));
}

static void eng_on_recover(void *arg, const rd_kafka_topic_partition_list_t *parts)
{
    eng_t *e = arg;
    uint8_t mask[ENG_PART_MASK];
    size_t games = 0;

    eng_part_mask(parts, mask);
    if (e->clog)
        eng_clog_forget(e->clog, mask, sizeof(mask));
    eng_retire_forget(e->retire, mask, sizeof(mask));
    eng_game_t *g;
    for (uint32_t gi = 0; (g = eng_state_game_at(e->state, gi)); gi++) {
        if (g->part < 0 || g->part >= (int32_t)sizeof(mask) || !mask[g->part])
            continue;
        for (size_t k = 0; k < g->market_cnt; k++)
            eng_ai_reset_market(e->ai, eng_state_game_market(e->state, g, k));
        eng_state_reset_game(e->state, g);
        eng_signals_reset_game(e->signals, gi);
        games++;
    }
    LOG_INFO("eng", "partitions_reset", "partitions=%d games=%zu", parts->cnt, games);
}

/* The input a revision read back was computed from: its savant-src header, "TOPIC/PART/OFF"
 * (a topic name has no '/'); src_off -1 when absent or malformed. */
static void eng_said_src(eng_said_t *d, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *hdrs = NULL;
    const void *val = NULL;
    size_t size = 0;
    char buf[ENG_TOPIC_MAX + 48], *a, *b, *end;
    long long off;
    long part;

    d->src_off = -1;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_header_get_last(hdrs, KOUT_SRC_HEADER, &val, &size) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        !val || size == 0 || size >= sizeof(buf))
        return;
    memcpy(buf, val, size);
    buf[size] = '\0';
    if (!(b = strrchr(buf, '/')))
        return;
    *b++ = '\0';
    if (!(a = strrchr(buf, '/')))
        return;
    *a++ = '\0';
    part = strtol(a, &end, 10);
    if (*end || end == a || part < 0 || part > INT32_MAX)
        return;
    off = strtoll(b, &end, 10);
    if (*end || end == b || off < 0)
        return;
    sv_strlcpy(d->src_topic, buf, sizeof(d->src_topic));
    d->src_part = (int32_t)part;
    d->src_off = off;
}

/* Recovery: a revision read back from savant.signals.v1 (kin_set_echo), kept until the
 * re-read ends (eng_on_recovered). */
static void eng_on_said(eng_t *e, const rd_kafka_message_t *m)
{
    static wire_signal_t sig;
    wire_err_t werr;
    eng_said_t *d;

    if (!m->payload || wire_decode(WIRE_SIGNAL, m->payload, m->len, &sig, &werr) != SV_OK)
        return; /* not ours to judge: the engine only ever wrote valid ones */
    if (sv_grow((void **)&e->said, &e->said_cap, sizeof(*e->said), e->said_cnt, 256) != SV_OK)
        return eng_nomem(e, "recovery");
    d = &e->said[e->said_cnt++];
    eng_said_src(d, m);
    sv_strlcpy(d->signal_id, sig.signal_id, sizeof(d->signal_id));
    d->rev = sig.rev;
    d->state = sig.state;
    d->cand = sig.cand;
    sv_strlcpy(d->book, sig.book, sizeof(d->book));
    d->price = sig.price;
    d->p_fair = sig.p_fair;
    d->p_model = sig.p_model;
    d->edge = sig.edge;
    d->kelly = sig.kelly;
    d->stake_units = sig.stake_units;
    d->scores = sig.scores;
    d->confluence = sig.confluence;
    d->tier = sig.tier;
    sv_strlcpy(d->model, sig.model, sizeof(d->model));
}

/* The games restored from the changelog are scored again without emitting anything, so the
 * signal rules hold their candidates' latest scores as a re-read would have left them, and their
 * partitions' clocks are where the records were taken. */
static void eng_on_restored(eng_t *e)
{
    size_t cnt;
    const uint32_t *gis = eng_clog_restored(e->clog, &cnt);
    eng_clog_stats_t cs;

    e->replaying = true;
    for (size_t k = 0; k < cnt; k++) {
        eng_game_t *g = eng_state_game_at(e->state, gis[k]);
        if (!g)
            continue;
        for (size_t i = 0; i < g->market_cnt; i++)
            eng_emit_scores(e, eng_state_game_market(e->state, g, i));
        /* over already: when it ended is not in the record, so it retires counting from the
         * restored clock of its partition */
        if (g->known && eng_game_terminal(g->status) &&
            eng_retire_schedule(e->retire, g->idx, g->event_id, g->part,
                                eng_clog_pnow(e->clog, g->part)) != SV_OK)
            eng_nomem(e, "retire");
        eng_decide(e, g->part, eng_clog_pnow(e->clog, g->part));
    }
    e->replaying = false;
    eng_clog_stats(e->clog, &cs);
    if (cnt > 0)
        LOG_INFO("eng", "state_restored", "games=%zu records=%llu invalid=%llu seconds=%.3f", cnt,
                 cs.records_restored, cs.records_invalid, cs.restore_seconds);
    eng_clog_restored_clear(e->clog);
}

/* Recovery ended: what was said (e->said) becomes the rules' reference for the re-read
 * partitions, so the next revisions continue the counts and correct only what differs. */
static void eng_on_recovered(void *arg, const rd_kafka_topic_partition_list_t *parts)
{
    eng_t *e = arg;
    static wire_signal_t sig;
    uint8_t mask[ENG_PART_MASK];
    size_t applied = 0, redone = 0;

    eng_part_mask(parts, mask);
    if (e->clog)
        eng_on_restored(e);
    eng_signals_recover_begin(e->signals, mask, sizeof(mask));
    for (size_t k = 0; k < e->said_cnt; k++) {
        const eng_said_t *d = &e->said[k];
        const eng_market_t *mk = eng_state_market(
            e->state, d->cand.event_id, d->cand.market,
            d->cand.present & WIRE_CAND_HAS_PLAYER ? d->cand.player : NULL);
        size_t i;

        if (!mk)
            continue;
        if (d->src_off >= 0) {
            /* computed from an input the state does not hold yet (at or past the restored
             * record's position, else the committed offset): consuming says it again, with the
             * same revision number (it is not the reference) */
            bool known = false, before = false;
            const rd_kafka_topic_partition_t *tp;
            if (e->clog)
                before = eng_clog_before(e->clog, d->cand.event_id, d->src_topic, d->src_off,
                                         &known);
            if (known && !before) {
                redone++;
                continue;
            }
            tp = rd_kafka_topic_partition_list_find((rd_kafka_topic_partition_list_t *)parts,
                                                    d->src_topic, d->src_part);
            if (!known && tp && d->src_off >= (tp->offset < 0 ? 0 : tp->offset)) {
                redone++;
                continue;
            }
        }
        for (i = 0; i < mk->cand_cnt; i++)
            if (strcmp(mk->names[mk->cands[i].name], d->cand.side) == 0)
                break;
        if (i == mk->cand_cnt)
            continue;
        memset(&sig, 0, offsetof(wire_signal_t, reasons));
        sv_strlcpy(sig.signal_id, d->signal_id, sizeof(sig.signal_id));
        sig.rev = d->rev;
        sig.state = d->state;
        sig.cand = d->cand;
        sv_strlcpy(sig.book, d->book, sizeof(sig.book));
        sig.price = d->price;
        sig.p_fair = d->p_fair;
        sig.p_model = d->p_model;
        sig.edge = d->edge;
        sig.kelly = d->kelly;
        sig.stake_units = d->stake_units;
        sig.scores = d->scores;
        sig.confluence = d->confluence;
        sig.tier = d->tier;
        sv_strlcpy(sig.model, d->model, sizeof(sig.model));
        if (eng_signals_recover_said(e->signals, mk->game,
                                     mk->idx * ENG_OUTCOMES_MAX + (uint32_t)i, &sig) != SV_OK)
            return eng_nomem(e, "recovery");
        applied++;
    }
    if (eng_signals_recover_end(e->signals) != SV_OK)
        return eng_nomem(e, "recovery");
    LOG_INFO("eng", "signals_recovered", "read=%zu applied=%zu redone=%zu", e->said_cnt, applied,
             redone);
    free(e->said);
    e->said = NULL;
    e->said_cnt = e->said_cap = 0;
}

/* The event_id of the decoded input of type t, or NULL (a global context record, or not a
 * state input). */
static const char *eng_input_event(const eng_t *e, wire_type_t t)
{
    switch (t) {
    case WIRE_ODDS:
        return e->in.odds.event_id;
    case WIRE_GAME:
        return e->in.game.event_id;
    case WIRE_CONTEXT:
        return e->in.context.present & WIRE_CTX_HAS_EVENT_ID ? e->in.context.event_id : NULL;
    default:
        return NULL;
    }
}

/* Applies the decoded input m of type `in` (its changelog index ci): the handler, the signal
 * rules, and the changelog's note of the game it changed and of the input's position. */
static sv_err_t eng_apply(eng_t *e, const rd_kafka_message_t *m, const eng_input_t *in, int ci,
                          wire_err_t *werr)
{
    int64_t ts = eng_input_ts(e, in->type);
    const char *ev;
    sv_err_t rc;

    e->touched = NULL;
    if ((ev = eng_input_event(e, in->type)) &&
        eng_retire_is(e->retire, ev, m->partition)) {
        /* its game retired (decision 0016): passed by, as a stale input is */
        eng_retire_count_passed(e->retire);
        snprintf(werr->field, sizeof(werr->field), "%s", "event_id");
        snprintf(werr->reason, sizeof(werr->reason), "the game is over and retired");
        rc = SV_ERR_STALE;
    } else {
        rc = in->handler(e, m, werr);
    }
    eng_decide(e, m->partition, ts);
    if (e->clog &&
        eng_clog_applied(e->clog, m, ci, rc == SV_OK ? e->touched : NULL, ts) != SV_OK)
        eng_nomem(e, "changelog");
    return rc;
}

static void eng_on_message(const rd_kafka_message_t *m, bool replay, void *arg)
{
    eng_t *e = arg;
    const eng_input_t *in;
    wire_err_t werr;
    sv_err_t rc;
    int ci; /* the changelog's input index (odds, games, context), or -1 */

    if (replay && strcmp(rd_kafka_topic_name(m->rkt), e->signals_topic) == 0)
        return eng_on_said(e, m);
    if (replay && e->clog && strcmp(rd_kafka_topic_name(m->rkt), e->state_topic) == 0) {
        eng_game_t *g;
        bool gone;
        if (eng_clog_restore(e->clog, m, &g, &gone) != SV_OK)
            eng_nomem(e, "changelog");
        else if (gone && g)
            eng_retire_game(e, g, false); /* its tombstone came after its record */
        return;
    }
    in = eng_input_for(e, rd_kafka_topic_name(m->rkt));
    SV_ASSERT(in); /* we subscribe to nothing else */
    ci = in - eng_inputs < ENG_CLOG_INPUTS ? (int)(in - eng_inputs) : -1;
    if (replay) { /* rebuilding state: apply what is valid, emit and count nothing */
        if (m->payload && wire_decode(in->type, m->payload, m->len, &e->in, &werr) == SV_OK) {
            e->replaying = true;
            eng_apply(e, m, in, ci, &werr);
            e->replaying = false;
        }
        return;
    }
    if (!m->payload) {
        snprintf(werr.field, sizeof(werr.field), "%s", "");
        snprintf(werr.reason, sizeof(werr.reason), "empty message (tombstone)");
        eng_dead_letter(e, m, &werr);
        return;
    }
    if (wire_decode(in->type, m->payload, m->len, &e->in, &werr) != SV_OK) {
        eng_dead_letter(e, m, &werr);
        return;
    }
    if (e->clog && ci >= 0) {
        const char *ev = eng_input_event(e, in->type);
        if (ev && eng_clog_skip(e->clog, m, ci, ev)) {
            /* already in the restored state, its outputs acknowledged before it was written */
            if (eng_clog_applied(e->clog, m, ci, NULL, eng_input_ts(e, in->type)) != SV_OK)
                eng_nomem(e, "changelog");
            return;
        }
    }
    e->cur = m;
    rc = eng_apply(e, m, in, ci, &werr);
    e->cur = NULL;
    switch (rc) {
    case SV_OK:
        e->valid_cnt[in->type]++;
        break;
    case SV_ERR_STALE: /* older than what the state holds: ignored (counted) */
        e->stale_cnt++;
        break;
    case SV_ERR_NOMEM:
        LOG_ERROR("eng", "out_of_memory", "topic=%s", rd_kafka_topic_name(m->rkt));
        e->rc = 1;
        event_base_loopbreak(e->base);
        break;
    default: /* semantically invalid: a dead letter like a schema error */
        eng_dead_letter(e, m, &werr);
        break;
    }
}

static void eng_shutdown_check(evutil_socket_t fd, short what, void *arg)
{
    eng_t *e = arg;
    UNUSED(fd);
    UNUSED(what);
    kout_poll(e->kout);
    if (kin_idle(e->kin) || kin_failed(e->kin) || ++e->shutdown_ticks >= ENG_SHUTDOWN_S * 10) {
        if (!kin_idle(e->kin))
            LOG_WARN("eng", "shutdown_timeout", "inflight=%zu", kout_inflight(e->kout));
        event_base_loopbreak(e->base);
    }
}

static void eng_on_signal(evutil_socket_t sig, short what, void *arg)
{
    eng_t *e = arg;
    struct timeval tick = {0, 100000};
    UNUSED(what);
    if (e->shutdown_tick)
        return;
    LOG_INFO("eng", "stopping", "signal=%d", (int)sig);
    kin_stop(e->kin);
    e->shutdown_tick = event_new(e->base, -1, EV_PERSIST, eng_shutdown_check, e);
    event_add(e->shutdown_tick, &tick);
    eng_shutdown_check(-1, 0, e);
}

/* --- the HTTP port's own routes: liveness, readiness, metrics, the live page --- */

static void eng_cache_sink_put(void *arg, const eng_item_t *it)
{
    eng_cache_put(arg, it);
}

static void eng_cache_sink_flush(void *arg)
{
    eng_cache_flush(arg);
}

static bool eng_cache_sink_wants(void *arg)
{
    eng_cache_stats_t st;
    eng_cache_stats(arg, &st);
    return st.connected && !st.behind; /* else dropped: the rewrite walks the items */
}

static bool eng_push_sink_wants(void *arg)
{
    eng_push_stats_t st;
    eng_push_stats(arg, &st);
    return st.subscribers > 0;
}

static void eng_push_sink_put(void *arg, const eng_item_t *it)
{
    eng_push_publish(arg, it);
}

static void eng_push_sink_flush(void *arg)
{
    eng_push_flush(arg);
}

/* GET /healthz: the loop answers. */
static void eng_http_healthz(struct evhttp_request *req, void *arg)
{
    UNUSED(arg);
    eng_http_reply_json(req, 200, "{\"status\":\"ok\"}");
}

/* GET /readyz: taking input (503 while stopping or after an input failure); Redis is reported
 * but optional (the engine works without it, DESIGN.md §6). */
static void eng_http_readyz(struct evhttp_request *req, void *arg)
{
    eng_t *e = arg;
    char body[256];
    bool ready = !e->shutdown_tick && !kin_failed(e->kin);
    const char *redis = !e->cache ? "off" : eng_cache_connected(e->cache) ? "up" : "down";
    const char *pg = !e->store ? "off" : eng_store_up(e->store) ? "up" : "down";

    snprintf(body, sizeof(body), "{\"ready\":%s,\"redis\":\"%s\",\"pg\":\"%s\"}",
             ready ? "true" : "false", redis, pg);
    eng_http_reply_json(req, ready ? 200 : 503, body);
}

static void metric(struct evbuffer *b, const char *name, const char *type, const char *help,
                   const char *labels, double v)
{
    if (help)
        evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
    evbuffer_add_printf(b, "%s%s %.17g\n", name, labels ? labels : "", v);
}

/* Every ENG_TICK_MS: how late the loop ran this timer (a measure of how long callbacks hold the
 * loop). Monotonic clock; it shapes only this metric, never an output. */
/* kin's gate: a batch completed (with the changelog on). */
static void eng_on_gate(void *arg)
{
    eng_t *e = arg;
    eng_clog_gate(e->clog);
}

static void eng_tick(evutil_socket_t fd, short what, void *arg)
{
    eng_t *e = arg;
    struct timespec now;
    double late_ms;
    size_t i = 0;
    UNUSED(fd);
    UNUSED(what);
    clock_gettime(CLOCK_MONOTONIC, &now);
    late_ms = (double)(now.tv_sec - e->tick_due.tv_sec) * 1e3 +
              (double)(now.tv_nsec - e->tick_due.tv_nsec) / 1e6;
    if (late_ms < 0)
        late_ms = 0;
    while (i < ENG_LAT_BUCKETS && late_ms > eng_lat_le[i])
        i++;
    e->loop_lat[i]++;
    e->loop_lat_sum_s += late_ms / 1e3;
    e->loop_lat_cnt++;
    if (e->clog)
        eng_clog_tick(e->clog);
    e->tick_due = now;
    e->tick_due.tv_nsec += ENG_TICK_MS * 1000000L;
    if (e->tick_due.tv_nsec >= 1000000000L) {
        e->tick_due.tv_sec++;
        e->tick_due.tv_nsec -= 1000000000L;
    }
}

typedef struct eng_lag_out {
    struct evbuffer *b;
    bool first;
} eng_lag_out_t;

static void eng_lag_metric(void *arg, const char *topic, int32_t partition, int64_t lag)
{
    eng_lag_out_t *o = arg;
    char lab[320];
    snprintf(lab, sizeof(lab), "{topic=\"%s\",partition=\"%d\"}", topic, (int)partition);
    metric(o->b, "savant_consumer_lag", "gauge",
           o->first ? "input messages after the consumer's position, per assigned partition "
                      "(high watermark of the last fetch - position)"
                    : NULL,
           lab, (double)lag);
    o->first = false;
}

/* GET /metrics: Prometheus text format. */
static void eng_http_metrics(struct evhttp_request *req, void *arg)
{
    static const char *const in_names[WIRE__CNT] = {[WIRE_ODDS] = "odds", [WIRE_GAME] = "games",
                                                    [WIRE_CONTEXT] = "context",
                                                    [WIRE_CLICK] = "clicks",
                                                    [WIRE_PLACEMENT_RESULT] = "placement-results"};
    eng_t *e = arg;
    struct evbuffer *b = evbuffer_new();
    eng_signals_stats_t ss;
    eng_pub_stats_t ps;
    char lab[64];

    if (!b) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    metric(b, "savant_input_messages_total", "counter", "input messages consumed", NULL,
           (double)kin_consumed(e->kin));
    for (int t = 0; t < WIRE__CNT; t++)
        if (in_names[t]) {
            snprintf(lab, sizeof(lab), "{topic=\"%s\"}", in_names[t]);
            metric(b, "savant_input_valid_total", "counter",
                   t == WIRE_ODDS ? "valid input events applied, per topic" : NULL, lab,
                   (double)e->valid_cnt[t]);
        }
    {
        eng_lag_out_t lo = {b, true};
        uint64_t cum = 0;
        kin_lag_each(e->kin, eng_lag_metric, &lo);
        evbuffer_add_printf(b, "# HELP savant_loop_latency_seconds how late the loop ran a %d ms "
                               "timer (callbacks holding the loop)\n"
                               "# TYPE savant_loop_latency_seconds histogram\n",
                            ENG_TICK_MS);
        for (size_t i = 0; i < ENG_LAT_BUCKETS; i++) {
            cum += e->loop_lat[i];
            evbuffer_add_printf(b, "savant_loop_latency_seconds_bucket{le=\"%g\"} %llu\n",
                                eng_lat_le[i] / 1e3, (unsigned long long)cum);
        }
        cum += e->loop_lat[ENG_LAT_BUCKETS];
        evbuffer_add_printf(b,
                            "savant_loop_latency_seconds_bucket{le=\"+Inf\"} %llu\n"
                            "savant_loop_latency_seconds_sum %.9g\n"
                            "savant_loop_latency_seconds_count %llu\n",
                            (unsigned long long)cum, e->loop_lat_sum_s,
                            (unsigned long long)e->loop_lat_cnt);
    }
    metric(b, "savant_input_stale_total", "counter", "inputs older than the state held (ignored)",
           NULL, (double)e->stale_cnt);
    metric(b, "savant_dead_letters_total", "counter", "inputs sent to the dead-letter topic", NULL,
           (double)e->dlq_cnt);
    metric(b, "savant_replayed_total", "counter", "inputs re-read to rebuild state", NULL,
           (double)kin_replayed(e->kin));
    if (e->clog) {
        eng_clog_stats_t cs;
        eng_clog_stats(e->clog, &cs);
        metric(b, "savant_state_records_written_total", "counter",
               "game state records produced to the changelog", NULL, (double)cs.records_written);
        metric(b, "savant_state_records_acked_total", "counter",
               "of them acknowledged by the broker", NULL, (double)cs.records_acked);
        metric(b, "savant_state_bytes_written_total", "counter",
               "bytes of the state records produced", NULL, (double)cs.bytes_written);
        metric(b, "savant_state_flushes_total", "counter", "changelog flushes that wrote records",
               NULL, (double)cs.flushes);
        metric(b, "savant_state_records_restored_total", "counter",
               "state records applied on partition assignments", NULL,
               (double)cs.records_restored);
        metric(b, "savant_state_records_foreign_total", "counter",
               "state records of other consumer groups on the changelog, passed by", NULL,
               (double)kin_foreign_total(e->kin));
        metric(b, "savant_state_tombstones_written_total", "counter",
               "tombstones produced to the changelog for retired games", NULL,
               (double)cs.tombstones_written);
        metric(b, "savant_state_tombstones_read_total", "counter",
               "tombstones read on partition assignments", NULL, (double)cs.tombstones_read);
        metric(b, "savant_state_records_invalid_total", "counter",
               "state records that could not be applied (logged)", NULL,
               (double)cs.records_invalid);
        metric(b, "savant_state_inputs_skipped_total", "counter",
               "inputs passed by because a restored record already held them", NULL,
               (double)cs.skipped);
        metric(b, "savant_state_restore_seconds", "gauge",
               "time the last restore took to read and apply its records", NULL,
               cs.restore_seconds);
        /* all three 0: everything applied is in acknowledged records and its offsets stored */
        metric(b, "savant_state_dirty_games", "gauge", "games changed since their last record",
               NULL, (double)cs.dirty);
        metric(b, "savant_state_flushes_in_flight", "gauge",
               "flushes whose records are not all acknowledged", NULL, (double)cs.in_flight);
        metric(b, "savant_state_offsets_held", "gauge",
               "partitions whose completed offsets wait for the next flush", NULL,
               (double)kin_gate_held(e->kin));
    }
    {
        eng_retire_stats_t rs;
        eng_state_stats_t st;
        eng_retire_stats(e->retire, &rs);
        eng_state_stats(e->state, &st);
        metric(b, "savant_games_held", "gauge", "games the state holds", NULL,
               (double)st.game_cnt);
        metric(b, "savant_markets_held", "gauge", "markets the state holds", NULL,
               (double)st.market_cnt);
        metric(b, "savant_games_retired_total", "counter",
               "games over for state.retire_after_s of event time, forgotten", NULL,
               (double)e->retired_cnt);
        metric(b, "savant_games_retiring", "gauge", "games over, waiting to retire", NULL,
               (double)rs.due);
        metric(b, "savant_inputs_retired_total", "counter",
               "inputs of retired games passed by (also counted as stale)", NULL,
               (double)rs.passed_by);
    }
    metric(b, "savant_scores_total", "counter", "score events emitted", NULL, (double)e->score_cnt);
    metric(b, "savant_signal_revisions_total", "counter", "signal revisions emitted", NULL,
           (double)e->signal_cnt);
    metric(b, "savant_publish_turns_total", "counter",
           "loop turns whose changes were published to the cache and push", NULL,
           (double)e->flush_cnt);
    eng_signals_stats(e->signals, &ss);
    metric(b, "savant_signals_open", "gauge", "signals open now", NULL, (double)ss.open_now);
    eng_pub_stats(e->pub, &ps);
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
        snprintf(lab, sizeof(lab), "{kind=\"%s\"}", eng_item_kind_name((eng_item_kind_t)k));
        metric(b, "savant_items_rendered_total", "counter",
               k == 0 ? "items rendered for the cache and push (once per loop turn per key)" : NULL,
               lab, (double)ps.rendered[k]);
    }
    metric(b, "savant_scores_displaced_total", "counter",
           "scores whose candidate's line moved on before the loop turn ended (rendered for the "
           "old key)", NULL, (double)ps.displaced);
    if (e->cache) {
        eng_cache_stats_t cs;
        eng_cache_stats(e->cache, &cs);
        metric(b, "savant_redis_up", "gauge", "1 when Redis is connected", NULL, cs.connected);
        metric(b, "savant_redis_errors_total", "counter",
               "failed connects, lost connections, error replies", NULL, (double)cs.errors);
        metric(b, "savant_redis_commands_total", "counter", "commands sent", NULL,
               (double)cs.commands);
        metric(b, "savant_redis_pipelines_total", "counter", "pipelines sent (one per loop turn)",
               NULL, (double)cs.pipelines);
        metric(b, "savant_redis_dropped_total", "counter",
               "items not written while Redis was down or behind (a rewrite covers them)", NULL,
               (double)cs.dropped);
        metric(b, "savant_redis_rewrites_total", "counter", "full rewrites of the cache", NULL,
               (double)cs.rewrites);
        metric(b, "savant_redis_pending", "gauge", "commands awaiting replies", NULL,
               (double)cs.pending);
    }
    if (e->store) {
        eng_store_stats_t ps;
        eng_store_stats(e->store, &ps);
        metric(b, "savant_pg_up", "gauge", "1 when the PostgreSQL store is connected", NULL, ps.up);
        metric(b, "savant_pg_queries_total", "counter", "queries sent to PostgreSQL", NULL,
               (double)ps.queries);
        metric(b, "savant_pg_errors_total", "counter",
               "PostgreSQL failures: connections, timeouts, refused statements", NULL,
               (double)ps.errors);
        metric(b, "savant_pg_unavailable_total", "counter",
               "queries refused at once because PostgreSQL was down or the queue full", NULL,
               (double)ps.unavailable);
    }
    if (e->bets) {
        eng_bets_stats_t bs;
        eng_bets_stats(e->bets, &bs);
        metric(b, "savant_clicks_total", "counter", "clicks taken (REST and savant.clicks.v1)",
               NULL, (double)bs.clicks);
        metric(b, "savant_bets_created_total", "counter", "bets recorded (then placed)", NULL,
               (double)bs.created);
        metric(b, "savant_clicks_duplicate_total", "counter",
               "repeated clicks answered with their original bet", NULL, (double)bs.duplicates);
        metric(b, "savant_clicks_refused_total", "counter",
               "clicks refused: signal not live, price moved, limits, bad input", NULL,
               (double)bs.refused);
        metric(b, "savant_clicks_unavailable_total", "counter",
               "clicks refused because PostgreSQL was unavailable (503)", NULL,
               (double)bs.unavailable);
        metric(b, "savant_placements_total", "counter", "placements produced (resends included)",
               NULL, (double)bs.placements);
        metric(b, "savant_placements_resent_total", "counter",
               "placements produced again for bets still pending after bets.resend_ms", NULL,
               (double)bs.resent);
        metric(b, "savant_bets_placed_total", "counter", "bets the book accepted", NULL,
               (double)bs.placed);
        metric(b, "savant_bets_rejected_total", "counter", "bets the book rejected", NULL,
               (double)bs.rejected);
        metric(b, "savant_placement_results_late_total", "counter",
               "placement results for bets no longer pending (redelivered, cancelled, unknown)",
               NULL, (double)bs.results_late);
        metric(b, "savant_bets_graded_total", "counter", "bets graded", NULL, (double)bs.graded);
        metric(b, "savant_signal_grades_total", "counter", "signals graded", NULL,
               (double)bs.signal_grades);
        metric(b, "savant_bets_history_skipped_total", "counter",
               "signal history and signal grade writes skipped (PostgreSQL down or busy)", NULL,
               (double)bs.history_skipped);
    }
    {
        eng_push_stats_t st;
        eng_push_stats(e->push, &st);
        metric(b, "savant_push_subscribers", "gauge", "push subscribers connected", NULL,
               (double)st.subscribers);
        metric(b, "savant_push_sent_total", "counter", "updates written to push subscribers", NULL,
               (double)st.sent);
        metric(b, "savant_push_conflated_total", "counter",
               "queued updates replaced by a newer one of their key", NULL, (double)st.conflated);
        metric(b, "savant_push_disconnected_slow_total", "counter",
               "subscribers disconnected as slow consumers", NULL, (double)st.disconnected_slow);
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

extern const char eng_page_html[];

/* GET /: a page that subscribes to /api/v1/stream and shows signals and scores live. */
static void eng_http_page(struct evhttp_request *req, void *arg)
{
    struct evbuffer *b = evbuffer_new();
    UNUSED(arg);
    if (!b) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evbuffer_add(b, eng_page_html, strlen(eng_page_html));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/html; charset=utf-8");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

/* --migrate and --create-token: exit status 0, or 1 with the reason. */
static int eng_db_command(const cfg_t *cfg, bool create_token, const char *user, const char *role)
{
    char errstr[512], token[ENG_TOKEN_STR];
    int applied = 0;

    if (strcmp(cfg->pg_dsn, "none") == 0) {
        fprintf(stderr, "savant-engine: pg.dsn is none: no database\n");
        return 1;
    }
    if (eng_migrate(cfg->pg_dsn, &applied, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-engine: migrate: %s\n", errstr);
        return 1;
    }
    if (!create_token) {
        printf("savant-engine: %d migration%s applied\n", applied, applied == 1 ? "" : "s");
        return 0;
    }
    if (eng_token_bootstrap(cfg->pg_dsn, user, role, token, sizeof(token), errstr,
                            sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-engine: create-token: %s\n", errstr);
        return 1;
    }
    printf("%s\n", token);
    fprintf(stderr, "savant-engine: a new %s token for %s (shown once; only its SHA-256 is "
                    "stored)\n", role, user);
    return 0;
}

/* PostgreSQL was down at start: migrate once it answers (the store's connections keep failing
 * to prepare their statements until the schema is there, then come up by themselves). The call
 * blocks the loop for one connection attempt (refused at once while the server is down). */
static void eng_migrate_retry(evutil_socket_t fd, short what, void *arg)
{
    eng_t *e = arg;
    char errstr[512];
    int applied = 0;
    sv_err_t rc = eng_migrate(e->cfg.pg_dsn, &applied, errstr, sizeof(errstr));
    UNUSED(fd);
    UNUSED(what);
    if (rc == SV_ERR_UNAVAILABLE)
        return;
    event_del(e->migrate_ev);
    if (rc == SV_OK)
        LOG_INFO("eng", "migrated", "applied=%d", applied);
    else
        LOG_ERROR("eng", "migrate_failed", "reason=\"%s\"", errstr);
}

/* PostgreSQL: migrate (a server that is not there yet is only a warning: the store reconnects),
 * then the pool with the statements the routes use. 0, or -1 after printing why. */
static int eng_store_start_all(eng_t *e)
{
    char errstr[512];
    eng_store_conf_t sconf;
    int applied = 0;
    sv_err_t rc;

    eng_bets_conf_t bconf;

    eng_bets_conf_from_cfg(&bconf, &e->cfg);
    if (strcmp(e->cfg.pg_dsn, "none") == 0) {
        if (!(e->bets = eng_bets_new(e->base, &bconf, e->state, NULL, eng_bets_emit, e))) {
            fprintf(stderr, "savant-engine: out of memory\n");
            return -1;
        }
        return 0;
    }
    rc = eng_migrate(e->cfg.pg_dsn, &applied, errstr, sizeof(errstr));
    if (rc == SV_ERR_UNAVAILABLE) {
        struct timeval tv = {ENG_MIGRATE_RETRY_S, 0};
        LOG_WARN("eng", "migrate_later", "reason=\"%s\" retry_s=%d", errstr, ENG_MIGRATE_RETRY_S);
        if (!(e->migrate_ev = event_new(e->base, -1, EV_PERSIST, eng_migrate_retry, e)) ||
            event_add(e->migrate_ev, &tv) != 0) {
            fprintf(stderr, "savant-engine: out of memory\n");
            return -1;
        }
    } else if (rc != SV_OK) {
        fprintf(stderr, "savant-engine: migrate: %s\n", errstr);
        return -1;
    } else if (applied > 0) {
        LOG_INFO("eng", "migrated", "applied=%d", applied);
    }
    memset(&sconf, 0, sizeof(sconf));
    sconf.dsn = e->cfg.pg_dsn;
    sconf.pool_size = e->cfg.pg_pool_size;
    sconf.timeout_ms = e->cfg.pg_timeout_ms;
    sconf.backoff_max_ms = e->cfg.pg_backoff_max_ms;
    if (!(e->store = eng_store_new(e->base, &sconf, errstr, sizeof(errstr))) ||
        eng_api_auth_prepare(e->store) != SV_OK || eng_api_tokens_prepare(e->store) != SV_OK ||
        eng_api_tokens_register(e->api, e->store) != SV_OK ||
        eng_api_users_prepare(e->store) != SV_OK ||
        eng_api_users_register(e->api, e->store) != SV_OK || eng_bets_prepare(e->store) != SV_OK ||
        eng_api_bets_prepare(e->store) != SV_OK ||
        !(e->bets = eng_bets_new(e->base, &bconf, e->state, e->store, eng_bets_emit, e)) ||
        eng_api_bets_register(e->api, e->bets) != SV_OK || eng_store_start(e->store) != SV_OK) {
        fprintf(stderr, "savant-engine: %s\n", e->store ? "cannot start the PostgreSQL store" : errstr);
        return -1;
    }
    eng_api_set_resolver(e->api, eng_api_auth_resolve, e->store);
    eng_bets_start(e->bets);
    return 0;
}

/* The HTTP port, push and the cache, wired as the publisher's sinks. */
static int eng_outputs_start(eng_t *e)
{
    char errstr[512];
    eng_pub_sink_t sink;
    eng_push_conf_t pconf;

    if (!(e->http = eng_http_new(e->base, e->cfg.http_listen, errstr, sizeof(errstr)))) {
        fprintf(stderr, "savant-engine: http.listen: %s\n", errstr);
        return -1;
    }
    {
        eng_api_conf_t aconf;
        eng_api_conf_from_cfg(&aconf, &e->cfg);
        if (!(e->api = eng_api_new(e->base, e->http, &aconf, errstr, sizeof(errstr))) ||
            eng_api_live_register(e->api, e->pub) != SV_OK) {
            fprintf(stderr, "savant-engine: %s\n", e->api ? "cannot register the API routes" : errstr);
            return -1;
        }
    }
    /* push authenticates through the API (its tokens, cache and resolver: engine/api.h) */
    eng_push_conf_from_cfg(&pconf, &e->cfg);
    if (!(e->push = eng_push_new(e->base, e->http, e->api, &pconf, eng_pub_walk, e->pub, errstr,
                                 sizeof(errstr)))) {
        fprintf(stderr, "savant-engine: %s\n", errstr);
        return -1;
    }
    if (eng_http_route(e->http, "/healthz", eng_http_healthz, e) != SV_OK ||
        eng_http_route(e->http, "/readyz", eng_http_readyz, e) != SV_OK ||
        eng_http_route(e->http, "/metrics", eng_http_metrics, e) != SV_OK ||
        eng_http_route(e->http, "/", eng_http_page, e) != SV_OK) {
        fprintf(stderr, "savant-engine: cannot register the HTTP routes\n");
        return -1;
    }
    if (strcmp(e->cfg.redis_url, "none") != 0) {
        eng_cache_conf_t cconf;
        memset(&cconf, 0, sizeof(cconf));
        cconf.url = e->cfg.redis_url;
        cconf.prefix = e->cfg.redis_prefix;
        cconf.ttl_final_s = e->cfg.redis_ttl_final_s;
        cconf.backoff_max_ms = e->cfg.redis_backoff_max_ms;
        cconf.pending_max = e->cfg.redis_pending_max;
        if (!(e->cache = eng_cache_new(e->base, &cconf, eng_pub_walk, e->pub, errstr,
                                       sizeof(errstr)))) {
            fprintf(stderr, "savant-engine: %s\n", errstr);
            return -1;
        }
        sink.put = eng_cache_sink_put;
        sink.flush = eng_cache_sink_flush;
        sink.wants = eng_cache_sink_wants;
        sink.arg = e->cache;
        eng_pub_add_sink(e->pub, &sink);
    }
    sink.put = eng_push_sink_put;
    sink.flush = eng_push_sink_flush;
    sink.wants = eng_push_sink_wants;
    sink.arg = e->push;
    eng_pub_add_sink(e->pub, &sink);
    if (!*e->cfg.api_bootstrap_token && strcmp(e->cfg.pg_dsn, "none") == 0)
        LOG_WARN("eng", "push_closed", "reason=\"api.bootstrap_token is empty and pg.dsn is none: "
                                       "no subscriber or API client can authenticate\"");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {"migrate", no_argument, NULL, 'M'},
        {"create-token", no_argument, NULL, 'T'},
        {"user", required_argument, NULL, 'U'},
        {"role", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    bool migrate_only = false, create_token = false;
    const char *token_user = NULL, *token_role = "user";
    static eng_t e; /* large (decoded input union); one per process */
    char errstr[512], topics[SV_ARRAY_SIZE(eng_inputs)][ENG_TOPIC_MAX];
    const char *topicv[SV_ARRAY_SIZE(eng_inputs)];
    cfg_cli_t cli;
    int opt, rc;

    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            usage(stdout);
            return 0;
        }
        if (opt == 'M' || opt == 'T' || opt == 'U' || opt == 'R') {
            migrate_only |= opt == 'M';
            create_token |= opt == 'T';
            if (opt == 'U')
                token_user = optarg;
            if (opt == 'R')
                token_role = optarg;
            continue;
        }
        if (cfg_cli_opt(&cli, opt, optarg) != SV_OK) {
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "savant-engine: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((token_user || strcmp(token_role, "user") != 0) && !create_token) {
        fprintf(stderr, "savant-engine: --user and --role go with --create-token\n");
        return 2;
    }
    if (create_token && !token_user) {
        fprintf(stderr, "savant-engine: --create-token needs --user EMAIL\n");
        return 2;
    }
    if (create_token && strcmp(token_role, "admin") != 0 && strcmp(token_role, "user") != 0) {
        fprintf(stderr, "savant-engine: --role: '%s' is not admin or user\n", token_role);
        return 2;
    }
    if ((rc = cfg_cli_main(&cli, &e.cfg, environ, "savant-engine")) >= 0)
        return rc;
    if (migrate_only || create_token)
        return eng_db_command(&e.cfg, create_token, token_user, token_role);

    signal(SIGPIPE, SIG_IGN);
    msgpack_sbuffer_init(&e.sbuf);
    msgpack_packer_init(&e.pk, &e.sbuf, msgpack_sbuffer_write);
    snprintf(e.dlq_topic, sizeof(e.dlq_topic), "%sdlq.v1", e.cfg.kafka_topic_prefix);
    snprintf(e.scores_topic, sizeof(e.scores_topic), "%sscores.v1", e.cfg.kafka_topic_prefix);
    snprintf(e.signals_topic, sizeof(e.signals_topic), "%ssignals.v1", e.cfg.kafka_topic_prefix);
    snprintf(e.state_topic, sizeof(e.state_topic), "%sstate.v1", e.cfg.kafka_topic_prefix);
    snprintf(e.placements_topic, sizeof(e.placements_topic), "%splacements.v1",
             e.cfg.kafka_topic_prefix);
    snprintf(e.grades_topic, sizeof(e.grades_topic), "%sgrades.v1", e.cfg.kafka_topic_prefix);
    {
        eng_market_conf_t mconf;
        eng_market_conf_defaults(&mconf);
        mconf.devig = (eng_devig_t)e.cfg.market_devig;
        mconf.steam_threshold = e.cfg.market_steam_threshold;
        mconf.steam_books = (int)e.cfg.market_steam_books;
        mconf.steam_window_ms = e.cfg.market_steam_window_ms;
        mconf.history_size = (int)e.cfg.market_history_size;
        e.state = eng_state_new(&mconf, errstr, sizeof(errstr));
        if (!e.state) {
            fprintf(stderr, "savant-engine: %s\n", errstr);
            return 1;
        }
    }
    {
        eng_score_conf_t sconf;
        if (eng_score_conf_from_cfg(&sconf, &e.cfg, errstr, sizeof(errstr)) != SV_OK ||
            !(e.cands = eng_cands_new(&sconf))) {
            fprintf(stderr, "savant-engine: %s\n",
                    e.cands ? errstr : "out of memory creating the scorer");
            eng_state_free(e.state);
            return 1;
        }
        char model[PATH_MAX + 64];
        eng_ai_model_path(e.cfg.ai_model, model, sizeof(model));
        if (!(e.ai = eng_ai_new(model, e.cfg.ai_elo, errstr, sizeof(errstr)))) {
            fprintf(stderr, "savant-engine: %s\n", errstr);
            eng_cands_free(e.cands);
            eng_state_free(e.state);
            return 1;
        }
        eng_cands_set_ai(e.cands, e.ai);
        eng_signal_conf_t gconf;
        eng_signal_conf_from_cfg(&gconf, &e.cfg);
        e.signals = eng_signals_new(&gconf, eng_on_signal_rev, &e);
        e.pub = eng_pub_new(e.state, e.cands);
        e.retire = eng_retire_new(e.cfg.state_retire_after_s * 1000);
        if (!e.signals || !e.pub || !e.retire) {
            fprintf(stderr, "savant-engine: out of memory creating the signal rules\n");
            eng_retire_free(e.retire);
            eng_signals_free(e.signals);
            eng_pub_free(e.pub);
            eng_ai_free(e.ai);
            eng_cands_free(e.cands);
            eng_state_free(e.state);
            return 1;
        }
    }
    for (size_t i = 0; i < SV_ARRAY_SIZE(eng_inputs); i++) {
        snprintf(topics[i], sizeof(topics[i]), "%s%s", e.cfg.kafka_topic_prefix,
                 eng_inputs[i].suffix);
        topicv[i] = topics[i];
    }
    e.base = event_base_new();
    if (!e.base) {
        fprintf(stderr, "savant-engine: cannot create the event loop\n");
        return 1;
    }
    e.flush_ev = event_new(e.base, -1, 0, eng_flush, &e);
    e.kout = kout_new(e.base, &e.cfg, eng_on_ack, &e, errstr, sizeof(errstr));
    if (e.kout)
        e.kin = kin_new(e.base, &e.cfg, topicv, SV_ARRAY_SIZE(eng_inputs),
                        (size_t)e.cfg.kafka_batch_max,
                        e.cfg.kafka_exactly_once ? kout_handle(e.kout) : NULL, eng_on_message, &e,
                        errstr, sizeof(errstr));
    if (!e.kout || !e.kin) {
        fprintf(stderr, "savant-engine: %s\n", errstr);
        e.rc = 1;
        goto out;
    }
    kin_set_echo(e.kin, e.signals_topic, eng_on_recovered);
    kin_set_recover(e.kin, eng_on_recover);
    kin_set_revoke(e.kin, eng_on_revoke);
    if (e.cfg.state_changelog && !e.cfg.kafka_exactly_once) {
        /* exactly-once keeps rebuilding by re-reading (decision 0015) */
        const char *const cin[ENG_CLOG_INPUTS] = {topicv[0], topicv[1], topicv[2]};
        if (!(e.clog = eng_clog_new(e.state, e.ai, e.kin, e.kout, e.state_topic, cin,
                                    e.cfg.kafka_group, e.cfg.state_flush_ms))) {
            fprintf(stderr, "savant-engine: out of memory creating the state changelog\n");
            e.rc = 1;
            goto out;
        }
        kin_set_changelog(e.kin, e.state_topic, eng_on_gate);
    }
    if (eng_outputs_start(&e) != 0 || eng_store_start_all(&e) != 0) {
        e.rc = 1;
        goto out;
    }
    {
        struct timeval tick = {0, ENG_TICK_MS * 1000};
        clock_gettime(CLOCK_MONOTONIC, &e.tick_due);
        e.tick_due.tv_nsec += ENG_TICK_MS * 1000000L;
        if (e.tick_due.tv_nsec >= 1000000000L) {
            e.tick_due.tv_sec++;
            e.tick_due.tv_nsec -= 1000000000L;
        }
        e.tick_ev = event_new(e.base, -1, EV_PERSIST, eng_tick, &e);
        if (e.tick_ev)
            event_add(e.tick_ev, &tick);
    }
    e.sigint = evsignal_new(e.base, SIGINT, eng_on_signal, &e);
    e.sigterm = evsignal_new(e.base, SIGTERM, eng_on_signal, &e);
    event_add(e.sigint, NULL);
    event_add(e.sigterm, NULL);
    LOG_INFO("eng", "started", "brokers=%s group=%s prefix=%s model=%s http=%d redis=%s",
             e.cfg.kafka_brokers, e.cfg.kafka_group, e.cfg.kafka_topic_prefix,
             eng_ai_model_id(e.ai) ? eng_ai_model_id(e.ai) : "none", eng_http_port(e.http),
             e.cache ? "on" : "off");

    event_base_dispatch(e.base);

    /* the changelog's last records: once acknowledged (kout_flush serves the reports) they
     * store the last offsets, which kin_close commits, so a restart redoes nothing */
    if (e.clog && kin_idle(e.kin) && !kin_failed(e.kin) && e.rc == 0) {
        eng_clog_flush_now(e.clog);
        if (kout_flush(e.kout, 1000) != SV_OK)
            LOG_WARN("eng", "state_flush_timeout", "inflight=%zu", kout_inflight(e.kout));
    }
    /* ENG_SHUTDOWN_S + about 3 s in all, even with the brokers gone (kout_free purges) */
    if (kin_close(e.kin, 1500) != SV_OK)
        e.rc = 1;
    if (kout_flush(e.kout, 500) != SV_OK)
        e.rc = 1;
    LOG_INFO("eng", "stopped", "consumed=%llu dead_letters=%llu odds=%llu games=%llu "
             "context=%llu clicks=%llu stale=%llu scores=%llu signals=%llu replayed=%llu "
             "restored=%llu",
             kin_consumed(e.kin), e.dlq_cnt, e.valid_cnt[WIRE_ODDS], e.valid_cnt[WIRE_GAME],
             e.valid_cnt[WIRE_CONTEXT], e.valid_cnt[WIRE_CLICK], e.stale_cnt, e.score_cnt,
             e.signal_cnt, kin_replayed(e.kin), kin_restored_total(e.kin));
out:
    if (e.sigint)
        event_free(e.sigint);
    if (e.sigterm)
        event_free(e.sigterm);
    if (e.shutdown_tick)
        event_free(e.shutdown_tick);
    if (e.flush_ev)
        event_free(e.flush_ev);
    if (e.migrate_ev)
        event_free(e.migrate_ev);
    if (e.tick_ev)
        event_free(e.tick_ev);
    eng_push_free(e.push);   /* cancels its token lookups: before the store answers them */
    eng_store_free(e.store); /* answers the API's pending token lookups first */
    eng_bets_free(e.bets);   /* after the store: its queries' answers reach it */
    eng_api_free(e.api);
    eng_http_free(e.http);
    eng_cache_free(e.cache);
    kin_free(e.kin);
    kout_free(e.kout);
    eng_clog_free(e.clog); /* after kout_free: no delivery report can reach it any more */
    event_base_free(e.base);
    eng_pub_free(e.pub);
    eng_signals_free(e.signals);
    eng_retire_free(e.retire);
    eng_cands_free(e.cands);
    eng_ai_free(e.ai);
    eng_state_free(e.state);
    free(e.said);
    msgpack_sbuffer_destroy(&e.sbuf);
    return e.rc;
}
