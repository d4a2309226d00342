/*
 * http — the engine's HTTP port (see http.h). evhttp parses requests; one generic callback looks
 * the path up in our route table and checks the method, so 404 and 405 are JSON like every other
 * error. Connections taken over (WebSocket upgrades) are handed to the caller on a duplicate
 * descriptor; the original descriptor number is pointed at /dev/null so that evhttp's own
 * teardown (which shuts down and closes it) cannot reach the socket, and evhttp's connection
 * object is freed on a later loop turn rather than under evhttp's own callback.
 */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "sv_util.h"

#define ENG_HTTP_BACKLOG 4096 /* pending connections the kernel queues for accept() */
#define ENG_HTTP_ALL_METHODS                                                                       \
    (EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |    \
     EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

/* One row of the route table. */
typedef struct eng_http_route {
    char *path;              /* exact path, or prefix */
    size_t path_len;         /* strlen(path) */
    bool prefix;             /* path is a prefix */
    unsigned methods;        /* EVHTTP_REQ_* accepted */
    eng_http_handler_fn *fn; /* the handler */
    void *arg;               /* its argument */
} eng_http_route_t;

struct eng_http {
    struct event_base *base;          /* the loop */
    struct evhttp *evh;               /* the server */
    int port;                         /* bound port */
    eng_http_route_t *routes;         /* route table */
    size_t route_cnt, route_cap;      /* rows used, allocated */
    int devnull;                      /* /dev/null, dup'ed over descriptors taken over */
    struct evhttp_connection **dead;  /* taken-over connections evhttp still has to free */
    size_t dead_cnt, dead_cap;        /* entries used, allocated */
    struct event *reaper;             /* frees `dead` on the next loop turn */
};

static const struct {
    unsigned bit;
    const char *name;
} eng_http_method_names[] = {
    {EVHTTP_REQ_GET, "GET"},         {EVHTTP_REQ_HEAD, "HEAD"},   {EVHTTP_REQ_POST, "POST"},
    {EVHTTP_REQ_PUT, "PUT"},         {EVHTTP_REQ_PATCH, "PATCH"}, {EVHTTP_REQ_DELETE, "DELETE"},
    {EVHTTP_REQ_OPTIONS, "OPTIONS"}, {EVHTTP_REQ_TRACE, "TRACE"}, {EVHTTP_REQ_CONNECT, "CONNECT"},
};

static const char *eng_http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Server Error";
    }
}

void eng_http_reply_json(struct evhttp_request *req, int status, const char *json_text)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *body = evbuffer_new();

    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Cache-Control", "no-store");
    if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
        /* evhttp 2.1 would send the body of a HEAD reply: give the length only */
        char len[24];
        snprintf(len, sizeof(len), "%zu", strlen(json_text) + 1);
        evhttp_add_header(h, "Content-Length", len);
        evhttp_send_reply(req, status, eng_http_reason(status), NULL);
    } else if (body && evbuffer_add(body, json_text, strlen(json_text)) == 0 &&
               evbuffer_add(body, "\n", 1) == 0) {
        evhttp_send_reply(req, status, eng_http_reason(status), body);
    } else {
        evhttp_send_reply(req, 500, eng_http_reason(500), NULL);
    }
    if (body)
        evbuffer_free(body);
}

const char *eng_http_error_code(int status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 422: return "unprocessable";
    case 426: return "upgrade_required";
    case 429: return "rate_limited";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "error";
    }
}

void eng_http_error(struct evhttp_request *req, int status, const char *field, const char *reason)
{
    json_t *j = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", eng_http_error_code(status),
                          "message", reason ? reason : "", "field", field ? field : "");
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

    eng_http_reply_json(req, status,
                        text ? text
                             : "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\","
                               "\"field\":\"\"}}");
    free(text);
    json_decref(j);
}

const char *eng_http_header(struct evhttp_request *req, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

bool eng_http_header_has_token(const char *value, const char *token)
{
    size_t tlen = strlen(token);

    if (!value)
        return false;
    for (const char *p = value; *p;) {
        const char *end;
        size_t len;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        end = p;
        while (*end && *end != ',')
            end++;
        len = (size_t)(end - p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == tlen && len && strncasecmp(p, token, tlen) == 0)
            return true;
        p = end;
    }
    return false;
}

/* The route for path: an exact one, else the longest prefix; NULL if none. */
static const eng_http_route_t *eng_http_lookup(const eng_http_t *http, const char *path)
{
    const eng_http_route_t *best = NULL;
    size_t len = strlen(path);

    for (size_t i = 0; i < http->route_cnt; i++) {
        const eng_http_route_t *r = &http->routes[i];
        if (!r->prefix) {
            if (r->path_len == len && memcmp(r->path, path, len) == 0)
                return r;
        } else if (len >= r->path_len && memcmp(r->path, path, r->path_len) == 0 &&
                   (!best || r->path_len > best->path_len)) {
            best = r;
        }
    }
    return best;
}

/* evhttp's only callback: route, check the method, dispatch. */
static void eng_http_dispatch(struct evhttp_request *req, void *arg)
{
    eng_http_t *http = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    unsigned cmd = (unsigned)evhttp_request_get_command(req);
    const eng_http_route_t *r;
    char allow[96], reason[200];
    size_t off = 0;

    if (!path || !*path)
        path = "/";
    r = eng_http_lookup(http, path);
    if (!r) {
        snprintf(reason, sizeof(reason), "no such endpoint: %.120s", path);
        eng_http_error(req, 404, "path", reason);
        return;
    }
    if (!(r->methods & cmd)) {
        allow[0] = '\0';
        for (size_t i = 0; i < SV_ARRAY_SIZE(eng_http_method_names); i++)
            if (r->methods & eng_http_method_names[i].bit) {
                int w = snprintf(allow + off, sizeof(allow) - off, "%s%s", off ? ", " : "",
                                 eng_http_method_names[i].name);
                if (w > 0 && (size_t)w < sizeof(allow) - off)
                    off += (size_t)w;
            }
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
        snprintf(reason, sizeof(reason), "%.60s takes %s", r->path, allow);
        eng_http_error(req, 405, "method", reason);
        return;
    }
    r->fn(req, r->arg);
}

sv_err_t eng_http_route_methods(eng_http_t *http, const char *path, unsigned methods, bool prefix,
                                eng_http_handler_fn *fn, void *arg)
{
    eng_http_route_t *r;

    if (!path || path[0] != '/' || !(methods & ENG_HTTP_ALL_METHODS) || !fn)
        return SV_ERR_INVALID;
    for (size_t i = 0; i < http->route_cnt; i++)
        if (http->routes[i].prefix == prefix && strcmp(http->routes[i].path, path) == 0)
            return SV_ERR_EXISTS;
    if (http->route_cnt == http->route_cap) {
        size_t cap = http->route_cap ? http->route_cap * 2 : 8;
        eng_http_route_t *n = realloc(http->routes, cap * sizeof(*n));
        if (!n)
            return SV_ERR_NOMEM;
        http->routes = n;
        http->route_cap = cap;
    }
    r = &http->routes[http->route_cnt];
    if (!(r->path = strdup(path)))
        return SV_ERR_NOMEM;
    r->path_len = strlen(path);
    r->prefix = prefix;
    r->methods = methods & ENG_HTTP_ALL_METHODS;
    r->fn = fn;
    r->arg = arg;
    http->route_cnt++;
    return SV_OK;
}

sv_err_t eng_http_route(eng_http_t *http, const char *path, eng_http_handler_fn *fn, void *arg)
{
    return eng_http_route_methods(http, path, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, false, fn, arg);
}

/* Frees the connections taken over since the last turn. */
static void eng_http_reap(evutil_socket_t fd, short what, void *arg)
{
    eng_http_t *http = arg;
    UNUSED(fd);
    UNUSED(what);
    for (size_t i = 0; i < http->dead_cnt; i++)
        evhttp_connection_free(http->dead[i]); /* shuts down and closes /dev/null, not the socket */
    http->dead_cnt = 0;
}

evutil_socket_t eng_http_takeover(eng_http_t *http, struct evhttp_request *req,
                                  struct evbuffer *rest)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1, nfd = -1;

    if (fd < 0)
        goto fail;
    if (http->dead_cnt == http->dead_cap) {
        size_t cap = http->dead_cap ? http->dead_cap * 2 : 16;
        struct evhttp_connection **n = realloc(http->dead, cap * sizeof(*n));
        if (!n)
            goto fail;
        http->dead = n;
        http->dead_cap = cap;
    }
    /* Remove the socket from the backend (epoll) while the number still names it; after the
     * dup3 below it names /dev/null, and evhttp never re-enables a connection we hold. */
    bufferevent_disable(bev, EV_READ | EV_WRITE);
    nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (nfd < 0)
        goto fail;
    if (dup3(http->devnull, fd, O_CLOEXEC) < 0)
        goto fail;
    evbuffer_add_buffer(rest, bufferevent_get_input(bev));
    evhttp_connection_set_closecb(evcon, NULL, NULL);
    http->dead[http->dead_cnt++] = evcon;
    event_active(http->reaper, EV_TIMEOUT, 0);
    return nfd;
fail:
    if (nfd >= 0)
        close(nfd);
    eng_http_error(req, 500, "", "cannot take the connection over");
    return -1;
}

/* Splits "host:port" / "[v6]:port" into host (brackets removed) and port. */
static sv_err_t eng_http_parse_listen(const char *listen, char *host, size_t host_size, int *port)
{
    const char *colon = strrchr(listen, ':');
    const char *h = listen;
    size_t hlen;
    char *end;
    long p;

    if (!colon || colon == listen || !colon[1])
        return SV_ERR_INVALID;
    hlen = (size_t)(colon - listen);
    if (h[0] == '[') {
        if (hlen < 3 || h[hlen - 1] != ']')
            return SV_ERR_INVALID;
        h++;
        hlen -= 2;
    }
    if (hlen >= host_size)
        return SV_ERR_INVALID;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    errno = 0;
    p = strtol(colon + 1, &end, 10);
    if (errno || *end || p < 0 || p > 65535)
        return SV_ERR_INVALID;
    *port = (int)p;
    return SV_OK;
}

/* A listening socket on host:port with a backlog of ENG_HTTP_BACKLOG (evhttp's own bind uses
 * 128, which makes a burst of reconnecting push subscribers wait for SYN retransmits). */
static evutil_socket_t eng_http_listen_fd(const char *host, int port, char *errstr,
                                          size_t errstr_size)
{
    struct evutil_addrinfo hints, *ai = NULL;
    char portstr[16];
    evutil_socket_t fd = -1;
    int rc, on = 1;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE;
    snprintf(portstr, sizeof(portstr), "%d", port);
    rc = evutil_getaddrinfo(*host ? host : NULL, portstr, &hints, &ai);
    if (rc != 0 || !ai) {
        snprintf(errstr, errstr_size, "http.listen: cannot resolve '%s': %s", host,
                 evutil_gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* TCP_NODELAY on the listener: Linux copies it to every accepted connection. Without it a
     * reply larger than libevent's 16 KB single write waits for the client's delayed ACK
     * (~40 ms: GET /api/v1/signals was capped at ~730 req/s on 32 connections, bench-api) */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 ||
        bind(fd, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0 ||
        listen(fd, ENG_HTTP_BACKLOG) != 0) {
        snprintf(errstr, errstr_size, "http.listen: cannot listen on '%s' port %d: %s", host,
                 port, strerror(errno));
        if (fd >= 0)
            evutil_closesocket(fd);
        fd = -1;
    }
    evutil_freeaddrinfo(ai);
    return fd;
}

eng_http_t *eng_http_new(struct event_base *base, const char *listen, char *errstr,
                         size_t errstr_size)
{
    eng_http_t *http = calloc(1, sizeof(*http));
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    char host[256];
    evutil_socket_t fd;
    int port;

    if (!http) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    http->base = base;
    http->devnull = -1;
    if (eng_http_parse_listen(listen, host, sizeof(host), &port) != SV_OK) {
        snprintf(errstr, errstr_size, "http.listen: expected host:port, got '%s'", listen);
        goto fail;
    }
    http->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    http->evh = evhttp_new(base);
    http->reaper = event_new(base, -1, 0, eng_http_reap, http);
    if (http->devnull < 0 || !http->evh || !http->reaper) {
        snprintf(errstr, errstr_size, "cannot create the HTTP server: %s", strerror(errno));
        goto fail;
    }
    evhttp_set_max_headers_size(http->evh, ENG_HTTP_MAX_HEADERS_SIZE);
    evhttp_set_max_body_size(http->evh, ENG_HTTP_MAX_BODY_SIZE);
    evhttp_set_timeout(http->evh, ENG_HTTP_TIMEOUT_S);
    evhttp_set_allowed_methods(http->evh, ENG_HTTP_ALL_METHODS);
    evhttp_set_gencb(http->evh, eng_http_dispatch, http);
    fd = eng_http_listen_fd(host, port, errstr, errstr_size);
    if (fd < 0)
        goto fail;
    bound = evhttp_accept_socket_with_handle(http->evh, fd);
    if (!bound) {
        snprintf(errstr, errstr_size, "http.listen: cannot serve '%s'", listen);
        evutil_closesocket(fd);
        goto fail;
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sslen) != 0) {
        snprintf(errstr, errstr_size, "http.listen: getsockname: %s", strerror(errno));
        goto fail;
    }
    http->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return http;
fail:
    eng_http_free(http);
    return NULL;
}

int eng_http_port(const eng_http_t *http)
{
    return http->port;
}

void eng_http_free(eng_http_t *http)
{
    if (!http)
        return;
    if (http->reaper) {
        eng_http_reap(-1, 0, http);
        event_free(http->reaper);
    }
    if (http->evh)
        evhttp_free(http->evh);
    for (size_t i = 0; i < http->route_cnt; i++)
        free(http->routes[i].path);
    free(http->routes);
    free(http->dead);
    if (http->devnull >= 0)
        close(http->devnull);
    free(http);
}
