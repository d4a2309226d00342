/*
 * wire_events — the C struct of every event type of DESIGN.md §4 (included by wire.h).
 *
 * Storage is fixed-size: no event owns heap memory except a dead letter decoded from JSON. Strings
 * are NUL-terminated arrays one byte longer than their limit, lists are arrays plus a count.
 * Optional fields have a bit in the struct's `present` mask (WIRE_<TYPE>_HAS_<FIELD>); an absent
 * optional field reads as zero or "". Field names are the wire and JSON names. The limits below
 * are the contract; docs/schemas.md lists every field with its range.
 */
#ifndef SV_WIRE_EVENTS_H
#define SV_WIRE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION 1                  /* the only schema version: `v` must equal it */
#define WIRE_TS_MAX 4102444800000LL     /* 2100-01-01T00:00:00Z in ms; ts range is 1..this */
#define WIRE_ID_MAX 64                  /* bytes of an id: printable ASCII without '|' */
#define WIRE_TOKEN_MAX 32               /* bytes of sport/market/flag tokens: [a-z0-9_] */
#define WIRE_NAME_MAX 96                /* bytes of a name (team, player, outcome, side) */
#define WIRE_OUTCOMES_MAX 64            /* outcomes of one odds quote */
#define WIRE_REASONS_MAX 32             /* reasons of one signal */
#define WIRE_REASON_MAX 160             /* bytes of one reason (and of placement_result.reason) */
#define WIRE_FLAGS_MAX 16               /* flags of one score */
#define WIRE_CREW_MAX 8                 /* officials in a crew */
#define WIRE_DATE_MAX 10                /* "YYYY-MM-DD" */
#define WIRE_TOPIC_MAX 249              /* bytes of a Kafka topic name */
#define WIRE_ERROR_MAX 512              /* bytes of a dead letter's error text */
#define WIRE_DLQ_BYTES_MAX (1024 * 1024) /* bytes of a dead letter's original message */
#define WIRE_POINT_STR_MAX 48           /* buffer for wire_point_str(), NUL included */
/* Buffer for any message key, NUL included: the candidate key is the longest. */
#define WIRE_KEY_MAX (WIRE_ID_MAX + WIRE_TOKEN_MAX + 2 * WIRE_NAME_MAX + WIRE_POINT_STR_MAX + 4)

/* score/signal tier, best first. */
typedef enum wire_tier {
    WIRE_TIER_TITANIUM_SMASH,
    WIRE_TIER_GOLD_STAR,
    WIRE_TIER_EDGE_LEAN,
    WIRE_TIER_MONITOR,
    WIRE_TIER_PASS,
} wire_tier_t;

/* score/signal confluence level, strongest first. */
typedef enum wire_confluence {
    WIRE_CONF_IMMORTAL,
    WIRE_CONF_JARVIS_PERFECT,
    WIRE_CONF_PERFECT,
    WIRE_CONF_HARMONIC_CONVERGENCE,
    WIRE_CONF_STRONG,
    WIRE_CONF_MODERATE,
    WIRE_CONF_DIVERGENT,
} wire_confluence_t;

/* The candidate key: what a score, signal or placement is about (flat fields on the wire). */
typedef struct wire_cand {
    char event_id[WIRE_ID_MAX + 1];  /* the game */
    char market[WIRE_TOKEN_MAX + 1]; /* h2h, spreads, totals, player_points, … */
    char side[WIRE_NAME_MAX + 1];    /* outcome name: a team, Over, Under, Draw; no '|' */
    char player[WIRE_NAME_MAX + 1];  /* optional (props); no '|' */
    double point;                    /* optional line: finite, |point| <= 10000 */
    uint32_t present;                /* WIRE_CAND_HAS_* */
} wire_cand_t;
#define WIRE_CAND_HAS_PLAYER (1u << 0)
#define WIRE_CAND_HAS_POINT (1u << 1)

/* --- odds (savant.odds.v1): the whole current quote of one book for one market --- */
typedef struct wire_outcome {
    char name[WIRE_NAME_MAX + 1]; /* outcome name, non-empty */
    int price;                    /* American odds, 100 <= |price| <= 100000 */
    double decimal;               /* decimal odds, 1 < decimal <= 10000 */
    double point;                 /* optional line: finite, |point| <= 10000 */
    uint32_t present;             /* WIRE_OUTCOME_HAS_*; exactly one of PRICE, DECIMAL */
} wire_outcome_t;
#define WIRE_OUTCOME_HAS_PRICE (1u << 0)
#define WIRE_OUTCOME_HAS_DECIMAL (1u << 1)
#define WIRE_OUTCOME_HAS_POINT (1u << 2)

typedef struct wire_odds {
    int v;                                       /* schema version, 1 */
    int64_t ts;                                  /* event time, ms since the epoch */
    char event_id[WIRE_ID_MAX + 1];              /* the game; the message key */
    char sport[WIRE_TOKEN_MAX + 1];              /* token: nba, nfl, soccer_epl, … */
    char book[WIRE_ID_MAX + 1];                  /* the bookmaker (an id) */
    char market[WIRE_TOKEN_MAX + 1];             /* token: h2h, spreads, totals, player_points */
    char player[WIRE_NAME_MAX + 1];              /* optional: the player of a prop market */
    size_t outcome_cnt;                          /* entries in outcomes; 0 = suspended */
    wire_outcome_t outcomes[WIRE_OUTCOMES_MAX];  /* the quote */
    uint32_t present;                            /* WIRE_ODDS_HAS_* */
} wire_odds_t;
#define WIRE_ODDS_HAS_PLAYER (1u << 0)

/* --- game (savant.games.v1) --- */
typedef enum wire_game_status {
    WIRE_GAME_SCHEDULED,
    WIRE_GAME_LIVE,
    WIRE_GAME_FINAL,
    WIRE_GAME_POSTPONED,
    WIRE_GAME_CANCELLED,
} wire_game_status_t;

typedef struct wire_game {
    int v;                           /* schema version, 1 */
    int64_t ts;                      /* event time, ms since the epoch */
    char event_id[WIRE_ID_MAX + 1];  /* the game; the message key */
    char sport[WIRE_TOKEN_MAX + 1];  /* token */
    char league[WIRE_NAME_MAX + 1];  /* optional */
    char home[WIRE_NAME_MAX + 1];    /* home team */
    char away[WIRE_NAME_MAX + 1];    /* away team, differs from home */
    int64_t commence_ts;             /* start, ms since the epoch (same range as ts) */
    wire_game_status_t status;       /* scheduled, live, final, postponed, cancelled */
    int period;                      /* optional, 0..20 */
    int clock_s;                     /* optional, seconds, 0..86400 */
    int home_score;                  /* optional, 0..1000 */
    int away_score;                  /* optional, 0..1000 */
    uint32_t present;                /* WIRE_GAME_HAS_* */
} wire_game_t;
#define WIRE_GAME_HAS_LEAGUE (1u << 0)
#define WIRE_GAME_HAS_PERIOD (1u << 1)
#define WIRE_GAME_HAS_CLOCK_S (1u << 2)
#define WIRE_GAME_HAS_HOME_SCORE (1u << 3)
#define WIRE_GAME_HAS_AWAY_SCORE (1u << 4)

/* --- context (savant.context.v1): one struct for every kind; a table says which fields each
 * kind requires and allows (docs/schemas.md) --- */
typedef enum wire_ctx_kind {
    WIRE_CTX_SPLITS,
    WIRE_CTX_INJURY,
    WIRE_CTX_PLAYER,
    WIRE_CTX_OFFICIALS,
    WIRE_CTX_WEATHER,
    WIRE_CTX_SPACE_WEATHER,
} wire_ctx_kind_t;

typedef enum wire_injury_status {
    WIRE_INJ_OUT,
    WIRE_INJ_DOUBTFUL,
    WIRE_INJ_QUESTIONABLE,
    WIRE_INJ_PROBABLE,
    WIRE_INJ_DAY_TO_DAY,
    WIRE_INJ_SUSPENDED,
    WIRE_INJ_ACTIVE,
} wire_injury_status_t;

typedef struct wire_context {
    int v;                                          /* schema version, 1 */
    int64_t ts;                                     /* event time, ms since the epoch */
    wire_ctx_kind_t kind;                           /* which of the fields below apply */
    char event_id[WIRE_ID_MAX + 1];                 /* all kinds but player, space_weather */
    char market[WIRE_TOKEN_MAX + 1];                /* splits */
    char side[WIRE_NAME_MAX + 1];                   /* splits */
    double ticket_pct;                              /* splits, 0..100 */
    double money_pct;                               /* splits, 0..100 */
    char team[WIRE_NAME_MAX + 1];                   /* injury; player (optional) */
    char player[WIRE_NAME_MAX + 1];                 /* injury, player; no '|' */
    wire_injury_status_t status;                    /* injury */
    double impact;                                  /* injury, optional, 0..1 */
    bool is_starter;                                /* injury, optional */
    char birth_date[WIRE_DATE_MAX + 1];             /* player: "YYYY-MM-DD", 1900..2100 */
    char lead[WIRE_NAME_MAX + 1];                   /* officials: the lead official */
    size_t crew_cnt;                                /* officials, optional: entries in crew */
    char crew[WIRE_CREW_MAX][WIRE_NAME_MAX + 1];    /* officials, optional */
    double over_pct;                                /* officials, optional, 0..1 */
    double home_bias;                               /* officials, optional, -1..1 */
    double temp_f;                                  /* weather, -80..150 */
    double wind_mph;                                /* weather, 0..200 */
    double precip_in;                               /* weather, 0..50 */
    double humidity;                                /* weather, 0..100 */
    bool indoor;                                    /* weather, optional */
    double kp;                                      /* space_weather, optional, 0..9 */
    double xray_flux;                               /* space_weather, optional, 0..1 */
    uint32_t present;                               /* WIRE_CTX_HAS_* */
} wire_context_t;
#define WIRE_CTX_HAS_EVENT_ID (1u << 0)
#define WIRE_CTX_HAS_MARKET (1u << 1)
#define WIRE_CTX_HAS_SIDE (1u << 2)
#define WIRE_CTX_HAS_TICKET_PCT (1u << 3)
#define WIRE_CTX_HAS_MONEY_PCT (1u << 4)
#define WIRE_CTX_HAS_TEAM (1u << 5)
#define WIRE_CTX_HAS_PLAYER (1u << 6)
#define WIRE_CTX_HAS_STATUS (1u << 7)
#define WIRE_CTX_HAS_IMPACT (1u << 8)
#define WIRE_CTX_HAS_IS_STARTER (1u << 9)
#define WIRE_CTX_HAS_BIRTH_DATE (1u << 10)
#define WIRE_CTX_HAS_LEAD (1u << 11)
#define WIRE_CTX_HAS_CREW (1u << 12)
#define WIRE_CTX_HAS_OVER_PCT (1u << 13)
#define WIRE_CTX_HAS_HOME_BIAS (1u << 14)
#define WIRE_CTX_HAS_TEMP_F (1u << 15)
#define WIRE_CTX_HAS_WIND_MPH (1u << 16)
#define WIRE_CTX_HAS_PRECIP_IN (1u << 17)
#define WIRE_CTX_HAS_HUMIDITY (1u << 18)
#define WIRE_CTX_HAS_INDOOR (1u << 19)
#define WIRE_CTX_HAS_KP (1u << 20)
#define WIRE_CTX_HAS_XRAY_FLUX (1u << 21)

/* --- click (savant.clicks.v1): a click-to-bet request --- */
typedef struct wire_click {
    int v;                           /* schema version, 1 */
    int64_t ts;                      /* event time, ms since the epoch */
    char click_id[WIRE_ID_MAX + 1];  /* idempotency key */
    char user_id[WIRE_ID_MAX + 1];   /* who clicked */
    char signal_id[WIRE_ID_MAX + 1]; /* the signal clicked */
    char event_id[WIRE_ID_MAX + 1];  /* the game; the message key */
    char book[WIRE_ID_MAX + 1];      /* where to bet */
    double stake;                    /* > 0, <= 1e9 */
    double max_price_move;           /* optional, 0..1 */
    uint32_t present;                /* WIRE_CLICK_HAS_* */
} wire_click_t;
#define WIRE_CLICK_HAS_MAX_PRICE_MOVE (1u << 0)

/* --- score (savant.scores.v1): every score of one candidate --- */
typedef struct wire_score {
    int v;                                          /* schema version, 1 */
    int64_t ts;                                     /* event time, ms since the epoch */
    wire_cand_t cand;                               /* event_id, market, side, player?, point? */
    double p_fair;                                  /* consensus de-vigged probability, 0..1 */
    int best_price;                                 /* American odds */
    double best_decimal;                            /* 1 < best_decimal <= 10000 */
    char best_book[WIRE_ID_MAX + 1];                /* book of the best price */
    int books;                                      /* books quoting, 0..1000 */
    double line_variance;                           /* >= 0 */
    size_t flag_cnt;                                /* entries in flags */
    char flags[WIRE_FLAGS_MAX][WIRE_TOKEN_MAX + 1]; /* tokens: steam, arb, … */
    double p_model;                                 /* optional, 0..1 */
    double ai;                                      /* optional, -100..100 */
    double research;                                /* optional, -100..100 */
    double esoteric;                                /* optional, -100..100 */
    double jarvis;                                  /* optional, -100..100 */
    double final;                                   /* optional, -100..100 */
    wire_tier_t tier;                               /* optional */
    wire_confluence_t confluence;                   /* optional */
    char model[WIRE_ID_MAX + 1];                    /* optional: id of the model of p_model */
    uint32_t present;                               /* WIRE_SCORE_HAS_* */
} wire_score_t;
#define WIRE_SCORE_HAS_P_MODEL (1u << 0)
#define WIRE_SCORE_HAS_AI (1u << 1)
#define WIRE_SCORE_HAS_RESEARCH (1u << 2)
#define WIRE_SCORE_HAS_ESOTERIC (1u << 3)
#define WIRE_SCORE_HAS_JARVIS (1u << 4)
#define WIRE_SCORE_HAS_FINAL (1u << 5)
#define WIRE_SCORE_HAS_TIER (1u << 6)
#define WIRE_SCORE_HAS_CONFLUENCE (1u << 7)
#define WIRE_SCORE_HAS_MODEL (1u << 8)

/* --- signal (savant.signals.v1) --- */
typedef enum wire_signal_state {
    WIRE_SIG_OPEN,
    WIRE_SIG_UPDATE,
    WIRE_SIG_WITHDRAWN,
} wire_signal_state_t;

/* A signal's module scores (all required, each -100..100). */
typedef struct wire_scores {
    double ai;       /* AI (LSTM + Elo) score */
    double research; /* research score */
    double esoteric; /* esoteric modules */
    double jarvis;   /* jarvis triggers */
    double base;     /* BASE before confluence */
    double final;    /* final score */
} wire_scores_t;

typedef struct wire_signal {
    int v;                                             /* schema version, 1 */
    int64_t ts;                                        /* event time, ms since the epoch */
    char signal_id[WIRE_ID_MAX + 1];                   /* stable hash of the candidate */
    int rev;                                           /* revision, >= 1 */
    wire_signal_state_t state;                         /* open, update, withdrawn */
    wire_cand_t cand;                                  /* the candidate key */
    char book[WIRE_ID_MAX + 1];                        /* book of price */
    int price;                                         /* American odds */
    double p_fair;                                     /* 0..1 */
    double p_model;                                    /* 0..1 */
    double edge;                                       /* -1..100 */
    double kelly;                                      /* Kelly fraction, 0..1 */
    double stake_units;                                /* 0..100 */
    wire_scores_t scores;                              /* module scores */
    wire_confluence_t confluence;                      /* confluence level */
    wire_tier_t tier;                                  /* tier */
    size_t reason_cnt;                                 /* entries in reasons */
    char reasons[WIRE_REASONS_MAX][WIRE_REASON_MAX + 1]; /* why, for people */
    char model[WIRE_ID_MAX + 1];                       /* model id */
} wire_signal_t;

/* --- placement (savant.placements.v1) --- */
typedef struct wire_placement {
    int v;                           /* schema version, 1 */
    int64_t ts;                      /* event time, ms since the epoch */
    char bet_id[WIRE_ID_MAX + 1];    /* the recorded bet */
    char click_id[WIRE_ID_MAX + 1];  /* the click it came from */
    char user_id[WIRE_ID_MAX + 1];   /* the bettor */
    char signal_id[WIRE_ID_MAX + 1]; /* the signal clicked */
    wire_cand_t cand;                /* the candidate key */
    char book[WIRE_ID_MAX + 1];      /* where to place */
    int price;                       /* American odds accepted */
    double stake;                    /* > 0, <= 1e9 */
} wire_placement_t;

/* --- placement_result (savant.placement-results.v1) --- */
typedef enum wire_placement_status {
    WIRE_PLACE_ACCEPTED,
    WIRE_PLACE_REJECTED,
} wire_placement_status_t;

typedef struct wire_placement_result {
    int v;                              /* schema version, 1 */
    int64_t ts;                         /* event time, ms since the epoch */
    char bet_id[WIRE_ID_MAX + 1];       /* the bet; the message key */
    wire_placement_status_t status;     /* accepted, rejected */
    int price;                          /* optional: American odds placed */
    char reason[WIRE_REASON_MAX + 1];   /* optional: why rejected */
    uint32_t present;                   /* WIRE_PRES_HAS_* */
} wire_placement_result_t;
#define WIRE_PRES_HAS_PRICE (1u << 0)
#define WIRE_PRES_HAS_REASON (1u << 1)

/* --- grade (savant.grades.v1) --- */
typedef enum wire_grade_result {
    WIRE_GRADE_WIN,
    WIRE_GRADE_LOSS,
    WIRE_GRADE_PUSH,
    WIRE_GRADE_VOID,
} wire_grade_result_t;

typedef struct wire_grade {
    int v;                           /* schema version, 1 */
    int64_t ts;                      /* event time, ms since the epoch */
    char bet_id[WIRE_ID_MAX + 1];    /* optional; the key when present */
    char signal_id[WIRE_ID_MAX + 1]; /* optional; at least one of bet_id, signal_id */
    wire_grade_result_t result;      /* win, loss, push, void */
    double pnl;                      /* profit and loss, finite */
    int closing_price;               /* American odds at the close */
    double clv;                      /* closing-line value, -1..100 */
    uint32_t present;                /* WIRE_GRADE_HAS_* */
} wire_grade_t;
#define WIRE_GRADE_HAS_BET_ID (1u << 0)
#define WIRE_GRADE_HAS_SIGNAL_ID (1u << 1)

/* --- dead letter (savant.dlq.v1) --- */
typedef struct wire_dlq {
    int v;                               /* schema version, 1 */
    int64_t ts;                          /* event time, ms since the epoch */
    char src_topic[WIRE_TOPIC_MAX + 1];  /* topic of the bad message: [A-Za-z0-9._-] */
    int32_t src_partition;               /* its partition, >= -1 (-1: unknown) */
    int64_t src_offset;                  /* its offset, >= -1 (-1: unknown) */
    char error[WIRE_ERROR_MAX + 1];      /* what was wrong ("field: reason") */
    const uint8_t *orig;                 /* the original bytes (msgpack bin), <= 1 MiB */
    size_t orig_len;                     /* bytes at orig */
    uint8_t *orig_owned;                 /* NULL, or the copy orig points to (from JSON base64),
                                            freed by wire_release() */
} wire_dlq_t;

#endif
