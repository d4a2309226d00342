/*
 * fuzz-push_ws — libFuzzer target: arbitrary bytes as what a WebSocket subscriber sends after
 * its handshake, read by the engine's real push server (engine/push.c: eng_http + eng_api +
 * eng_push on 127.0.0.1:0 in this process, wslay parsing the frames) over a real socket. For
 * each input a client connects to ENG_PUSH_PATH_WS with the bootstrap token, sends the bytes,
 * half-closes and reads until the server closes. Whatever the bytes, the server must answer
 * with well-formed server frames only (unmasked; text frames are JSON objects with a "type";
 * a close frame ends the stream) and must let the subscriber go (no subscriber left behind).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "api.h"
#include "http.h"
#include "item.h"
#include "push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_TOKEN "fuzz-token"
#define FZ_ROUNDS 4000 /* loop turns one input may take (each waits at most 1 ms) */

static struct event_base *base;
static eng_http_t *http;
static eng_api_t *api;
static eng_push_t *push;
static int port;
static eng_item_t items[3];

static void die(const char *what)
{
    fprintf(stderr, "fuzz property broken: %s\n", what);
    abort();
}

static void iter(void *arg, eng_item_fn *fn, void *ctx)
{
    (void)arg;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        fn(ctx, &items[i]);
}

static eng_item_t item(eng_item_kind_t kind, const char *key, const char *market, const char *json)
{
    eng_item_t it;
    memset(&it, 0, sizeof(it));
    it.kind = kind;
    it.key = key;
    it.sport = "nba";
    it.event_id = "e1";
    it.market = market;
    it.player = "";
    it.has_tier = kind != ENG_ITEM_MARKET;
    it.tier = WIRE_TIER_GOLD_STAR;
    it.live = true;
    it.ts = 1;
    it.json = json;
    it.json_len = strlen(json);
    return it;
}

static void setup(void)
{
    char errstr[256];
    eng_api_conf_t ac;
    eng_push_conf_t pc;

    signal(SIGPIPE, SIG_IGN);
    items[0] = item(ENG_ITEM_SCORE, "e1|h2h|home||", "h2h", "{\"final\":7.5}");
    items[1] = item(ENG_ITEM_SIGNAL, "sig1", "h2h", "{\"signal_id\":\"sig1\"}");
    items[2] = item(ENG_ITEM_MARKET, "e1|totals|", "totals", "{\"books\":3}");
    base = event_base_new();
    http = base ? eng_http_new(base, "127.0.0.1:0", errstr, sizeof(errstr)) : NULL;
    if (!http)
        die("cannot start eng_http");
    port = eng_http_port(http);
    memset(&ac, 0, sizeof(ac));
    ac.bootstrap_token = FZ_TOKEN;
    ac.rate_rps = 1e9;
    ac.rate_burst = 1000000000;
    ac.cors_origins = "";
    if (!(api = eng_api_new(base, http, &ac, errstr, sizeof(errstr))))
        die("cannot start eng_api");
    memset(&pc, 0, sizeof(pc));
    pc.queue_max = 4096;
    pc.out_max_bytes = 4 << 20;
    pc.ping_s = 20;
    pc.idle_s = 60;
    pc.max_subscribers = 100;
    if (!(push = eng_push_new(base, http, api, &pc, iter, NULL, errstr, sizeof(errstr))))
        die("cannot start eng_push");
}

/* One loop turn, then whatever the client can read (0 on EOF, -1 on nothing new). */
static int turn(int fd, unsigned char **buf, size_t *len, size_t *cap)
{
    struct pollfd p = {fd, POLLIN, 0};
    ssize_t n;

    event_base_loop(base, EVLOOP_NONBLOCK);
    if (poll(&p, 1, 1) <= 0)
        return -1;
    if (*len + 65536 > *cap) {
        unsigned char *b = realloc(*buf, *cap * 2 + 65536);
        if (!b)
            die("out of memory");
        *buf = b;
        *cap = *cap * 2 + 65536;
    }
    n = recv(fd, *buf + *len, *cap - *len, MSG_DONTWAIT);
    if (n == 0)
        return 0;
    if (n < 0)
        return errno == ECONNRESET ? 0 : -1;
    *len += (size_t)n;
    return 1;
}

/* The server's frames after its 101 reply: unmasked, complete, text frames JSON objects. */
static void check_frames(const unsigned char *p, size_t len)
{
    size_t o = 0;
    while (o < len) {
        uint64_t n;
        size_t h = 2;
        int op;
        if (len - o < 2)
            die("a truncated frame header");
        op = p[o] & 0x0f;
        if (!(p[o] & 0x80) || (p[o] & 0x70))
            die("a fragmented frame or reserved bits from the server");
        if (p[o + 1] & 0x80)
            die("a masked frame from the server");
        n = p[o + 1] & 0x7f;
        if (n == 126) {
            if (len - o < 4)
                die("a truncated frame header");
            n = ((uint64_t)p[o + 2] << 8) | p[o + 3];
            h = 4;
        } else if (n == 127) {
            if (len - o < 10)
                die("a truncated frame header");
            n = 0;
            for (int i = 0; i < 8; i++)
                n = (n << 8) | p[o + 2 + i];
            h = 10;
        }
        if (n > len - o - h)
            die("a truncated frame");
        if (op == 1) {
            json_error_t je;
            json_t *j = json_loadb((const char *)p + o + h, (size_t)n, 0, &je);
            if (!j || !json_is_object(j) || !json_is_string(json_object_get(j, "type")))
                die("a text frame that is not a message");
            json_decref(j);
        } else if (op == 8) {
            if (n == 1 || n > 125)
                die("a bad close frame");
            if (o + h + n != len)
                die("frames after the close frame");
        } else if (op != 9 && op != 10) {
            die("an unexpected opcode from the server");
        }
        o += h + (size_t)n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hs[] = "GET " ENG_PUSH_PATH_WS " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " FZ_TOKEN
                             "\r\n\r\n";
    struct sockaddr_in sa;
    unsigned char *buf = NULL, *end;
    size_t len = 0, cap = 0, sent = 0;
    eng_push_stats_t st;
    int fd, r = -1, rounds;

    if (!base)
        setup();
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        send(fd, hs, sizeof(hs) - 1, 0) != (ssize_t)(sizeof(hs) - 1))
        die("cannot connect to the push server");
    /* the handshake's answer */
    for (rounds = 0; rounds < FZ_ROUNDS; rounds++) {
        r = turn(fd, &buf, &len, &cap);
        if (r == 0 || (len && memmem(buf, len, "\r\n\r\n", 4)))
            break;
    }
    if (!len || !(end = memmem(buf, len, "\r\n\r\n", 4)) || strncmp((char *)buf, "HTTP/1.1 101", 12))
        die("no 101 answer to the handshake");
    /* the input, then the end of the client's stream */
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_DONTWAIT);
        if (n > 0)
            sent += (size_t)n;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            break; /* the server closed already */
        if (turn(fd, &buf, &len, &cap) == 0)
            break;
    }
    shutdown(fd, SHUT_WR);
    for (rounds = 0; rounds < FZ_ROUNDS; rounds++)
        if (turn(fd, &buf, &len, &cap) == 0)
            break;
    if (rounds == FZ_ROUNDS)
        die("the server did not close a stream its client ended");
    end = (unsigned char *)memmem(buf, len, "\r\n\r\n", 4) + 4;
    check_frames(end, len - (size_t)(end - buf));
    close(fd);
    for (rounds = 0; rounds < FZ_ROUNDS; rounds++) {
        eng_push_stats(push, &st);
        if (st.subscribers == 0)
            break;
        event_base_loop(base, EVLOOP_NONBLOCK);
        usleep(100);
    }
    if (st.subscribers != 0)
        die("a subscriber left behind");
    free(buf);
    return 0;
}
