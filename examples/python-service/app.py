"""A tiny HTTP service (standard library only): GET /health and GET /hello?name=..."""

from __future__ import annotations

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        if url.path == "/health":
            self._reply(200, {"status": "ok"})
        elif url.path == "/hello":
            name = parse_qs(url.query).get("name", ["world"])[0]
            self._reply(200, {"message": f"hello, {name}"})
        else:
            self._reply(404, {"error": "not found"})

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler)
    # Shut down cleanly on `docker stop` -- if the signal ever reaches us (see the Dockerfile).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on :{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
