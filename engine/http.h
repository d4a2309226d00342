/*
 * http — the engine's HTTP port: one libevent evhttp server on http.listen, a table of routes
 * (exact paths, or prefixes), JSON replies and JSON errors, and the request limits every route
 * shares. A request for a path no route serves gets 404, a method the route does not take gets
 * 405 (with Allow), both as {"error":{"field":…,"reason":…}} like every error of the API
 * (DESIGN §6). The REST routes, /healthz, /readyz, /metrics and the push endpoints
 * (engine/push.h) all hang off one eng_http_t.
 *
 * It also lets a route take a connection away from evhttp (eng_http_takeover()): libevent 2.1
 * has no WebSocket support, so the push module answers the Upgrade itself on the socket evhttp
 * accepted (docs/decisions/0010-push-transport.md says how and why).
 *
 * Everything here runs on the loop thread of the event_base given to eng_http_new().
 */
#ifndef SV_ENG_HTTP_H
#define SV_ENG_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <event2/http.h>

#include "sv_err.h"

#define ENG_HTTP_MAX_HEADERS_SIZE 8192      /* bytes of a request's line and headers */
#define ENG_HTTP_MAX_BODY_SIZE (1 << 20)    /* bytes of a request body */
#define ENG_HTTP_TIMEOUT_S 30               /* reading a request, writing a reply, keep-alive */

typedef struct eng_http eng_http_t;

/**
 * @brief Serves one request. It must answer it, now or later, exactly once: with
 *        eng_http_reply_json(), eng_http_error(), the evhttp reply functions, or by taking the
 *        connection over (eng_http_takeover()).
 * @param req borrowed; valid until it is answered.
 * @locality main loop
 */
typedef void(eng_http_handler_fn)(struct evhttp_request *req, void *arg);

/**
 * @brief Listen on `listen` ("host:port", "[v6]:port"; port 0: any free port) and serve on base.
 *        The socket is ours (backlog 4096, not evhttp's 128, so a burst of reconnecting push
 *        subscribers is not held back by SYN retransmits) and handed to evhttp.
 * @returns the server, freed with eng_http_free(); NULL with errstr filled when the address is
 *          malformed or cannot be bound.
 * @locality main loop
 */
eng_http_t *eng_http_new(struct event_base *base, const char *listen, char *errstr,
                         size_t errstr_size);

/** @brief The port bound (the real one when http.listen asked for port 0). @locality any */
int eng_http_port(const eng_http_t *http);

/**
 * @brief Route GET (and HEAD) requests for exactly `path` to fn(req, arg).
 * @returns SV_OK; SV_ERR_EXISTS when the path has a route; SV_ERR_NOMEM.
 * @locality main loop
 */
sv_err_t eng_http_route(eng_http_t *http, const char *path, eng_http_handler_fn *fn, void *arg);

/**
 * @brief Route requests of the given methods (EVHTTP_REQ_GET | EVHTTP_REQ_POST | …) for `path`
 *        — or, with prefix, for every path starting with it (the longest prefix wins; an exact
 *        route beats every prefix) — to fn(req, arg). path is copied.
 * @returns SV_OK; SV_ERR_EXISTS when the same path (and prefix flag) has a route; SV_ERR_NOMEM;
 *          SV_ERR_INVALID when path does not start with '/' or methods is 0.
 * @locality main loop
 */
sv_err_t eng_http_route_methods(eng_http_t *http, const char *path, unsigned methods, bool prefix,
                                eng_http_handler_fn *fn, void *arg);

/**
 * @brief Stop listening, close every connection evhttp still holds and free the server.
 *        Connections taken over with eng_http_takeover() belong to their taker and stay.
 *        Accepts NULL.
 * @locality main loop (not from inside one of its handlers)
 */
void eng_http_free(eng_http_t *http);

/**
 * @brief Answer req with status and a JSON body (Content-Type: application/json, no caching).
 * @param json_text borrowed, copied into the reply.
 * @locality main loop
 */
void eng_http_reply_json(struct evhttp_request *req, int status, const char *json_text);

/**
 * @brief Answer req with status and {"error":{"code":CODE,"message":reason,"field":field}}
 *        (CODE from eng_http_error_code(status); field "" when the request as a whole is at
 *        fault). Both strings are escaped as JSON.
 * @locality main loop
 */
void eng_http_error(struct evhttp_request *req, int status, const char *field,
                    const char *reason);

/** @brief The error code of an HTTP status: 400 bad_request, 401 unauthorized, 403 forbidden,
 *         404 not_found, 405 method_not_allowed, 409 conflict, 413 too_large, 422
 *         unprocessable, 426 upgrade_required, 429 rate_limited, 503 unavailable, other 5xx
 *         internal, else error. @locality any */
const char *eng_http_error_code(int status);

/**
 * @brief The value of request header `name` (case-insensitive), or NULL. Borrowed, valid while
 *        req is. @locality main loop
 */
const char *eng_http_header(struct evhttp_request *req, const char *name);

/**
 * @brief Whether a comma-separated header value contains `token` (case-insensitive), as in
 *        "Connection: keep-alive, Upgrade". @locality any
 */
bool eng_http_header_has_token(const char *value, const char *token);

/**
 * @brief Take req's connection away from evhttp, unanswered: the caller gets a descriptor of
 *        the same socket (non-blocking, close-on-exec) and speaks on it itself. Bytes evhttp had
 *        already read past the request are moved into `rest`. evhttp's connection object and req
 *        are freed by eng_http on a later turn of the loop, without a reply and without
 *        touching the socket.
 * @param req borrowed; must not be used after the call, whatever it returns.
 * @returns the descriptor, owned by the caller (close it, or hand it to a bufferevent with
 *          BEV_OPT_CLOSE_ON_FREE); -1 when the system refused (req has then been answered 500).
 * @locality main loop, from inside a handler
 */
evutil_socket_t eng_http_takeover(eng_http_t *http, struct evhttp_request *req,
                                  struct evbuffer *rest);

#endif
