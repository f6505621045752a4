#!/usr/bin/env python3
"""A loopback fake of Pyth Hermes' latest-price endpoint, for tests and the local environment.

GET /v2/updates/price/latest?ids[]=0xFEED&…&parsed=true answers as Hermes does:
{"binary": {"encoding": "hex", "data": []}, "parsed": [{"id", "price": {"price", "conf", "expo",
"publish_time"}, "ema_price": {…}}]}, one entry per known feed asked for (ids with or without 0x).
POST /control/prices {"0xFEED": {"price": "6500000000000", "expo": -8, "publish_time": N}, …}
sets prices; POST /control/faults {"status": 500} answers every price request with that status,
{"nonsense": true} with a body that is not Hermes'. GET /control/requests counts the price
requests. Prints one JSON line {"port": N} on stdout once listening.
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import loopback  # noqa: E402  (commands/lib)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.prices = {}
        self.faults = {}
        self.requests = 0


def bare(feed):
    return feed.lower().removeprefix("0x")


class Handler(BaseHTTPRequestHandler):
    state = State()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload):
        loopback.reply_json(self, status, payload)

    def do_GET(self):
        url = urlparse(self.path)
        state = self.state
        if url.path == "/control/requests":
            with state.lock:
                return self.reply(200, {"requests": state.requests})
        if url.path != "/v2/updates/price/latest":
            return self.reply(404, {"error": "not found"})
        ids = [bare(i) for i in parse_qs(url.query).get("ids[]", [])]
        with state.lock:
            state.requests += 1
            faults = dict(state.faults)
            known = {i: state.prices[i] for i in ids if i in state.prices}
        if faults.get("status"):
            return self.reply(faults["status"], {"error": "injected"})
        if faults.get("nonsense"):
            return self.reply(200, b"<html>not hermes</html>")
        parsed = [{"id": i, "price": dict(p, conf="1000"), "ema_price": dict(p, conf="1000"),
                   "metadata": {"slot": 1, "proof_available_time": p["publish_time"], "prev_publish_time": p["publish_time"] - 1}}
                  for i, p in known.items()]
        self.reply(200, {"binary": {"encoding": "hex", "data": []}, "parsed": parsed})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        state = self.state
        with state.lock:
            if self.path == "/control/prices":
                state.prices.update({bare(feed): price for feed, price in body.items()})
            elif self.path == "/control/faults":
                state.faults = body
            else:
                return self.reply(404, {"error": "not found"})
        self.reply(200, {"ok": True})


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-with-parent", action="store_true")
    args = parser.parse_args()
    loopback.serve(QuietServer(("127.0.0.1", args.port), Handler), args.exit_with_parent)


if __name__ == "__main__":
    main()
