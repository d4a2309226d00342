/*
 * sv_err — the table behind sv_err_t: names, descriptions and the retriable flag, generated from
 * SV_ERR_LIST so that adding an error is one line in sv_err.h.
 */
#include "sv_err.h"

#include <stddef.h>

struct sv_err_desc {
    sv_err_t err;     /* the code */
    const char *name; /* its enum name */
    const char *desc; /* human description */
    bool retriable;   /* a later retry may succeed */
};

static const struct sv_err_desc sv_err_descs[] = {
#define SV_ERR_DESC_(name, value, retriable, desc) {name, #name, desc, retriable},
    SV_ERR_LIST(SV_ERR_DESC_)
#undef SV_ERR_DESC_
};

static const struct sv_err_desc *sv_err_find(sv_err_t err)
{
    for (size_t i = 0; i < sizeof(sv_err_descs) / sizeof(sv_err_descs[0]); i++)
        if (sv_err_descs[i].err == err)
            return &sv_err_descs[i];
    return NULL;
}

const char *sv_err2name(sv_err_t err)
{
    const struct sv_err_desc *d = sv_err_find(err);
    return d ? d->name : "SV_ERR_UNKNOWN";
}

const char *sv_err2str(sv_err_t err)
{
    const struct sv_err_desc *d = sv_err_find(err);
    return d ? d->desc : "unknown error";
}

bool sv_err_is_retriable(sv_err_t err)
{
    const struct sv_err_desc *d = sv_err_find(err);
    return d ? d->retriable : false;
}
