#!/usr/bin/env python3
"""Fills a running chain.py with market opens and closes, for the ingest benchmark.

Usage: populate.py URL BLOCKS [TXS_PER_BLOCK] [EXECUTIONS_PER_TX]. Deterministic (seed 7).
"""
import json
import random
import sys
import urllib.request

url, blocks = sys.argv[1], int(sys.argv[2])
txs_per_block = int(sys.argv[3]) if len(sys.argv) > 3 else 5
per_tx = int(sys.argv[4]) if len(sys.argv) > 4 else 10
rng = random.Random(7)
PRICE = 650_000_000_000_000


def call(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=600))
    if "error" in answer:
        raise SystemExit(f"{method}: {answer['error']['message']}")
    return answer["result"]


open_positions = []
executions = 0
for _ in range(blocks):
    transactions = []
    for _ in range(txs_per_block):
        batch = []
        for _ in range(per_tx):
            executions += 1
            if open_positions and rng.random() < 0.5:
                trade = open_positions.pop(rng.randrange(len(open_positions)))
                move = rng.uniform(-0.05, 0.05)
                batch.append({"kind": 0, "orderId": executions, "open": False, "price": int(PRICE * (1 + move)),
                              "positionSizeUSDC": trade["initialPosToken"], "percentProfit": int(move * 10 * 1e12),
                              "usdcSentToTrader": max(0, int(trade["initialPosToken"] * (1 + move * 10))),
                              "rolloverFee": 1_000, "closingFee": 5_000, "trade": trade})
            else:
                collateral = rng.randrange(10_000_000, 1_000_000_000)
                trade = {"trader": "0x%040x" % rng.randrange(1, 2_000), "pairIndex": rng.randrange(20),
                         "index": executions % 3, "initialPosToken": collateral, "openPrice": PRICE,
                         "buy": rng.random() < 0.5, "leverage": 100_000_000_000, "timestamp": 1_800_000_000 + executions}
                open_positions.append(trade)
                batch.append({"kind": 0, "orderId": executions, "open": True, "price": PRICE,
                              "positionSizeUSDC": collateral, "openingFee": 10_000, "trade": trade})
        transactions.append(batch)
    call("alfa_execute", [{"transactions": transactions}])
print(json.dumps({"executions": executions, "head": int(call("eth_blockNumber", []), 16)}))
