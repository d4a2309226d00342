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

/**
 * @brief The type carried by a full topic name under `prefix` ("savant." + "odds.v1").
 * @returns SV_OK (WIRE_NONE for a schema-less topic of §4) or SV_ERR_NOENT (not a Savant topic).
 */
sv_err_t wire_type_for_topic(const char *topic, const char *prefix, wire_type_t *t);

/** @brief sizeof the type's C struct, for callers that handle any type. */
size_t wire_struct_size(wire_type_t t);

/**
 * @brief Decode and validate one msgpack value into ev (a struct of type t, overwritten).
 * @param buf,len  the message value; borrowed: for WIRE_DLQ, ev->orig points into buf afterwards
 * @returns SV_OK; SV_ERR_DECODE (not msgpack / not a map / trailing bytes) or SV_ERR_SCHEMA
 *          (a field's type, presence, range, length or enum) with err filled.
 * @locality any thread; does not allocate except for WIRE_DLQ from JSON (see wire_release)
 */
sv_err_t wire_decode(wire_type_t t, const void *buf, size_t len, void *ev, wire_err_t *err);

/**
 * @brief Validate ev and append its msgpack encoding to pk's buffer.
 * @returns SV_OK, or SV_ERR_SCHEMA with err filled (nothing invalid is ever encoded; the buffer
 *          may hold a partial value then, so the caller discards it).
 */
sv_err_t wire_encode(wire_type_t t, const void *ev, msgpack_packer *pk, wire_err_t *err);

/**
 * @brief Fill ev from a JSON object (the §4 field names), rejecting unknown keys, and validate.
 * @returns SV_OK or SV_ERR_SCHEMA with err filled. Call wire_release(t, ev) afterwards.
 */
sv_err_t wire_from_json(wire_type_t t, const json_t *obj, void *ev, wire_err_t *err);

/**
 * @brief The JSON object of ev (optional fields only when present).
 * @returns a new reference (caller json_decref()s), or NULL when out of memory.
 */
json_t *wire_to_json(wire_type_t t, const void *ev);

/**
 * @brief The message key of ev (§4: event_id, the candidate key, click_id, bet_id, …) into buf.
 * @returns SV_OK or SV_ERR_TOOBIG when buf is too small.
 */
sv_err_t wire_key(wire_type_t t, const void *ev, char *buf, size_t size);

/** @brief Free what ev owns (only a WIRE_DLQ decoded from JSON owns memory). Accepts any ev. */
void wire_release(wire_type_t t, void *ev);

/**
 * @brief Convert any msgpack value to JSON (for schema-less topics and for diagnostics).
 * @returns a new reference, or NULL with err filled when buf is not one complete msgpack value.
 */
json_t *wire_msgpack_to_json(const void *buf, size_t len, wire_err_t *err);

/** @brief "field: reason" (or just the reason when field is empty) into buf; returns buf. */
const char *wire_err_str(const wire_err_t *err, char *buf, size_t size);

#endif
