#!/usr/bin/env python3
"""Screenshot a page of a running suite as a given user, in headless Chromium.

    python3 tools/screenshot.py URL OUT.png --login tech.anna [--password P]
                               [--size 390x844] [--wait 4] [--click SEL]… [--scroll SEL]

Logs in through ``/web/session/authenticate``, hands the session cookie to
Chromium over the DevTools protocol, opens ``URL`` at the given viewport and
saves a PNG. Used to look at screens as a user would (desktop and phone).
"""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import requests
import websocket


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cdp:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def __call__(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--login", required=True)
    parser.add_argument("--password")
    parser.add_argument("--db")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--wait", type=float, default=4.0)
    parser.add_argument("--full", action="store_true", help="whole page height")
    parser.add_argument("--tz", default="Europe/Stockholm", help="the browser's time zone")
    parser.add_argument(
        "--click", action="append", default=[], help="CSS selector to click before the shot"
    )
    parser.add_argument(
        "--console", action="store_true", help="print the page's console messages and errors"
    )
    parser.add_argument(
        "--scroll", help="CSS selector to scroll into view (after the clicks) before the shot"
    )
    args = parser.parse_args()

    parsed = urlparse(args.url)
    base = f"{parsed.scheme}://{parsed.netloc}"
    session = requests.Session()
    db = (
        args.db
        or session.post(f"{base}/web/database/list", json={}, timeout=30).json()["result"][0]
    )
    auth = session.post(
        f"{base}/web/session/authenticate",
        json={"params": {"db": db, "login": args.login, "password": args.password or args.login}},
        timeout=60,
    ).json()
    if auth.get("error"):
        raise SystemExit(f"login failed: {auth['error']['data']['message']}")
    sid = session.cookies.get("session_id")

    width, height = (int(v) for v in args.size.split("x"))
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="fsm-shot-")
    browser = shutil.which("chromium") or shutil.which("google-chrome")
    proc = subprocess.Popen(
        [
            browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
            f"--window-size={width},{height}", "about:blank",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        cdp = Cdp(page["webSocketDebuggerUrl"])
        mobile = width < 800
        cdp(
            "Emulation.setDeviceMetricsOverride",
            width=width, height=height, deviceScaleFactor=1 if not mobile else 2, mobile=mobile,
        )  # fmt: skip
        if mobile:
            cdp("Emulation.setTouchEmulationEnabled", enabled=True)
        cdp("Emulation.setTimezoneOverride", timezoneId=args.tz)
        cdp("Network.enable")
        cdp("Network.setCookie", name="session_id", value=sid, domain=parsed.hostname, path="/")
        cdp("Page.enable")
        if args.console:
            cdp("Runtime.enable")
        cdp("Page.navigate", url=args.url)
        time.sleep(args.wait)
        for selector in args.click:
            cdp(
                "Runtime.evaluate",
                expression=f"document.querySelector({json.dumps(selector)}).click()",
            )
            time.sleep(2)
        if args.scroll:
            cdp(
                "Runtime.evaluate",
                expression=f"document.querySelector({json.dumps(args.scroll)}).scrollIntoView()",
            )
            time.sleep(1)
        params = {"format": "png"}
        if args.full:
            metrics = cdp("Page.getLayoutMetrics")
            size = metrics["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        shot = cdp("Page.captureScreenshot", **params)
        if args.console:
            for event in cdp.events:
                if event["method"] == "Runtime.consoleAPICalled":
                    texts = [
                        str(a.get("value", a.get("description", "")))
                        for a in event["params"]["args"]
                    ]
                    print("console", event["params"]["type"], " ".join(texts)[:500])
                elif event["method"] == "Runtime.exceptionThrown":
                    print("exception", event["params"]["exceptionDetails"].get("text"))
        with open(args.out, "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))
        print(args.out)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
