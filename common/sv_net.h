/*
 * sv_net — small network helpers shared by the engine's asynchronous clients (Redis cache,
 * PostgreSQL store), which resolve host names with libevent's evdns.
 */
#ifndef SV_NET_H
#define SV_NET_H

#include <stddef.h>

#include <event2/util.h>

/**
 * @brief The address to connect to from a lookup's results: the first IPv4 one, else the first,
 *        written as numeric text into out (INET6_ADDRSTRLEN bytes suffice).
 * @param res non-NULL, borrowed
 */
void sv_addrinfo_text(const struct evutil_addrinfo *res, char *out, size_t size);

#endif
