"""Headless Chromium driven over the DevTools protocol: open a page, record its console errors,
uncaught exceptions and network requests, read its DOM, take a screenshot.

Used by the HTML report tests and the report benchmark. Each ``Browser`` is one Chromium
process with a private profile; ``open`` loads a page in a fresh tab and waits until the
page's script has drawn it (``<body data-ready>``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


class ChromiumUnavailable(RuntimeError):
    pass


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumUnavailable("chromium is not installed (apt-get install chromium)")


class Page:
    """One tab: every event it sends is kept in ``events``."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self._ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._next = 0
        self.events: list[dict] = []

    def call(self, method: str, **params):
        self._next += 1
        ident = self._next
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def drain(self, seconds: float = 0.3) -> None:
        """Collect the events that arrive within ``seconds``."""
        import websocket

        self._ws.settimeout(seconds)
        try:
            while True:
                self.events.append(json.loads(self._ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self._ws.settimeout(30)

    def console_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                errors.append(json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                errors.append(params["entry"].get("text", "")[:500])
        return errors

    def requests(self) -> list[str]:
        """Every URL the page asked for, the page itself included."""
        return [event["params"]["request"]["url"] for event in self.events
                if event.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, dest: Path, width: int = 1280) -> Path:
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=min(height, 6000),
                  deviceScaleFactor=1, mobile=False)
        self.evaluate("new Promise(r => setTimeout(r, 150))")
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        Path(dest).write_bytes(base64.b64decode(data))
        return Path(dest)

    def close(self) -> None:
        self._ws.close()


class Browser:
    def __init__(self) -> None:
        binary = chromium_binary()
        self._profile = tempfile.mkdtemp(prefix="dockwise-chromium-")
        self._proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
             f"--user-data-dir={self._profile}", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--metrics-recording-only", "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise ChromiumUnavailable(f"chromium exited with code {self._proc.returncode}")
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            time.sleep(0.05)
        self.close()
        raise ChromiumUnavailable("chromium did not open its DevTools port within 30 s")

    def open(self, path: str | os.PathLike, timeout: float = 30) -> tuple[Page, float]:
        """Load ``path`` in a new tab; returns the page and the seconds from navigation until
        the page's script had drawn it."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            target = json.load(response)
        page = Page(target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        started = time.monotonic()
        page.call("Page.navigate", url=Path(path).resolve().as_uri())
        while not page.evaluate("document.readyState === 'complete' && document.body !== null "
                                "&& document.body.hasAttribute('data-ready')"):
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{path} was not drawn within {timeout} s")
            time.sleep(0.01)
        elapsed = time.monotonic() - started
        page.drain()
        return page, elapsed

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
