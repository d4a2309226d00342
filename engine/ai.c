/*
 * ai — LSTM steps per candidate and Elo, for the engine (see ai.h).
 */
#include "ai.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/elo.h"
#include "ml/features.h"
#include "ml/lstm.h"
#include "sv_util.h"

/* One candidate slot's model state. */
typedef struct ai_slot {
    eng_lstm_state_t st;   /* LSTM h and c */
    eng_feat_prev_t prev;  /* previous step's p_fair and line (change features) */
    float p;               /* latest p_model */
    bool has;              /* stepped at least once */
} ai_slot_t;

struct eng_ai {
    eng_lstm_model_t *model; /* NULL: no model */
    eng_elo_t *elo;
    ai_slot_t *slots;        /* market index × ENG_OUTCOMES_MAX + candidate */
    size_t slots_cap;
};

eng_ai_t *eng_ai_new(const char *path, const char *elo_spec, char *errstr, size_t errstr_size)
{
    eng_ai_t *ai = calloc(1, sizeof(*ai));

    if (!ai || !(ai->elo = eng_elo_new())) {
        snprintf(errstr, errstr_size, "out of memory creating the AI engine");
        goto fail;
    }
    if (eng_elo_set_sports(ai->elo, elo_spec, errstr, errstr_size) != SV_OK)
        goto fail;
    if (path && *path) {
        ai->model = malloc(sizeof(*ai->model));
        if (!ai->model) {
            snprintf(errstr, errstr_size, "out of memory loading the model");
            goto fail;
        }
        if (eng_lstm_load(path, eng_feat_hash(), ai->model, errstr, errstr_size) != SV_OK)
            goto fail;
        if (ai->model->n_in != ENG_FEAT_N) {
            snprintf(errstr, errstr_size, "ai.model: %s: %d inputs, the features are %d", path,
                     ai->model->n_in, ENG_FEAT_N);
            goto fail;
        }
    }
    return ai;
fail:
    eng_ai_free(ai);
    return NULL;
}

void eng_ai_free(eng_ai_t *ai)
{
    if (!ai)
        return;
    free(ai->model);
    eng_elo_free(ai->elo);
    free(ai->slots);
    free(ai);
}

const char *eng_ai_model_id(const eng_ai_t *ai)
{
    return ai->model ? ai->model->id : NULL;
}

static ai_slot_t *ai_slot(eng_ai_t *ai, const eng_market_t *mk, size_t i)
{
    size_t slot = (size_t)mk->idx * ENG_OUTCOMES_MAX + i;

    if (slot >= ai->slots_cap) {
        size_t cap = ai->slots_cap ? ai->slots_cap : 1024;
        while (cap <= slot)
            cap *= 2;
        ai_slot_t *n = realloc(ai->slots, cap * sizeof(*n));
        if (!n)
            return NULL;
        memset(n + ai->slots_cap, 0, (cap - ai->slots_cap) * sizeof(*n));
        ai->slots = n;
        ai->slots_cap = cap;
    }
    return &ai->slots[slot];
}

void eng_ai_on_odds(eng_ai_t *ai, const eng_state_t *st, const eng_market_t *mk, int64_t ts)
{
    if (!ai->model)
        return;
    for (size_t i = 0; i < mk->cand_cnt; i++) {
        ai_slot_t *s = ai_slot(ai, mk, i);
        eng_feat_in_t in;
        float x[ENG_FEAT_N];

        if (!s)
            return; /* out of memory: this market keeps no model state (no p_model) */
        eng_feat_fill(&in, st, mk, i, ai->elo, &s->prev, ts);
        eng_feat_compute(&in, x);
        s->p = eng_lstm_step(ai->model, &s->st, x);
        s->has = true;
        eng_feat_prev_set(&s->prev, &in);
    }
}

void eng_ai_on_game(eng_ai_t *ai, const wire_game_t *g)
{
    bool applied;

    eng_elo_apply_game(ai->elo, g, &applied); /* a non-final or repeated result: nothing */
}

void eng_ai_reset_market(eng_ai_t *ai, const eng_market_t *mk)
{
    size_t slot = (size_t)mk->idx * ENG_OUTCOMES_MAX;

    for (size_t i = 0; i < ENG_OUTCOMES_MAX && slot + i < ai->slots_cap; i++)
        memset(&ai->slots[slot + i], 0, sizeof(*ai->slots)); /* past the end: never stepped */
}

bool eng_ai_p_model(const eng_ai_t *ai, const eng_market_t *mk, size_t i, double *p_model)
{
    size_t slot = (size_t)mk->idx * ENG_OUTCOMES_MAX + i;

    if (!ai->model || slot >= ai->slots_cap || !ai->slots[slot].has)
        return false;
    *p_model = ai->slots[slot].p;
    return true;
}

double eng_ai_score(double p_model, double p_fair)
{
    double a = 5.0 + 50.0 * (p_model - p_fair);

    return a < 0.0 ? 0.0 : a > 10.0 ? 10.0 : a;
}

void eng_ai_model_path(const char *cfg_path, char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n;
    int w;

    snprintf(out, size, "%s", cfg_path);
    if (!*cfg_path || cfg_path[0] == '/' || access(cfg_path, R_OK) == 0)
        return;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* strip the binary's name, then bin/ */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
    w = snprintf(out, size, "%s/%s", exe, cfg_path);
    if (w < 0 || (size_t)w >= size || access(out, R_OK) != 0)
        snprintf(out, size, "%s", cfg_path); /* report the configured path */
}

int eng_ai_n_hid(const eng_ai_t *ai)
{
    return ai->model ? ai->model->n_hid : 0;
}

eng_elo_t *eng_ai_elo(const eng_ai_t *ai)
{
    return ai->elo;
}

bool eng_ai_slot_get(const eng_ai_t *ai, const eng_market_t *mk, size_t i,
                     eng_ai_slot_state_t *s)
{
    size_t slot = (size_t)mk->idx * ENG_OUTCOMES_MAX + i;
    const ai_slot_t *a;

    SV_ASSERT(i < ENG_OUTCOMES_MAX);
    memset(s, 0, sizeof(*s));
    if (slot >= ai->slots_cap)
        return false;
    a = &ai->slots[slot];
    if (!a->has && !a->prev.set)
        return false;
    memcpy(s->h, a->st.h, sizeof(s->h));
    memcpy(s->c, a->st.c, sizeof(s->c));
    s->prev_p_fair = a->prev.p_fair;
    s->prev_line = a->prev.line;
    s->prev_set = a->prev.set;
    s->p = a->p;
    s->has = a->has;
    return true;
}

sv_err_t eng_ai_slot_set(eng_ai_t *ai, const eng_market_t *mk, size_t i,
                         const eng_ai_slot_state_t *s)
{
    ai_slot_t *a;

    SV_ASSERT(i < ENG_OUTCOMES_MAX);
    if (!(a = ai_slot(ai, mk, i)))
        return SV_ERR_NOMEM;
    memset(a, 0, sizeof(*a));
    memcpy(a->st.h, s->h, sizeof(a->st.h));
    memcpy(a->st.c, s->c, sizeof(a->st.c));
    a->prev.p_fair = s->prev_p_fair;
    a->prev.line = s->prev_line;
    a->prev.set = s->prev_set;
    a->p = s->p;
    a->has = s->has;
    return SV_OK;
}
