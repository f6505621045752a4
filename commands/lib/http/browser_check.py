#!/usr/bin/env python3
"""Opens the web leaderboard in a real headless Chromium, driven over the DevTools protocol:
loads BASE_URL/, counts the ranked rows, clicks the first trader's link as a user would, and
reads the trader page it opened. Prints one JSON object; with --screenshot DIR, saves both
pages as PNGs at a phone's width.

  browser_check.py BASE_URL [--screenshot DIR] [--width 412]
"""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, width, height):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("browser_check: chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="alfa-chromium-")
        port = free_port()
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", f"--user-data-dir={self.profile}",
             f"--remote-debugging-port={port}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.close()
                sys.exit("browser_check: chromium did not open its DevTools port within 60 s")
            time.sleep(0.2)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=2, mobile=True)

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for_load(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events):
                self.events.clear()
                return
            self.ws.settimeout(max(0.1, deadline - time.time()))
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("the page did not finish loading")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def navigate(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for_load()

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=412)
    args = parser.parse_args()
    browser = Browser(args.width, 915)
    try:
        browser.navigate(args.base.rstrip("/") + "/")
        board = browser.evaluate("""({
            title: document.title,
            rows: document.querySelectorAll('#leaderboard tbody tr').length,
            first: (document.querySelector('#leaderboard a.trader') || {}).textContent || null,
            href: (document.querySelector('#leaderboard a.trader') || {}).href || null,
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth})""")
        if args.screenshot:
            browser.screenshot(os.path.join(args.screenshot, "web-leaderboard.png"))
        card = None
        if board["rows"]:
            # A click, as a user's: the browser follows the link itself.
            browser.events.clear()
            browser.evaluate("document.querySelector('#leaderboard a.trader').click()")
            browser.wait_for_load()
            # The chart is an <img>: wait until it decoded.
            browser.evaluate("""new Promise(r => { const i = document.querySelector('img.chart');
                if (!i || i.complete) r(); else { i.onload = r; i.onerror = r; } })""")
            card = browser.evaluate("""({
                url: location.href,
                heading: (document.querySelector('#trader') || {}).textContent || null,
                address: (document.querySelector('.address') || {}).textContent || null,
                windows: document.querySelectorAll('#windows tbody tr').length,
                chartWidth: (document.querySelector('img.chart') || {}).naturalWidth || 0})""")
            if args.screenshot:
                browser.screenshot(os.path.join(args.screenshot, "web-trader.png"))
        print(json.dumps({"board": board, "card": card}))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
