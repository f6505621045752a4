#!/usr/bin/env python3
"""A local EVM chain with the mock Avantis contracts, served over JSON-RPC.

The chain is alysis (py-evm). This launcher adds what its stock server lacks: JSON-RPC
envelopes and batches, logIndex numbered per block (alysis numbers it per transaction),
a fast log serializer, evm_snapshot / evm_revert / evm_mine for reorgs, chain-id checks
on signed transactions, and per-endpoint faults a test can switch on (range limits,
HTTP errors, slow replies, a lagging head). Control methods start with `alfa_`.

For running without accounts (commands/run) it can start with a past (`--past-hours`: the
genesis block that long ago, so a simulator can fill the history before catching up with
the clock) and keep its state in a file across restarts (`--state`).

It prints one JSON line on stdout once it listens: ports, chain id and contract addresses.
"""
import argparse
import bisect
import copy
import json
import os
import pickle
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import alysis
import alysis._backend
import eth._utils.headers
import eth_abi
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth_account import Account
from eth_utils import keccak, to_checksum_address

HERE = Path(__file__).resolve().parent
CONTRACTS = json.loads((HERE / "build" / "contracts.json").read_text())["contracts"]

TRADE = "(address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256)"
EXECUTION = f"(uint8,uint256,uint256,{TRADE},bool,uint8,uint256,uint256,int256,uint256,bool,uint256,uint256,uint256,uint256,uint256,int256)"
EXECUTE_SELECTOR = keccak(text=f"execute({EXECUTION}[])")[:4]
EMIT_RAW_SELECTOR = keccak(text="emitRaw(bytes32,bytes)")[:4]
UPGRADE_SELECTOR = keccak(text="upgradeTo(address)")[:4]
OPEN_TRADE_SELECTOR = keccak(text=f"openTrade({TRADE},uint8,uint256)")[:4]
CLOSE_TRADE_SELECTOR = keccak(text="closeTradeMarket(uint256,uint256,uint256)")[:4]
MINT_SELECTOR = keccak(text="mint(address,uint256)")[:4]
SETUP_SELECTOR = keccak(text="setup(address,address)")[:4]
ORDER_INITIATED_TOPIC = keccak(text="MarketOrderInitiated(address,uint256,bool,uint256,uint256,bool,bool,uint256,uint256)")


class ChainClock:
    """The time new blocks get: the wall clock, or `behind` seconds earlier while a history is
    being written. py-evm and alysis read the time in two places; both are pointed here."""

    def __init__(self):
        self.behind = 0

    def time(self):
        return time.time() - self.behind


CLOCK = ChainClock()
alysis._backend.time = CLOCK
eth._utils.headers.eth_now = lambda: int(CLOCK.time())


class RPCFailure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Faults:
    """What one endpoint does wrong, set by `alfa_faults`."""

    def __init__(self):
        self.max_block_range = None   # eth_getLogs wider than this fails
        self.max_results = None       # eth_getLogs returning more than this fails
        self.range_error = "range"    # range | results | 32005 | 32602
        self.http_status = None       # every non-control request answers this status
        self.fail_next = 0            # the next N non-control requests answer 503
        self.retry_after = None       # with http_status 429: the Retry-After header
        self.delay_seconds = 0.0      # every non-control request is answered this late
        self.head_lag = 0             # the head looks this many blocks older
        self.chain_id = None          # eth_chainId answers this instead
        self.send_delay_seconds = 0.0 # eth_sendRawTransaction waits this long before the chain sees it

    def update(self, spec):
        for key, value in spec.items():
            attribute = {"maxBlockRange": "max_block_range", "maxResults": "max_results",
                         "rangeError": "range_error", "httpStatus": "http_status", "failNext": "fail_next",
                         "retryAfter": "retry_after", "delaySeconds": "delay_seconds",
                         "headLag": "head_lag", "chainId": "chain_id",
                         "sendDelaySeconds": "send_delay_seconds"}.get(key)
            if attribute is None:
                raise RPCFailure(-32602, f"unknown fault {key}")
            setattr(self, attribute, value)


class Chain:
    def __init__(self, chain_id, saved=None):
        self.lock = threading.RLock()
        self.chain_id = chain_id
        self.node = alysis.Node(root_balance_wei=10**27, chain_id=chain_id, auto_mine_transactions=False)
        self.account = Account.from_key(self.node.root_private_key)
        self.snapshots = {}
        self.block_logs = {}  # block hash -> serialized logs of that block, logIndex per block
        self.log_numbers = []  # canonical block numbers holding a log, ascending: eth_getLogs skips the others
        self.counts = {}      # (endpoint, method) -> requests seen
        self.contracts = {}
        self.keeper = Keeper()
        self.sent = []        # every eth_sendRawTransaction the chain accepted, for tests
        if saved is None:
            self.rpc_node = alysis.RPCNode(self.node)
            self.deploy()
        else:
            self.restore(saved)

    # --- a state kept across restarts ------------------------------------------------------
    def save(self, path):
        """Writes the chain (its database and pending header), the keeper and the contracts."""
        with self.lock:
            chain = self.node._backend.chain
            state = {"chainId": self.chain_id, "kv": chain.chaindb.db.wrapped_db.kv_store, "header": chain.header,
                     "keeper": self.keeper, "sent": self.sent, "contracts": self.contracts, "logNumbers": self.log_numbers}
            temporary = f"{path}.tmp"
            with open(temporary, "wb") as file:
                pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)

    def restore(self, state):
        if state["chainId"] != self.chain_id:
            raise SystemExit(f"the saved chain has chain id {state['chainId']}, not {self.chain_id}")
        backend = self.node._backend
        backend.chain = type(backend.chain)(AtomicDB(MemoryDB(state["kv"])), state["header"])
        self.rpc_node = alysis.RPCNode(self.node)
        self.keeper, self.sent, self.contracts = state["keeper"], state["sent"], state["contracts"]
        self.log_numbers = state.get("logNumbers")
        if self.log_numbers is None:  # saved before the index existed: read every block once
            self.log_numbers = [n for n in range(self.node.eth_block_number() + 1)
                                if self.node._backend.get_log_entries_by_block_number(n)]
        if "callbacksV2" not in self.contracts:
            raise SystemExit("the saved chain predates the v2 mock contracts: remove it (rm -rf .local) to start a new one")

    # --- contracts -------------------------------------------------------------------
    def deploy(self):
        storage = self.create("trading_storage", b"")
        pair_infos = self.create("pair_infos", b"")
        args = eth_abi.encode(["address", "address"], [storage, pair_infos])
        v1 = self.create("callbacks_v1", args)
        v1_5 = self.create("callbacks_v1_5", args)
        v2 = self.create("callbacks_v2", args)
        proxy = self.create("callbacks_proxy", eth_abi.encode(["address"], [v1_5]))
        usdc = self.create("mock_usdc", b"")
        trading = self.create("trading", eth_abi.encode(["address"], [storage]))
        self.transact(storage, SETUP_SELECTOR + eth_abi.encode(["address", "address"], [usdc, trading]))
        self.contracts = {"tradingStorage": storage, "pairInfos": pair_infos, "tradingCallbacks": proxy,
                          "callbacksV1": v1, "callbacksV1_5": v1_5, "callbacksV2": v2, "trading": trading, "usdc": usdc}
        self.mine()

    def create(self, name, constructor_args):
        code = bytes.fromhex(CONTRACTS[name]["bytecode"][2:]) + constructor_args
        receipt = self.transact(None, code)
        return to_checksum_address(receipt["contractAddress"])

    def transact(self, to, data, mine=True, timestamp=None):
        """Signs and sends a transaction from the funded root account; mines it unless told not to."""
        nonce = int(self.rpc_node.rpc("eth_getTransactionCount", self.account.address, "pending"), 16)
        tx = {"type": 2, "chainId": self.chain_id, "nonce": nonce, "gas": 15_000_000,
              "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "value": 0, "data": data}
        if to is not None:
            tx["to"] = to
        signed = self.account.sign_transaction(tx)
        tx_hash = self.rpc_node.rpc("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
        if mine:
            self.mine(timestamp)
            receipt = self.rpc_node.rpc("eth_getTransactionReceipt", tx_hash)
            if int(receipt["status"], 16) != 1:
                raise RPCFailure(-32000, "mock transaction reverted")
            return receipt
        return {"transactionHash": tx_hash}

    # --- control methods ----------------------------------------------------------------
    def alfa_execute(self, spec):
        """Mines one block holding one transaction per entry of `transactions`, each a list
        of executions run by the callbacks proxy in order. Returns the block's number and hash."""
        hashes = []
        for executions in spec["transactions"]:
            calldata = EXECUTE_SELECTOR + eth_abi.encode([f"{EXECUTION}[]"], [[execution_tuple(e) for e in executions]])
            hashes.append(self.transact(self.contracts["tradingCallbacks"], calldata, mine=False)["transactionHash"])
        return self.mine_with(hashes, spec.get("timestamp"))

    def alfa_emitRaw(self, spec):
        data = bytes.fromhex(spec["data"].removeprefix("0x"))
        topic0 = bytes.fromhex(spec["topic0"].removeprefix("0x"))
        calldata = EMIT_RAW_SELECTOR + eth_abi.encode(["bytes32", "bytes"], [topic0, data])
        tx = self.transact(self.contracts["tradingCallbacks"], calldata, mine=False)["transactionHash"]
        return self.mine_with([tx], spec.get("timestamp"))

    def alfa_upgrade(self, generation):
        implementation = {"v1": "callbacksV1", "v1.5": "callbacksV1_5", "v2": "callbacksV2"}[generation]
        calldata = UPGRADE_SELECTOR + eth_abi.encode(["address"], [self.contracts[implementation]])
        receipt = self.transact(self.contracts["tradingCallbacks"], calldata)
        return receipt["blockNumber"]

    def mine(self, timestamp=None):
        if timestamp is None:
            # alysis would reuse the time its pending block was created at: stamp it now.
            parent = self.node._backend.chain.get_canonical_head().timestamp
            timestamp = max(int(CLOCK.time()), parent + 1)
        # alysis gives the block one second less than asked for.
        self.node.mine_block(timestamp=timestamp + 1)
        head = self.node.eth_block_number()
        if self.node._backend.get_log_entries_by_block_number(head):
            self.log_numbers.append(head)

    def alfa_mineEmpty(self, spec):
        """Mines `count` empty blocks `secondsApart` apart from now on (the node refuses a block
        older than the one it has pending): a long chain for the backfill benchmark in one call."""
        count, apart = int(spec["count"]), int(spec.get("secondsApart", 2))
        parent = self.node._backend.chain.get_canonical_head().timestamp
        first = max(parent + 1, int(CLOCK.time()))
        for offset in range(count):
            self.node.mine_block(timestamp=first + offset * apart + 1)
        return hex(self.node.eth_block_number())

    def mine_with(self, tx_hashes, timestamp):
        self.mine(timestamp)
        for tx_hash in tx_hashes:
            receipt = self.rpc_node.rpc("eth_getTransactionReceipt", tx_hash)
            if int(receipt["status"], 16) != 1:
                raise RPCFailure(-32000, "mock transaction reverted")
        block = self.rpc_node.rpc("eth_getBlockByNumber", "latest", False)
        return {"blockNumber": block["number"], "blockHash": block["hash"], "timestamp": block["timestamp"],
                "transactions": tx_hashes}

    def alfa_clock(self, spec):
        """Sets how far behind the wall clock new blocks are stamped: a simulator writing a
        history sets 0 once it has caught up."""
        CLOCK.behind = max(0, int(spec.get("behindSeconds", CLOCK.behind)))
        return {"behindSeconds": CLOCK.behind, "now": int(CLOCK.time())}

    def evm_snapshot(self):
        snapshot_id = hex(len(self.snapshots) + 1)
        self.snapshots[snapshot_id] = (copy.deepcopy(self.node), list(self.log_numbers))
        return snapshot_id

    def evm_revert(self, snapshot_id):
        saved = self.snapshots.pop(snapshot_id, None)
        if saved is None:
            return False
        self.node, self.log_numbers = saved
        self.rpc_node = alysis.RPCNode(self.node)
        return True

    def evm_mine(self, timestamp=None):
        self.mine(int(timestamp, 16) if isinstance(timestamp, str) else timestamp)
        return "0x0"

    # --- eth_* with the launcher's own log numbering -------------------------------------
    def logs_of_block(self, number):
        block_hash = self.node._backend._get_block_by_number(number).hash
        cached = self.block_logs.get(block_hash)
        if cached is None:
            cached = []
            for index, entry in enumerate(self.node._backend.get_log_entries_by_block_number(number)):
                cached.append((bytes(entry.address), [bytes(t) for t in entry.topics], {
                    "address": "0x" + bytes(entry.address).hex(),
                    "topics": ["0x" + bytes(t).hex() for t in entry.topics],
                    "data": "0x" + bytes(entry.data).hex(),
                    "blockNumber": hex(entry.block_number),
                    "blockHash": "0x" + bytes(entry.block_hash).hex(),
                    "transactionHash": "0x" + bytes(entry.transaction_hash).hex(),
                    "transactionIndex": hex(entry.transaction_index),
                    "logIndex": hex(index),
                    "removed": False,
                }))
            self.block_logs[block_hash] = cached
        return cached

    def eth_getLogs(self, faults, params):
        head = self.node.eth_block_number() - faults.head_lag
        first = self.block_number(params.get("fromBlock", "latest"), head)
        last = self.block_number(params.get("toBlock", "latest"), head)
        if faults.max_block_range is not None and last - first + 1 > faults.max_block_range:
            raise range_error(faults.range_error, faults.max_block_range)
        addresses = params.get("address")
        if isinstance(addresses, str):
            addresses = [addresses]
        wanted = {bytes.fromhex(a[2:].lower()) for a in addresses} if addresses else None
        topic0s = (params.get("topics") or [None])[0]
        if isinstance(topic0s, str):
            topic0s = [topic0s]
        wanted_topics = {bytes.fromhex(t[2:]) for t in topic0s} if topic0s else None
        result = []
        numbers = self.log_numbers[bisect.bisect_left(self.log_numbers, first):bisect.bisect_right(self.log_numbers, min(last, head))]
        for number in numbers:
            for address, topics, entry in self.logs_of_block(number):
                if wanted is not None and address not in wanted:
                    continue
                if wanted_topics is not None and (not topics or topics[0] not in wanted_topics):
                    continue
                result.append(entry)
                if faults.max_results is not None and len(result) > faults.max_results:
                    raise range_error("results", faults.max_results)
        return result

    @staticmethod
    def block_number(tag, head):
        if tag in ("latest", "safe", "finalized", "pending"):
            return head
        if tag == "earliest":
            return 0
        return int(tag, 16)

    def handle(self, endpoint, faults, method, params):
        with self.lock:
            key = (endpoint, method)
            self.counts[key] = self.counts.get(key, 0) + 1
            if method == "eth_chainId" and faults.chain_id is not None:
                return hex(faults.chain_id)
            if method == "eth_blockNumber":
                return hex(max(0, self.node.eth_block_number() - faults.head_lag))
            if method == "eth_getBlockByNumber" and faults.head_lag and params[0] not in ("earliest",):
                head = self.node.eth_block_number() - faults.head_lag
                if params[0] in ("latest", "pending", "safe", "finalized"):
                    params = [hex(head)] + list(params[1:])
                elif int(params[0], 16) > head:
                    return None
            if method == "eth_getLogs":
                return self.eth_getLogs(faults, params[0])
            if method == "eth_sendRawTransaction":
                return self.send_raw(params[0])
            if method in ("evm_snapshot", "evm_revert", "evm_mine"):
                return getattr(self, method)(*params)
            if method == "eth_getBlockByNumber" and params[0] not in ("latest", "pending", "safe", "finalized", "earliest"):
                if int(params[0], 16) > self.node.eth_block_number():
                    return None
            try:
                return self.rpc_node.rpc(method, *params)
            except alysis.BlockNotFound:
                return None
            except Exception as error:  # alysis raises RPCError for bad calls
                code = getattr(error, "code", -32603)
                raise RPCFailure(int(code) if isinstance(code, int) else -32603, str(error))

    def send_raw(self, raw):
        evm_tx = self.node._backend.decode_transaction(bytes.fromhex(raw.removeprefix("0x")))
        tx_chain = getattr(evm_tx, "chain_id", None)
        if tx_chain is not None and tx_chain != self.chain_id:
            raise RPCFailure(-32000, f"invalid chain id {tx_chain}, expected {self.chain_id}")
        tx_hash = self.rpc_node.rpc("eth_sendRawTransaction", raw)
        self.mine()
        receipt = self.rpc_node.rpc("eth_getTransactionReceipt", tx_hash)
        self.sent.append({"hash": tx_hash, "from": to_checksum_address(evm_tx.sender),
                          "to": to_checksum_address(evm_tx.to) if evm_tx.to else None, "nonce": evm_tx.nonce,
                          "chainId": tx_chain, "input": "0x" + bytes(evm_tx.data).hex(),
                          "maxFeePerGas": getattr(evm_tx, "max_fee_per_gas", None),
                          "status": int(receipt["status"], 16), "at": time.time()})
        if int(receipt["status"], 16) == 1 and evm_tx.to and to_checksum_address(evm_tx.to) == self.contracts["trading"]:
            self.keeper.accept(evm_tx, receipt)
            if self.keeper.mode != "manual":
                self.keep()
        return tx_hash

    # --- the keeper: answers Trading's orders from the callbacks contract, later ----------
    def keep(self, spec=None):
        """Executes every pending order in one keeper transaction (a later block)."""
        executions = self.keeper.executions(self.node_time(), spec or {})
        if not executions:
            return None
        return self.alfa_execute({"transactions": [executions]})

    def node_time(self):
        return int(self.rpc_node.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)

    def alfa_keeper(self, spec):
        """Sets how the keeper answers: mode auto | manual | cancel, and fill prices per pair."""
        self.keeper.mode = spec.get("mode", self.keeper.mode)
        for pair, price in spec.get("prices", {}).items():
            self.keeper.prices[int(pair)] = int(price)
        return {"mode": self.keeper.mode, "pending": len(self.keeper.pending)}

    def alfa_keep(self, spec=None):
        return self.keep(spec)

    def alfa_fund(self, spec):
        """Gives an address ether for gas and mock USDC for collateral."""
        address = to_checksum_address(spec["address"])
        if spec.get("eth"):
            nonce = int(self.rpc_node.rpc("eth_getTransactionCount", self.account.address, "pending"), 16)
            tx = {"type": 2, "chainId": self.chain_id, "nonce": nonce, "gas": 21_000, "to": address,
                  "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "value": int(spec["eth"]), "data": b""}
            self.rpc_node.rpc("eth_sendRawTransaction", "0x" + self.account.sign_transaction(tx).raw_transaction.hex())
            self.mine()
        if spec.get("usdc"):
            self.transact(self.contracts["usdc"], MINT_SELECTOR + eth_abi.encode(["address", "uint256"], [address, int(spec["usdc"])]))
        return True

    def alfa_sent(self, spec=None):
        sender = (spec or {}).get("from")
        return [tx for tx in self.sent if sender is None or tx["from"].lower() == sender.lower()]

    def request_counts(self, endpoint):
        with self.lock:
            return {method: n for (ep, method), n in self.counts.items() if ep == endpoint}


class Keeper:
    """Avantis's keeper, simplified: fills a market open at the pair's price (set by a test,
    else the price asked), closes at that price, or cancels opens when told to."""

    def __init__(self):
        self.mode = "auto"      # auto: answer in the next block; manual: on alfa_keep; cancel: refuse opens
        self.prices = {}        # pair -> price x 1e10
        self.pending = []
        self.positions = {}     # (trader, pair, index) -> trade dict
        self.next_index = {}    # (trader, pair) -> next slot

    def accept(self, evm_tx, receipt):
        order_id = None
        for log in receipt["logs"]:
            if log["topics"] and bytes.fromhex(log["topics"][0][2:]) == ORDER_INITIATED_TOPIC:
                order_id = eth_abi.decode(["uint256", "bool", "uint256"], bytes.fromhex(log["data"][2:])[:96])[2]
        data = bytes(evm_tx.data)
        trader = to_checksum_address(evm_tx.sender)
        if data[:4] == OPEN_TRADE_SELECTOR:
            t, _, slippage = eth_abi.decode([TRADE, "uint8", "uint256"], data[4:])
            self.pending.append({"open": True, "orderId": order_id, "trader": trader, "pair": t[1], "collateral": t[4],
                                 "price": t[5], "buy": t[6], "leverage": t[7], "tp": t[8], "sl": t[9]})
        elif data[:4] == CLOSE_TRADE_SELECTOR:
            pair, index, amount = eth_abi.decode(["uint256", "uint256", "uint256"], data[4:])
            self.pending.append({"open": False, "orderId": order_id, "trader": trader, "pair": pair, "index": index,
                                 "amount": amount})

    def executions(self, now, spec):
        prices = {int(k): int(v) for k, v in spec.get("prices", {}).items()}
        out = []
        for order in self.pending:
            price = prices.get(order["pair"], self.prices.get(order["pair"]))
            if order["open"]:
                if self.mode == "cancel":
                    out.append({"kind": 2, "orderId": order["orderId"], "trade": {
                        "trader": order["trader"], "pairIndex": order["pair"], "index": 0, "initialPosToken": 0,
                        "openPrice": 0, "buy": order["buy"], "leverage": 0, "timestamp": now}})
                    continue
                slot = (order["trader"], order["pair"])
                index = self.next_index.get(slot, 0)
                self.next_index[slot] = index + 1
                fee = order["collateral"] * order["leverage"] // 10**10 * 6 // 10_000
                trade = {"trader": order["trader"], "pairIndex": order["pair"], "index": index,
                         "initialPosToken": order["collateral"] - fee, "openPrice": price or order["price"],
                         "buy": order["buy"], "leverage": order["leverage"], "tp": order["tp"], "sl": order["sl"],
                         "timestamp": now}
                self.positions[(order["trader"], order["pair"], index)] = trade
                out.append({"kind": 0, "orderId": order["orderId"], "open": True, "price": trade["openPrice"],
                            "positionSizeUSDC": trade["initialPosToken"], "openingFee": fee, "trade": trade})
            else:
                key = (order["trader"], order["pair"], order["index"])
                trade = self.positions.get(key)
                if trade is None:
                    continue
                amount = min(order["amount"], trade["initialPosToken"])
                close = price or trade["openPrice"]
                move = (close - trade["openPrice"]) / trade["openPrice"] * (1 if trade["buy"] else -1)
                percent = int(move * trade["leverage"] / 10**10 * 100 * 10**10)
                closing_fee = amount * trade["leverage"] // 10**10 * 6 // 10_000
                sent = max(0, amount + amount * percent // (100 * 10**10) - closing_fee)
                out.append({"kind": 0, "orderId": order["orderId"], "open": False, "price": close,
                            "positionSizeUSDC": amount, "percentProfit": percent, "usdcSentToTrader": sent,
                            "closingFee": closing_fee, "trade": dict(trade)})
                remaining = trade["initialPosToken"] - amount
                if remaining > 0:
                    self.positions[key] = dict(trade, initialPosToken=remaining)
                else:
                    del self.positions[key]
        self.pending = []
        return out


def execution_tuple(e):
    t = e["trade"]
    trade = (t["trader"], t["pairIndex"], t["index"], t["initialPosToken"], t.get("positionSizeUSDC", 0),
             t["openPrice"], t["buy"], t["leverage"], t.get("tp", 0), t.get("sl", 0), t["timestamp"])
    return (e.get("kind", 0), e.get("orderId", 0), e.get("limitIndex", 0), trade, e.get("open", False),
            e.get("orderType", 0), e.get("price", 0), e.get("positionSizeUSDC", 0), e.get("percentProfit", 0),
            e.get("usdcSentToTrader", 0), e.get("isPnl", False), e.get("openingFee", 0), e.get("rolloverFee", 0),
            e.get("closingFee", 0), e.get("lossProtection", 0), e.get("coinExposure", 0), e.get("fundingFee", 0))


def range_error(style, limit):
    if style == "results":
        return RPCFailure(-32005, f"query returned more than {limit} results")
    if style == "32602":
        return RPCFailure(-32602, f"block range exceeds limit of {limit}")
    if style == "32005":
        return RPCFailure(-32005, "limit exceeded")
    return RPCFailure(-32000, f"block range too large: maximum is {limit} blocks")


CONTROL = {"alfa_execute", "alfa_emitRaw", "alfa_upgrade", "alfa_mineEmpty", "alfa_faults", "alfa_requests", "alfa_contracts",
           "alfa_keeper", "alfa_keep", "alfa_fund", "alfa_sent", "alfa_clock",
           "evm_snapshot", "evm_revert", "evm_mine"}


def make_handler(chain, endpoint, faults):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Headers and body leave in two writes: without this, Nagle and delayed ACKs
            # add 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                request = json.loads(body)
            except ValueError:
                return self.reply(200, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
            calls = request if isinstance(request, list) else [request]
            control = all(isinstance(c, dict) and c.get("method") in CONTROL for c in calls)
            if not control:
                if faults.delay_seconds:
                    time.sleep(faults.delay_seconds)
                if faults.fail_next > 0:
                    faults.fail_next -= 1
                    return self.reply(503, {"error": "temporarily unavailable"})
                if faults.http_status is not None:
                    headers = {"Retry-After": str(faults.retry_after)} if faults.retry_after is not None else {}
                    return self.reply(faults.http_status, {"error": "injected"}, headers)
            answers = [self.answer(call) for call in calls]
            self.reply(200, answers if isinstance(request, list) else answers[0])

        def answer(self, call):
            call_id = call.get("id") if isinstance(call, dict) else None
            try:
                if not isinstance(call, dict) or "method" not in call:
                    raise RPCFailure(-32600, "invalid request")
                method, params = call["method"], call.get("params", [])
                if method == "eth_sendRawTransaction" and faults.send_delay_seconds:
                    time.sleep(faults.send_delay_seconds)
                if method == "alfa_faults":
                    faults.update(params[0])
                    result = True
                elif method == "alfa_requests":
                    result = chain.request_counts(endpoint)
                elif method == "alfa_contracts":
                    result = chain.contracts
                elif method in ("alfa_execute", "alfa_emitRaw", "alfa_upgrade", "alfa_keeper", "alfa_keep", "alfa_fund",
                                "alfa_sent", "alfa_clock", "alfa_mineEmpty"):
                    with chain.lock:
                        result = getattr(chain, method)(*params)
                else:
                    result = chain.handle(endpoint, faults, method, params)
                return {"jsonrpc": "2.0", "id": call_id, "result": result}
            except RPCFailure as failure:
                return {"jsonrpc": "2.0", "id": call_id, "error": {"code": failure.code, "message": failure.message}}
            except Exception as error:
                return {"jsonrpc": "2.0", "id": call_id, "error": {"code": -32603, "message": str(error)}}

        def reply(self, status, payload, headers=None):
            data = json.dumps(payload, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer (a test killing alfa, Ctrl-C) is not an error here.
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain-id", type=int, default=8453)
    parser.add_argument("--endpoints", type=int, default=1, help="how many JSON-RPC endpoints (ports) serve the chain")
    parser.add_argument("--port", type=int, default=0, help="first port (0: free ports)")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the process that started it ends")
    parser.add_argument("--past-hours", type=float, default=0,
                        help="a new chain starts this many hours ago; alfa_clock brings it to the present")
    parser.add_argument("--state", help="file the chain is saved to (every minute and on exit) and restored from")
    args = parser.parse_args()

    saved = None
    if args.state and os.path.exists(args.state):
        with open(args.state, "rb") as file:
            saved = pickle.load(file)
    else:
        CLOCK.behind = int(args.past_hours * 3600)
    chain = Chain(args.chain_id, saved)
    ports = []
    for index in range(args.endpoints):
        port = args.port + index if args.port else 0
        server = QuietServer(("127.0.0.1", port), make_handler(chain, index, Faults()))
        ports.append(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
    head = chain.node.eth_block_number()
    print(json.dumps({"ports": ports, "chainId": args.chain_id, "contracts": chain.contracts,
                      "restored": saved is not None, "head": head}), flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    parent = os.getppid()
    last_save = time.monotonic()
    while not stopping.wait(0.5):
        if args.exit_with_parent and os.getppid() != parent:  # an orphaned peer stops by itself
            break
        if args.state and time.monotonic() - last_save > 60:
            chain.save(args.state)
            last_save = time.monotonic()
    if args.state:
        chain.save(args.state)


if __name__ == "__main__":
    main()
