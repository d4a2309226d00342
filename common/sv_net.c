/* sv_net — see sv_net.h. */
#include "sv_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

void sv_addrinfo_text(const struct evutil_addrinfo *res, char *out, size_t size)
{
    const struct evutil_addrinfo *pick = res;

    for (const struct evutil_addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET) {
            pick = ai;
            break;
        }
    if (pick->ai_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)pick->ai_addr)->sin_addr,
                  out, (socklen_t)size);
    else
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)pick->ai_addr)->sin6_addr, out,
                  (socklen_t)size);
}
