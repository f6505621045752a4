#!/usr/bin/env python3
"""Sends what no well-behaved client would to an HTTP listener, each on a connection of its own,
while one more connection sits half-sent (a slow client holding a request open). Prints, as JSON,
the status each got ("closed" when the server hung up without one); then whether /healthz still
answers while the slow connection is held.

  raw_requests.py HOST:PORT
"""
import json
import socket
import sys

host, port = sys.argv[1].rsplit(":", 1)
address = (host, int(port))

CASES = {
    "not HTTP": b"GARBAGE\r\n\r\n",
    "header of 200 KB": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    "a body on a GET": b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    "bad percent escape in the path": b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
    "bytes that are not UTF-8 in a parameter": b"GET /api/v1/leaderboard?top=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
    "a 10 KB path": b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "NUL in a parameter": b"GET /api/v1/leaderboard?window=%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    "HTTP/0.9": b"GET /\r\n\r\n",
    "a huge Content-Length": b"POST /api/v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
}


def status(data):
    with socket.create_connection(address, timeout=10) as s:
        try:
            s.sendall(data)
            reply = s.recv(64)
        except OSError:
            return "closed"
    if not reply:
        return "closed"
    parts = reply.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else reply[:20].decode("latin-1")


slow = socket.create_connection(address, timeout=10)
slow.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ")
results = {name: status(data) for name, data in CASES.items()}
results["healthz while a slow client holds a connection"] = status(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
slow.close()
print(json.dumps(results))
