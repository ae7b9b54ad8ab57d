"""A tiny settings service: renders its YAML settings as escaped HTML."""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

import yaml
from markupsafe import escape

SETTINGS = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "settings.yaml")))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = b"ok\n"
        else:
            body = "".join(f"<p>{escape(k)}: {escape(v)}</p>" for k, v in SETTINGS.items()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
