"""A loopback HTTP server for the libcurl client's tests.

Prints its port on the first line of stdout, then serves until stdin closes:
  POST/PUT /echo          -> 200, the request body, header X-Method: the method
  GET  /status/NNN        -> status NNN with a JSON body
  GET  /slow?seconds=S    -> waits S seconds, then 200
  GET  /headers           -> 200, the request headers as JSON
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        self.reply(200, self.body(), {"X-Method": self.command, "Content-Type": "application/octet-stream"})

    do_PUT = do_POST

    def do_GET(self):
        url = urlparse(self.path)
        if url.path.startswith("/status/"):
            code = int(url.path.rsplit("/", 1)[1])
            self.reply(code, json.dumps({"ok": code < 400, "error_code": code}).encode())
        elif url.path == "/slow":
            time.sleep(float(parse_qs(url.query)["seconds"][0]))
            self.reply(200, b"late")
        elif url.path == "/headers":
            self.reply(200, json.dumps(dict(self.headers)).encode())
        else:
            self.reply(404, b"not found")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is part of the tests


server = QuietServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
