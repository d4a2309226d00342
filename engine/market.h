/*
 * market — the engine's in-memory state of every game and market, and the market quantities
 * derived from the books' quotes (DESIGN.md §5, spec/quant.md, docs/quant.md).
 *
 * An eng_state_t owns every game (keyed by event_id: teams, start, status, period, clock, score
 * and the game's context: splits, injuries, officials, weather), the global context (player
 * profiles, space weather) and every market (keyed by event_id|market|player). A market holds
 * each book's latest quote at its main line, with every outcome's implied probability and its
 * de-vigged probability by the configured method (computed once, when the quote arrives; the
 * other methods on demand, eng_quote_devig()), and the
 * derived fields recomputed whenever one of its quotes changes: the modal line, per candidate
 * (outcome at the modal line) the consensus fair probability, best price and book and book count,
 * the line variance, the arbitrage flag and profit, the steam direction, and a bounded ring of
 * line history. Suspensions (empty outcomes) remove the book from all of them.
 *
 * Time is event time only: a quote older than the one held for its book and market, a game event
 * older than the held game, and a context record older than the held one are ignored, counted and
 * answered with SV_ERR_STALE; an equal time is accepted as a correction. Nothing reads a clock,
 * arrays keep insertion order, and sums run in that order, so the same input replayed gives the
 * same bits. After warm-up (every market, book and game seen once) applying an odds event
 * allocates nothing.
 *
 * Structs below are readable by callers; only this module writes them. Pointers returned stay
 * valid until eng_state_free() (markets and games are never moved or freed). A game retired
 * (eng_state_retire_game()) leaves its entries, and its markets', empty (event_id "", no
 * markets; a market's game UINT32_MAX) until a new game or market takes their index.
 */
#ifndef SV_ENG_MARKET_H
#define SV_ENG_MARKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quant.h"
#include "sv_err.h"
#include "wire.h"

#define ENG_BOOKS_MAX 32    /* books one market can hold (conf.max_books is at most this) */
#define ENG_OUTCOMES_MAX 4  /* distinct outcome names one market can hold (1X2 needs 3) */
#define ENG_QUOTES_INLINE 8 /* quotes held inside the market; more go to the heap */

/* What the caller configures (docs/quant.md suggests the config keys). */
typedef struct eng_market_conf {
    eng_devig_t devig;       /* consensus method (default ENG_DEVIG_SHIN) */
    double steam_threshold;  /* a move: implied probability change > this (default 0.02) */
    int steam_books;         /* books moving the same way for steam, >= 1 (default 3) */
    int64_t steam_window_ms; /* window of those moves, event time, >= 0 (default 300000) */
    int history_size;        /* line-history points kept per market, >= 1 (default 64) */
    int max_books;           /* books per market, 1..ENG_BOOKS_MAX (default ENG_BOOKS_MAX) */
} eng_market_conf_t;

/* One outcome of a book's quote (at the book's main line). 32 bytes. Its implied probability is
 * q = 1.0 / dec (not stored: recomputed with the same bits wherever it is needed). */
typedef struct eng_out {
    double dec;       /* decimal odds */
    double p;         /* de-vigged probability by conf.devig (when the quote's devig_ok); the other
                       * methods on demand: eng_quote_devig() */
    double point;     /* the line, when has_point */
    int american;     /* American odds as quoted, or converted from dec */
    uint8_t name;     /* index into the market's names */
    bool has_point;   /* the outcome has a line */
} eng_out_t;

/* One book's latest quote of one market: 192 bytes, 64-byte aligned. What market_derive() reads
 * of every book comes first (line, steam move, flags, the outcomes: two lines for up to two
 * outcomes); the touched book's reference probability and steam anchor come last. */
typedef struct eng_quote {
    int64_t ts;          /* event time of the quote */
    double line;         /* its main line (the reference outcome's line), when has_line */
    int64_t move_ts;     /* steam: event time of this book's last move (when move_dir != 0) */
    uint16_t book;       /* the book (index into the state's book table) */
    uint8_t n;           /* outcomes in out; 0 = suspended */
    int8_t move_dir;     /* steam: +1 toward names[0], -1 away from it, 0 none yet */
    bool has_line : 1;   /* the main line has a point (not h2h) */
    bool has_ref : 1;    /* the quote prices names[0] */
    bool devig_ok : 1;   /* out[].p is valid (n >= 2) */
    bool anchor_set : 1; /* steam: the anchor holds a value */
    bool anchor_has_line : 1;        /* steam: the anchor's has_line */
    eng_out_t out[ENG_OUTCOMES_MAX]; /* the outcomes */
    double ref_q;        /* implied probability of the reference outcome (names[0]), when has_ref */
    int64_t anchor_ts;   /* steam: where the current move is measured from */
    double anchor_q;     /* steam: reference implied probability at the anchor */
    double anchor_line;  /* steam: line at the anchor */
} eng_quote_t;

/* A candidate: one outcome of the market at the modal line. 32 bytes. */
typedef struct eng_cand {
    double point;       /* its line, when has_point */
    double p_fair;      /* consensus fair probability: mean de-vigged p over the modal books */
    double best_dec;    /* best decimal price across the modal books */
    int best_american;  /* that price in American odds */
    uint16_t best_book; /* book of the best price */
    uint8_t books;      /* modal-line books quoting this outcome (<= ENG_BOOKS_MAX) */
    uint8_t name : 2;   /* index into the market's names (< ENG_OUTCOMES_MAX) */
    bool has_point : 1; /* the outcome has a line */
    bool steam : 1;     /* steam is moving toward this outcome */
} eng_cand_t;

/* One line-history point. */
typedef struct eng_hist {
    int64_t ts;     /* event time */
    double p_first; /* consensus fair probability of the first candidate */
    double point;   /* the modal line (0 when has_point is false) */
    bool has_point; /* the market has lines */
} eng_hist_t;

/* A market, 64-byte aligned. An update reads lines 0-4 (key, counts, derived fields, names,
 * candidates) and the line of name_buf holding short names; the player key is read only for
 * props. */
typedef struct eng_market {
    char event_id[WIRE_ID_MAX + 1];                   /* the game */
    char market[WIRE_TOKEN_MAX + 1];                  /* h2h, spreads, totals, player_points, … */
    uint8_t event_id_len, market_len, player_len;     /* strlen of the three key strings */
    bool has_player;                                  /* a prop market */
    bool mirrored;                                    /* spreads: the other side's line is -line */
    uint8_t name_cnt;                                 /* entries in names */
    uint8_t quote_cnt;                                /* entries in quotes */
    uint8_t quote_cap;                                /* allocated entries */
    uint8_t names_ok[2]; /* private: names checked against the known game ([1]: as a prop) */
    uint8_t name_len[ENG_OUTCOMES_MAX];               /* strlen of each name */
    uint32_t idx;                                     /* index in the state, insertion order */
    uint32_t game;                                    /* index of its game in the state */
    int64_t ts;                                       /* latest event time applied */
    uint64_t updates;                                 /* quotes applied */
    eng_quote_t *quotes;     /* per book, in order of first quote (quote_inline, or heap) */
    eng_hist_t *hist;        /* ring of conf.history_size points */
    uint32_t hist_head;      /* next slot to write */
    uint32_t hist_cnt;       /* points held */
    /* derived, recomputed on every change */
    bool has_modal;          /* some book quotes the market */
    bool modal_has_line;     /* the modal line has a point */
    bool arb;                /* sum of 1/best over the candidates < 1 */
    int8_t steam_dir;        /* +1 steam toward names[0], -1 away, 0 none */
    uint8_t cand_cnt;        /* entries in cands */
    int modal_books;         /* books at the modal line */
    int active_books;        /* books with a live (non-suspended) quote */
    double modal_line;       /* the modal line (reference outcome's point) */
    double line_variance;    /* max - min of the main line over the live books */
    double arb_sum;          /* that sum (0 when not every outcome has a price) */
    double arb_profit;       /* 1/sum - 1 (0 when arb_sum is 0) */
    const char *names[ENG_OUTCOMES_MAX]; /* outcome names (in name_buf); names[0] is the reference */
    eng_cand_t cands[ENG_OUTCOMES_MAX];  /* candidates, in names order */
    double close_p[ENG_OUTCOMES_MAX];    /* the close: cands[i].p_fair after the last quote before
                                          * the game's start (kept by the engine, eng_bets grades
                                          * with it); valid when close_set */
    bool close_set;                      /* a quote before the start was applied */
    _Alignas(64) char name_buf[ENG_OUTCOMES_MAX * 112]; /* private: the names, each 16-aligned */
    _Alignas(64) eng_quote_t quote_inline[ENG_QUOTES_INLINE]; /* private: up to 8 books' quotes */
    char player[WIRE_NAME_MAX + 1];                   /* props; "" otherwise */
} eng_market_t;

/* Splits of one side of one market (context kind splits). */
typedef struct eng_splits {
    char market[WIRE_TOKEN_MAX + 1]; /* market token */
    char side[WIRE_NAME_MAX + 1];    /* side */
    double ticket_pct;               /* 0..100 */
    double money_pct;                /* 0..100 */
    int64_t ts;                      /* event time */
} eng_splits_t;

/* One player's injury report (context kind injury), keyed by team and player. */
typedef struct eng_injury {
    char team[WIRE_NAME_MAX + 1];   /* team */
    char player[WIRE_NAME_MAX + 1]; /* player */
    wire_injury_status_t status;    /* out, doubtful, … */
    double impact;                  /* optional, 0..1 */
    bool is_starter;                /* optional */
    uint32_t present;               /* WIRE_CTX_HAS_IMPACT, WIRE_CTX_HAS_IS_STARTER */
    int64_t ts;                     /* event time */
} eng_injury_t;

/* Officials of a game. */
typedef struct eng_officials {
    char lead[WIRE_NAME_MAX + 1];                /* lead official */
    size_t crew_cnt;                             /* entries in crew */
    char crew[WIRE_CREW_MAX][WIRE_NAME_MAX + 1]; /* crew */
    double over_pct;                             /* optional */
    double home_bias;                            /* optional */
    uint32_t present;                            /* WIRE_CTX_HAS_* of the optional fields */
    int64_t ts;                                  /* event time; 0 = none received */
} eng_officials_t;

/* Weather at a game. */
typedef struct eng_weather {
    double temp_f, wind_mph, precip_in, humidity; /* as on the wire */
    bool indoor;                                  /* optional */
    uint32_t present;                             /* WIRE_CTX_HAS_INDOOR */
    int64_t ts;                                   /* event time; 0 = none received */
} eng_weather_t;

typedef struct eng_game {
    char event_id[WIRE_ID_MAX + 1];  /* the game */
    bool known;                      /* a games event arrived (else only odds/context did) */
    int64_t ts;                      /* event time of the games event held */
    char sport[WIRE_TOKEN_MAX + 1];  /* as on the wire (when known) */
    char league[WIRE_NAME_MAX + 1];  /* optional */
    char home[WIRE_NAME_MAX + 1];    /* home team */
    char away[WIRE_NAME_MAX + 1];    /* away team */
    int64_t commence_ts;             /* start */
    wire_game_status_t status;       /* scheduled, live, final, … */
    int period, clock_s, home_score, away_score; /* optional, see present */
    uint32_t present;                /* WIRE_GAME_HAS_* */
    eng_splits_t *splits;            /* latest splits per market and side */
    size_t splits_cnt, splits_cap;   /* entries, allocated */
    eng_injury_t *injuries;          /* latest report per team and player */
    size_t injury_cnt, injury_cap;   /* entries, allocated */
    eng_officials_t officials;       /* the crew */
    eng_weather_t weather;           /* the weather */
    uint32_t *markets;               /* indices of its markets, insertion order */
    size_t market_cnt, market_cap;   /* entries, allocated */
    int32_t part;                    /* the input partition its events arrive on, -1 none yet:
                                      * the engine's (the state only sets -1 at creation) */
    uint32_t idx;                    /* its index in the state (eng_state_game_at) */
} eng_game_t;

/* A player profile (context kind player), global. */
typedef struct eng_player {
    char player[WIRE_NAME_MAX + 1];      /* name */
    char team[WIRE_NAME_MAX + 1];        /* optional ("" when absent) */
    char birth_date[WIRE_DATE_MAX + 1];  /* "YYYY-MM-DD" */
    int64_t ts;                          /* event time */
} eng_player_t;

/* Space weather, global. */
typedef struct eng_space_weather {
    double kp, xray_flux; /* optional, see present */
    uint32_t present;     /* WIRE_CTX_HAS_KP, WIRE_CTX_HAS_XRAY_FLUX */
    int64_t ts;           /* event time; 0 = none received */
} eng_space_weather_t;

/* Counters of what the state accepted and refused. */
typedef struct eng_state_stats {
    uint64_t odds, odds_stale, odds_invalid;          /* odds applied, stale, invalid */
    uint64_t games, games_stale, games_invalid;       /* game events */
    uint64_t context, context_stale, context_invalid; /* context records */
    size_t market_cnt, game_cnt, book_cnt, player_cnt; /* entries held */
} eng_state_stats_t;

typedef struct eng_state eng_state_t;

/** @brief Fill conf with the defaults above. @locality any thread */
void eng_market_conf_defaults(eng_market_conf_t *conf);

/**
 * @brief A new, empty state.
 * @param conf copied; checked against the ranges above
 * @returns the state (caller frees with eng_state_free()), or NULL with errstr filled (bad conf,
 *          out of memory).
 * @locality the engine loop (the state's owner thread)
 */
eng_state_t *eng_state_new(const eng_market_conf_t *conf, char *errstr, size_t errstr_size);

/** @brief Free the state and everything it holds; NULL is fine. @locality owner thread */
void eng_state_free(eng_state_t *st);

/**
 * @brief Apply one odds event (a validated wire_odds_t): replace that book's quote of the
 *        market (creating game placeholder, market and book on first sight) and recompute the
 *        market's derived fields.
 * @param o        borrowed
 * @param touched  out: the market changed (NULL on any error)
 * @param err      out (may be NULL): field and reason on SV_ERR_INVALID / SV_ERR_STALE
 * @returns SV_OK; SV_ERR_STALE (older than that book's quote; ignored, counted); SV_ERR_INVALID
 *          (when the game is known, an outcome name not among its teams/Draw for h2h and spreads,
 *          not Over/Under for totals, not Over/Under/Yes/No for props; more than ENG_OUTCOMES_MAX
 *          outcome names, or more than conf.max_books books, in one market; counted);
 *          SV_ERR_NOMEM. On any error the state is unchanged.
 * @locality owner thread
 */
sv_err_t eng_state_apply_odds(eng_state_t *st, const wire_odds_t *o, eng_market_t **touched,
                              wire_err_t *err);

/**
 * @brief A hint, no effect on any result: o will be applied soon. A batch loop calls this for
 *        the event three ahead of the one it applies, in the order it applies them: each call
 *        starts one more of the dependent loads an update makes for each of the last three
 *        events announced (the market's index slot, its entry in the market table, its
 *        header, its quotes and history slot), so they have arrived when it is applied.
 *        Calls for events never applied, or applied in another order, only waste loads.
 * @param o borrowed, not kept (only event_id, market and player are read)
 * @locality owner thread
 */
void eng_state_prefetch_odds(eng_state_t *st, const wire_odds_t *o);

/**
 * @brief Apply one game event (a validated wire_game_t).
 * @param touched out: the game changed (its markets are eng_state_game_market())
 * @returns SV_OK; SV_ERR_STALE (older than the held game event); SV_ERR_INVALID (home or away
 *          differs from the held game; a final game changing status, a cancelled one changing
 *          status); SV_ERR_NOMEM. Errors are counted and leave the state unchanged.
 * @locality owner thread
 */
sv_err_t eng_state_apply_game(eng_state_t *st, const wire_game_t *g, eng_game_t **touched,
                              wire_err_t *err);

/**
 * @brief Apply one context record (a validated wire_context_t): splits per market and side,
 *        injuries per team and player, officials and weather per game (creating a placeholder
 *        game when needed), player profiles and space weather globally.
 * @param touched out: the game changed, or NULL for the global kinds
 * @returns SV_OK; SV_ERR_STALE (older than the record held for the same subject); SV_ERR_NOMEM.
 * @locality owner thread
 */
sv_err_t eng_state_apply_context(eng_state_t *st, const wire_context_t *c, eng_game_t **touched,
                                 wire_err_t *err);

/** @brief The market of event_id|market|player (player "" or NULL for none), or NULL. */
eng_market_t *eng_state_market(const eng_state_t *st, const char *event_id, const char *market,
                               const char *player);

/** @brief Markets held; eng_state_market_at(st, i) gives them in insertion order. */
size_t eng_state_market_cnt(const eng_state_t *st);
eng_market_t *eng_state_market_at(const eng_state_t *st, size_t i);

/** @brief The game of event_id (known or placeholder), or NULL. */
eng_game_t *eng_state_game(const eng_state_t *st, const char *event_id);

/** @brief The game of index i (eng_market_t.game; insertion order), or NULL past the end. */
eng_game_t *eng_state_game_at(const eng_state_t *st, uint32_t i);

/** @brief The i-th market (insertion order) of game g; i < g->market_cnt. */
eng_market_t *eng_state_game_market(const eng_state_t *st, const eng_game_t *g, size_t i);

/**
 * @brief Forget every input applied to game g and its markets, as if none had been seen: the
 *        game becomes a placeholder (not known, no context) and each market holds no quote, no
 *        history, no candidates and no close. Entries, indices, keys, outcome names and
 *        g->part stay, so arrays other modules keep per market or game index stay valid. Used
 *        before a partition's inputs are re-read (decision 0014). Allocates nothing.
 * @locality owner thread
 */
void eng_state_reset_game(eng_state_t *st, eng_game_t *g);

/**
 * @brief Retire game g, ended and done with: it and its markets are forgotten (no longer found by
 *        key, counted or walked), and their indices are given to the next new games and markets,
 *        which find them reset (as eng_state_reset_game() leaves them). Their memory is kept for
 *        that reuse, so a state whose games come and go stops growing once as many are held as
 *        ever were at once. Every other module's arrays indexed by the game's or its markets'
 *        indices must be reset before a new game or market takes them (engine/main.c retires a
 *        game in all of them at once).
 * @returns SV_OK or SV_ERR_NOMEM (nothing changed).
 * @locality owner thread
 */
sv_err_t eng_state_retire_game(eng_state_t *st, eng_game_t *g);

/* A market's stored contents as eng_state_restore_market() takes them (engine/snap.c decodes a
 * state record into these): what inputs set, none of the derived fields. */
typedef struct eng_market_in {
    eng_quote_t quotes[ENG_BOOKS_MAX];   /* per book, in order of first quote; .book ignored */
    char books[ENG_BOOKS_MAX][WIRE_ID_MAX + 1]; /* the book id of each quote */
    int32_t book_ix[ENG_BOOKS_MAX];      /* books[i]'s index in the book table as the caller
                                            found it (eng_state_book_find()), -1 not there */
    char market[WIRE_TOKEN_MAX + 1];     /* key: market token */
    char player[WIRE_NAME_MAX + 1];      /* key: the player of a prop ("" otherwise) */
    char names[ENG_OUTCOMES_MAX][WIRE_NAME_MAX + 1]; /* outcome names in order; [0] reference */
    bool has_player;                     /* a prop market */
    uint8_t name_cnt;                    /* entries in names */
    uint8_t quote_cnt;                   /* entries in quotes and books */
    uint8_t names_ok[2];                 /* eng_market_t.names_ok */
    int64_t ts;                          /* latest event time applied */
    uint64_t updates;                    /* quotes applied */
    const eng_hist_t *hist;              /* line history, oldest first (borrowed) */
    size_t hist_cnt;                     /* entries in hist */
    double close_p[ENG_OUTCOMES_MAX];    /* the close, when close_set */
    bool close_set;                      /* the close is set */
    size_t hint;                         /* where among its game's markets it likely is (a
                                            record's order): looked at first */
} eng_market_in_t;

/**
 * @brief Create or overwrite game in->event_id with the fields inputs set (known, ts, sport,
 *        league, home, away, commence_ts, status, period, clock_s, scores, present, splits,
 *        injuries, officials, weather); its markets and part are left alone. For restoring a
 *        state record (engine/snap.c); the caller validated in.
 * @param in borrowed (in->splits and in->injuries are copied; markets and part are not read)
 * @param g  out: the game
 * @returns SV_OK or SV_ERR_NOMEM (then the game may exist as a placeholder, unchanged otherwise).
 * @locality owner thread
 */
sv_err_t eng_state_restore_game(eng_state_t *st, const eng_game_t *in, eng_game_t **g);

/**
 * @brief Create or overwrite market g->event_id|in->market|in->player of game g with in's
 *        contents (names, quotes with their books interned, history, close) and recompute its
 *        derived fields with the code an odds event runs, so it equals the market in was taken
 *        from. The caller validated in (names, counts against conf.max_books and the book
 *        table's room: eng_state_book_room()) and looked its books up (in->book_ix, with the
 *        book table as it is now: a book it did not find is looked up again and added).
 * @param in borrowed
 * @param mk out: the market
 * @returns SV_OK or SV_ERR_NOMEM (then the market is unchanged, or new and empty).
 * @locality owner thread
 */
sv_err_t eng_state_restore_market(eng_state_t *st, eng_game_t *g, const eng_market_in_t *in,
                                  eng_market_t **mk);

/**
 * @brief Reset one market as eng_state_reset_game() resets each of its game's: no quote, no
 *        history, no candidates, no close; key, index and names stay. @locality owner thread
 */
void eng_state_reset_market(eng_state_t *st, eng_market_t *mk);

/** @brief The index of book id book in the book table, or -1 when it has none. */
int32_t eng_state_book_find(const eng_state_t *st, const char *book);

/** @brief How many more books the book table can take (indices are 16-bit). */
size_t eng_state_book_room(const eng_state_t *st);

/** @brief The state's configuration (as given to eng_state_new()). */
const eng_market_conf_t *eng_state_conf(const eng_state_t *st);

/** @brief The profile of a player, or NULL. */
const eng_player_t *eng_state_player(const eng_state_t *st, const char *player);

/** @brief The latest space weather (ts 0 when none has arrived). */
const eng_space_weather_t *eng_state_space_weather(const eng_state_t *st);

/** @brief The id of book index b (eng_quote_t.book, eng_cand_t.best_book). */
const char *eng_state_book_name(const eng_state_t *st, uint16_t b);

/** @brief The counters. */
void eng_state_stats(const eng_state_t *st, eng_state_stats_t *stats);

/**
 * @brief Fill sc (overwritten entirely) for candidate i < mk->cand_cnt: v, ts (the market's
 *        latest event time), event_id, market, side, player?, point?, p_fair, best_price,
 *        best_decimal, best_book, books, line_variance, and flags in the fixed order "steam",
 *        "arb" (each when set). The scoring fields (p_model, ai, …) are left absent.
 * @locality owner thread
 */
void eng_market_score(const eng_state_t *st, const eng_market_t *mk, size_t i, wire_score_t *sc);

/**
 * @brief The de-vigged probability of outcome k < bq->n of a quote by method m, computed on
 *        demand from the quote's implied probabilities (the same bits eng_quant_devig() gives
 *        for them; for m == conf.devig it equals bq->out[k].p). Meaningful only when
 *        bq->devig_ok; 0.0 otherwise.
 * @locality owner thread
 */
double eng_quote_devig(const eng_quote_t *bq, eng_devig_t m, size_t k);

/**
 * @brief The i-th line-history point of mk, oldest first (i < mk->hist_cnt).
 */
const eng_hist_t *eng_market_history(const eng_state_t *st, const eng_market_t *mk, size_t i);

#endif
