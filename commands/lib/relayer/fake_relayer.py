#!/usr/bin/env python3
"""A loopback fake of Avantis' batched-market relayer, for tests.

POST /market/execute-batched takes {"orderType": N, "erc712": {"userIntent", "userSignature"}}
as the real service does (docs/mintlify/api-reference/batched-market.mdx of the Avantis SDK):
it decodes the intent (OpenTradeReq for order types 0 and 6, CloseTradeReq for 1 and 7),
recovers the EIP-712 signer with eth-account, checks that the signer is the trader or a
delegate registered to it, checks the deadline (unix ms) and refuses a nonce used before, all
with HTTP 400 before any stream. Then it streams the lifecycle as Server-Sent Events:
MarketOrderAccepted (seq 0) -> AttemptFailed* -> MarketOrderInitiated -> MarketOrderExecuted,
with keep-alive comments, every event persisted for GET /tracking-id/{id}/status?afterSeq=n.

Faults, set by POST /control/faults (JSON): attemptFailed (count), decline (the fill is
declined: MarketOrderCanceled), error (a terminal Error code), cutAfter (the stream ends after
that many events; the rest are persisted later, for the replay), streamTimeout (an Error
STREAM_TIMEOUT with no id instead of the terminal event), priceBps ({"pair": bps}: opens on
that pair fill that far from the intent's price), acceptDelaySeconds (the request is
taken, its nonce used, then nothing for that long before MarketOrderAccepted), executeDelaySeconds
(between acceptance and execution), hold (accepted, never executed). POST /control/delegate
{"trader", "delegate"} registers a delegate; GET /control/requests lists what was accepted
(kind, signer, trader, nonce, at: unix seconds; an open's tp and sl).
With --chain URL (the local EVM of commands/lib/evm/chain.py) the order executes there, in one
transaction: the fill is a MarketExecuted of the trader's, on a slot the relayer assigns, and a
close must name the position's on-chain open timestamp (else Error PositionMismatch, as on v2).
Without it the fill is synthetic (the intent's price and collateral). Prints one JSON line
{"port": N} on stdout once listening.
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import eth_abi

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import loopback  # noqa: E402  (commands/lib)
from eth_account import Account
from eth_account.messages import encode_typed_data

TRADE = [("trader", "address"), ("pairIndex", "uint256"), ("index", "uint256"), ("initialPosToken", "uint256"),
         ("positionSizeUSDC", "uint256"), ("openPrice", "uint256"), ("buy", "bool"), ("leverage", "uint256"),
         ("tp", "uint256"), ("sl", "uint256"), ("timestamp", "uint256")]
OPEN = [("_t", "Trade"), ("_type", "uint8"), ("_slippageP", "uint256"), ("_deadline", "uint256"), ("_nonce", "uint256")]
CLOSE = [("_trader", "address"), ("_pairIndex", "uint256"), ("_index", "uint256"), ("_openTimestamp", "uint256"),
         ("_amount", "uint256"), ("_wantedPrice", "uint256"), ("_deadline", "uint256"), ("_nonce", "uint256")]
KINDS = {0: "OpenTradeReq", 6: "OpenTradeReq", 1: "CloseTradeReq", 7: "CloseTradeReq"}


def fields(spec):
    return [{"name": name, "type": kind} for name, kind in spec]


def decode(kind, intent):
    """The typed-data message of `intent` (abi.encode of the struct)."""
    if kind == "OpenTradeReq":
        trade_type = "(" + ",".join(t for _, t in TRADE) + ")"
        t, order_type, slippage, deadline, nonce = eth_abi.decode([trade_type, "uint8", "uint256", "uint256", "uint256"], intent)
        return {"_t": dict(zip([n for n, _ in TRADE], t)), "_type": order_type, "_slippageP": slippage,
                "_deadline": deadline, "_nonce": nonce}
    values = eth_abi.decode([t for _, t in CLOSE], intent)
    return dict(zip([n for n, _ in CLOSE], values))


class State:
    def __init__(self, chain_id, router, chain=None, path=None):
        self.lock = threading.Lock()
        self.chain = chain
        self.path = path
        self.positions = {}   # (trader, pair, index) -> the trade as executed on chain
        self.domain = {"name": "AvantisTrading", "version": "1", "chainId": chain_id, "verifyingContract": router}
        self.delegates = {}   # trader (lowercase) -> set of delegates
        self.nonces = set()
        self.faults = {}
        self.tracks = {}      # trackingId -> list of (seq, type, payload)
        self.requests = []
        self.order_id = 1000
        if path and os.path.exists(path):
            with open(path) as file:
                saved = json.load(file)
            self.positions = {(p["trader"].lower(), p["pairIndex"], p["index"]): p for p in saved["positions"]}
            self.delegates = {trader: set(delegates) for trader, delegates in saved["delegates"].items()}
            self.nonces = {(trader, nonce) for trader, nonce in saved["nonces"]}
            self.order_id = saved["orderId"]

    def save(self):
        """What a restarted relayer must remember (commands/run resumes the same chain)."""
        if not self.path:
            return
        saved = {"positions": list(self.positions.values()), "delegates": {t: sorted(d) for t, d in self.delegates.items()},
                 "nonces": [[t, n] for t, n in self.nonces], "orderId": self.order_id}
        with open(self.path + ".tmp", "w") as file:
            json.dump(saved, file)
        os.replace(self.path + ".tmp", self.path)

    def signer(self, kind, message, signature):
        types = {"EIP712Domain": fields([("name", "string"), ("version", "string"), ("chainId", "uint256"),
                                         ("verifyingContract", "address")]),
                 kind: fields(OPEN if kind == "OpenTradeReq" else CLOSE)}
        if kind == "OpenTradeReq":
            types["Trade"] = fields(TRADE)
        typed = {"types": types, "primaryType": kind, "domain": self.domain, "message": message}
        return Account.recover_message(encode_typed_data(full_message=typed), signature=signature)

    def execute(self, kind, message, order_id):
        """Executes on the chain in one transaction: the MarketExecuted payload, or an error code."""
        if kind == "OpenTradeReq":
            t = message["_t"]
            trader, pair = t["trader"], t["pairIndex"]
            index = 0
            while (trader.lower(), pair, index) in self.positions:
                index += 1
            trade = {"trader": trader, "pairIndex": pair, "index": index, "initialPosToken": t["positionSizeUSDC"],
                     "openPrice": t["openPrice"], "buy": t["buy"], "leverage": t["leverage"], "tp": t["tp"], "sl": t["sl"],
                     "timestamp": int(time.time())}
            # The market's price: the intent's, moved by the fault's bps for this pair, if any.
            price = t["openPrice"] * (10000 + int(self.faults.get("priceBps", {}).get(str(pair), 0))) // 10000
            trade["openPrice"] = price
            execution = {"kind": 0, "orderId": order_id, "open": True, "price": price,
                         "positionSizeUSDC": t["positionSizeUSDC"], "trade": trade}
            collateral, payout = t["positionSizeUSDC"], 0
        else:
            key = (message["_trader"].lower(), message["_pairIndex"], message["_index"])
            trade = self.positions.get(key)
            if trade is None or trade["timestamp"] != message["_openTimestamp"]:
                return None, "PositionMismatch"
            collateral = min(message["_amount"], trade["initialPosToken"])
            price = message["_wantedPrice"]
            move = (price - trade["openPrice"]) * (1 if trade["buy"] else -1)
            percent = move * trade["leverage"] * 100 // trade["openPrice"]
            payout = max(0, collateral + collateral * percent // 10**12)
            execution = {"kind": 0, "orderId": order_id, "open": False, "price": price, "positionSizeUSDC": collateral,
                         "percentProfit": percent, "usdcSentToTrader": payout, "trade": dict(trade)}
        block = rpc(self.chain, "alfa_execute", [{"transactions": [[execution]]}])
        if kind == "OpenTradeReq":
            self.positions[(trade["trader"].lower(), trade["pairIndex"], trade["index"])] = trade
        else:
            left = trade["initialPosToken"] - collateral
            if left > 0:
                self.positions[key] = dict(trade, initialPosToken=left)
            else:
                del self.positions[key]
        self.save()
        return {"orderId": order_id, "open": kind == "OpenTradeReq", "price": str(price), "positionSizeUSDC": str(collateral),
                "percentProfit": str(execution.get("percentProfit", 0)), "usdcSentToTrader": str(payout),
                "t": {"index": trade["index"], "timestamp": trade["timestamp"]},
                "transactionHash": block["transactions"][0]}, None


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RuntimeError(answer["error"]["message"])
    return answer["result"]


class Handler(BaseHTTPRequestHandler):
    state = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def reply(self, status, payload):
        loopback.reply_json(self, status, payload)

    def do_GET(self):
        state = self.state
        if self.path.startswith("/tracking-id/"):
            parts = self.path.split("/")
            tracking = parts[2]
            after = -1
            if "afterSeq=" in self.path:
                after = int(self.path.split("afterSeq=")[1].split("&")[0])
            with state.lock:
                events = state.tracks.get(tracking)
            if events is None:
                return self.reply(404, {"error": "unknown trackingId"})
            return self.reply(200, {"events": [{"seq": s, "type": t, "payload": p, "at": int(time.time() * 1000)}
                                               for s, t, p in events if s > after]})
        if self.path == "/control/requests":
            with state.lock:
                return self.reply(200, state.requests)
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        state = self.state
        body = self.body()
        if self.path == "/control/faults":
            with state.lock:
                state.faults = body
            return self.reply(200, {"ok": True})
        if self.path == "/control/delegate":
            with state.lock:
                state.delegates.setdefault(body["trader"].lower(), set()).add(body["delegate"].lower())
                state.save()
            return self.reply(200, {"ok": True})
        if self.path != "/market/execute-batched":
            return self.reply(404, {"error": "not found"})
        kind = KINDS.get(body.get("orderType"))
        if kind is None:
            return self.reply(400, {"error": "unsupported orderType"})
        try:
            intent = bytes.fromhex(body["erc712"]["userIntent"][2:])
            signature = bytes.fromhex(body["erc712"]["userSignature"][2:])
            message = decode(kind, intent)
            signer = state.signer(kind, message, signature).lower()
        except Exception as error:  # a malformed intent or signature
            return self.reply(400, {"error": "malformed intent or signature: %s" % type(error).__name__})
        trader = (message["_t"]["trader"] if kind == "OpenTradeReq" else message["_trader"]).lower()
        with state.lock:
            if signer != trader and signer not in state.delegates.get(trader, set()):
                return self.reply(400, {"error": "signer is neither the trader nor a delegate"})
            if message["_deadline"] < time.time() * 1000:
                return self.reply(400, {"error": "deadline passed"})
            if (trader, message["_nonce"]) in state.nonces:
                return self.reply(400, {"error": "nonce already used"})
            state.nonces.add((trader, message["_nonce"]))
            state.save()
            state.order_id += 1
            order_id = state.order_id
            faults = dict(state.faults)
            request = {"kind": kind, "signer": signer, "trader": trader, "nonce": "0x%064x" % message["_nonce"], "at": time.time()}
            if kind == "OpenTradeReq":
                request.update(tp=str(message["_t"]["tp"]), sl=str(message["_t"]["sl"]))
            state.requests.append(request)
            tracking = str(uuid.uuid4())
            state.tracks[tracking] = []
        self.stream(kind, message, tracking, order_id, faults)

    def stream(self, kind, message, tracking, order_id, faults):
        state = self.state
        opening = kind == "OpenTradeReq"
        t = message["_t"] if opening else None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        cut = faults.get("cutAfter")
        sent = [0]

        def emit(name, payload):
            seq = sent[0]
            sent[0] += 1
            with state.lock:
                state.tracks[tracking].append((seq, name, payload))
            if cut is not None and seq >= cut:
                return  # persisted for the replay, never streamed
            if faults.get("streamTimeout") and name in ("MarketOrderExecuted", "MarketOrderCanceled", "Error"):
                sent.append("timed out")
                self.wfile.write(b'event: Error\ndata: {"status": "failed", "code": "STREAM_TIMEOUT", "message": "view expired"}\n\n')
                self.wfile.flush()
                return
            if "timed out" in sent or "gone" in sent:
                return
            try:
                self.wfile.write((": keep-alive\n" if seq == 1 else "").encode())
                self.wfile.write(("event: %s\nid: %d\ndata: %s\n\n" % (name, seq, json.dumps(payload))).encode())
                self.wfile.flush()
            except OSError:
                sent.append("gone")  # the client hung up: the rest is for the replay

        # As the real service: accepted at once (seq 0), executed on chain afterwards, whether
        # the client is still listening or not.
        time.sleep(faults.get("acceptDelaySeconds", 0))
        emit("MarketOrderAccepted", {"trackingId": tracking})
        if faults.get("hold"):
            return  # accepted, never executed: the order's deadline decides
        time.sleep(faults.get("executeDelaySeconds", 0))
        executed, code = None, None
        if state.chain and not faults.get("decline") and not faults.get("error"):
            with state.lock:
                executed, code = state.execute(kind, message, order_id)
        if code:
            faults = dict(faults, error=code)
        events = []
        for attempt in range(faults.get("attemptFailed", 0)):
            events.append(("AttemptFailed", {"attempt": attempt + 1, "code": "NO_PRICE", "message": "no fresh price",
                                             "willRetry": True}))
        transaction = executed["transactionHash"] if executed else "0x" + "ab" * 32
        events.append(("MarketOrderInitiated", {"orderId": order_id, "open": opening, "transactionHash": transaction}))
        if faults.get("decline"):
            events.append(("MarketOrderCanceled", {"orderId": order_id, "transactionHash": "0x" + "ab" * 32}))
        elif faults.get("error"):
            events.append(("Error", {"status": "failed", "code": faults["error"], "message": "injected", "trackingId": tracking}))
        elif executed:
            events.append(("MarketOrderExecuted", executed))
        else:
            price = t["openPrice"] if opening else message["_wantedPrice"]
            collateral = t["positionSizeUSDC"] if opening else message["_amount"]
            events.append(("MarketOrderExecuted", {
                "orderId": order_id, "open": opening, "price": str(price), "positionSizeUSDC": str(collateral),
                "percentProfit": "0", "usdcSentToTrader": "0" if opening else str(collateral),
                "t": {"index": 0 if opening else message["_index"],
                      "timestamp": int(time.time()) if opening else message["_openTimestamp"]},
                "transactionHash": "0x" + "cd" * 32}))
        for name, payload in events:
            emit(name, payload)
            time.sleep(0.002)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-stream is expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain-id", type=int, default=31337)
    parser.add_argument("--router", required=True, help="the TradingRouter address of the EIP-712 domain")
    parser.add_argument("--chain", help="JSON-RPC URL of the local EVM to execute on (commands/lib/evm/chain.py)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", help="JSON file the relayer keeps its positions, delegates and nonces in, across restarts")
    parser.add_argument("--exit-with-parent", action="store_true")
    args = parser.parse_args()
    Handler.state = State(args.chain_id, args.router, args.chain, args.state)
    server = QuietServer(("127.0.0.1", args.port), Handler)
    loopback.serve(server, args.exit_with_parent)


if __name__ == "__main__":
    main()
