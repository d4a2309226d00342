/*
 * retire — per partition, the games due to retire (in due order: the clock only grows, so a
 * queue appended in clock order is sorted) and the retired games remembered (a queue of indices
 * into one table of entries, found by event_id through a hash index). See retire.h.
 */
#include "retire.h"

#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "sv_util.h"

typedef struct ret_due {
    int64_t at;                      /* partition clock it is due at */
    uint32_t gi;                     /* its game index */
    char event_id[WIRE_ID_MAX + 1];  /* and key */
} ret_due_t;

typedef struct ret_mark {
    int64_t until;                   /* remembered while the partition clock is below */
    uint64_t hash;                   /* of event_id */
    char event_id[WIRE_ID_MAX + 1];
} ret_mark_t;

/* A queue: entries [head, cnt) of an array, compacted when the head passes half of it. */
typedef struct ret_q {
    void *ent;
    size_t head, cnt, cap;
} ret_q_t;

typedef struct ret_part {
    int64_t clock;  /* latest event time the partition carried */
    ret_q_t due;    /* ret_due_t, in due order */
    ret_q_t marks;  /* uint32_t indices into marks, in retirement order */
} ret_part_t;

struct eng_retire {
    int64_t after_ms;
    ret_part_t *parts;
    size_t parts_cap;
    ret_mark_t *marks;        /* remembered retirements (free entries on free_marks) */
    size_t marks_cnt, marks_cap;
    uint32_t *free_marks;
    size_t free_cnt, free_cap;
    eng_htab_t ix;            /* hash(event_id) -> marks[] */
    eng_retire_stats_t stats;
};

eng_retire_t *eng_retire_new(int64_t after_ms)
{
    eng_retire_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->after_ms = after_ms;
    eng_htab_init(&r->ix);
    return r;
}

void eng_retire_free(eng_retire_t *r)
{
    if (!r)
        return;
    for (size_t p = 0; p < r->parts_cap; p++) {
        free(r->parts[p].due.ent);
        free(r->parts[p].marks.ent);
    }
    free(r->parts);
    free(r->marks);
    free(r->free_marks);
    eng_htab_release(&r->ix);
    free(r);
}

static ret_part_t *part_of(eng_retire_t *r, int32_t part)
{
    size_t i = part < 0 ? 0 : (size_t)part;
    if (sv_grow((void **)&r->parts, &r->parts_cap, sizeof(*r->parts), i, 16) != SV_OK)
        return NULL;
    return &r->parts[i];
}

static const ret_part_t *part_get(const eng_retire_t *r, int32_t part)
{
    size_t i = part < 0 ? 0 : (size_t)part;
    return i < r->parts_cap ? &r->parts[i] : NULL;
}

/* Room for one more entry of size sz at the tail of q. */
static sv_err_t q_room(ret_q_t *q, size_t sz)
{
    if (q->head > 0 && q->head * 2 >= q->cnt) {
        memmove(q->ent, (char *)q->ent + q->head * sz, (q->cnt - q->head) * sz);
        q->cnt -= q->head;
        q->head = 0;
    }
    return sv_grow(&q->ent, &q->cap, sz, q->cnt, 16);
}

int64_t eng_retire_clock(eng_retire_t *r, int32_t part, int64_t ts)
{
    ret_part_t *p = part_of(r, part);
    if (!p)
        return ts;
    if (ts > p->clock)
        p->clock = ts;
    return p->clock;
}

sv_err_t eng_retire_schedule(eng_retire_t *r, uint32_t gi, const char *event_id, int32_t part,
                             int64_t ts)
{
    ret_part_t *p;
    ret_due_t *d;

    if (r->after_ms <= 0)
        return SV_OK;
    if (!(p = part_of(r, part)) || q_room(&p->due, sizeof(ret_due_t)) != SV_OK)
        return SV_ERR_NOMEM;
    d = &((ret_due_t *)p->due.ent)[p->due.cnt++];
    d->at = (ts > p->clock ? ts : p->clock) + r->after_ms;
    d->gi = gi;
    sv_strlcpy(d->event_id, event_id, sizeof(d->event_id));
    r->stats.scheduled++;
    return SV_OK;
}

/* Forget remembered retirement m: out of the index, its entry free. */
static void mark_drop(eng_retire_t *r, uint32_t m)
{
    eng_htab_remove(&r->ix, r->marks[m].hash, m);
    r->marks[m].event_id[0] = '\0';
    r->free_marks[r->free_cnt++] = m; /* room: free_cap >= marks_cnt */
}

/* Forget the remembered retirements of partition p whose time is over. */
static void marks_prune(eng_retire_t *r, ret_part_t *p)
{
    const uint32_t *ix = p->marks.ent;
    while (p->marks.head < p->marks.cnt && r->marks[ix[p->marks.head]].until <= p->clock)
        mark_drop(r, ix[p->marks.head++]);
}

bool eng_retire_next(eng_retire_t *r, int32_t part, uint32_t *gi, char *event_id)
{
    ret_part_t *p = part_of(r, part);
    const ret_due_t *d;

    if (!p)
        return false;
    marks_prune(r, p);
    if (p->due.head == p->due.cnt)
        return false;
    d = &((const ret_due_t *)p->due.ent)[p->due.head];
    if (d->at > p->clock)
        return false;
    *gi = d->gi;
    memcpy(event_id, d->event_id, sizeof(d->event_id));
    p->due.head++;
    return true;
}

sv_err_t eng_retire_mark(eng_retire_t *r, const char *event_id, int32_t part)
{
    ret_part_t *p = part_of(r, part);
    ret_mark_t *mk;
    uint32_t m;

    if (!p || q_room(&p->marks, sizeof(uint32_t)) != SV_OK)
        return SV_ERR_NOMEM;
    if (r->free_cnt > 0) {
        m = r->free_marks[r->free_cnt - 1];
    } else {
        if (r->marks_cnt >= UINT32_MAX ||
            sv_grow((void **)&r->marks, &r->marks_cap, sizeof(*r->marks), r->marks_cnt, 64) !=
                SV_OK ||
            sv_grow((void **)&r->free_marks, &r->free_cap, sizeof(*r->free_marks), r->marks_cnt,
                    64) != SV_OK)
            return SV_ERR_NOMEM;
        m = (uint32_t)r->marks_cnt;
    }
    mk = &r->marks[m];
    mk->hash = eng_htab_hash_str(0, event_id);
    if (eng_htab_insert(&r->ix, mk->hash, m) != SV_OK)
        return SV_ERR_NOMEM;
    if (m == r->marks_cnt)
        r->marks_cnt++;
    else
        r->free_cnt--;
    mk->until = p->clock + r->after_ms;
    sv_strlcpy(mk->event_id, event_id, sizeof(mk->event_id));
    ((uint32_t *)p->marks.ent)[p->marks.cnt++] = m;
    return SV_OK;
}

bool eng_retire_is(const eng_retire_t *r, const char *event_id, int32_t part)
{
    const ret_part_t *p = part_get(r, part);
    eng_htab_it_t it;
    uint32_t m;

    if (r->ix.cnt == 0)
        return false;
    eng_htab_probe(&r->ix, eng_htab_hash_str(0, event_id), &it);
    while ((m = eng_htab_next(&r->ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(r->marks[m].event_id, event_id) == 0)
            return !p || r->marks[m].until > p->clock;
    return false;
}

void eng_retire_forget(eng_retire_t *r, const uint8_t *mask, size_t mask_len)
{
    for (size_t i = 0; i < r->parts_cap && i < mask_len; i++) {
        ret_part_t *p = &r->parts[i];
        const uint32_t *ix = p->marks.ent;
        if (!mask[i])
            continue;
        for (size_t k = p->marks.head; k < p->marks.cnt; k++)
            mark_drop(r, ix[k]);
        p->marks.head = p->marks.cnt = 0;
        p->due.head = p->due.cnt = 0;
        p->clock = 0;
    }
}

void eng_retire_count_passed(eng_retire_t *r)
{
    r->stats.passed_by++;
}

void eng_retire_stats(const eng_retire_t *r, eng_retire_stats_t *st)
{
    *st = r->stats;
    st->due = 0;
    st->remembered = r->marks_cnt - r->free_cnt;
    for (size_t i = 0; i < r->parts_cap; i++)
        st->due += r->parts[i].due.cnt - r->parts[i].due.head;
}
