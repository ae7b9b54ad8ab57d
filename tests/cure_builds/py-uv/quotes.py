"""Serves a quote of the day rendered with Jinja2; /health answers ok."""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from jinja2 import Template

PAGE = Template("<blockquote>{{ quote }}</blockquote>")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok\n" if self.path == "/health" else PAGE.render(quote="Less is more.").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8081"))), Handler).serve_forever()
