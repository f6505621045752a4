"""What the loopback peers of commands/lib share: announce the port, die with the parent."""
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
