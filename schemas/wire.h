/*
 * wire — the event contracts of DESIGN.md §4: one schema per event type, a msgpack codec and a
 * JSON mapping for each, full validation, and the topic table.
 *
 * Every event type has a C struct (schemas/wire_events.h). The codecs are table-driven: each type
 * has a field table {name, type, offset, required, limits, enum names}, and one generic encoder,
 * decoder and JSON mapper walk it, then a per-type check runs the rules that span fields (odds
 * sanity, "bet_id or signal_id", the fields a context kind requires).
 *
 * Decoding never trusts its input: arbitrary bytes give SV_ERR_DECODE or SV_ERR_SCHEMA with a
 * wire_err_t naming the field (a path such as "outcomes[1].price") and the reason; it never reads
 * out of bounds, leaks or crashes. The msgpack decoder ignores unknown keys (forward compatibility:
 * a newer producer may add optional fields); the JSON mapper rejects them, because JSON comes from
 * people and a misspelt field must not vanish silently.
 */
#ifndef SV_WIRE_H
#define SV_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <msgpack.h>

#include "sv_err.h"

/* Event types, in the order of DESIGN.md §4. WIRE_NONE: a topic without a schema (state). */
typedef enum wire_type {
    WIRE_ODDS,
    WIRE_GAME,
    WIRE_CONTEXT,
    WIRE_CLICK,
    WIRE_SCORE,
    WIRE_SIGNAL,
    WIRE_PLACEMENT,
    WIRE_PLACEMENT_RESULT,
    WIRE_GRADE,
    WIRE_DLQ,
    WIRE__CNT,
    WIRE_NONE = WIRE__CNT,
} wire_type_t;

/* What went wrong, for a person: the field path and the reason. */
typedef struct wire_err {
    char field[96];   /* "outcomes[1].price", or "" for the message as a whole */
    char reason[160]; /* "American odds need |price| >= 100" */
} wire_err_t;

/* A topic of §4: its name after the prefix and the event type its values carry. */
typedef struct wire_topic {
    const char *suffix; /* "odds.v1" */
    wire_type_t type;   /* WIRE_NONE for savant.state.v1 */
} wire_topic_t;

extern const wire_topic_t wire_topics[]; /* every topic of §4, in table order */
extern const size_t wire_topic_cnt;      /* entries in wire_topics */

#include "wire_events.h"

/** @brief The type's name as in §4 ("odds", "placement_result", "dead letter" is "dlq"). */
const char *wire_type_name(wire_type_t t);

/** @brief Look a type up by name; SV_ERR_NOENT if unknown. */
sv_err_t wire_type_by_name(const char *name, wire_type_t *t);

/** @brief The wire name of a tier ("GOLD_STAR"); "" for a value outside the enum. */
const char *wire_tier_name(wire_tier_t t);

/** @brief Look a tier up by its wire name; SV_ERR_NOENT if unknown. */
sv_err_t wire_tier_by_name(const char *name, wire_tier_t *t);

/** @brief The wire name of a confluence level ("HARMONIC_CONVERGENCE"); "" outside the enum. */
const char *wire_confluence_name(wire_confluence_t c);

/** @brief Look a confluence level up by its wire name; SV_ERR_NOENT if unknown. */
sv_err_t wire_confluence_by_name(const char *name, wire_confluence_t *c);

/** @brief The wire name of an injury status ("questionable"); "" outside the enum. */
const char *wire_injury_status_name(wire_injury_status_t s);

/**
 * @brief The type carried by a full topic name under `prefix` ("savant." + "odds.v1").
 * @returns SV_OK (WIRE_NONE for a schema-less topic of §4) or SV_ERR_NOENT (not a Savant topic).
 */
sv_err_t wire_type_for_topic(const char *topic, const char *prefix, wire_type_t *t);

/** @brief sizeof the type's C struct, for callers that handle any type. */
size_t wire_struct_size(wire_type_t t);

/**
 * @brief Decode and validate one msgpack value into ev (a struct of type t, overwritten: what it
 *        owned before is not released, and after a failure its content is unspecified but
 *        wire_release() is safe).
 * @param buf,len  the message value; borrowed: for WIRE_DLQ, ev->orig points into buf afterwards
 * @param err      filled on failure; may be NULL
 * @returns SV_OK; SV_ERR_DECODE (not msgpack, truncated, not a map, a key that is not a string,
 *          a duplicate key, trailing bytes, more than 32 nested containers) or
 *          SV_ERR_SCHEMA (a field's type, presence, range, length, enum or a cross-field rule)
 *          with err filled. Unknown keys are skipped.
 * @locality any thread; does not allocate except for WIRE_DLQ from JSON (see wire_release)
 */
sv_err_t wire_decode(wire_type_t t, const void *buf, size_t len, void *ev, wire_err_t *err);

/**
 * @brief Validate ev and append its msgpack encoding to pk's buffer: a map with the fields in
 *        schema order (optional ones only when present), so the same struct gives the same bytes.
 * @returns SV_OK, SV_ERR_SCHEMA with err filled (nothing invalid is ever encoded), or
 *          SV_ERR_NOMEM when pk's writer fails (the buffer may then hold a partial value, so the
 *          caller discards it). err may be NULL.
 * @locality any thread
 */
sv_err_t wire_encode(wire_type_t t, const void *ev, msgpack_packer *pk, wire_err_t *err);

/**
 * @brief Fill ev from a JSON object (the §4 field names), rejecting unknown keys, and validate.
 *        JSON integers and reals follow the msgpack rules; null for an optional field means
 *        absent; a binary field (dlq orig) is a padded base64 string.
 * @returns SV_OK, SV_ERR_SCHEMA with err filled, or SV_ERR_NOMEM. Call wire_release(t, ev)
 *          afterwards (a WIRE_DLQ then owns its decoded orig; nothing is owned after a failure).
 */
sv_err_t wire_from_json(wire_type_t t, const json_t *obj, void *ev, wire_err_t *err);

/**
 * @brief The JSON object of ev (optional fields only when present, doubles as JSON reals,
 *        binaries as base64). ev is not validated: pass a valid event.
 * @returns a new reference (caller json_decref()s), or NULL when out of memory or when ev holds
 *          what JSON cannot carry (a non-finite double, a string that is not UTF-8).
 */
json_t *wire_to_json(wire_type_t t, const void *ev);

/**
 * @brief The message key of ev into buf (WIRE_KEY_MAX bytes always suffice): event_id for odds,
 *        game, click, signal and placement; the candidate key (wire_cand_key) for score; bet_id
 *        for placement_result; bet_id, else signal_id, for grade; src_topic for dlq; for context
 *        the player name (kind player), "space_weather" (kind space_weather), else event_id.
 * @returns SV_OK or SV_ERR_TOOBIG when buf is too small (buf then holds a truncated key).
 */
sv_err_t wire_key(wire_type_t t, const void *ev, char *buf, size_t size);

/**
 * @brief The candidate key "event_id|market|side|player|point" of cand into buf; an absent
 *        player or point is the empty string, the point is printed by wire_point_str().
 * @returns SV_OK or SV_ERR_TOOBIG when buf is too small.
 */
sv_err_t wire_cand_key(const wire_cand_t *cand, char *buf, size_t size);

/**
 * @brief A line as text: the shortest fixed-point form with at least one decimal that reads
 *        back as the same double ("220.0", "-5.5", "0.25"; -0.0 gives "0.0"). Values needing
 *        more than 30 decimals fall back to "%.17e".
 * @returns SV_OK or SV_ERR_TOOBIG when buf is too small (WIRE_POINT_STR_MAX always suffices).
 */
sv_err_t wire_point_str(double point, char *buf, size_t size);

/**
 * @brief Check ev against its schema without encoding it (what wire_encode checks first).
 * @returns SV_OK or SV_ERR_SCHEMA with err filled (err may be NULL). @locality any thread
 */
sv_err_t wire_validate(wire_type_t t, const void *ev, wire_err_t *err);

/**
 * @brief Free what ev owns (only a WIRE_DLQ decoded from JSON owns memory) and forget it.
 *        Safe for every type, for NULL, for a zeroed struct, after any wire_decode or
 *        wire_from_json (successful or not), and twice.
 */
void wire_release(wire_type_t t, void *ev);

/**
 * @brief Convert any msgpack value to JSON (for schema-less topics and for diagnostics): binaries
 *        become base64 strings, integers above INT64_MAX become reals.
 * @returns a new reference, or NULL with err filled (may be NULL) when buf is not one complete
 *          msgpack value, or holds what JSON cannot carry: a non-string or duplicate map key, a
 *          string that is not UTF-8, NaN or infinity, an ext value.
 */
json_t *wire_msgpack_to_json(const void *buf, size_t len, wire_err_t *err);

/**
 * @brief The JSON text of one msgpack value, appended to out (no NUL): the same structure and
 *        values as wire_msgpack_to_json() gives, written directly (no jansson, nothing allocated
 *        but out's growth). Map keys keep their order; strings are escaped (", \\, control
 *        characters) and otherwise kept as UTF-8; a double is the shortest text that reads back
 *        to it when it is a multiple of 1e-4 below 1e15 in magnitude ("-5.5", "1.91"), else
 *        printf's %.17g (both read back to the same double), always with a '.' or an exponent.
 * @returns SV_OK; SV_ERR_DECODE with err filled (malformed msgpack, trailing bytes, and what
 *          JSON cannot carry, as wire_msgpack_to_json); SV_ERR_NOMEM. On error out is as it was.
 * @locality any thread
 */
sv_err_t wire_msgpack_to_text(const void *buf, size_t len, msgpack_sbuffer *out, wire_err_t *err);

/** @brief "field: reason" (or just the reason when field is empty) into buf; returns buf. */
const char *wire_err_str(const wire_err_t *err, char *buf, size_t size);

#endif
