/*
 * clog — the engine's side of the state changelog (see clog.h).
 */
#include "clog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "snap.h"
#include "sv_util.h"

/* Per game (by state index). */
typedef struct clog_game {
    bool dirty;                    /* changed since its last record */
    bool restored;                 /* at[] holds a restored record's position */
    bool listed;                   /* in the restored list */
    int64_t at[ENG_CLOG_INPUTS];   /* that position: next offset per input topic */
} clog_game_t;

/* Per input partition number. */
typedef struct clog_part {
    int64_t next[ENG_CLOG_INPUTS];     /* next offset not applied, per input topic; 0 none */
    int64_t skip_max[ENG_CLOG_INPUTS]; /* highest restored position: no skip at or past it */
    int64_t now;                       /* event time (the signal rules' clock) */
} clog_part_t;

/* One flush: its records in flight and the offsets they cover. Flushes complete in order. */
/* A retired game whose record is to be removed: a tombstone at the next flush. */
typedef struct clog_tomb {
    int32_t part;                      /* its changelog partition */
    int64_t ts;                        /* the partition's event time when it retired */
    char event_id[WIRE_ID_MAX + 1];    /* its key's event_id */
} clog_tomb_t;

typedef struct clog_flush {
    rd_kafka_topic_partition_list_t *offs;
    size_t pending;            /* records not acknowledged yet */
    struct clog_flush *next;   /* the next flush in order */
} clog_flush_t;

struct eng_clog {
    eng_state_t *st;
    eng_ai_t *ai;
    kin_t *kin;
    kout_t *kout;
    char topic[ENG_SNAP_TOPIC_MAX + 1];
    char inputs[ENG_CLOG_INPUTS][ENG_SNAP_TOPIC_MAX + 1];
    int64_t flush_ms;
    struct timespec last;      /* monotonic time of the last flush (cadence only: never in a record) */
    bool due;                  /* a flush is due at the next gate */
    bool any_restored;         /* some game holds a restored position */
    clog_game_t *games;
    size_t games_cap;
    uint32_t *dirty;
    size_t dirty_cnt, dirty_cap;
    clog_part_t *parts;
    size_t parts_cap;
    uint32_t *restored;
    size_t restored_cnt, restored_cap;
    clog_tomb_t *tombs;        /* tombstones for the next flush */
    size_t tomb_cnt, tomb_cap;
    struct timespec restore_t0; /* the first record of the current restore */
    bool restoring;
    clog_flush_t *head, *tail; /* flushes in flight, oldest first */
    msgpack_sbuffer buf;
    msgpack_packer pk;
    eng_clog_stats_t stats;
    char group[256];                  /* kafka.group: the records' key prefix */
    char key[256 + 1 + WIRE_ID_MAX + 1]; /* GROUP|event_id */
};

static double clog_secs(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

eng_clog_t *eng_clog_new(eng_state_t *st, eng_ai_t *ai, kin_t *kin, kout_t *kout,
                         const char *topic, const char *const inputs[ENG_CLOG_INPUTS],
                         const char *group, int64_t flush_ms)
{
    eng_clog_t *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->st = st;
    c->ai = ai;
    c->kin = kin;
    c->kout = kout;
    sv_strlcpy(c->topic, topic, sizeof(c->topic));
    sv_strlcpy(c->group, group, sizeof(c->group));
    for (int i = 0; i < ENG_CLOG_INPUTS; i++)
        sv_strlcpy(c->inputs[i], inputs[i], sizeof(c->inputs[i]));
    c->flush_ms = flush_ms;
    clock_gettime(CLOCK_MONOTONIC, &c->last);
    msgpack_sbuffer_init(&c->buf);
    msgpack_packer_init(&c->pk, &c->buf, msgpack_sbuffer_write);
    return c;
}

void eng_clog_free(eng_clog_t *c)
{
    if (!c)
        return;
    while (c->head) {
        clog_flush_t *f = c->head;
        c->head = f->next;
        rd_kafka_topic_partition_list_destroy(f->offs);
        free(f);
    }
    free(c->games);
    free(c->dirty);
    free(c->parts);
    free(c->restored);
    free(c->tombs);
    msgpack_sbuffer_destroy(&c->buf);
    free(c);
}

int eng_clog_input(const eng_clog_t *c, const char *topic)
{
    for (int i = 0; i < ENG_CLOG_INPUTS; i++)
        if (strcmp(topic, c->inputs[i]) == 0)
            return i;
    return -1;
}

static clog_game_t *clog_game(eng_clog_t *c, uint32_t gi)
{
    if (sv_grow((void **)&c->games, &c->games_cap, sizeof(*c->games), gi, 256) != SV_OK)
        return NULL;
    return &c->games[gi];
}

static clog_part_t *clog_part(eng_clog_t *c, int32_t p)
{
    size_t old = c->parts_cap;

    if (p < 0)
        return NULL;
    if (sv_grow((void **)&c->parts, &c->parts_cap, sizeof(*c->parts), (size_t)p, 16) != SV_OK)
        return NULL;
    for (size_t i = old; i < c->parts_cap; i++) /* sv_grow zeroes; skip_max starts at -1 */
        for (int k = 0; k < ENG_CLOG_INPUTS; k++)
            c->parts[i].skip_max[k] = -1;
    return &c->parts[p];
}

bool eng_clog_skip(eng_clog_t *c, const rd_kafka_message_t *m, int in, const char *event_id)
{
    const eng_game_t *g;
    const clog_game_t *cg;

    if (!c->any_restored || in < 0 || m->partition < 0 || (size_t)m->partition >= c->parts_cap ||
        m->offset >= c->parts[m->partition].skip_max[in])
        return false;
    if (!(g = eng_state_game(c->st, event_id)) || g->idx >= c->games_cap)
        return false;
    cg = &c->games[g->idx];
    if (!cg->restored || m->offset >= cg->at[in])
        return false;
    c->stats.skipped++;
    return true;
}

sv_err_t eng_clog_applied(eng_clog_t *c, const rd_kafka_message_t *m, int in, eng_game_t *g,
                          int64_t ts)
{
    clog_part_t *pp;

    if (in < 0)
        return SV_OK;
    if (!(pp = clog_part(c, m->partition)))
        return SV_ERR_NOMEM;
    if (m->offset + 1 > pp->next[in])
        pp->next[in] = m->offset + 1;
    if (ts > pp->now)
        pp->now = ts;
    if (g) {
        clog_game_t *cg = clog_game(c, g->idx);
        if (!cg)
            return SV_ERR_NOMEM;
        if (!cg->dirty) {
            if (sv_grow((void **)&c->dirty, &c->dirty_cap, sizeof(*c->dirty), c->dirty_cnt, 256) !=
                SV_OK)
                return SV_ERR_NOMEM;
            c->dirty[c->dirty_cnt++] = g->idx;
            cg->dirty = true;
        }
    }
    return SV_OK;
}

/* Stores the offsets of the flushes at the head that are complete, in order. */
static void clog_complete(eng_clog_t *c)
{
    while (c->head && c->head->pending == 0) {
        clog_flush_t *f = c->head;
        c->head = f->next;
        if (!c->head)
            c->tail = NULL;
        kin_gate_store(c->kin, f->offs);
        free(f);
    }
}

/* Writes a record of every changed game, then (once they are acknowledged) stores the offsets of
 * the batches completed so far. Only called when no batch is in flight. */
static void clog_flush(eng_clog_t *c)
{
    rd_kafka_topic_partition_list_t *offs = kin_gate_take(c->kin);
    clog_flush_t *f = calloc(1, sizeof(*f));
    eng_snap_at_t at;

    c->due = false;
    clock_gettime(CLOCK_MONOTONIC, &c->last);
    if (!f) {
        /* dropping a list of offsets is safe: they are stored later, or redone */
        LOG_ERROR("clog", "out_of_memory", "what=flush");
        rd_kafka_topic_partition_list_destroy(offs);
        return;
    }
    f->offs = offs;
    /* linked and held (pending 1) before the first record: kout may serve delivery reports while
     * it waits for queue space, and an ack must find its flush (eng_clog_owns) and not complete
     * it early */
    f->pending = 1;
    if (c->tail)
        c->tail->next = f;
    else
        c->head = f;
    c->tail = f;
    for (size_t k = 0; k < c->dirty_cnt; k++) {
        eng_game_t *g = eng_state_game_at(c->st, c->dirty[k]);
        clog_game_t *cg = &c->games[c->dirty[k]];
        const clog_part_t *pp;
        size_t klen;

        cg->dirty = false;
        if (!g || g->part < 0 || (size_t)g->part >= c->parts_cap)
            continue;
        pp = &c->parts[g->part];
        memset(&at, 0, sizeof(at));
        at.part = g->part;
        at.pnow = pp->now;
        at.cnt = ENG_CLOG_INPUTS;
        for (int i = 0; i < ENG_CLOG_INPUTS; i++) {
            int64_t pos = pp->next[i];
            if (cg->restored && cg->at[i] > pos)
                pos = cg->at[i]; /* restored, and nothing of that topic applied since */
            sv_strlcpy(at.pos[i].topic, c->inputs[i], sizeof(at.pos[i].topic));
            at.pos[i].offset = pos;
        }
        msgpack_sbuffer_clear(&c->buf);
        if (eng_snap_encode(c->st, c->ai, g, &at, &c->pk) != SV_OK) {
            LOG_ERROR("clog", "encode_failed", "event_id=%s", g->event_id);
            continue; /* out of memory: its inputs are redone after a restart (never lost) */
        }
        f->pending++;
        klen = (size_t)snprintf(c->key, sizeof(c->key), "%s|%s", c->group, g->event_id);
        if (kout_produce_part(c->kout, c->topic, g->part, c->key, klen, c->buf.data, c->buf.size,
                              at.pnow > 0 ? at.pnow : 0, f) != SV_OK) {
            f->pending--;
            continue; /* logged by kout; the engine stops on the failed delivery below */
        }
        c->stats.records_written++;
        c->stats.bytes_written += c->buf.size;
    }
    c->dirty_cnt = 0;
    for (size_t k = 0; k < c->tomb_cnt; k++) {
        const clog_tomb_t *t = &c->tombs[k];
        size_t klen = (size_t)snprintf(c->key, sizeof(c->key), "%s|%s", c->group, t->event_id);
        f->pending++;
        if (kout_produce_part(c->kout, c->topic, t->part, c->key, klen, NULL, 0, t->ts, f) !=
            SV_OK) {
            f->pending--;
            continue; /* as above */
        }
        c->stats.tombstones_written++;
    }
    c->tomb_cnt = 0;
    if (f->pending > 1)
        c->stats.flushes++;
    f->pending--;
    clog_complete(c);
}

void eng_clog_gate(eng_clog_t *c)
{
    if (c->due)
        clog_flush(c);
}

void eng_clog_tick(eng_clog_t *c)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (clog_secs(&c->last, &now) * 1e3 < (double)c->flush_ms)
        return;
    c->due = true;
    if (kin_idle(c->kin))
        clog_flush(c);
}

void eng_clog_flush_now(eng_clog_t *c)
{
    if (kin_idle(c->kin))
        clog_flush(c);
}

void eng_clog_flush_acked(eng_clog_t *c)
{
    if (c->dirty_cnt > 0 || c->tomb_cnt > 0)
        clog_flush(c);
}

bool eng_clog_owns(const eng_clog_t *c, const void *opaque)
{
    for (const clog_flush_t *f = c->head; f; f = f->next)
        if (f == opaque)
            return true;
    return false;
}

void eng_clog_ack(eng_clog_t *c, void *opaque, rd_kafka_resp_err_t err)
{
    clog_flush_t *f = opaque;

    if (err)
        return; /* the engine stops on a lost output; these offsets are never stored */
    SV_ASSERT(f->pending > 0);
    f->pending--;
    c->stats.records_acked++;
    clog_complete(c);
}

sv_err_t eng_clog_retire(eng_clog_t *c, const eng_game_t *g, bool tombstone)
{
    size_t keep = 0;

    if (tombstone && g->part >= 0) {
        clog_tomb_t *t;
        if (sv_grow((void **)&c->tombs, &c->tomb_cap, sizeof(*c->tombs), c->tomb_cnt, 64) != SV_OK)
            return SV_ERR_NOMEM;
        t = &c->tombs[c->tomb_cnt++];
        t->part = g->part;
        t->ts = eng_clog_pnow(c, g->part);
        sv_strlcpy(t->event_id, g->event_id, sizeof(t->event_id));
    }
    if (g->idx < c->games_cap) {
        clog_game_t *cg = &c->games[g->idx];
        if (cg->dirty) {
            for (size_t k = 0; k < c->dirty_cnt; k++)
                if (c->dirty[k] != g->idx)
                    c->dirty[keep++] = c->dirty[k];
            c->dirty_cnt = keep;
        }
        if (cg->listed) {
            keep = 0;
            for (size_t k = 0; k < c->restored_cnt; k++)
                if (c->restored[k] != g->idx)
                    c->restored[keep++] = c->restored[k];
            c->restored_cnt = keep;
        }
        memset(cg, 0, sizeof(*cg));
    }
    return SV_OK;
}

sv_err_t eng_clog_restore(eng_clog_t *c, const rd_kafka_message_t *m, eng_game_t **gp,
                          bool *gone)
{
    eng_snap_at_t at;
    wire_err_t err;
    eng_game_t *g = NULL;
    clog_game_t *cg;
    clog_part_t *pp;
    sv_err_t rc;

    *gp = NULL;
    *gone = false;
    if (!c->restoring) {
        c->restoring = true;
        clock_gettime(CLOCK_MONOTONIC, &c->restore_t0);
    }
    if (!m->payload) {
        /* a tombstone: the game retired after the records before it (not compacted away yet);
         * a game this restore brought back goes again (the caller retires it everywhere) */
        size_t glen = strlen(c->group);
        char id[WIRE_ID_MAX + 1];
        if (m->key && m->key_len > glen + 1 && m->key_len - glen - 1 < sizeof(id)) {
            memcpy(id, (const char *)m->key + glen + 1, m->key_len - glen - 1);
            id[m->key_len - glen - 1] = '\0';
            if ((g = eng_state_game(c->st, id)) && g->idx < c->games_cap &&
                c->games[g->idx].restored) {
                *gp = g;
                *gone = true;
            }
        }
        c->stats.tombstones_read++;
        return SV_OK;
    }
    memset(&err, 0, sizeof(err));
    rc = eng_snap_restore(c->st, c->ai, m->payload, m->len, &at, &g, &err);
    if (rc == SV_ERR_NOMEM)
        return rc;
    if (rc != SV_OK || !g) {
        c->stats.records_invalid++;
        LOG_WARN("clog", "record_invalid", "part=%d offset=%lld field=%s reason=\"%s\"",
                 (int)m->partition, (long long)m->offset, err.field, err.reason);
        return SV_OK;
    }
    if (!(cg = clog_game(c, g->idx)) || !(pp = clog_part(c, g->part)))
        return SV_ERR_NOMEM;
    cg->restored = true;
    cg->dirty = false; /* its record is what it holds */
    for (int i = 0; i < ENG_CLOG_INPUTS; i++) {
        cg->at[i] = 0;
        for (size_t k = 0; k < at.cnt; k++)
            if (strcmp(at.pos[k].topic, c->inputs[i]) == 0)
                cg->at[i] = at.pos[k].offset;
        if (cg->at[i] > pp->skip_max[i])
            pp->skip_max[i] = cg->at[i];
    }
    if (at.pnow > pp->now)
        pp->now = at.pnow;
    c->any_restored = true;
    if (!cg->listed &&
        sv_grow((void **)&c->restored, &c->restored_cap, sizeof(*c->restored), c->restored_cnt,
                256) == SV_OK) {
        c->restored[c->restored_cnt++] = g->idx;
        cg->listed = true;
    }
    c->stats.records_restored++;
    {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        c->stats.restore_seconds = clog_secs(&c->restore_t0, &now);
    }
    *gp = g;
    return SV_OK;
}

void eng_clog_forget(eng_clog_t *c, const uint8_t *mask, size_t mask_len)
{
    size_t keep = 0;
    eng_game_t *g;

    for (uint32_t gi = 0; gi < c->games_cap && (g = eng_state_game_at(c->st, gi)); gi++) {
        clog_game_t *cg = &c->games[gi];
        if (g->part < 0 || (size_t)g->part >= mask_len || !mask[g->part])
            continue;
        cg->dirty = false;
        cg->restored = false;
        memset(cg->at, 0, sizeof(cg->at));
    }
    for (size_t k = 0; k < c->dirty_cnt; k++) /* keep the other partitions' changed games */
        if (c->games[c->dirty[k]].dirty)
            c->dirty[keep++] = c->dirty[k];
    c->dirty_cnt = keep;
    keep = 0;
    for (size_t k = 0; k < c->tomb_cnt; k++) /* theirs: the next owner retires them again */
        if (c->tombs[k].part < 0 || (size_t)c->tombs[k].part >= mask_len ||
            !mask[c->tombs[k].part])
            c->tombs[keep++] = c->tombs[k];
    c->tomb_cnt = keep;
    for (size_t p = 0; p < c->parts_cap && p < mask_len; p++)
        if (mask[p]) {
            memset(&c->parts[p], 0, sizeof(c->parts[p]));
            for (int k = 0; k < ENG_CLOG_INPUTS; k++)
                c->parts[p].skip_max[k] = -1;
        }
    c->restoring = false;
}

bool eng_clog_before(const eng_clog_t *c, const char *event_id, const char *topic, int64_t offset,
                     bool *known)
{
    const eng_game_t *g = eng_state_game(c->st, event_id);
    int in = eng_clog_input(c, topic);

    *known = false;
    if (!g || in < 0 || g->idx >= c->games_cap || !c->games[g->idx].restored)
        return false;
    *known = true;
    return offset < c->games[g->idx].at[in];
}

const uint32_t *eng_clog_restored(const eng_clog_t *c, size_t *cnt)
{
    *cnt = c->restored_cnt;
    return c->restored;
}

void eng_clog_restored_clear(eng_clog_t *c)
{
    for (size_t k = 0; k < c->restored_cnt; k++)
        if (c->restored[k] < c->games_cap)
            c->games[c->restored[k]].listed = false;
    c->restored_cnt = 0;
    c->restoring = false;
}

int64_t eng_clog_pnow(const eng_clog_t *c, int32_t part)
{
    return part >= 0 && (size_t)part < c->parts_cap ? c->parts[part].now : 0;
}

void eng_clog_stats(const eng_clog_t *c, eng_clog_stats_t *out)
{
    *out = c->stats;
    out->dirty = c->dirty_cnt;
    out->in_flight = 0;
    for (const clog_flush_t *f = c->head; f; f = f->next)
        out->in_flight++;
}
