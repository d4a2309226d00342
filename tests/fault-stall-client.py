#!/usr/bin/python3
"""fault-stall-client — a WebSocket push subscriber that stops reading (test 3007).

    fault-stall-client.py HOST PORT PATH GO_FILE

Connects with a small receive buffer, sends the WebSocket upgrade for PATH, then reads nothing
until GO_FILE exists; then reads everything the server sent until EOF (at most 20 s) and prints
one JSON line: {"upgraded":bool,"bytes":N,"close":CODE,"reason":"..."} (close null when the
stream held no close frame, "eof" false when the server had not closed the connection).
"""
import base64
import json
import os
import socket
import sys
import time

host, port, path, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key)).encode())
while not os.path.exists(go):
    time.sleep(0.1)
s.settimeout(20)
data = b""
eof = False
end = time.time() + 20
try:
    while time.time() < end:
        chunk = s.recv(65536)
        if not chunk:
            eof = True
            break
        data += chunk
except (socket.timeout, ConnectionResetError):
    pass
upgraded = data.startswith(b"HTTP/1.1 101")
pos = data.find(b"\r\n\r\n") + 4 if upgraded else len(data)
close = reason = None
while pos + 2 <= len(data):  # walk the server's frames (unmasked) to the close frame
    op, ln = data[pos] & 0x0F, data[pos + 1] & 0x7F
    hdr = 2
    if ln == 126:
        ln, hdr = int.from_bytes(data[pos + 2:pos + 4], "big"), 4
    elif ln == 127:
        ln, hdr = int.from_bytes(data[pos + 2:pos + 10], "big"), 10
    body = data[pos + hdr:pos + hdr + ln]
    if op == 8 and len(body) >= 2:
        close, reason = int.from_bytes(body[:2], "big"), body[2:].decode("utf-8", "replace")
        break
    pos += hdr + ln
print(json.dumps({"upgraded": upgraded, "bytes": len(data), "close": close, "reason": reason, "eof": eof}))
