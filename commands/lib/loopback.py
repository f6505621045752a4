"""What the loopback peers of commands/lib share: announce the port, die with the parent, answer JSON."""
import json
import os
import threading
import time


def serve(server, exit_with_parent):
    """Prints {"port": N} on stdout, then serves until killed, or until the parent process is
    gone when `exit_with_parent` (tests and benchmarks, so that no peer outlives its run)."""
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    if exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


def reply_json(handler, status, payload):
    """Answers `payload` (JSON-encoded unless already bytes) with `status` and its length."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
