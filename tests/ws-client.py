#!/usr/bin/python3
"""ws-client — a real push client for tests and for people: prints what the engine sends.

    ws-client.py URL [--subscribe JSON]... [--count N] [--seconds S] [--header 'K: V']...

URL ws://host:port/api/v1/stream?token=…&sports=nba   WebSocket (Debian's python3-websockets)
URL http://host:port/api/v1/stream/sse?token=…        Server-Sent Events (http.client)

Output, one JSON object per line on stdout:
  WebSocket: every text message as received (the engine sends one JSON object per message); then
             {"close":CODE,"reason":"…"} when the server closes; {"http_status":N,"body":…} when
             the handshake is refused.
  SSE:       {"event":NAME,"data":VALUE} per event (VALUE parsed as JSON when it is JSON);
             {"comment":"…"} per comment line with --comments; {"http_status":N,"body":…} when
             the request is refused; {"eof":true} when the server ends the stream.
--subscribe sends each JSON text right after connecting (WebSocket only). The client stops after
--count messages (0: no limit) or --seconds (default 10), whichever comes first; exit status 0.
Run it with /usr/bin/python3: Debian's python3-websockets lives in its dist-packages.
"""
import argparse
import asyncio
import http.client
import json
import sys
import time
import urllib.parse


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def emit_text(text):
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stdout.flush()


def parse_headers(items):
    headers = []
    for h in items or []:
        k, _, v = h.partition(":")
        headers.append((k.strip(), v.strip()))
    return headers


async def run_ws(args):
    import websockets  # Debian 12: python3-websockets 10.4

    deadline = time.monotonic() + args.seconds
    got = 0
    try:
        async with websockets.connect(args.url, extra_headers=parse_headers(args.header),
                                      max_size=2 ** 24, open_timeout=args.seconds,
                                      close_timeout=2) as ws:
            for text in args.subscribe or []:
                await ws.send(text)
            while args.count == 0 or got < args.count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    msg = await asyncio.wait_for(ws.recv(), timeout=left)
                except asyncio.TimeoutError:
                    break
                except websockets.exceptions.ConnectionClosed as e:
                    rcvd = e.rcvd
                    emit({"close": rcvd.code if rcvd else None,
                          "reason": rcvd.reason if rcvd else None})
                    return 0
                if isinstance(msg, bytes):
                    emit({"binary": len(msg)})
                else:
                    emit_text(msg)
                got += 1
    except websockets.exceptions.InvalidStatusCode as e:
        emit({"http_status": e.status_code})
    return 0


def run_sse(args):
    u = urllib.parse.urlsplit(args.url)
    path = u.path + ("?" + u.query if u.query else "")
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=args.seconds)
    conn.putrequest("GET", path)
    conn.putheader("Accept", "text/event-stream")
    for k, v in parse_headers(args.header):
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    if resp.status != 200:
        body = resp.read().decode("utf-8", "replace")
        try:
            body = json.loads(body)
        except ValueError:
            pass
        emit({"http_status": resp.status, "body": body})
        return 0
    deadline = time.monotonic() + args.seconds
    got, event, data = 0, None, []
    while (args.count == 0 or got < args.count) and time.monotonic() < deadline:
        try:
            line = resp.readline()
        except (TimeoutError, OSError):
            break
        if not line:
            emit({"eof": True})
            break
        line = line.decode("utf-8").rstrip("\r\n")
        if line == "":
            if event is not None or data:
                text = "\n".join(data)
                try:
                    value = json.loads(text)
                except ValueError:
                    value = text
                emit({"event": event or "message", "data": value})
                got += 1
            event, data = None, []
        elif line.startswith(":"):
            if args.comments:
                emit({"comment": line[1:].strip()})
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    conn.close()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--subscribe", action="append", help="JSON text sent after connecting")
    ap.add_argument("--count", type=int, default=0, help="messages to read (0: no limit)")
    ap.add_argument("--seconds", type=float, default=10.0, help="longest run")
    ap.add_argument("--header", action="append", help="extra request header 'K: V'")
    ap.add_argument("--comments", action="store_true", help="SSE: print comment lines too")
    args = ap.parse_args()
    if args.url.startswith(("ws://", "wss://")):
        return asyncio.run(run_ws(args))
    return run_sse(args)


if __name__ == "__main__":
    sys.exit(main())
