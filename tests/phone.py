"""A technician's phone for suite-level tests: headless Chromium at 390×844
with touch, driven over the DevTools protocol, whose network can be cut.

The phone reaches the server through :class:`NetworkSwitch`, a TCP proxy on
loopback with an off switch: cutting it stops every request of the page *and*
of its service worker (DevTools' network emulation reaches the page only),
and the page is told it is offline by that emulation too, as a phone in a
basement would be. The browser keeps its profile when it is closed and
opened again, so what the page stored (IndexedDB, the service worker's
caches, the session cookie) is there when it comes back.
"""

import base64
import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from urllib.parse import urlparse

import requests
import websocket

from fsm import free_port  # tools/, on the path through conftest
from screenshot import Cdp


class NetworkSwitch:
    """A TCP proxy from a free loopback port to ``target_port``; ``online =
    False`` refuses new connections and cuts the open ones."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.online = True
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.sock.accept()
            except OSError:
                return
            if not self.online:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                self._cut(sock)

    def _cut(self, sock):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        with self.lock:
            self.conns.discard(sock)

    def set_online(self, online):
        self.online = online
        if not online:
            with self.lock:
                conns = list(self.conns)
            for sock in conns:
                self._cut(sock)

    def close(self):
        self.set_online(False)
        self.sock.close()


class Phone:
    """A logged-in technician's phone on ``server_url``, through a switch."""

    width, height = 390, 844

    def __init__(self, server_url, db, login, password=None):
        target = urlparse(server_url)
        self.switch = NetworkSwitch(target.port)
        self.url = f"http://127.0.0.1:{self.switch.port}"
        self.profile = tempfile.mkdtemp(prefix="fsm-phone-")
        session = requests.Session()
        auth = session.post(
            f"{self.url}/web/session/authenticate",
            json={"params": {"db": db, "login": login, "password": password or login}},
            timeout=60,
        ).json()
        if auth.get("error"):
            raise RuntimeError(auth["error"]["data"]["message"])
        self.session_id = session.cookies.get("session_id")
        self.proc = self.cdp = None
        self.offline = False

    # -- the browser -----------------------------------------------------
    def open(self, path):
        """Start the browser on the kept profile and open ``path``."""
        port = free_port()
        browser = shutil.which("chromium") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile}", f"--remote-debugging-port={port}",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        page = None
        for _ in range(150):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration, ValueError):
                time.sleep(0.2)
        if not page:
            raise RuntimeError("Chromium did not start")
        self.cdp = Cdp(page["webSocketDebuggerUrl"])
        cdp = self.cdp
        cdp("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
            deviceScaleFactor=2, mobile=True)  # fmt: skip
        cdp("Emulation.setTouchEmulationEnabled", enabled=True)
        cdp("Emulation.setTimezoneOverride", timezoneId="Europe/Stockholm")
        cdp("Network.enable")
        cdp("Runtime.enable")
        cdp("Page.enable")
        cdp("Network.setCookie", name="session_id", value=self.session_id, domain="127.0.0.1",
            path="/", expires=time.time() + 86400)  # fmt: skip
        self._emulate()
        self.goto(path)

    def close(self):
        """Close the browser as a user does (its storage is written out)."""
        if self.cdp:
            with contextlib.suppress(RuntimeError, websocket.WebSocketException, OSError):
                self.cdp("Browser.close")
            self.cdp.ws.close()
            self.cdp = None
        if self.proc:
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def dispose(self):
        self.close()
        self.switch.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    # -- the network -----------------------------------------------------
    def set_online(self, online):
        self.offline = not online
        self.switch.set_online(online)
        if self.cdp:
            self._emulate()

    def _emulate(self):
        self.cdp("Network.emulateNetworkConditions", offline=self.offline, latency=0,
                 downloadThroughput=-1, uploadThroughput=-1)  # fmt: skip

    # -- the page --------------------------------------------------------
    def goto(self, path):
        self.cdp("Page.navigate", url=self.url + path)

    def js(self, expression):
        """The value of ``expression`` (awaited) in the page."""
        result = self.cdp(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(details.get("exception", {}).get("description") or details["text"])
        return result["result"].get("value")

    def wait_for(self, selector, timeout=60, text=None):
        """Wait until an element matching ``selector`` (holding ``text``) is shown."""
        check = (
            f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".some((el) => el.offsetParent !== null"
            f" && ({json.dumps(text)} === null || el.innerText.includes({json.dumps(text)})))"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.js(check):
                    return
            except (RuntimeError, websocket.WebSocketException):
                pass  # the page is being replaced
            time.sleep(0.25)
        body = self.js("document.body ? document.body.innerText.slice(0, 600) : ''")
        raise AssertionError(f"{selector} {text or ''} not shown in {timeout} s; page: {body!r}")

    def tap(self, selector, text=None):
        """Tap the first shown element matching ``selector`` (holding ``text``)."""
        self.wait_for(selector, text=text)
        self.js(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find((e) => e.offsetParent !== null && ({json.dumps(text)} === null"
            f" || e.innerText.includes({json.dumps(text)})));"
            f" el.scrollIntoView({{block: 'center'}}); el.click(); }})()"
        )

    def type(self, selector, value):
        """Type ``value`` into an input and leave it (its change event)."""
        self.wait_for(selector)
        self.js(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" el.focus(); el.value = {json.dumps(value)};"
            f" el.dispatchEvent(new Event('input', {{bubbles: true}}));"
            f" el.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
        )

    def screenshot(self, path):
        shot = self.cdp("Page.captureScreenshot", format="png")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))
