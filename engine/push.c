/*
 * push — subscribers and fan-out (see push.h; the protocol is docs/push.md).
 *
 * A published item becomes one push_msg_t, reference-counted, holding the whole WebSocket frame
 * ({"type":…,"data":…} with its header, encoded once by wslay's frame layer) and, the first time
 * an SSE subscriber needs it, the SSE event text. Subscriber queues hold references; writing a
 * message hands a reference to the socket's evbuffer (evbuffer_add_reference), released when the
 * bytes are sent, so the JSON is never copied per subscriber.
 *
 * A WebSocket subscriber owns its socket (taken from evhttp with eng_http_takeover()), a
 * bufferevent and a wslay event context: wslay parses client frames (masking, fragmentation,
 * UTF-8, size limit, ping → pong, close handshake) and writes its control frames through our
 * send callback into the bufferevent; data frames are appended directly, always whole, so the
 * two never interleave inside a frame. An SSE subscriber stays an evhttp chunked reply.
 *
 * Subscribers are never freed under a callback that may still use them: ending one marks it
 * dead and a zero-timeout event (the reaper) frees it on the next turn of the loop.
 *
 * Before that, a subscriber is a request waiting for its token (push_pend_t): the API checks the
 * token (eng_api_authenticate(): bootstrap, cache, else the store, asynchronously) and calls
 * push_authed(), now or later. While it waits the request is still evhttp's and unanswered; the
 * connection's close callback forgets it and cancels the lookup, so a late answer never reaches
 * a freed request.
 */
#include "push.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <wslay/wslay.h>

#include "api.h"
#include "htab.h"
#include "log.h"
#include "sv_util.h"

#define PUSH_WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define PUSH_TICK_MS 500          /* keepalive, idle and slow checks */
#define PUSH_CLOSE_GRACE_MS 5000  /* a closing subscriber's time to take its last bytes */
#define PUSH_SSE_IN_MAX 4096      /* bytes an SSE client may send before reading pauses */
#define PUSH_FRAME_HDR_MAX 10     /* largest header of an unmasked frame */
#define PUSH_KINDS_DEFAULT ((1u << ENG_ITEM_SIGNAL) | (1u << ENG_ITEM_SCORE))
#define PUSH_TOKEN_MAX 256        /* bytes of a presented token */
#define PUSH_FREE_ENTS_MAX 262144 /* unused queue entries kept for reuse */
#ifndef PUSH_COPY_MAX
#define PUSH_COPY_MAX 512         /* messages up to this size are copied into socket buffers */
#endif

/* One rendered update, shared by every queue and socket buffer that holds it. */
typedef struct push_msg {
    unsigned refcnt;       /* holders: the publisher, queue entries, evbuffer references */
    eng_item_kind_t kind;  /* score, market, signal */
    uint64_t hash;         /* of (kind, key) */
    const char *key;       /* the item's key (in mem) */
    unsigned char *ws;     /* the whole WebSocket text frame (in mem) */
    size_t ws_len;         /* its bytes */
    size_t json_off;       /* the item JSON's offset in ws */
    size_t json_len;       /* and length */
    char *sse;             /* "event: …\ndata: …\n\n", made on first use; NULL before */
    size_t sse_len;        /* its bytes */
    char mem[];            /* key, then the frame */
} push_msg_t;

/* One queued update of one subscriber. */
typedef struct push_qent {
    push_msg_t *msg;         /* one reference */
    struct push_qent *next;  /* FIFO order; free-list link when unused */
    struct push_qent *hnext; /* next entry of the same bucket */
} push_qent_t;

typedef enum push_sub_type { PUSH_WS, PUSH_SSE } push_sub_type_t;
typedef enum push_sub_state {
    PUSH_OPEN,    /* receiving updates */
    PUSH_CLOSING, /* WebSocket: close frame queued, waiting for the client or the grace time */
    PUSH_DEAD,    /* ended; freed by the reaper */
} push_sub_state_t;

typedef struct push_sub {
    TAILQ_ENTRY(push_sub) link;    /* in push->subs */
    eng_push_t *push;              /* owner */
    push_sub_type_t type;          /* WebSocket or SSE */
    push_sub_state_t state;        /* see push_sub_state_t */
    eng_push_filter_t filter;      /* what it wants */
    push_qent_t *qhead, *qtail;    /* queued updates, oldest first */
    size_t qcnt;                   /* entries queued (distinct keys) */
    push_qent_t **bucket;          /* (kind, key) index over the queue; NULL when empty */
    size_t nbucket;                /* buckets, a power of two */
    bool dirty;                    /* in push->dirty (queued since the last flush) */
    int64_t last_rx_ms;            /* WebSocket: last bytes from the client */
    int64_t last_ping_ms;          /* last keepalive sent */
    int64_t over_since_ms;         /* since when unsent bytes exceed out_max (0: they do not) */
    int64_t close_deadline_ms;     /* CLOSING: when to give up on the client */
    /* WebSocket */
    struct bufferevent *bev;       /* on the socket taken over */
    struct evbuffer *early;        /* bytes the client sent with its handshake, read first */
    wslay_event_context_ptr ws;    /* wslay's state of the connection */
    bool shut_wr;                  /* shutdown(SHUT_WR) done */
    uint16_t pending_close;        /* close code decided inside a wslay callback (0: none) */
    const char *pending_reason;    /* and its reason (static text) */
    /* SSE */
    struct evhttp_request *req;    /* the streaming reply (NULL once handed back to evhttp) */
} push_sub_t;

TAILQ_HEAD(push_subq, push_sub);

/* A subscriber whose token is being looked up: still an unanswered evhttp request. */
typedef struct push_pend {
    TAILQ_ENTRY(push_pend) link;   /* in push->pends */
    eng_push_t *push;              /* owner */
    push_sub_type_t type;          /* the endpoint asked */
    struct evhttp_request *req;    /* unanswered; its connection's close callback points here */
    eng_push_filter_t filter;      /* from the query string */
    eng_api_auth_t *auth;          /* the lookup in flight (NULL before eng_api_authenticate()
                                    * returns) */
} push_pend_t;

TAILQ_HEAD(push_pendq, push_pend);

struct eng_push {
    struct event_base *base;           /* the loop */
    eng_http_t *http;                  /* for eng_http_takeover() */
    eng_push_conf_t conf;              /* settings */
    eng_api_t *api;                    /* authenticates subscribers (borrowed; NULL: nobody) */
    struct push_pendq pends;           /* subscribers waiting for their token's lookup */
    size_t pend_cnt;                   /* entries in pends */
    eng_item_iter_fn *iter;            /* snapshot walk */
    void *iter_arg;                    /* its argument */
    struct push_subq subs;             /* every subscriber not yet freed */
    size_t sub_cnt;                    /* entries in subs */
    push_sub_t **dirty;                /* subscribers queued since the last flush */
    size_t dirty_cnt, dirty_cap;       /* entries used, allocated */
    push_qent_t *free_ents;            /* unused queue entries */
    size_t free_ent_cnt;               /* entries in free_ents */
    struct event *reaper;              /* frees dead subscribers on the next turn */
    struct event *tick;                /* keepalive, idle, slow; pending while anyone is here */
    wslay_frame_context_ptr frame;     /* encodes our data frames */
    struct evbuffer *cap_evb;          /* frame output: this evbuffer, or */
    unsigned char *cap_buf;            /* this flat buffer */
    size_t cap_len;                    /* bytes written into cap_buf */
    char *scratch;                     /* payload being built */
    size_t scratch_cap;                /* its size */
    struct evbuffer *sse_buf;          /* one SSE chunk being built */
    eng_push_stats_t st;               /* counters */
};

/* ---------------------------------------------------------------------------------------- */
/* filters */

void eng_push_filter_init(eng_push_filter_t *f)
{
    memset(f, 0, sizeof(*f));
    f->kinds = PUSH_KINDS_DEFAULT;
}

bool eng_push_filter_match(const eng_push_filter_t *f, const eng_item_t *it)
{
    if ((unsigned)it->kind >= ENG_ITEM__CNT || !(f->kinds & (1u << it->kind)))
        return false;
    if (f->sport_cnt) {
        size_t i;
        for (i = 0; i < f->sport_cnt; i++)
            if (strcmp(f->sports[i], it->sport ? it->sport : "") == 0)
                break;
        if (i == f->sport_cnt)
            return false;
    }
    if (f->event_id[0] && strcmp(f->event_id, it->event_id ? it->event_id : "") != 0)
        return false;
    if (f->market[0] && strcmp(f->market, it->market ? it->market : "") != 0)
        return false;
    if (f->has_min_tier && !(it->kind == ENG_ITEM_SIGNAL && !it->live) &&
        (!it->has_tier || (int)it->tier > (int)f->min_tier))
        return false;
    return true;
}

static sv_err_t push_err(wire_err_t *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static sv_err_t push_err(wire_err_t *err, const char *field, const char *fmt, ...)
{
    va_list ap;
    snprintf(err->field, sizeof(err->field), "%s", field);
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
    va_end(ap);
    return SV_ERR_INVALID;
}

/* A sport or market token: [a-z0-9_], 1..WIRE_TOKEN_MAX bytes. */
static bool push_token_ok(const char *s, size_t len)
{
    if (len == 0 || len > WIRE_TOKEN_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* An event id: printable ASCII without '|' or spaces, 1..WIRE_ID_MAX bytes. */
static bool push_id_ok(const char *s, size_t len)
{
    if (len == 0 || len > WIRE_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] <= ' ' || s[i] > '~' || s[i] == '|')
            return false;
    return true;
}

static sv_err_t push_add_sport(eng_push_filter_t *f, const char *s, size_t len, const char *field,
                               wire_err_t *err)
{
    if (!push_token_ok(s, len))
        return push_err(err, field, "expected a sport token ([a-z0-9_], 1 to %d bytes)",
                        WIRE_TOKEN_MAX);
    for (size_t i = 0; i < f->sport_cnt; i++)
        if (strlen(f->sports[i]) == len && memcmp(f->sports[i], s, len) == 0)
            return SV_OK; /* listed twice: once is enough */
    if (f->sport_cnt == ENG_PUSH_SPORTS_MAX)
        return push_err(err, field, "more than %d sports", ENG_PUSH_SPORTS_MAX);
    memcpy(f->sports[f->sport_cnt], s, len);
    f->sports[f->sport_cnt][len] = '\0';
    f->sport_cnt++;
    return SV_OK;
}

static sv_err_t push_add_kind(unsigned *kinds, const char *s, size_t len, const char *field,
                              wire_err_t *err)
{
    static const struct {
        const char *name;
        eng_item_kind_t kind;
    } names[] = {{"signals", ENG_ITEM_SIGNAL}, {"scores", ENG_ITEM_SCORE}, {"markets", ENG_ITEM_MARKET}};
    for (size_t i = 0; i < SV_ARRAY_SIZE(names); i++)
        if (strlen(names[i].name) == len && memcmp(names[i].name, s, len) == 0) {
            *kinds |= 1u << names[i].kind;
            return SV_OK;
        }
    return push_err(err, field, "unknown kind '%.*s' (signals, scores, markets)",
                    (int)(len > 40 ? 40 : len), s);
}

static sv_err_t push_set_event(eng_push_filter_t *f, const char *s, size_t len, const char *field,
                               wire_err_t *err)
{
    if (!push_id_ok(s, len))
        return push_err(err, field,
                        "expected an event id (printable ASCII without spaces or '|', 1 to %d "
                        "bytes)", WIRE_ID_MAX);
    memcpy(f->event_id, s, len);
    f->event_id[len] = '\0';
    return SV_OK;
}

static sv_err_t push_set_market(eng_push_filter_t *f, const char *s, size_t len,
                                const char *field, wire_err_t *err)
{
    if (!push_token_ok(s, len))
        return push_err(err, field, "expected a market token ([a-z0-9_], 1 to %d bytes)",
                        WIRE_TOKEN_MAX);
    memcpy(f->market, s, len);
    f->market[len] = '\0';
    return SV_OK;
}

static sv_err_t push_set_tier(eng_push_filter_t *f, const char *s, size_t len, const char *field,
                              wire_err_t *err)
{
    char name[32];
    wire_tier_t t;
    if (len >= sizeof(name) || memchr(s, '\0', len))
        goto bad;
    memcpy(name, s, len);
    name[len] = '\0';
    if (wire_tier_by_name(name, &t) != SV_OK)
        goto bad;
    f->has_min_tier = true;
    f->min_tier = t;
    return SV_OK;
bad:
    return push_err(err, field,
                    "expected a tier (TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS)");
}

sv_err_t eng_push_filter_from_json(eng_push_filter_t *f, const char *text, size_t len,
                                   wire_err_t *err)
{
    eng_push_filter_t nf;
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *op, *v;
    const char *key;
    sv_err_t rc = SV_OK;

    if (!j)
        return push_err(err, "", "malformed JSON: %s", je.text);
    eng_push_filter_init(&nf);
    if (!json_is_object(j)) {
        rc = push_err(err, "", "expected a JSON object");
        goto out;
    }
    op = json_object_get(j, "op");
    if (!json_is_string(op) || strcmp(json_string_value(op), "subscribe") != 0) {
        rc = push_err(err, "op", "expected \"subscribe\"");
        goto out;
    }
    json_object_foreach(j, key, v) {
        char field[64];
        if (strcmp(key, "op") == 0)
            continue;
        if (strcmp(key, "sports") == 0 || strcmp(key, "kinds") == 0) {
            bool sports = key[0] == 's';
            size_t i;
            json_t *e;
            if (json_is_null(v) && sports)
                continue;
            if (!json_is_array(v) || (!sports && json_array_size(v) == 0)) {
                rc = push_err(err, key, sports ? "expected an array of sport tokens"
                                               : "expected a non-empty array of kinds");
                goto out;
            }
            if (!sports)
                nf.kinds = 0;
            json_array_foreach(v, i, e) {
                snprintf(field, sizeof(field), "%s[%zu]", key, i);
                if (!json_is_string(e)) {
                    rc = push_err(err, field, "expected a string");
                    goto out;
                }
                rc = sports ? push_add_sport(&nf, json_string_value(e), json_string_length(e),
                                             field, err)
                            : push_add_kind(&nf.kinds, json_string_value(e),
                                            json_string_length(e), field, err);
                if (rc != SV_OK)
                    goto out;
            }
        } else if (strcmp(key, "event_id") == 0 || strcmp(key, "market") == 0 ||
                   strcmp(key, "min_tier") == 0) {
            if (json_is_null(v))
                continue;
            if (!json_is_string(v)) {
                rc = push_err(err, key, "expected a string or null");
                goto out;
            }
            rc = key[0] == 'e'   ? push_set_event(&nf, json_string_value(v), json_string_length(v),
                                                  key, err)
                 : key[1] == 'a' ? push_set_market(&nf, json_string_value(v),
                                                   json_string_length(v), key, err)
                                 : push_set_tier(&nf, json_string_value(v), json_string_length(v),
                                                 key, err);
            if (rc != SV_OK)
                goto out;
        } else {
            rc = push_err(err, key, "unknown field (op, sports, event_id, market, min_tier, kinds)");
            goto out;
        }
    }
    *f = nf;
out:
    json_decref(j);
    return rc;
}

/* Calls add(…) for each item of a comma-separated list; an empty item is an error. */
static sv_err_t push_each_csv(const char *v, const char *field, wire_err_t *err,
                              sv_err_t (*add)(void *, const char *, size_t, const char *,
                                              wire_err_t *),
                              void *ctx)
{
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        sv_err_t rc;
        if (len == 0)
            return push_err(err, field, "expected a comma-separated list without empty items");
        if ((rc = add(ctx, p, len, field, err)) != SV_OK)
            return rc;
        if (!c)
            return SV_OK;
        p = c + 1;
    }
}

static sv_err_t push_csv_sport(void *ctx, const char *s, size_t len, const char *field,
                               wire_err_t *err)
{
    return push_add_sport(ctx, s, len, field, err);
}

static sv_err_t push_csv_kind(void *ctx, const char *s, size_t len, const char *field,
                              wire_err_t *err)
{
    return push_add_kind(ctx, s, len, field, err);
}

sv_err_t eng_push_filter_from_query(eng_push_filter_t *f, const char *query, char *token,
                                    size_t token_size, wire_err_t *err)
{
    static const char *const names[] = {"token", "sports", "event_id", "market", "min_tier",
                                        "kinds"};
    struct evkeyvalq q;
    struct evkeyval *kv;
    eng_push_filter_t nf;
    unsigned seen = 0;
    sv_err_t rc = SV_OK;

    TAILQ_INIT(&q);
    eng_push_filter_init(&nf);
    if (token_size)
        token[0] = '\0';
    if (!query || !*query) {
        *f = nf;
        return SV_OK;
    }
    if (evhttp_parse_query_str(query, &q) != 0) {
        evhttp_clear_headers(&q);
        return push_err(err, "", "malformed query string");
    }
    TAILQ_FOREACH(kv, &q, next) {
        const char *v = kv->value ? kv->value : "";
        size_t n, vlen = strlen(v);
        for (n = 0; n < SV_ARRAY_SIZE(names); n++)
            if (strcmp(kv->key, names[n]) == 0)
                break;
        if (n == SV_ARRAY_SIZE(names)) {
            rc = push_err(err, kv->key,
                          "unknown parameter (token, sports, event_id, market, min_tier, kinds)");
            goto out;
        }
        if (seen & (1u << n)) {
            rc = push_err(err, kv->key, "given more than once");
            goto out;
        }
        seen |= 1u << n;
        switch (n) {
        case 0:
            if (vlen >= token_size) {
                rc = push_err(err, "token", "longer than %zu bytes", token_size - 1);
                goto out;
            }
            memcpy(token, v, vlen + 1);
            break;
        case 1:
            rc = push_each_csv(v, "sports", err, push_csv_sport, &nf);
            break;
        case 2:
            rc = push_set_event(&nf, v, vlen, "event_id", err);
            break;
        case 3:
            rc = push_set_market(&nf, v, vlen, "market", err);
            break;
        case 4:
            rc = push_set_tier(&nf, v, vlen, "min_tier", err);
            break;
        default:
            nf.kinds = 0;
            rc = push_each_csv(v, "kinds", err, push_csv_kind, &nf.kinds);
            break;
        }
        if (rc != SV_OK)
            goto out;
    }
    *f = nf;
out:
    evhttp_clear_headers(&q);
    if (rc != SV_OK && token_size)
        token[0] = '\0';
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* messages */

static int64_t push_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void push_msg_unref(push_msg_t *m)
{
    if (--m->refcnt == 0) {
        free(m->sse);
        free(m);
    }
}

/* evbuffer reference cleanup: the bytes of m are sent (or the buffer freed). */
static void push_msg_release(const void *data, size_t len, void *extra)
{
    UNUSED(data);
    UNUSED(len);
    push_msg_unref(extra);
}

static sv_err_t push_scratch_reserve(eng_push_t *push, size_t n)
{
    if (n > push->scratch_cap) {
        size_t cap = push->scratch_cap ? push->scratch_cap : 4096;
        char *s;
        while (cap < n)
            cap *= 2;
        if (!(s = realloc(push->scratch, cap)))
            return SV_ERR_NOMEM;
        push->scratch = s;
        push->scratch_cap = cap;
    }
    return SV_OK;
}

/* {"type":"<type>","data":<json>} into push->scratch; *json_off: where json starts. */
static sv_err_t push_payload(eng_push_t *push, const char *type, const char *json, size_t json_len,
                             size_t *len, size_t *json_off)
{
    size_t tlen = strlen(type), n = 9 + tlen + 9 + json_len + 1;
    char *p;
    if (push_scratch_reserve(push, n) != SV_OK)
        return SV_ERR_NOMEM;
    p = push->scratch;
    memcpy(p, "{\"type\":\"", 9);
    memcpy(p + 9, type, tlen);
    memcpy(p + 9 + tlen, "\",\"data\":", 9);
    memcpy(p + 18 + tlen, json, json_len);
    p[18 + tlen + json_len] = '}';
    *json_off = 18 + tlen;
    *len = n;
    return SV_OK;
}

/* wslay frame layer output: into push->cap_evb, or the flat push->cap_buf. */
static ssize_t push_frame_send(const uint8_t *data, size_t len, int flags, void *user)
{
    eng_push_t *push = user;
    UNUSED(flags);
    if (push->cap_evb) {
        if (evbuffer_add(push->cap_evb, data, len) != 0)
            return -1;
    } else {
        memcpy(push->cap_buf + push->cap_len, data, len);
        push->cap_len += len;
    }
    return (ssize_t)len;
}

static ssize_t push_frame_recv(uint8_t *buf, size_t len, int flags, void *user)
{
    UNUSED(buf);
    UNUSED(len);
    UNUSED(flags);
    UNUSED(user);
    return -1; /* the frame context only encodes */
}

/* Encodes payload as one unmasked text frame through the capture set up by the caller. */
static sv_err_t push_frame(eng_push_t *push, const char *payload, size_t len)
{
    struct wslay_frame_iocb iocb;
    memset(&iocb, 0, sizeof(iocb));
    iocb.fin = 1;
    iocb.opcode = WSLAY_TEXT_FRAME;
    iocb.mask = 0;
    iocb.payload_length = len;
    iocb.data = (const uint8_t *)payload;
    iocb.data_length = len;
    return wslay_frame_send(push->frame, &iocb) == (ssize_t)len ? SV_OK : SV_ERR_FAIL;
}

/* Appends a text frame with payload to out (a subscriber's own message). */
static sv_err_t push_frame_to(eng_push_t *push, struct evbuffer *out, const char *payload,
                              size_t len)
{
    sv_err_t rc;
    push->cap_evb = out;
    rc = push_frame(push, payload, len);
    push->cap_evb = NULL;
    return rc;
}

/* The shared message of an item; refcnt 1 (the caller's). */
static push_msg_t *push_msg_new(eng_push_t *push, const eng_item_t *it)
{
    size_t klen = strlen(it->key), plen, json_off;
    push_msg_t *m;

    if (push_payload(push, eng_item_kind_name(it->kind), it->json, it->json_len, &plen,
                     &json_off) != SV_OK)
        return NULL;
    m = malloc(sizeof(*m) + klen + 1 + PUSH_FRAME_HDR_MAX + plen);
    if (!m)
        return NULL;
    m->refcnt = 1;
    m->kind = it->kind;
    m->hash = eng_htab_hash_str((uint64_t)it->kind + 1, it->key);
    memcpy(m->mem, it->key, klen + 1);
    m->key = m->mem;
    m->ws = (unsigned char *)m->mem + klen + 1;
    m->sse = NULL;
    m->sse_len = 0;
    push->cap_buf = m->ws;
    push->cap_len = 0;
    if (push_frame(push, push->scratch, plen) != SV_OK) {
        free(m);
        return NULL;
    }
    m->ws_len = push->cap_len;
    m->json_off = m->ws_len - plen + json_off;
    m->json_len = it->json_len;
    return m;
}

/* "event: <type>\ndata: <json>\n\n" of m, made once. */
static sv_err_t push_msg_sse(push_msg_t *m)
{
    const char *type = eng_item_kind_name(m->kind);
    size_t tlen = strlen(type);
    char *s;
    if (m->sse)
        return SV_OK;
    s = malloc(7 + tlen + 7 + m->json_len + 2);
    if (!s)
        return SV_ERR_NOMEM;
    memcpy(s, "event: ", 7);
    memcpy(s + 7, type, tlen);
    memcpy(s + 7 + tlen, "\ndata: ", 7);
    memcpy(s + 14 + tlen, m->ws + m->json_off, m->json_len);
    memcpy(s + 14 + tlen + m->json_len, "\n\n", 2);
    m->sse = s;
    m->sse_len = 16 + tlen + m->json_len;
    return SV_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* queues */

static push_qent_t *push_ent_get(eng_push_t *push)
{
    push_qent_t *e = push->free_ents;
    if (e) {
        push->free_ents = e->next;
        push->free_ent_cnt--;
        return e;
    }
    return malloc(sizeof(*e));
}

static void push_ent_put(eng_push_t *push, push_qent_t *e)
{
    if (push->free_ent_cnt >= PUSH_FREE_ENTS_MAX) { /* keep a pool, not a burst's worth */
        free(e);
        return;
    }
    e->next = push->free_ents;
    push->free_ents = e;
    push->free_ent_cnt++;
}

static sv_err_t push_q_grow(push_sub_t *s)
{
    size_t nb = s->nbucket ? s->nbucket * 2 : 16;
    push_qent_t **b = calloc(nb, sizeof(*b));
    if (!b)
        return SV_ERR_NOMEM;
    for (push_qent_t *e = s->qhead; e; e = e->next) {
        size_t i = (size_t)e->msg->hash & (nb - 1);
        e->hnext = b[i];
        b[i] = e;
    }
    free(s->bucket);
    s->bucket = b;
    s->nbucket = nb;
    return SV_OK;
}

/* Queue m for s, replacing a queued update of the same key. SV_ERR_TOOBIG: queue_max reached. */
static sv_err_t push_q_put(push_sub_t *s, push_msg_t *m)
{
    eng_push_t *push = s->push;
    push_qent_t *e;
    size_t i;

    if (s->nbucket)
        for (e = s->bucket[(size_t)m->hash & (s->nbucket - 1)]; e; e = e->hnext)
            if (e->msg->hash == m->hash && e->msg->kind == m->kind &&
                strcmp(e->msg->key, m->key) == 0) {
                push_msg_unref(e->msg);
                m->refcnt++;
                e->msg = m;
                push->st.conflated++;
                return SV_OK;
            }
    if (s->qcnt >= push->conf.queue_max)
        return SV_ERR_TOOBIG;
    if (s->qcnt >= s->nbucket && push_q_grow(s) != SV_OK)
        return SV_ERR_NOMEM;
    if (!(e = push_ent_get(push)))
        return SV_ERR_NOMEM;
    m->refcnt++;
    e->msg = m;
    e->next = NULL;
    i = (size_t)m->hash & (s->nbucket - 1);
    e->hnext = s->bucket[i];
    s->bucket[i] = e;
    if (s->qtail)
        s->qtail->next = e;
    else
        s->qhead = e;
    s->qtail = e;
    s->qcnt++;
    push->st.queued++;
    return SV_OK;
}

/* Take the oldest update off s's queue; the caller owns its reference. */
static push_msg_t *push_q_pop(push_sub_t *s)
{
    push_qent_t *e = s->qhead, **pp;
    push_msg_t *m = e->msg;

    s->qhead = e->next;
    if (!s->qhead)
        s->qtail = NULL;
    for (pp = &s->bucket[(size_t)m->hash & (s->nbucket - 1)]; *pp != e; pp = &(*pp)->hnext)
        ;
    *pp = e->hnext;
    s->qcnt--;
    s->push->st.queued--;
    push_ent_put(s->push, e);
    if (!s->qcnt && s->nbucket > 256) { /* a burst is over: give its index back */
        free(s->bucket);
        s->bucket = NULL;
        s->nbucket = 0;
    }
    return m;
}

/* Drop everything queued for s (counted as dropped when `lost`). */
static void push_q_clear(push_sub_t *s, bool lost)
{
    while (s->qhead) {
        push_msg_t *m = push_q_pop(s);
        if (lost)
            s->push->st.dropped++;
        push_msg_unref(m);
    }
    free(s->bucket);
    s->bucket = NULL;
    s->nbucket = 0;
}

/* Append bytes of m to a socket's buffer, giving up the caller's reference: a small message is
 * copied (cheaper than a chain of its own), a larger one is referenced, released once sent. */
static int push_out_add(struct evbuffer *out, push_msg_t *m, const void *data, size_t len)
{
    int rc;
    if (len <= PUSH_COPY_MAX) {
        rc = evbuffer_add(out, data, len);
        push_msg_unref(m);
        return rc;
    }
    rc = evbuffer_add_reference(out, data, len, push_msg_release, m);
    if (rc != 0)
        push_msg_unref(m);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* subscribers: common */

static void push_tick_arm(eng_push_t *push)
{
    struct timeval tv = {PUSH_TICK_MS / 1000, (PUSH_TICK_MS % 1000) * 1000};
    if (!event_pending(push->tick, EV_TIMEOUT, NULL))
        event_add(push->tick, &tv);
}

static push_sub_t *push_sub_new(eng_push_t *push, push_sub_type_t type,
                                const eng_push_filter_t *f)
{
    push_sub_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->push = push;
    s->type = type;
    s->state = PUSH_OPEN;
    s->filter = *f;
    s->last_rx_ms = s->last_ping_ms = push_now_ms();
    TAILQ_INSERT_TAIL(&push->subs, s, link);
    push->sub_cnt++;
    if (type == PUSH_WS)
        push->st.ws++;
    else
        push->st.sse++;
    push_tick_arm(push);
    return s;
}

/* Mark s dead; the reaper frees it. */
static void push_sub_kill(push_sub_t *s)
{
    if (s->state == PUSH_DEAD)
        return;
    s->state = PUSH_DEAD;
    push_q_clear(s, true);
    if (s->bev) {
        bufferevent_disable(s->bev, EV_READ | EV_WRITE);
        bufferevent_setcb(s->bev, NULL, NULL, NULL, NULL);
    }
    event_active(s->push->reaper, EV_TIMEOUT, 0);
}

static void push_sub_free(push_sub_t *s)
{
    eng_push_t *push = s->push;
    TAILQ_REMOVE(&push->subs, s, link);
    push->sub_cnt--;
    if (s->dirty)
        for (size_t i = 0; i < push->dirty_cnt; i++)
            if (push->dirty[i] == s)
                push->dirty[i] = NULL;
    if (s->type == PUSH_WS)
        push->st.ws--;
    else
        push->st.sse--;
    push_q_clear(s, true);
    if (s->bev)
        bufferevent_free(s->bev); /* closes the socket; releases the references it holds */
    if (s->ws)
        wslay_event_context_free(s->ws);
    if (s->early)
        evbuffer_free(s->early);
    if (s->req) /* only at eng_push_free: the stream is still ours */
        evhttp_send_reply_end(s->req);
    free(s);
}

static void push_reap(evutil_socket_t fd, short what, void *arg)
{
    eng_push_t *push = arg;
    push_sub_t *s, *next;
    UNUSED(fd);
    UNUSED(what);
    for (s = TAILQ_FIRST(&push->subs); s; s = next) {
        next = TAILQ_NEXT(s, link);
        if (s->state == PUSH_DEAD)
            push_sub_free(s);
    }
    if (!push->sub_cnt)
        event_del(push->tick);
}

static void push_mark_dirty(push_sub_t *s)
{
    eng_push_t *push = s->push;
    if (s->dirty)
        return;
    if (push->dirty_cnt == push->dirty_cap) {
        size_t cap = push->dirty_cap ? push->dirty_cap * 2 : 64;
        push_sub_t **d = realloc(push->dirty, cap * sizeof(*d));
        if (!d)
            return; /* it is written when its socket drains or on its next update */
        push->dirty = d;
        push->dirty_cap = cap;
    }
    push->dirty[push->dirty_cnt++] = s;
    s->dirty = true;
}

static struct evbuffer *push_sub_output(push_sub_t *s)
{
    if (s->type == PUSH_WS)
        return bufferevent_get_output(s->bev);
    return bufferevent_get_output(
        evhttp_connection_get_bufferevent(evhttp_request_get_connection(s->req)));
}

static void push_ws_close(push_sub_t *s, uint16_t code, const char *reason);
static void push_sse_end(push_sub_t *s, const char *reason);

/* Disconnect s as a slow consumer with reason. */
static void push_slow(push_sub_t *s, const char *reason)
{
    char buf[120];
    s->push->st.disconnected_slow++;
    LOG_WARN("push", "slow_consumer", "type=%s reason=%s", s->type == PUSH_WS ? "ws" : "sse",
             log_quote(buf, sizeof(buf), reason));
    if (s->type == PUSH_WS)
        push_ws_close(s, WSLAY_CODE_POLICY_VIOLATION, reason);
    else
        push_sse_end(s, reason);
}

static void push_ws_pump(push_sub_t *s);
static void push_sse_pump(push_sub_t *s);

static void push_pump(push_sub_t *s)
{
    if (s->state != PUSH_OPEN)
        return;
    if (s->type == PUSH_WS)
        push_ws_pump(s);
    else
        push_sse_pump(s);
}

/* Snapshot walk context. */
typedef struct push_snap {
    push_sub_t *s;        /* who gets it */
    struct evbuffer *out; /* where it goes */
    size_t cnt;           /* items written */
    bool failed;          /* out of memory */
} push_snap_t;

static void push_snap_item(void *ctx, const eng_item_t *it)
{
    push_snap_t *sn = ctx;
    eng_push_t *push = sn->s->push;
    const char *type = eng_item_kind_name(it->kind);

    if (sn->failed || (it->kind == ENG_ITEM_SIGNAL && !it->live) ||
        !eng_push_filter_match(&sn->s->filter, it))
        return;
    if (sn->s->type == PUSH_WS) {
        size_t len, off;
        if (push_payload(push, type, it->json, it->json_len, &len, &off) != SV_OK ||
            push_frame_to(push, sn->out, push->scratch, len) != SV_OK)
            sn->failed = true;
    } else if (evbuffer_add_printf(sn->out, "event: %s\ndata: ", type) < 0 ||
               evbuffer_add(sn->out, it->json, it->json_len) != 0 ||
               evbuffer_add(sn->out, "\n\n", 2) != 0) {
        sn->failed = true;
    }
    if (!sn->failed)
        sn->cnt++;
}

/* The snapshot of s's filter, then snapshot_end, appended to out. */
static sv_err_t push_snapshot(push_sub_t *s, struct evbuffer *out)
{
    eng_push_t *push = s->push;
    push_snap_t sn = {s, out, 0, false};
    char end[64];
    int n;

    if (push->iter)
        push->iter(push->iter_arg, push_snap_item, &sn);
    if (sn.failed)
        return SV_ERR_NOMEM;
    push->st.snapshot_items += sn.cnt;
    if (s->type == PUSH_WS) {
        n = snprintf(end, sizeof(end), "{\"type\":\"snapshot_end\",\"count\":%zu}", sn.cnt);
        return push_frame_to(push, out, end, (size_t)n);
    }
    return evbuffer_add_printf(out, "event: snapshot_end\ndata: {\"count\":%zu}\n\n", sn.cnt) < 0
               ? SV_ERR_NOMEM
               : SV_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* WebSocket subscribers */

static ssize_t push_ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                               void *user)
{
    push_sub_t *s = user;
    struct evbuffer *src = s->early && evbuffer_get_length(s->early)
                               ? s->early
                               : bufferevent_get_input(s->bev);
    int n = evbuffer_remove(src, buf, len);
    UNUSED(flags);
    if (n <= 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    return n;
}

static ssize_t push_ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
                               int flags, void *user)
{
    push_sub_t *s = user;
    UNUSED(flags);
    if (evbuffer_add(bufferevent_get_output(s->bev), data, len) != 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

/* Sends {"type":"error","code":"bad_request","message":…,"field":…} to s. */
static void push_ws_error(push_sub_t *s, const wire_err_t *err)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "type", "error", "code", "bad_request", "message",
                          err->reason, "field", err->field);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (text)
        push_frame_to(s->push, bufferevent_get_output(s->bev), text, strlen(text));
    free(text);
    json_decref(j);
}

/* A text message from the client: a subscribe, replacing the filter, with a new snapshot. */
static void push_ws_message(push_sub_t *s, const uint8_t *msg, size_t len)
{
    eng_push_filter_t f;
    wire_err_t err;

    if (s->state != PUSH_OPEN)
        return;
    if (eng_push_filter_from_json(&f, (const char *)msg, len, &err) != SV_OK) {
        push_ws_error(s, &err);
        return;
    }
    s->filter = f;
    s->push->st.subscribes++;
    push_q_clear(s, true); /* the snapshot supersedes what was waiting */
    if (push_snapshot(s, bufferevent_get_output(s->bev)) != SV_OK) {
        s->pending_close = WSLAY_CODE_INTERNAL_SERVER_ERROR;
        s->pending_reason = "out of memory";
    }
}

static void push_ws_on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a,
                           void *user)
{
    push_sub_t *s = user;
    UNUSED(ctx);
    if (a->opcode == WSLAY_TEXT_FRAME) {
        push_ws_message(s, a->msg, a->msg_length);
    } else if (a->opcode == WSLAY_BINARY_FRAME && !s->pending_close) {
        s->pending_close = WSLAY_CODE_UNSUPPORTED_DATA;
        s->pending_reason = "binary messages are not supported";
    }
    /* pings are answered by wslay; pongs only prove the client is there (last_rx) */
}

/* Hand wslay's queued control frames to the bufferevent. */
static bool push_ws_send(push_sub_t *s)
{
    if (wslay_event_send(s->ws) != 0) {
        s->push->st.closed++;
        push_sub_kill(s);
        return false;
    }
    return true;
}

/* Where a closing connection stands: end it once the close handshake is over and our last bytes
 * are out; half-close after our close frame so the client sees the end of the stream. */
static void push_ws_check(push_sub_t *s)
{
    struct evbuffer *out;

    if (s->state == PUSH_DEAD)
        return;
    if (s->state == PUSH_OPEN && wslay_event_get_close_received(s->ws)) {
        s->state = PUSH_CLOSING; /* the client closed; wslay has queued our reply */
        s->close_deadline_ms = push_now_ms() + PUSH_CLOSE_GRACE_MS;
        s->push->st.closed++;
        push_q_clear(s, true);
        bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
    }
    if (s->state != PUSH_CLOSING)
        return;
    out = bufferevent_get_output(s->bev);
    if (evbuffer_get_length(out) || wslay_event_want_write(s->ws))
        return;
    if (wslay_event_get_close_received(s->ws)) {
        push_sub_kill(s);
    } else if (!s->shut_wr) {
        shutdown(bufferevent_getfd(s->bev), SHUT_WR);
        s->shut_wr = true;
    }
}

/* Start the closing handshake with code and reason (at most 123 bytes). */
static void push_ws_close(push_sub_t *s, uint16_t code, const char *reason)
{
    size_t rlen = strlen(reason);
    if (s->state != PUSH_OPEN)
        return;
    s->state = PUSH_CLOSING;
    s->close_deadline_ms = push_now_ms() + PUSH_CLOSE_GRACE_MS;
    push_q_clear(s, true);
    bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
    wslay_event_queue_close(s->ws, code, (const uint8_t *)reason, rlen > 123 ? 123 : rlen);
    if (push_ws_send(s))
        push_ws_check(s);
}

static void push_ws_pump(push_sub_t *s)
{
    eng_push_t *push = s->push;
    struct evbuffer *out = bufferevent_get_output(s->bev);

    while (s->qhead && evbuffer_get_length(out) < push->conf.out_max_bytes) {
        push_msg_t *m = push_q_pop(s);
        if (push_out_add(out, m, m->ws, m->ws_len) != 0) {
            push_ws_close(s, WSLAY_CODE_INTERNAL_SERVER_ERROR, "out of memory");
            return;
        }
        push->st.sent++;
    }
}

static void push_ws_on_read(struct bufferevent *bev, void *arg)
{
    push_sub_t *s = arg;
    s->last_rx_ms = push_now_ms();
    if (!wslay_event_get_read_enabled(s->ws)) {
        struct evbuffer *in = bufferevent_get_input(bev);
        evbuffer_drain(in, evbuffer_get_length(in)); /* after a protocol error: discard */
    } else if (wslay_event_recv(s->ws) != 0) {
        s->push->st.closed++;
        push_sub_kill(s);
        return;
    }
    if (s->pending_close) {
        uint16_t code = s->pending_close;
        s->pending_close = 0;
        s->push->st.closed++;
        push_ws_close(s, code, s->pending_reason);
        return;
    }
    if (s->state == PUSH_OPEN && !wslay_event_get_read_enabled(s->ws) &&
        !wslay_event_get_close_received(s->ws)) {
        /* wslay refused a frame (protocol error, too big, bad UTF-8) and queued its close */
        s->state = PUSH_CLOSING;
        s->close_deadline_ms = push_now_ms() + PUSH_CLOSE_GRACE_MS;
        s->push->st.closed++;
        push_q_clear(s, true);
        bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
    }
    if (push_ws_send(s))
        push_ws_check(s);
}

static void push_ws_on_write(struct bufferevent *bev, void *arg)
{
    push_sub_t *s = arg;
    UNUSED(bev);
    if (s->state == PUSH_OPEN)
        push_ws_pump(s);
    else
        push_ws_check(s);
}

static void push_ws_on_event(struct bufferevent *bev, short what, void *arg)
{
    push_sub_t *s = arg;
    UNUSED(bev);
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        if (s->state == PUSH_OPEN)
            s->push->st.closed++;
        push_sub_kill(s);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* SSE subscribers */

static void push_sse_on_drained(struct evhttp_connection *evcon, void *arg)
{
    push_sub_t *s = arg;
    UNUSED(evcon);
    if (s->state == PUSH_OPEN)
        push_sse_pump(s);
}

/* evhttp is freeing the connection: the client went away (or the server is being freed). */
static void push_sse_on_close(struct evhttp_connection *evcon, void *arg)
{
    push_sub_t *s = arg;
    UNUSED(evcon);
    if (s->state == PUSH_OPEN)
        s->push->st.closed++;
    if (s->req && !evhttp_request_get_connection(s->req))
        evhttp_request_free(s->req); /* evhttp detached it from the failed connection */
    s->req = NULL;                   /* attached: evhttp frees it with the connection */
    push_sub_kill(s);
}

static void push_sse_send(push_sub_t *s, struct evbuffer *buf)
{
    evhttp_send_reply_chunk_with_cb(s->req, buf, push_sse_on_drained, s);
    evbuffer_drain(buf, evbuffer_get_length(buf)); /* left only if evhttp refused it */
}

static void push_sse_pump(push_sub_t *s)
{
    eng_push_t *push = s->push;
    struct evbuffer *buf = push->sse_buf;
    size_t room, have = evbuffer_get_length(push_sub_output(s));

    if (!s->qhead || have >= push->conf.out_max_bytes)
        return;
    room = push->conf.out_max_bytes - have;
    while (s->qhead && evbuffer_get_length(buf) < room) {
        push_msg_t *m = push_q_pop(s);
        if (push_msg_sse(m) != SV_OK) {
            push_msg_unref(m);
            break;
        }
        if (push_out_add(buf, m, m->sse, m->sse_len) != 0)
            break;
        push->st.sent++;
    }
    push_sse_send(s, buf);
}

/* End s's stream: a last `event: error` with reason, then the end of the reply; evhttp closes
 * the connection once that is written (or after a write timeout). */
static void push_sse_end(push_sub_t *s, const char *reason)
{
    struct evhttp_connection *evcon;
    struct timeval wt = {PUSH_CLOSE_GRACE_MS / 1000, 0};
    json_t *j;
    char *text;

    if (s->state != PUSH_OPEN || !s->req)
        return;
    push_q_clear(s, true);
    j = json_pack("{s:s}", "message", reason);
    text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    evbuffer_add_printf(s->push->sse_buf, "event: error\ndata: %s\n\n", text ? text : "{}");
    free(text);
    json_decref(j);
    push_sse_send(s, s->push->sse_buf);
    evcon = evhttp_request_get_connection(s->req);
    evhttp_connection_set_closecb(evcon, NULL, NULL);
    bufferevent_set_timeouts(evhttp_connection_get_bufferevent(evcon), NULL, &wt);
    evhttp_send_reply_end(s->req); /* Connection: close was sent: evhttp frees it when done */
    s->req = NULL;
    push_sub_kill(s);
}

/* ---------------------------------------------------------------------------------------- */
/* the two endpoints */

/* A subscriber refused before its token is looked up: 401 naming the field, like the REST
 * routes (eng_api_auth_refuse() for the answers of the lookup). */
static void push_unauthorized(eng_push_t *push, struct evhttp_request *req, const char *reason)
{
    evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                      "Bearer realm=\"savant\"");
    eng_http_error(req, 401, "token", reason);
    push->st.refused++;
}

/* Capacity: subscribers connected plus those waiting for their token (0: refused with 503). */
static bool push_room(eng_push_t *push, struct evhttp_request *req, size_t waiting)
{
    char reason[100];
    if (push->sub_cnt + waiting < push->conf.max_subscribers)
        return true;
    snprintf(reason, sizeof(reason), "too many subscribers (push.max_subscribers = %zu)",
             push->conf.max_subscribers);
    eng_http_error(req, 503, "", reason);
    push->st.refused++;
    return false;
}

static void push_ws_accept(eng_push_t *push, struct evhttp_request *req,
                           const eng_push_filter_t *f);
static void push_sse_accept(eng_push_t *push, struct evhttp_request *req,
                            const eng_push_filter_t *f);

/* Unlink and free p; its connection's close callback no longer points at it. */
static void push_pend_free(push_pend_t *p, bool clear_closecb)
{
    eng_push_t *push = p->push;
    TAILQ_REMOVE(&push->pends, p, link);
    push->pend_cnt--;
    if (clear_closecb && p->req && evhttp_request_get_connection(p->req))
        evhttp_connection_set_closecb(evhttp_request_get_connection(p->req), NULL, NULL);
    free(p);
}

/* The client of a subscriber waiting for its token went away. evhttp frees a request still
 * attached to the connection; one it detached (the client hung up before the answer) is ours. */
static void push_pend_closed(struct evhttp_connection *evcon, void *arg)
{
    push_pend_t *p = arg;
    UNUSED(evcon);
    if (p->auth)
        eng_api_auth_cancel(p->auth); /* the answer still fills the API's cache */
    if (!evhttp_request_get_connection(p->req))
        evhttp_request_free(p->req);
    p->push->st.gone_waiting++;
    push_pend_free(p, false);
}

/* The token's answer (eng_api_resolved_fn): refuse like the REST routes, or subscribe. */
static void push_authed(void *ctx, const eng_api_principal_t *who, sv_err_t rc)
{
    push_pend_t *p = ctx;
    eng_push_t *push = p->push;
    struct evhttp_request *req = p->req;
    push_sub_type_t type = p->type;
    eng_push_filter_t f = p->filter;

    push_pend_free(p, true);
    if (eng_api_auth_refuse(push->api, req, who, rc, ENG_SCOPE_READ)) {
        push->st.refused++;
        return;
    }
    if (!push_room(push, req, 0))
        return;
    LOG_DEBUG("push", "authenticated", "type=%s user_id=%lld token_id=%s",
              type == PUSH_WS ? "ws" : "sse", (long long)who->user_id, who->token_id);
    if (type == PUSH_WS)
        push_ws_accept(push, req, &f);
    else
        push_sse_accept(push, req, &f);
}

/* Admission shared by both endpoints: filter, token, capacity, then the token's lookup through
 * the API (eng_api_authenticate()); the subscription goes on in push_authed(), now or once the
 * store answers. Answers every refusal itself. */
static void push_admit(eng_push_t *push, struct evhttp_request *req, push_sub_type_t type)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
    const char *auth = eng_http_header(req, "Authorization");
    char token[PUSH_TOKEN_MAX];
    eng_push_filter_t f;
    eng_api_auth_t *a;
    push_pend_t *p;
    wire_err_t err;

    if (eng_push_filter_from_query(&f, query, token, sizeof(token), &err) != SV_OK) {
        if (strcmp(err.field, "token") == 0) {
            push_unauthorized(push, req, "invalid token");
            return;
        }
        eng_http_error(req, 400, err.field, err.reason);
        push->st.refused++;
        return;
    }
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0) {
            push_unauthorized(push, req, "Authorization: expected 'Bearer TOKEN'");
            return;
        }
        if (strlen(auth + 7) >= sizeof(token)) {
            push_unauthorized(push, req, "invalid token");
            return;
        }
        snprintf(token, sizeof(token), "%s", auth + 7);
    }
    if (!token[0]) {
        push_unauthorized(push, req,
                          auth ? "invalid token"
                               : "missing token (Authorization: Bearer TOKEN, or ?token=TOKEN)");
        return;
    }
    if (!push->api) {
        push_unauthorized(push, req, "push is disabled: no token authority");
        return;
    }
    if (!push_room(push, req, push->pend_cnt))
        return;
    if (!(p = calloc(1, sizeof(*p)))) {
        eng_http_error(req, 500, "", "out of memory");
        push->st.refused++;
        return;
    }
    p->push = push;
    p->type = type;
    p->req = req;
    p->filter = f;
    TAILQ_INSERT_TAIL(&push->pends, p, link);
    push->pend_cnt++;
    evhttp_connection_set_closecb(evhttp_request_get_connection(req), push_pend_closed, p);
    a = eng_api_authenticate(push->api, token, push_authed, p);
    if (a) /* in flight: p waits (else push_authed has run and freed it) */
        p->auth = a;
}

/* Sec-WebSocket-Key: base64 of 16 bytes. */
static bool push_ws_key_ok(const char *key)
{
    unsigned char raw[24];
    if (!key || strlen(key) != 24 || key[22] != '=' || key[23] != '=')
        return false;
    return EVP_DecodeBlock(raw, (const unsigned char *)key, 24) == 18;
}

/* The WebSocket handshake is checked before the token: a client that cannot speak WebSocket
 * learns so without a lookup. */
static void push_on_ws(struct evhttp_request *req, void *arg)
{
    eng_push_t *push = arg;
    const char *key = eng_http_header(req, "Sec-WebSocket-Key");
    const char *version = eng_http_header(req, "Sec-WebSocket-Version");

    if (!eng_http_header_has_token(eng_http_header(req, "Upgrade"), "websocket")) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Upgrade", "websocket");
        eng_http_error(req, 426, "Upgrade",
                       "expected a WebSocket upgrade (Upgrade: websocket); plain HTTP clients "
                       "use " ENG_PUSH_PATH_SSE);
        push->st.refused++;
        return;
    }
    if (!eng_http_header_has_token(eng_http_header(req, "Connection"), "upgrade")) {
        eng_http_error(req, 400, "Connection", "expected 'Connection: Upgrade'");
        push->st.refused++;
        return;
    }
    if (!version || strcmp(version, "13") != 0) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Sec-WebSocket-Version", "13");
        eng_http_error(req, 426, "Sec-WebSocket-Version", "only version 13 is supported");
        push->st.refused++;
        return;
    }
    if (!push_ws_key_ok(key)) {
        eng_http_error(req, 400, "Sec-WebSocket-Key", "expected the base64 of 16 bytes");
        push->st.refused++;
        return;
    }
    push_admit(push, req, PUSH_WS);
}

/* An authenticated WebSocket subscriber: 101, the socket taken from evhttp, the snapshot. */
static void push_ws_accept(eng_push_t *push, struct evhttp_request *req,
                           const eng_push_filter_t *f)
{
    const char *key = eng_http_header(req, "Sec-WebSocket-Key");
    struct wslay_event_callbacks cbs = {push_ws_recv_cb, push_ws_send_cb, NULL, NULL, NULL, NULL,
                                        push_ws_on_msg};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char accept_key[64], keyguid[64];
    struct evbuffer *rest = NULL, *out;
    push_sub_t *s;
    evutil_socket_t fd;

    snprintf(keyguid, sizeof(keyguid), "%s%s", key, PUSH_WS_GUID);
    if (!EVP_Digest(keyguid, strlen(keyguid), md, &mdlen, EVP_sha1(), NULL) || mdlen != 20 ||
        !(rest = evbuffer_new())) {
        eng_http_error(req, 500, "", "out of memory");
        evbuffer_free(rest);
        return;
    }
    EVP_EncodeBlock((unsigned char *)accept_key, md, 20);

    fd = eng_http_takeover(push->http, req, rest); /* req is gone from here on */
    if (fd < 0) {
        evbuffer_free(rest);
        return;
    }
    if (!(s = push_sub_new(push, PUSH_WS, f))) {
        close(fd);
        evbuffer_free(rest);
        return;
    }
    s->bev = bufferevent_socket_new(push->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!s->bev)
        close(fd);
    if (!s->bev || wslay_event_context_server_init(&s->ws, &cbs, s) != 0) {
        s->state = PUSH_DEAD;
        event_active(push->reaper, EV_TIMEOUT, 0);
        evbuffer_free(rest);
        return;
    }
    wslay_event_config_set_max_recv_msg_length(s->ws, ENG_PUSH_MSG_MAX);
    out = bufferevent_get_output(s->bev);
    evbuffer_add_printf(out,
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                        accept_key);
    push->st.accepted++;
    if (push_snapshot(s, out) != SV_OK) {
        push_ws_close(s, WSLAY_CODE_INTERNAL_SERVER_ERROR, "out of memory");
        evbuffer_free(rest);
        return;
    }
    bufferevent_setcb(s->bev, push_ws_on_read, push_ws_on_write, push_ws_on_event, s);
    bufferevent_setwatermark(s->bev, EV_WRITE, push->conf.out_max_bytes / 2, 0);
    bufferevent_setwatermark(s->bev, EV_READ, 0, 4 * ENG_PUSH_MSG_MAX);
    bufferevent_enable(s->bev, EV_READ | EV_WRITE);
    LOG_DEBUG("push", "subscribed", "type=ws subscribers=%zu", push->sub_cnt);
    if (evbuffer_get_length(rest)) { /* the client spoke before hearing our 101 */
        s->early = rest;
        push_ws_on_read(s->bev, s);
    } else {
        evbuffer_free(rest);
    }
}

static void push_on_sse(struct evhttp_request *req, void *arg)
{
    push_admit(arg, req, PUSH_SSE);
}

/* An authenticated SSE subscriber: the streaming reply and the snapshot. */
static void push_sse_accept(eng_push_t *push, struct evhttp_request *req,
                            const eng_push_filter_t *f)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evhttp_connection *evcon;
    struct bufferevent *bev;
    push_sub_t *s;

    if (!(s = push_sub_new(push, PUSH_SSE, f))) {
        eng_http_error(req, 500, "", "out of memory");
        return;
    }
    s->req = req;
    evhttp_add_header(h, "Content-Type", "text/event-stream");
    evhttp_add_header(h, "Cache-Control", "no-cache");
    evhttp_add_header(h, "X-Accel-Buffering", "no");
    evhttp_add_header(h, "Connection", "close");
    evhttp_send_reply_start(req, 200, "OK");
    evcon = evhttp_request_get_connection(req);
    bev = evhttp_connection_get_bufferevent(evcon);
    evhttp_connection_set_closecb(evcon, push_sse_on_close, s);
    bufferevent_set_timeouts(bev, NULL, NULL); /* a stream is long; keepalive is ours */
    bufferevent_setwatermark(bev, EV_READ, 0, PUSH_SSE_IN_MAX);
    push->st.accepted++;
    if (push_snapshot(s, push->sse_buf) != SV_OK) {
        evbuffer_drain(push->sse_buf, evbuffer_get_length(push->sse_buf));
        push_sse_end(s, "out of memory");
        return;
    }
    push_sse_send(s, push->sse_buf);
    LOG_DEBUG("push", "subscribed", "type=sse subscribers=%zu", push->sub_cnt);
}

/* ---------------------------------------------------------------------------------------- */
/* keepalive, idle and slow checks */

static void push_on_tick(evutil_socket_t fd, short what, void *arg)
{
    eng_push_t *push = arg;
    int64_t now = push_now_ms(), ping_ms = (int64_t)push->conf.ping_s * 1000,
            idle_ms = (int64_t)push->conf.idle_s * 1000;
    push_sub_t *s;
    UNUSED(fd);
    UNUSED(what);

    TAILQ_FOREACH(s, &push->subs, link) {
        size_t unsent;
        if (s->state == PUSH_CLOSING) {
            if (now >= s->close_deadline_ms)
                push_sub_kill(s);
            continue;
        }
        if (s->state != PUSH_OPEN)
            continue;
        if (s->type == PUSH_WS && now - s->last_rx_ms >= idle_ms) {
            push->st.disconnected_idle++;
            push_ws_close(s, WSLAY_CODE_GOING_AWAY, "idle timeout");
            continue;
        }
        unsent = evbuffer_get_length(push_sub_output(s));
        if (unsent < push->conf.out_max_bytes) {
            s->over_since_ms = 0;
        } else if (!s->over_since_ms) {
            s->over_since_ms = now;
        } else if (now - s->over_since_ms >= idle_ms) {
            char reason[100];
            snprintf(reason, sizeof(reason), "slow consumer: %zu bytes unsent for %d s", unsent,
                     push->conf.idle_s);
            push_slow(s, reason);
            continue;
        }
        if (now - s->last_ping_ms < ping_ms)
            continue;
        s->last_ping_ms = now;
        if (s->type == PUSH_WS) {
            struct wslay_event_msg ping = {WSLAY_PING, (const uint8_t *)"savant", 6};
            if (wslay_event_queue_msg(s->ws, &ping) == 0 && push_ws_send(s))
                push_ws_check(s);
        } else {
            struct evbuffer *in = bufferevent_get_input(
                evhttp_connection_get_bufferevent(evhttp_request_get_connection(s->req)));
            evbuffer_drain(in, evbuffer_get_length(in)); /* SSE clients have nothing to say */
            if (unsent < push->conf.out_max_bytes) {
                evbuffer_add(push->sse_buf, ": ping\n\n", 8);
                push_sse_send(s, push->sse_buf);
            }
        }
    }
    if (push->sub_cnt)
        push_tick_arm(push);
}

/* ---------------------------------------------------------------------------------------- */
/* the engine's side */

void eng_push_conf_from_cfg(eng_push_conf_t *conf, const cfg_t *cfg)
{
    conf->queue_max = (size_t)cfg->push_queue_max;
    conf->out_max_bytes = (size_t)cfg->push_out_max_bytes;
    conf->ping_s = (int)cfg->push_ping_s;
    conf->idle_s = (int)cfg->push_idle_s;
    conf->max_subscribers = (size_t)cfg->push_max_subscribers;
}

void eng_push_publish(eng_push_t *push, const eng_item_t *it)
{
    push_msg_t *m = NULL;
    push_sub_t *s;

    TAILQ_FOREACH(s, &push->subs, link) {
        sv_err_t rc;
        if (s->state != PUSH_OPEN || !eng_push_filter_match(&s->filter, it))
            continue;
        if (!m && !(m = push_msg_new(push, it))) {
            LOG_ERROR("push", "out_of_memory", "key=%s", it->key);
            return;
        }
        rc = push_q_put(s, m);
        if (rc == SV_OK) {
            push_mark_dirty(s);
        } else if (rc == SV_ERR_TOOBIG) {
            char reason[100];
            snprintf(reason, sizeof(reason), "slow consumer: %zu updates pending", s->qcnt);
            push_slow(s, reason);
        } else {
            if (s->type == PUSH_WS)
                push_ws_close(s, WSLAY_CODE_INTERNAL_SERVER_ERROR, "out of memory");
            else
                push_sse_end(s, "out of memory");
        }
    }
    if (m) {
        push->st.published++;
        push_msg_unref(m);
    }
}

void eng_push_flush(eng_push_t *push)
{
    for (size_t i = 0; i < push->dirty_cnt; i++) {
        push_sub_t *s = push->dirty[i];
        if (!s)
            continue; /* freed since it was queued */
        s->dirty = false;
        push_pump(s);
    }
    push->dirty_cnt = 0;
}

void eng_push_stats(const eng_push_t *push, eng_push_stats_t *st)
{
    *st = push->st;
    st->subscribers = push->sub_cnt;
    st->waiting = push->pend_cnt;
}

eng_push_t *eng_push_new(struct event_base *base, eng_http_t *http, eng_api_t *api,
                         const eng_push_conf_t *conf, eng_item_iter_fn *snapshot_iter, void *arg,
                         char *errstr, size_t errstr_size)
{
    static const struct wslay_frame_callbacks fcbs = {push_frame_send, push_frame_recv, NULL};
    eng_push_t *push = calloc(1, sizeof(*push));

    if (!push) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    TAILQ_INIT(&push->subs);
    TAILQ_INIT(&push->pends);
    push->base = base;
    push->http = http;
    push->api = api;
    push->conf = *conf;
    push->iter = snapshot_iter;
    push->iter_arg = arg;
    if (push->conf.queue_max < 1 || push->conf.out_max_bytes < 1 || push->conf.ping_s < 1 ||
        push->conf.idle_s < 1 || push->conf.max_subscribers < 1) {
        snprintf(errstr, errstr_size, "push: queue_max, out_max_bytes, ping_s, idle_s and "
                                      "max_subscribers must be positive");
        goto fail;
    }
    if (wslay_frame_context_init(&push->frame, &fcbs, push) != 0 ||
        !(push->reaper = event_new(base, -1, 0, push_reap, push)) ||
        !(push->tick = event_new(base, -1, 0, push_on_tick, push)) ||
        !(push->sse_buf = evbuffer_new())) {
        snprintf(errstr, errstr_size, "push: out of memory");
        goto fail;
    }
    if (eng_http_route_methods(http, ENG_PUSH_PATH_WS, EVHTTP_REQ_GET, false, push_on_ws, push) !=
            SV_OK ||
        eng_http_route_methods(http, ENG_PUSH_PATH_SSE, EVHTTP_REQ_GET, false, push_on_sse,
                               push) != SV_OK) {
        snprintf(errstr, errstr_size, "push: cannot register %s and %s (already routed?)",
                 ENG_PUSH_PATH_WS, ENG_PUSH_PATH_SSE);
        goto fail;
    }
    return push;
fail:
    eng_push_free(push);
    return NULL;
}

void eng_push_free(eng_push_t *push)
{
    push_pend_t *p;
    push_sub_t *s;

    if (!push)
        return;
    while ((p = TAILQ_FIRST(&push->pends))) {
        struct evhttp_request *req = p->req;
        if (p->auth)
            eng_api_auth_cancel(p->auth);
        push_pend_free(p, true);
        eng_http_error(req, 503, "", "server shutting down");
    }
    TAILQ_FOREACH(s, &push->subs, link) {
        if (s->state != PUSH_OPEN && s->state != PUSH_CLOSING)
            continue;
        if (s->type == PUSH_WS) {
            if (s->state == PUSH_OPEN) {
                wslay_event_queue_close(s->ws, WSLAY_CODE_GOING_AWAY,
                                        (const uint8_t *)"server shutting down", 20);
                wslay_event_send(s->ws);
            }
            /* one non-blocking attempt; a client that is not reading loses the rest (the
             * bufferevent owns the buffer's start: unfreeze it for the direct write) */
            struct evbuffer *out = bufferevent_get_output(s->bev);
            evbuffer_unfreeze(out, 1);
            evbuffer_write(out, bufferevent_getfd(s->bev));
            evbuffer_freeze(out, 1);
            push_sub_kill(s);
        } else {
            push_sse_end(s, "server shutting down");
        }
    }
    while ((s = TAILQ_FIRST(&push->subs)))
        push_sub_free(s);
    while (push->free_ents) {
        push_qent_t *e = push->free_ents;
        push->free_ents = e->next;
        free(e);
    }
    if (push->reaper)
        event_free(push->reaper);
    if (push->tick)
        event_free(push->tick);
    if (push->frame)
        wslay_frame_context_free(push->frame);
    if (push->sse_buf)
        evbuffer_free(push->sse_buf);
    free(push->dirty);
    free(push->scratch);
    free(push);
}
