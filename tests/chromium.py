"""Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
no websocket library, no port): load a page, collect every network request and console
or log error, and take screenshots at a given width. Used by the tests of the html pages.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find() -> str | None:
    """The Chromium (or Chrome) on this machine, if any."""
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


@dataclass
class Loaded:
    """What loading a page did: the requests it made (besides the page itself) and the
    errors it logged, and a screenshot per width asked for."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shots: dict[int, bytes] = field(default_factory=dict)
    heights: dict[int, int] = field(default_factory=dict)


class Browser:
    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="xgedu-chromium-")
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()

        def pipes() -> None:  # (the protocol's fds are 3 and 4 in the browser)
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-extensions",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=pipes,
            pass_fds=(3, 4),
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._send)
        os.close(self._receive)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(30)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._read(deadline - time.monotonic())
            if event.get("method") == method:
                return event
            self.events.append(event)

    def settle(self, quiet: float = 0.5) -> None:
        """Take in events until none has come for ``quiet`` seconds (a blocked request's
        console error can come after the load event)."""
        while True:
            try:
                self.events.append(self._read(quiet))
            except TimeoutError:
                return

    def _read(self, timeout: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._receive], [], [], max(timeout, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _tab(self) -> tuple[str, str]:
        """A new blank tab: its target id and the session attached to it."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return target, session

    def _viewport(self, session: str, width: int, height: int, mobile: bool) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def scroll_width(self, page: Path, width: int) -> int:
        """The page's scroll width at a phone's ``width`` (wider: it scrolls sideways)."""
        target, session = self._tab()
        self.call("Page.enable", session)
        self._viewport(session, width, 800, mobile=True)
        self.events.clear()
        self.call("Page.navigate", session, url=page.resolve().as_uri())
        self.wait_for("Page.loadEventFired")  # (measured once the page is laid out)
        value = self.call(
            "Runtime.evaluate",
            session,
            expression="document.documentElement.scrollWidth",
            returnByValue=True,
        )
        self.call("Target.closeTarget", targetId=target)
        return int(value["result"]["value"])

    def load(self, page: Path, widths: tuple[int, ...] = ()) -> Loaded:
        """Open ``page`` and report its requests and errors; a full-page screenshot at each
        width (a phone's: with touch and mobile metrics)."""
        target, session = self._tab()
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session)
        url = page.resolve().as_uri()
        out = Loaded()
        self.events.clear()
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired")
        for width in widths:
            mobile = width < 600
            self._viewport(session, width, 800, mobile)
            height = 0
            for _ in range(3):  # (the page's height at that viewport, until it holds)
                measured = self.call("Page.getLayoutMetrics", session)["cssContentSize"]
                if int(measured["height"]) == height:
                    break
                height = int(measured["height"])
                self._viewport(session, width, height, mobile)
            shot = self.call("Page.captureScreenshot", session, format="png")
            out.shots[width] = base64.b64decode(shot["data"])
            out.heights[width] = height
        self.settle()
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                asked = params["request"]["url"]
                if asked != url and not asked.startswith("data:"):
                    out.requests.append(asked)
            elif method == "Runtime.exceptionThrown":
                out.errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "warning",
            ):
                out.errors.append(str(params.get("args")))
            elif method == "Log.entryAdded" and params["entry"].get("level") in (
                "error",
                "warning",
            ):
                out.errors.append(params["entry"].get("text", ""))
        self.call("Target.closeTarget", targetId=target)
        return out
