"""Signs the greeting the entrypoint wrote; /health answers ok."""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from itsdangerous import Signer

GREETING = open("/tmp/greeting").read().strip()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok\n" if self.path == "/health" else Signer("k").sign(GREETING).decode().encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
