#!/usr/bin/env python3
"""The chaos soak: the whole service for N minutes while things break at random, then its invariants.

Starts a PostgreSQL cluster, the local chain with the market simulator at high speed, the fake
relayer (LIVE on the local chain), the fake Bot API and two `alfa serve` replicas (no price feed:
the stored leaderboard is then comparable with a recompute, both valuing at the last fill). Then, at random (seeded), it kills either replica with SIGKILL and restarts it,
restarts PostgreSQL, freezes the RPC node (SIGSTOP, SIGCONT), makes the relayer fail, decline
and cut its streams, makes Telegram answer 429 and 5xx, and types admin commands (stop, start,
LIVE, close). At the end it heals everything, lets the service settle, stops it and checks:

- fills equal a clean re-index of the same chain: none lost, none doubled;
- at most one copy order per leader fill, and no intent accepted twice;
- no order accepted by the relayer while the stop was on (but the closes that pass it);
- never two copy executors at once, from the lease epochs in the replicas' logs;
- every alert delivered exactly once;
- the leaderboard equal to a full recompute;
- no replica exited on its own.

It prints each as a table row with its figure and exits 1 if any fails. Logs stay in the run's
folder (printed at the start).
"""
import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ADMIN = 1001
ALERT_GROUP = -100_500
TOKEN = "7000000001:soak-token"
WALLET = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DELEGATE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
DELEGATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


def say(text):
    print("soak: " + text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


class Soak:
    def __init__(self, minutes, seed, alfa, folder):
        self.minutes = minutes
        self.seed = seed
        self.random = random.Random(seed)
        self.alfa = alfa
        self.folder = folder
        self.processes = {}
        self.faults = {}
        self.kill_times = {"a": [], "b": []}

    # --- processes ---------------------------------------------------------------------

    def spawn(self, name, args, env=None, stdout=None):
        log = open(os.path.join(self.folder, name + ".log"), "ab")
        process = subprocess.Popen(args, cwd=ROOT, env=env or os.environ.copy(), stdout=stdout or log, stderr=log,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def ready(self, name, args, env=None):
        """A peer that prints one JSON line once listening."""
        path = os.path.join(self.folder, name + ".ready")
        with open(path, "wb") as out:
            self.spawn(name, args, env, stdout=out)
        deadline = time.time() + 120
        while time.time() < deadline:
            if os.path.getsize(path) > 0:
                with open(path) as f:
                    line = f.readline()
                if line.endswith("\n"):
                    return json.loads(line)
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit("soak: %s did not start; see %s" % (name, os.path.join(self.folder, name + ".log")))

    def psql(self, sql, url=None):
        out = subprocess.run(["psql", url or self.database, "-tAqX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError("psql: %s: %s" % (sql[:80], out.stderr.strip()))
        return out.stdout.strip()

    def run_alfa(self, args, env, timeout=600):
        return subprocess.run([self.alfa] + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)

    # --- the stack -----------------------------------------------------------------------

    def start(self):
        cluster = os.path.join(self.folder, "postgres")
        self.cluster = cluster
        env = dict(os.environ, PG_CLUSTER_DATABASE="alfa_soak", PG_CLUSTER_FSYNC="off")
        self.database = subprocess.run([os.path.join(ROOT, "commands/lib/pg-cluster"), "start", cluster], env=env,
                                       capture_output=True, text=True, check=True).stdout.strip()
        self.psql("CREATE DATABASE alfa_reindex")
        self.reindex_database = re.sub(r"/alfa_soak(\?|$)", r"/alfa_reindex\1", self.database)

        chain = self.ready("chain", [sys.executable, "commands/lib/evm/chain.py", "--chain-id", "31337", "--past-hours", "3",
                                     "--state", os.path.join(self.folder, "chain.pickle")])
        contracts = chain["contracts"]
        self.rpc = "http://127.0.0.1:%d/" % chain["ports"][0]
        relayer = self.ready("relayer", [sys.executable, "commands/lib/relayer/fake_relayer.py", "--chain", self.rpc,
                                         "--chain-id", "31337", "--router", contracts["trading"],
                                         "--state", os.path.join(self.folder, "relayer.json")])
        self.relayer = "http://127.0.0.1:%d" % relayer["port"]
        http(self.relayer + "/control/delegate", {"trader": WALLET, "delegate": DELEGATE})
        telegram = self.ready("telegram", [sys.executable, "commands/lib/telegram/fake_bot_api.py", "--token", TOKEN])
        self.telegram = "http://127.0.0.1:%d" % telegram["port"]
        key_file = os.path.join(self.folder, "delegate.key")
        with open(key_file, "w") as f:
            f.write(DELEGATE_KEY + "\n")
        os.chmod(key_file, 0o600)

        self.env = dict(
            os.environ, DATABASE_URL=self.database, RPC_URLS=self.rpc, CHAIN_ID="31337",
            AVANTIS_TRADING_CALLBACKS=contracts["tradingCallbacks"], AVANTIS_TRADING_STORAGE=contracts["tradingStorage"],
            AVANTIS_PAIR_INFOS=contracts["pairInfos"], AVANTIS_TRADING=contracts["trading"], AVANTIS_USDC=contracts["usdc"],
            AVANTIS_RELAYER_URL=self.relayer,
            INDEXER_START_BLOCK="0", INDEXER_CONFIRMATIONS="2", INDEXER_STALL_SECONDS="600",
            LEADER_REFRESH_SECONDS="10", COPY_EXECUTION_MODE="LIVE", WALLET_ADDRESS=WALLET, WALLET_DELEGATE_KEY_FILE=key_file,
            COPY_MAX_SIGNAL_AGE_SECONDS="3600", COPY_MAX_OPEN_POSITIONS="20", COPY_AUTO_TOP_K="10",
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=self.telegram, TELEGRAM_ADMIN_IDS=str(ADMIN),
            TELEGRAM_ALERT_CHAT_IDS=str(ALERT_GROUP), TELEGRAM_POLL_TIMEOUT="2",
            SIM_TRADERS="40", SIM_SPEED="240", SIM_SEED=str(self.seed), SIM_HISTORY_HOURS="3",
            LEADER_MIN_TRADES_30D="3", LEADER_MIN_VOLUME_30D_USD="0", BREAKER_CHECK_SECONDS="5", LOG_LEVEL="info")
        self.env.pop("HTTP_LISTEN", None)
        migrate = self.run_alfa(["migrate"], self.env)
        if migrate.returncode != 0:
            raise SystemExit("soak: alfa migrate failed: " + migrate.stderr[-2000:])
        self.spawn("simulator", [self.alfa, "simulate", "--state", os.path.join(self.folder, "simulator.json")], self.env)
        self.ports = {"a": free_port(), "b": free_port()}
        for replica in ("a", "b"):
            self.start_replica(replica)

    def start_replica(self, replica):
        env = dict(self.env, HTTP_LISTEN="127.0.0.1:%d" % self.ports[replica])
        self.spawn("serve-" + replica, [self.alfa, "serve"], env)

    def alive(self, name):
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def wait_until(self, what, condition, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if condition():
                    return True
            except Exception:
                pass
            time.sleep(1)
        say("gave up waiting for " + what)
        return False

    # --- faults ----------------------------------------------------------------------------

    def count(self, fault):
        self.faults[fault] = self.faults.get(fault, 0) + 1

    def kill_replica(self):
        replica = self.random.choice(["a", "b"])
        name = "serve-" + replica
        if self.alive(name):
            self.processes[name].send_signal(signal.SIGKILL)
            self.processes[name].wait()
            self.kill_times[replica].append(time.time())
            self.count("kill -9 " + replica)
        time.sleep(self.random.uniform(1, 6))
        self.start_replica(replica)

    def restart_postgres(self):
        subprocess.run([os.path.join(ROOT, "commands/lib/pg-cluster"), "stop", self.cluster], capture_output=True)
        time.sleep(self.random.uniform(1, 5))
        subprocess.run([os.path.join(ROOT, "commands/lib/pg-cluster"), "start", self.cluster], capture_output=True,
                       env=dict(os.environ, PG_CLUSTER_DATABASE="alfa_soak", PG_CLUSTER_FSYNC="off"), check=True)
        self.count("PostgreSQL restart")

    def freeze_chain(self):
        chain = self.processes["chain"]
        chain.send_signal(signal.SIGSTOP)
        time.sleep(self.random.uniform(2, 10))
        chain.send_signal(signal.SIGCONT)
        self.count("RPC node SIGSTOP/SIGCONT")

    def relayer_fault(self):
        fault = self.random.choice([{"attemptFailed": 2}, {"decline": True}, {"cutAfter": 1}, {"error": "InsufficientLiquidity"},
                                    {"streamTimeout": True}])
        http(self.relayer + "/control/faults", fault)
        time.sleep(self.random.uniform(5, 15))
        http(self.relayer + "/control/faults", {})
        self.count("relayer " + next(iter(fault)))

    def telegram_fault(self):
        method = self.random.choice(["sendMessage", "getUpdates"])
        if self.random.random() < 0.5:
            body = {"method": method, "status": 429, "description": "Too Many Requests: retry after 2",
                    "parameters": {"retry_after": 2}, "count": self.random.randint(1, 4)}
            self.count("Telegram 429")
        else:
            body = {"method": method, "status": self.random.choice([500, 502]), "description": "Internal Server Error",
                    "count": self.random.randint(1, 4)}
            self.count("Telegram 5xx")
        http(self.telegram + "/control/fail", body)

    def say_to_bot(self, text):
        http(self.telegram + "/control/push", {"updates": [{"text": text, "user": ADMIN}]})

    def confirm_last(self, prefix):
        """Presses the confirm button of the newest message offering one."""
        deadline = time.time() + 15
        while time.time() < deadline:
            for message in reversed(http(self.telegram + "/control/sent", {})["result"][-30:]):
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        data = button.get("callback_data", "")
                        if data.startswith(prefix) and data not in self.pressed:
                            self.pressed.add(data)
                            http(self.telegram + "/control/push",
                                 {"updates": [{"callback": {"user": ADMIN, "data": data, "message_id": message["message_id"]}}]})
                            return True
            time.sleep(0.5)
        return False

    def admin_command(self, choice=None):
        choice = choice or self.random.choice(["stop", "start", "live", "close"])
        if choice == "stop":
            self.say_to_bot("/emergency stop soak")
        elif choice == "start":
            for breaker in ["win_rate", "drawdown", "gas_share", "consecutive_failures", "volatility", "failure_rate", "slippage"]:
                self.say_to_bot("/breaker reset " + breaker)
            self.say_to_bot("/emergency start")
        elif choice == "live":
            self.say_to_bot("/copy mode LIVE")
            self.confirm_last("confirm:")
        else:
            self.say_to_bot("/copy close all")
            self.confirm_last("confirm:")
        self.count("admin " + choice)

    def chaos(self):
        self.pressed = set()
        end = time.time() + self.minutes * 60
        faults = [(self.kill_replica, 3), (self.restart_postgres, 1), (self.freeze_chain, 2), (self.relayer_fault, 3),
                  (self.telegram_fault, 3), (self.admin_command, 4)]
        actions = [action for action, weight in faults for _ in range(weight)]
        while time.time() < end:
            time.sleep(self.random.uniform(3, 10))
            if time.time() >= end:
                break
            action = self.random.choice(actions)
            try:
                action()
            except Exception as error:  # a peer mid-restart: the fault is tried again later
                say("%s: %s" % (action.__name__, error))
            for replica in ("a", "b"):
                if not self.alive("serve-" + replica):
                    say("serve-%s exited on its own (status %s); restarting it; its log: %s"
                        % (replica, self.processes["serve-" + replica].poll(), os.path.join(self.folder, "serve-%s.log" % replica)))
                    self.count("unexpected exit " + replica)
                    self.start_replica(replica)

    # --- settling and the invariants ---------------------------------------------------------

    def settle(self):
        http(self.relayer + "/control/faults", {})
        http(self.telegram + "/control/clear", {})
        # The market stops, so the chain's head stops; the service catches up with it.
        self.processes["simulator"].send_signal(signal.SIGTERM)
        self.processes["simulator"].wait(timeout=60)
        # Trading resumes, so the closes the stop held go out and every order can settle.
        self.admin_command("start")
        self.admin_command("live")
        self.head = int(http(self.rpc, {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []})["result"], 16)
        self.wait_until("the indexer to reach the head", lambda: int(self.psql("SELECT max(last_block) FROM indexer_state")) >= self.head, 180)
        self.wait_until("copy orders to settle", lambda: self.psql(
            "SELECT count(*) FROM copy_orders WHERE status IN ('intent', 'signed', 'accepted', 'initiated')") == "0", 120)
        self.wait_until("alerts to be delivered", lambda: self.psql("SELECT count(*) FROM alert_outbox WHERE finished_at IS NULL") == "0", 120)
        self.wait_until("the leaderboard to refresh after the last fill", lambda: self.psql(
            "SELECT (SELECT max(computed_at) FROM leaderboard_snapshots) > now() - interval '5 seconds'") == "t", 60)
        # What a replica queues while stopping (a takeover's grouped notices) waits, durable, for
        # the next start: rows past this one are not expected delivered.
        self.outbox_before_stop = int(self.psql("SELECT coalesce(max(id), 0) FROM alert_outbox"))
        for replica in ("a", "b"):
            process = self.processes["serve-" + replica]
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()

    def invariants(self):
        rows = []

        # Fills against a clean re-index of the same chain, through the same block.
        through = int(self.psql("SELECT max(last_block) FROM indexer_state"))
        env = dict(self.env, DATABASE_URL=self.reindex_database)
        for args in (["migrate"], ["index", "--to-block", str(through)]):
            out = self.run_alfa(args, env, timeout=1200)
            if out.returncode != 0:
                raise SystemExit("soak: alfa %s failed: %s" % (" ".join(args), out.stderr[-2000:]))
        columns = ("block_number, log_index, encode(tx_hash, 'hex'), encode(block_hash, 'hex'), encode(trader, 'hex'), "
                   "pair_index, trade_index, kind, is_long, price, leverage, collateral, payout, opening_fee, closing_fee, "
                   "rollover_fee")
        digest = "SELECT count(*) || ' ' || coalesce(md5(string_agg(row_text, '|' ORDER BY row_text)), '-') FROM " \
                 "(SELECT concat_ws(',', %s) AS row_text FROM fills WHERE block_number <= %d) t" % (columns, through)
        ours, clean = self.psql(digest), self.psql(digest, self.reindex_database)
        doubled = self.psql("SELECT count(*) FROM (SELECT 1 FROM fills GROUP BY tx_hash, log_index HAVING count(*) > 1) d")
        rows.append(("fills equal a clean re-index (through block %d)" % through, ours == clean and doubled == "0",
                     "%s fills, %s clean; %s doubled" % (ours.split()[0], clean.split()[0], doubled)))

        # Copy orders: one per leader fill; each intent accepted once.
        per_fill = self.psql("SELECT count(*) FROM (SELECT 1 FROM copy_orders GROUP BY leader_tx_hash, leader_log_index "
                             "HAVING count(*) > 1) d")
        accepted = http(self.relayer + "/control/requests")
        accepted = accepted if isinstance(accepted, list) else accepted.get("requests", [])
        nonces = [r["nonce"] for r in accepted]
        twice = len(nonces) - len(set(nonces))
        orders = self.psql("SELECT count(*) FROM copy_orders")
        unsettled = self.psql("SELECT count(*) FROM copy_orders WHERE status IN ('intent', 'signed', 'accepted', 'initiated')")
        live = self.psql("SELECT count(*) FROM copy_orders WHERE mode = 'LIVE' AND status = 'filled'")
        rows.append(("at most one copy order per leader fill", per_fill == "0" and twice == 0,
                     "%s orders (%s LIVE filled, %s unsettled), %d intents accepted; %s fills with two orders, "
                     "%d intents accepted twice" % (orders, live, unsettled, len(nonces), per_fill, twice)))

        # The stop: no intent accepted while it was on, but the closes an admin or a breaker ordered.
        history = [line.split("|") for line in self.psql(
            "SELECT extract(epoch FROM recorded_at), emergency_stop FROM execution_history ORDER BY id").splitlines() if line]
        stops, since = [], None
        for at, stopped in history:
            if stopped == "t" and since is None:
                since = float(at)
            elif stopped == "f" and since is not None:
                stops.append((since, float(at)))
                since = None
        if since is not None:
            stops.append((since, float("inf")))
        passing = set(self.psql("SELECT intent_nonce FROM copy_orders WHERE ordered_by IS NOT NULL AND intent_nonce IS NOT NULL")
                      .splitlines())
        violations = [r for r in accepted if r["nonce"] not in passing and any(a <= r["at"] < b for a, b in stops)]
        for r in violations:
            order = self.psql("SELECT id || ' ' || action || ' ' || status || ' created ' || created_at FROM copy_orders "
                              "WHERE intent_nonce = '%s'" % r["nonce"].replace("'", ""))
            print("soak: accepted inside a stop at %.3f: order %s" % (r["at"], order or "?"), file=sys.stderr)
        rows.append(("no order accepted while the stop was on", not violations,
                     "%d stop periods, %d intents accepted, %d of them inside a stop (%d admin or breaker closes pass it)"
                     % (len(stops), len(accepted), len(violations), len(passing))))

        # The copy executor: never two at once, from each replica's lease epochs.
        intervals = []
        for replica in ("a", "b"):
            intervals += self.tenures(replica)
        intervals.sort()
        overlaps = [(x, y) for i, x in enumerate(intervals) for y in intervals[i + 1:] if x[2] != y[2] and y[0] < x[1]]
        epochs = [e for _, _, _, e in intervals]
        rows.append(("never two copy executors at once", not overlaps and len(epochs) == len(set(epochs)),
                     "%d tenures, epochs %s; %d overlapping" % (len(intervals), self.span(epochs), len(overlaps))))

        # Alerts: each stored one delivered once to its chat.
        sent = http(self.telegram + "/control/sent", {})["result"]
        delivered = {}
        for message in sent:
            delivered[(message["chat_id"], message["text"])] = delivered.get((message["chat_id"], message["text"]), 0) + 1
        outbox = json.loads(self.psql("SELECT coalesce(json_agg(json_build_object('id', id, 'chat', chat_id, 'text', text, "
                                      "'outcome', outcome)), '[]') FROM alert_outbox"))
        queued_at_stop = [a for a in outbox if a["id"] > self.outbox_before_stop and a["outcome"] is None]
        outbox = [a for a in outbox if a not in queued_at_stop]
        lost = [a for a in outbox if a["outcome"] == "sent" and delivered.get((a["chat"], a["text"]), 0) == 0]
        doubled_alerts = [a for a in outbox if delivered.get((a["chat"], a["text"]), 0) > 1
                          and sum(1 for b in outbox if (b["chat"], b["text"]) == (a["chat"], a["text"])) == 1]
        unfinished = [a for a in outbox if a["outcome"] is None]
        for a in unfinished:
            print("soak: alert never finished, to %s: %s" % (a["chat"], a["text"][:200]), file=sys.stderr)
        rows.append(("every alert delivered exactly once", not lost and not doubled_alerts and not unfinished,
                     "%d alerts; %d lost, %d delivered twice, %d never finished; %d queued while the replicas stopped, for the next start"
                     % (len(outbox), len(lost), len(doubled_alerts), len(unfinished), len(queued_at_stop))))

        # The leaderboard against a full recompute as of the stored snapshot's time.
        env = dict(self.env)
        mismatched = []
        for window in ("7d", "30d", "all"):
            stored = json.loads(self.run_alfa(["leaderboard", "--json", "--top", "1000", "--window", window], env).stdout)
            again = json.loads(self.run_alfa(["leaderboard", "--json", "--top", "1000", "--window", window,
                                              "--as-of", str(stored["as_of"])], env).stdout)
            if stored.get("rows") != again.get("rows"):
                mismatched.append(window)
                for name, board in (("stored", stored), ("recomputed", again)):
                    with open(os.path.join(self.folder, "leaderboard-%s-%s.json" % (window, name)), "w") as f:
                        json.dump(board, f, indent=1)
            if window == "30d":
                ranked = len(stored.get("rows", []))
        rows.append(("the leaderboard equals a full recompute", not mismatched,
                     "%d ranked (30d); windows differing: %s" % (ranked, ", ".join(mismatched) or "none")))
        exits = sum(count for fault, count in self.faults.items() if fault.startswith("unexpected exit"))
        rows.append(("no replica exited on its own", exits == 0, "%d unexpected exits" % exits))
        return rows

    def tenures(self, replica):
        """(start, end, replica, epoch) of each time this replica ran the copy executor. A tenure its
        process did not close ends when the process died: at its kill -9, or at its last line."""
        line_time = re.compile(r"^(\d{4}-\d\d-\d\dT\S+Z) ")
        started = re.compile(r"^(\S+Z) notice alfa\.copy: this replica runs the copy executor.*epoch=(\d+)")
        ended = re.compile(r"^(\S+Z) notice alfa\.copy: this replica no longer runs the copy executor")
        process_start = re.compile(r"^\S+Z info alfa\.serve: database: ")
        kills = list(self.kill_times[replica])
        tenures, open_, last = [], None, None

        def seconds(text):
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

        def died(after, before):
            """When the process of a tenure open at `after` died, the next one starting at `before`."""
            killed = [k for k in kills if after <= k <= before]
            return killed[0] if killed else last

        with open(os.path.join(self.folder, "serve-%s.log" % replica), errors="replace") as log:
            for line in log:
                stamp = line_time.match(line)
                if not stamp:
                    continue
                now = seconds(stamp.group(1))
                if process_start.match(line) and open_:
                    tenures.append((open_[0], died(open_[0], now), replica, open_[1]))
                    open_ = None
                if m := started.match(line):
                    open_ = (now, int(m.group(2)))
                elif ended.match(line) and open_:
                    tenures.append((open_[0], now, replica, open_[1]))
                    open_ = None
                last = now
        if open_:
            tenures.append((open_[0], died(open_[0], float("inf")), replica, open_[1]))
        return tenures

    @staticmethod
    def span(values):
        return "%d–%d" % (min(values), max(values)) if values else "none"

    def stop_all(self):
        for name, process in self.processes.items():
            if process.poll() is None:
                if name == "chain":
                    process.send_signal(signal.SIGCONT)
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run([os.path.join(ROOT, "commands/lib/pg-cluster"), "remove", self.cluster], capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, required=True, help="how long the faults go on")
    parser.add_argument("--seed", type=int, default=1, help="seed of the faults and of the market")
    parser.add_argument("--alfa", required=True, help="the alfa binary")
    parser.add_argument("--folder", required=True, help="where the logs go")
    options = parser.parse_args()
    if options.minutes <= 0:
        parser.error("--minutes %s is not a number of minutes above 0" % options.minutes)
    os.makedirs(options.folder, exist_ok=True)
    soak = Soak(options.minutes, options.seed, options.alfa, options.folder)
    started = time.time()
    try:
        say("starting the stack (logs in %s)" % options.folder)
        soak.start()
        say("faults for %g minutes, seed %d" % (options.minutes, options.seed))
        soak.chaos()
        say("healing, settling and stopping")
        soak.settle()
        rows = soak.invariants()
    finally:
        soak.stop_all()
    print("\nsoak: %g minutes, seed %d, %.0f s in all" % (options.minutes, options.seed, time.time() - started))
    print("\n| fault | count |\n|---|---|")
    for fault, count in sorted(soak.faults.items()):
        print("| %s | %d |" % (fault, count))
    print("\n| invariant | holds | figure |\n|---|---|---|")
    for name, holds, figure in rows:
        print("| %s | %s | %s |" % (name, "yes" if holds else "**NO**", figure))
    sys.exit(0 if all(holds for _, holds, _ in rows) else 1)


if __name__ == "__main__":
    main()
