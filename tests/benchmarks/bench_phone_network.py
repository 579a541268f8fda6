"""The technician's phone on a weak network: My day and an order, cold and warm.

Run by ``./fsm bench network`` inside ``odoo shell`` on the throwaway database
(``env`` is given). It builds the day a technician sees, commits it, and then
serves that database as in production: an Odoo HTTP server with
``--workers 2 --proxy-mode`` (started from the same Odoo as the shell: the
command ``tools/fsm.py`` passes in ``FSM_ODOO_CMD``, else this Python with
``sys.argv[0]``; the database options from the shell's own configuration)
behind nginx with ``docker/nginx.conf`` (the same file, its upstreams, listen
port and cache directory replaced by a temporary copy's), and drives headless
Chromium over the DevTools protocol at a 390×844 phone viewport.

**The data**: one technician (``bench.phone.tech``, Europe/Stockholm) with
FSM_BENCH_PHONE_ORDERS (8) orders dispatched for today, an hour apart from
08:00, each for another client with a site (address, position), a contact with
a phone, a machine whose category gives a 5-question checklist (3 yes/no, a
number with a range, a choice), two earlier visits done on it, and a warning
on every third site and machine.

**The network**: ``Network.emulateNetworkConditions`` on the page and on every
worker it starts (the service worker's fetches too), FSM_BENCH_PHONE_DOWN_KBPS
(1600) down, FSM_BENCH_PHONE_UP_KBPS (750) up, FSM_BENCH_PHONE_LATENCY_MS (300)
added to every round trip: the issue's 3G profile.

**Usable** is the first moment, measured in the page from the start of its
navigation (``performance.now()``), when (a) an element matching
FSM_BENCH_PHONE_USABLE (default: a card of the My day kanban,
``.o_fsm_my_day .o_kanban_record:not(.o_kanban_ghost)``) is laid out inside the
viewport and (b) no XMLHttpRequest or fetch of the page is pending (every RPC
the screen made is answered, so a tap does something). It is checked after
every DOM mutation, every request's end and every 50 ms. Images (avatars) and
the websocket do not hold it. Odoo 19 answers some RPCs from its IndexedDB
cache at once and asks the server again behind them (``get_views``, the
first ``web_search_read``): such a screen is *shown* before it is usable, and
each line gives both (``shown`` is (a) alone). The page is **idle** when,
after that, no request has started or finished for FSM_BENCH_PHONE_QUIET_S (2)
seconds; the bytes and requests are counted twice: until usable and until
idle. Each load also prints the timeline of its requests until usable.

**Measures**, through nginx (gzip) and then straight to Odoo's HTTP port:

* cold: a new Chromium profile (empty HTTP cache, no service worker), logged
  in by the session cookie set over CDP (as ``tools/screenshot.py``), opening
  FSM_BENCH_PHONE_URL (default ``/odoo/my-day``, the technician's home,
  ``fsm_orders.action_my_day``);
* warm: the same profile reloading the page (HTTP cache and Odoo's service
  worker warm), the median of FSM_BENCH_PHONE_REPEAT (3) reloads;
* open an order (through nginx only, warm): tapping FSM_BENCH_PHONE_OPEN
  (default: the first card) until FSM_BENCH_PHONE_OPENED (default: the form's
  sheet, ``.o_form_view .o_form_sheet``) is shown and no RPC is pending, after
  a warm reload; then back and the same tap again (the form's views known).

Bytes over the wire are the sum of ``encodedDataLength`` of
``Network.loadingFinished`` (headers and body as transferred, compressed),
uncompressed bytes the sum of ``Network.dataReceived``'s ``dataLength``; a
response the service worker answered is counted once, by the worker's fetch.
Before measuring, one unthrottled load through nginx has the server build its
asset bundles (a first visitor's cost, not a phone's). The top
FSM_BENCH_PHONE_TOP (10) resources of the cold load through nginx are listed
by bytes. The lead's new phone screen is measured without rewriting this:
``FSM_BENCH_PHONE_URL=/odoo/action-... FSM_BENCH_PHONE_USABLE='.o_fsm_visit'``.

Needs nginx (``nginx`` on the PATH or in /usr/sbin, or FSM_BENCH_NGINX) and
Chromium (``chromium``/``google-chrome``, or FSM_BENCH_CHROMIUM); without
them it stops with one line saying which, and a non-zero status. Nothing is
asserted about time.
"""

import base64
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytz

import odoo
from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tools import config

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

TZ = "Europe/Stockholm"
LOGIN = "bench.phone.tech"
N_ORDERS = int(os.environ.get("FSM_BENCH_PHONE_ORDERS", "8"))
URL_PATH = os.environ.get("FSM_BENCH_PHONE_URL", "/odoo/my-day")
USABLE = os.environ.get(
    "FSM_BENCH_PHONE_USABLE", ".o_fsm_my_day .o_kanban_record:not(.o_kanban_ghost)"
)
OPEN = os.environ.get("FSM_BENCH_PHONE_OPEN", USABLE)
OPENED = os.environ.get("FSM_BENCH_PHONE_OPENED", ".o_form_view .o_form_sheet")
DOWN_KBPS = float(os.environ.get("FSM_BENCH_PHONE_DOWN_KBPS", "1600"))
UP_KBPS = float(os.environ.get("FSM_BENCH_PHONE_UP_KBPS", "750"))
LATENCY_MS = float(os.environ.get("FSM_BENCH_PHONE_LATENCY_MS", "300"))
REPEAT = int(os.environ.get("FSM_BENCH_PHONE_REPEAT", "3"))
QUIET_S = float(os.environ.get("FSM_BENCH_PHONE_QUIET_S", "2"))
TOP = int(os.environ.get("FSM_BENCH_PHONE_TOP", "10"))
TIMEOUT_S = float(os.environ.get("FSM_BENCH_PHONE_TIMEOUT_S", "240"))
# the figures, through the development server
BASELINE = "warm 0.64 s, cold 42.7 s for 8.1 MB (issue 20, development server, no gzip)"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)


def bench(text):
    print(f"BENCH {text}", flush=True)


# --------------------------------------------------------------------------
# what is needed: a clear line and a non-zero exit when something is missing
# --------------------------------------------------------------------------
def _which(env_name, *names, extra_dirs=()):
    given = os.environ.get(env_name)
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in names:
        found = shutil.which(name) or next(
            (str(Path(d, name)) for d in extra_dirs if os.access(Path(d, name), os.X_OK)), None
        )
        if found:
            return found
    return None


NGINX = _which("FSM_BENCH_NGINX", "nginx", extra_dirs=("/usr/sbin", "/usr/local/sbin"))
CHROMIUM = _which("FSM_BENCH_CHROMIUM", "chromium", "chromium-browser", "google-chrome")
if not NGINX:
    sys.exit("FAILED: nginx not found (apt-get install nginx, or set FSM_BENCH_NGINX)")
if not CHROMIUM:
    sys.exit("FAILED: Chromium not found (apt-get install chromium, or set FSM_BENCH_CHROMIUM)")
try:
    import requests
    import websocket
except ImportError as exc:
    sys.exit(
        f"FAILED: {exc.name} is missing in Odoo's Python (pip install -r requirements-test.txt)"
    )

# odoo shell limits its address space (limit_memory_hard); Chromium's
# reservations crash under it and the children inherit it: lift it
resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)

ROOT = Path(get_module_path("fsm_orders")).resolve().parent.parent
NGINX_CONF = ROOT / "docker" / "nginx.conf"
if not NGINX_CONF.is_file():
    sys.exit(f"FAILED: {NGINX_CONF} not found")


# --------------------------------------------------------------------------
# the technician's day (committed: the HTTP server reads it)
# --------------------------------------------------------------------------
quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
        fsm_skip_service_report=True,
    )
)


def local_today_at(hour, days=0):
    tz = pytz.timezone(TZ)
    today = datetime.now(pytz.utc).astimezone(tz).date() + timedelta(days=days)
    local = tz.localize(datetime.combine(today, datetime.min.time()) + timedelta(hours=hour))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def build_day():
    company = quiet.company
    company.partner_id.tz = TZ
    sweden = quiet.ref("base.se")
    tech_user = quiet["res.users"].create(
        {"name": "Tova Tekniker", "login": LOGIN, "password": LOGIN, "tz": TZ, "lang": "en_US",
         "email": "tova@example.com",
         "group_ids": [Command.link(quiet.ref("fsm_orders.group_fsm_technician").id)]}
    )  # fmt: skip
    coordinator = quiet["res.users"].create(
        {"name": "Cora Coordinator", "login": "bench.phone.coord", "tz": TZ,
         "group_ids": [Command.link(quiet.ref("fsm_orders.group_fsm_coordinator").id)]}
    )  # fmt: skip
    technician = quiet["hr.employee"].create(
        {"name": tech_user.name, "user_id": tech_user.id, "is_technician": True, "tz": TZ}
    )
    team = quiet["service.team"].create(
        {"name": "City", "coordinator_id": coordinator.id,
         "member_ids": [Command.link(technician.id)]}
    )  # fmt: skip
    category = quiet["service.equipment.category"].create({"name": "Espresso machine"})
    quiet["service.checklist.template"].create(
        {"name": "Espresso machine: maintenance", "category_ids": [Command.link(category.id)],
         "item_ids": [
             Command.create({"sequence": 1, "name": "Safety valve releases", "is_required": True,
                             "answer_type": "yesno"}),
             Command.create({"sequence": 2, "name": "Group gaskets tight", "answer_type": "yesno"}),
             Command.create({"sequence": 3, "name": "Descaled", "answer_type": "yesno"}),
             Command.create({"sequence": 4, "name": "Brew pressure", "answer_type": "number",
                             "is_required": True, "has_range": True, "min_value": 8.5,
                             "max_value": 9.5, "unit": "bar"}),
             Command.create({"sequence": 5, "name": "Water filter", "answer_type": "selection",
                             "option_ids": [Command.create({"sequence": 1, "name": "Good"}),
                                            Command.create({"sequence": 2, "name": "Replaced"})]}),
         ]}
    )  # fmt: skip
    Partner = quiet["res.partner"]
    streets = ["Sveavägen", "Götgatan", "Hornsgatan", "Odengatan", "Fleminggatan",
               "Ringvägen", "Birger Jarlsgatan", "Sankt Eriksgatan"]  # fmt: skip
    orders = quiet["service.order"]
    for i in range(N_ORDERS):
        street = streets[i % len(streets)]
        client = Partner.create(
            {"name": f"Kafé {street} {i + 1} AB", "is_company": True,
             "phone": f"+46 8 555 10{i:02d}", "street": f"{street} {10 + i}",
             "zip": "113 22", "city": "Stockholm", "country_id": sweden.id,
             "email": f"kafe{i}@example.com"}
        )  # fmt: skip
        Partner.create(
            {"name": f"Contact {i + 1}", "parent_id": client.id, "phone": f"070-555 10 {i:02d}"}
        )
        site = Partner.create(
            {"name": f"{client.name}, {street}", "parent_id": client.id, "type": "other",
             "street": f"{street} {10 + i}", "zip": "113 22", "city": "Stockholm",
             "country_id": sweden.id, "partner_latitude": 59.33 + i / 100,
             "partner_longitude": 18.05 + i / 100}
        )  # fmt: skip
        machine = quiet["service.equipment"].create(
            {"name": f"La Marzocco Linea {i + 1}", "serial_number": f"LM-{1000 + i}",
             "category_id": category.id, "partner_id": client.id, "location_id": site.id}
        )  # fmt: skip
        if i % 3 == 0:
            quiet["service.warning"].create(
                {"name": "Dog in the back office: knock and wait.", "partner_id": site.id}
            )
        if i % 3 == 1:
            quiet["service.warning"].create(
                {"name": "Shut-off valve behind the dishwasher.", "equipment_id": machine.id}
            )
        common = {"partner_id": client.id, "location_id": site.id, "team_id": team.id,
                  "technician_id": technician.id, "equipment_ids": [Command.set(machine.ids)],
                  "scheduled_duration": 1.0}  # fmt: skip
        for back in (90, 30):
            past = orders.create(
                {**common, "scheduled_start": local_today_at(9, -back),
                 "description": "<p>Yearly maintenance</p>"}
            )  # fmt: skip
            past.sudo().write(
                {"state": "done", "date_started": local_today_at(9, -back),
                 "date_finished": local_today_at(10, -back)}
            )  # fmt: skip
        order = orders.create(
            {**common, "scheduled_start": local_today_at(8 + i),
             "priority": "2" if i == 2 else "1",
             "description": "<p>Machine leaks at group 2; the client needs it by lunch.</p>"}
        )  # fmt: skip
        order.action_dispatch()
        orders |= order
    quiet.flush_all()
    return tech_user, orders


tech_user, day_orders = build_day()
checklists = sum(len(o.checklist_ids) for o in day_orders)
quiet.cr.commit()
bench(
    f"data: technician {LOGIN} with {len(day_orders)} orders today "
    f"({checklists} checklists, {len(day_orders.equipment_ids)} machines); "
    f"network {DOWN_KBPS:.0f}/{UP_KBPS:.0f} kbit/s, {LATENCY_MS:.0f} ms; page {URL_PATH}"
)


# --------------------------------------------------------------------------
# servers: Odoo with workers, nginx with docker/nginx.conf
# --------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command():
    """The argv prefix that starts this Odoo: FSM_ODOO_CMD from tools/fsm.py
    (fields separated by \\x1f), else this Python running odoo-bin, or
    ``-m odoo`` when the shell was started that way."""
    given = os.environ.get("FSM_ODOO_CMD")
    if given:
        return given.split("\x1f")
    script = Path(sys.argv[0])
    if script.name == "__main__.py":  # python -m odoo
        return [sys.executable, "-m", "odoo"]
    return [sys.executable, str(script)]


def server_command():
    """The prefork server starts its gevent worker as ``sys.executable
    sys.argv[0] gevent <its options>``: it needs a script (``odoo-bin``, or
    the ``odoo`` console script of a pip install), not ``-m odoo``, and no
    sub-command word among its options."""
    cmd = odoo_command()
    if cmd[1:3] != ["-m", "odoo"]:
        return cmd
    tree_bin = Path(odoo.__path__[0]).resolve().parent / "odoo-bin"
    if tree_bin.is_file():
        return [cmd[0], str(tree_bin)]
    console = shutil.which("odoo")
    if console:
        return [console]
    sys.exit("FAILED: no odoo-bin beside the odoo package nor an odoo script on the PATH")


def wait_http(url, proc, what, log_file, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = Path(log_file).read_text(errors="replace").splitlines()[-5:]
            sys.exit(f"FAILED: {what} exited {proc.returncode}: {' | '.join(tail)}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code < 500:
                return
        time.sleep(0.5)
    sys.exit(f"FAILED: {what} did not answer {url} in {timeout} s")


def nginx_conf(workdir, listen, http_port, gevent_port):
    """docker/nginx.conf with this run's ports and directory, inside a main
    configuration of its own (no system paths written)."""
    text = NGINX_CONF.read_text()
    for old, new in (
        ("odoo:8069", f"127.0.0.1:{http_port}"),
        ("odoo:8072", f"127.0.0.1:{gevent_port}"),
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("/var/cache/nginx/", f"{workdir}/cache/"),
    ):
        if old not in text:
            sys.exit(f"FAILED: {NGINX_CONF.name} has no '{old}' to point at the bench's servers")
        text = text.replace(old, new)
    (workdir / "cache").mkdir()
    (workdir / "site.conf").write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/site.conf;
}}
"""
    (workdir / "nginx.conf").write_text(main)
    return workdir / "nginx.conf"


# --------------------------------------------------------------------------
# Chromium over the DevTools protocol
# --------------------------------------------------------------------------
PAGE_SCRIPT = """
(() => {
    if (window.top !== window) { return; }
    let pending = 0;
    let target = %s;
    let started = 0;
    window.__fsmAt = null;
    window.__fsmShownAt = null;
    const visible = (selector) => {
        for (const el of document.querySelectorAll(selector)) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0) {
                return el;
            }
        }
        return null;
    };
    const check = () => {
        if (window.__fsmShownAt === null && target && visible(target)) {
            window.__fsmShownAt = performance.now() - started;
        }
        if (window.__fsmAt === null && target && pending === 0 && visible(target)) {
            window.__fsmAt = performance.now() - started;
        }
    };
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (...args) {
        pending++;
        this.addEventListener("loadend", () => { pending--; check(); }, { once: true });
        return send.apply(this, args);
    };
    const fetch = window.fetch;
    window.fetch = function (...args) {
        pending++;
        return fetch.apply(this, args).finally(() => { pending--; check(); });
    };
    new MutationObserver(check).observe(document, {
        childList: true, subtree: true, attributes: true, characterData: true,
    });
    setInterval(check, 50);
    window.__fsmState = () => ({
        pending, target, matches: target ? document.querySelectorAll(target).length : 0,
        visible: Boolean(target && visible(target)), at: window.__fsmAt,
    });
    // tap what `tapSelector` matches first and watch for `selector`
    window.__fsmTap = (tapSelector, selector) => {
        const el = visible(tapSelector);
        if (!el) { return false; }
        target = selector;
        window.__fsmAt = null;
        window.__fsmShownAt = null;
        started = performance.now();
        el.click();
        check();
        return true;
    };
})();
"""


class Browser:
    """One Chromium with one profile and one page, reached over CDP with
    flattened sessions: the page and every worker it starts (the service
    worker among them) are attached, throttled and recorded."""

    def __init__(self, label):
        self.label = label
        self.profile = tempfile.mkdtemp(prefix="fsm-phone-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--disable-default-apps",
             "--disable-features=Translate,OptimizationHints,MediaRouter",
             f"--user-data-dir={self.profile}", f"--remote-debugging-port={self.port}",
             "--window-size=390,844", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        version = None
        for _ in range(150):
            try:
                version = requests.get(f"http://127.0.0.1:{self.port}/json/version", timeout=1)
                targets = requests.get(f"http://127.0.0.1:{self.port}/json", timeout=1).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        else:
            sys.exit("FAILED: Chromium did not open its DevTools port")
        self.ws = websocket.create_connection(
            version.json()["webSocketDebuggerUrl"], timeout=TIMEOUT_S, suppress_origin=True
        )
        self.next_id = 0
        self.responses = {}
        self.events = []  # (monotonic, session kind, message)
        self.sessions = {}  # sessionId -> target type
        self.last_activity = time.monotonic()
        self.throttled = False
        self.shown = None
        self.errors = []  # the page's uncaught exceptions
        self.page = self.call("Target.attachToTarget", targetId=page["id"], flatten=True)[
            "sessionId"
        ]
        self.sessions[self.page] = "page"
        self.setup_page()
        # the page's workers (Odoo's service worker among them) are attached
        # paused, throttled, then let run
        self.call("Target.setAutoAttach", session=self.page, autoAttach=True,
                  waitForDebuggerOnStart=True, flatten=True)  # fmt: skip

    # -- protocol ---------------------------------------------------------
    def send(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        return self.next_id

    def call(self, method, session=None, **params):
        mid = self.send(method, session, **params)
        while mid not in self.responses:
            self._receive(TIMEOUT_S)
        answer = self.responses.pop(mid)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _receive(self, timeout):
        self.ws.settimeout(timeout)
        msg = json.loads(self.ws.recv())
        if "id" in msg:
            self.responses[msg["id"]] = msg
            return
        method = msg.get("method", "")
        session = msg.get("sessionId")
        if method == "Target.attachedToTarget":
            self._attached(msg["params"])
        elif method == "Runtime.exceptionThrown":
            details = msg["params"]["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details["text"])
        elif method.startswith("Network."):
            if not method.startswith("Network.webSocket"):  # the bus' socket: not a load
                self.last_activity = time.monotonic()
            self.events.append((time.monotonic(), self.sessions.get(session, "?"), msg))

    def _attached(self, params):
        session = params["sessionId"]
        kind = params["targetInfo"]["type"]
        self.sessions[session] = kind
        # sent without waiting: a worker paused on start answers only once
        # it runs, and the commands are handled in order
        self.send("Network.enable", session=session)
        if self.throttled:
            self.send("Network.emulateNetworkConditions", session=session, **self.conditions())
        self.send("Runtime.runIfWaitingForDebugger", session=session)

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            with contextlib.suppress(websocket.WebSocketTimeoutException):
                self._receive(max(left, 0.01))

    def evaluate(self, expression):
        with contextlib.suppress(RuntimeError):
            result = self.call(
                "Runtime.evaluate", session=self.page, expression=expression, returnByValue=True
            )
            return result.get("result", {}).get("value")
        return None

    # -- page -------------------------------------------------------------
    @staticmethod
    def conditions():
        return {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_KBPS * 1000 / 8,
            "uploadThroughput": UP_KBPS * 1000 / 8,
        }

    def setup_page(self):
        page = self.page
        self.call("Page.enable", session=page)
        self.call("Network.enable", session=page)
        self.call("Runtime.enable", session=page)
        self.call("Emulation.setDeviceMetricsOverride", session=page, width=390, height=844,
                  deviceScaleFactor=3, mobile=True)  # fmt: skip
        self.call("Emulation.setTouchEmulationEnabled", session=page, enabled=True)
        self.call("Emulation.setUserAgentOverride", session=page, userAgent=PHONE_UA)
        self.call("Emulation.setTimezoneOverride", session=page, timezoneId=TZ)
        self.call("Page.addScriptToEvaluateOnNewDocument", session=page,
                  source=PAGE_SCRIPT % json.dumps(USABLE))  # fmt: skip
        self.call("Runtime.runIfWaitingForDebugger", session=page)

    def throttle(self, on=True):
        self.throttled = on
        for session in self.sessions:
            with contextlib.suppress(RuntimeError):
                if on:
                    self.call("Network.emulateNetworkConditions", session=session,
                              **self.conditions())  # fmt: skip
                else:
                    self.call("Network.emulateNetworkConditions", session=session,
                              offline=False, latency=0, downloadThroughput=-1,
                              uploadThroughput=-1)  # fmt: skip

    def login(self, base):
        session = requests.Session()
        auth = session.post(
            f"{base}/web/session/authenticate",
            json={"params": {"db": config["db_name"][0], "login": LOGIN, "password": LOGIN}},
            timeout=120,
        ).json()
        if auth.get("error"):
            sys.exit(f"FAILED: login as {LOGIN} refused: {auth['error']['data']['message']}")
        self.call("Network.setCookie", session=self.page, name="session_id",
                  value=session.cookies.get("session_id"), domain=urlparse(base).hostname,
                  path="/", httpOnly=True)  # fmt: skip

    def _wait_at(self, what):
        deadline = time.monotonic() + TIMEOUT_S
        debug = os.environ.get("FSM_BENCH_PHONE_DEBUG")
        next_debug = time.monotonic() + 5
        while time.monotonic() < deadline:
            self.pump(0.2)
            at = self.evaluate("window.__fsmAt")
            if at is not None:
                self.shown = (self.evaluate("window.__fsmShownAt") or at) / 1000
                return at / 1000
            if debug and time.monotonic() > next_debug:
                next_debug += 5
                print("debug", what, self.evaluate("window.__fsmState && window.__fsmState()"),
                      flush=True)  # fmt: skip
        shot = self.call("Page.captureScreenshot", session=self.page, format="png")
        path = Path(tempfile.gettempdir()) / "fsm-bench-phone-timeout.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        error = f"; the page's first error: {self.errors[0][:300]}" if self.errors else ""
        sys.exit(
            f"FAILED: {what}: '{USABLE}' not usable after {TIMEOUT_S:.0f} s (see {path}){error}"
        )

    def _wait_idle(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.pump(0.25)
            if time.monotonic() - self.last_activity >= QUIET_S:
                return time.monotonic() - QUIET_S
        return time.monotonic()

    def load(self, url, reload=False):
        """Open url (or reload the page): (usable seconds, events until usable,
        every event until idle)."""
        start_index = len(self.events)
        started = time.monotonic()
        if reload:
            self.call("Page.reload", session=self.page)
        else:
            self.call("Page.navigate", session=self.page, url=url)
        usable = self._wait_at(f"{self.label} {url}")
        usable_mono = self._usable_mono(start_index, started, usable)
        self._wait_idle()
        events = self.events[start_index:]
        return usable, [e for e in events if e[0] <= usable_mono], events, self.shown

    def _usable_mono(self, start_index, started, usable):
        """The local monotonic time of "usable": the page's time counts from
        its navigation, which starts with the document's request."""
        for mono, _kind, msg in self.events[start_index:]:
            if msg["method"] == "Network.requestWillBeSent" and msg["params"]["type"] == "Document":
                return mono + usable
        return started + usable

    def tap(self, tap_selector, selector):
        start_index = len(self.events)
        expression = f"window.__fsmTap({json.dumps(tap_selector)}, {json.dumps(selector)})"
        deadline = time.monotonic() + 60
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                sys.exit(f"FAILED: {self.label}: nothing visible matches '{tap_selector}' to tap")
            self.pump(0.1)
        started = time.monotonic()
        deadline = started + TIMEOUT_S
        while time.monotonic() < deadline:
            self.pump(0.1)
            at = self.evaluate("window.__fsmAt")
            if at is not None:
                self.shown = (self.evaluate("window.__fsmShownAt") or at) / 1000
                break
        else:
            sys.exit(
                f"FAILED: {self.label}: '{selector}' not shown {TIMEOUT_S:.0f} s after the tap"
            )
        usable_events = [e for e in self.events[start_index:] if e[0] <= started + at / 1000]
        self._wait_idle()
        return at / 1000, usable_events, self.events[start_index:], self.shown

    def close(self):
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def traffic(events):
    """{requestId: {url, wire, decoded, cached, sw, start, end}} of CDP events."""
    requests_ = {}
    for mono, kind, msg in events:
        method, p = msg["method"], msg["params"]
        rid = (kind, p.get("requestId"))
        if method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if url.startswith(("data:", "blob:")):
                continue
            requests_[rid] = {"url": url, "wire": 0, "decoded": 0, "cached": False, "sw": False,
                              "start": mono, "end": None, "kind": kind,
                              "type": p.get("type", "")}  # fmt: skip
        elif rid not in requests_:
            continue
        elif method == "Network.requestServedFromCache":
            requests_[rid]["cached"] = True
        elif method == "Network.responseReceived":
            r = p["response"]
            requests_[rid]["cached"] |= bool(r.get("fromDiskCache") or r.get("fromPrefetchCache"))
            requests_[rid]["sw"] = bool(r.get("fromServiceWorker"))
        elif method == "Network.dataReceived":
            requests_[rid]["decoded"] += p.get("dataLength", 0)
        elif method == "Network.loadingFinished":
            requests_[rid]["wire"] = p.get("encodedDataLength", 0)
            requests_[rid]["end"] = mono
        elif method == "Network.loadingFailed":
            requests_[rid]["end"] = mono
    # a response the service worker gave is counted by the worker's own fetch
    for req in requests_.values():
        if req["sw"] and req["kind"] == "page":
            req["wire"] = req["decoded"] = 0
    return requests_


def totals(events):
    """(bytes over the wire, their uncompressed size, requests over the
    network, requests answered by the HTTP cache or the service worker)."""
    reqs = traffic(events).values()
    over_net = [r for r in reqs if not r["cached"] and not (r["sw"] and r["kind"] == "page")]
    wire = sum(r["wire"] for r in over_net)
    decoded = sum(r["decoded"] for r in over_net)
    return wire, decoded, len(over_net), len(reqs) - len(over_net)


def timeline(events, label):
    """When each request of a load started and ended, from the first one."""
    reqs = sorted(traffic(events).values(), key=lambda r: r["start"])
    if not reqs:
        return
    first = reqs[0]["start"]
    bench(f"timeline of {label} (s from its first request; c = HTTP cache, sw = service worker):")
    for r in reqs:
        how = "c " if r["cached"] else "sw" if r["sw"] and r["kind"] == "page" else "  "
        end = f"{r['end'] - first:6.2f}" if r["end"] else "   ..."
        bench(
            f"    {r['start'] - first:6.2f} → {end} {how} {r['wire'] / 1e3:7.1f} kB  "
            f"{r['kind'][:6]:<6} {urlparse(r['url']).path[:90]}"
        )


def mb(n):
    return f"{n / 1e6:6.2f} MB"


def report(label, measured, runs=None):
    """One line: usable (and when the element was first shown), bytes and
    requests until usable, then until idle."""
    seconds, usable_events, all_events, shown = measured
    wire, decoded, count, cached = totals(usable_events)
    wire_all, _decoded_all, count_all, cached_all = totals(all_events)
    extra = f"  [runs {'/'.join(f'{r[0]:.2f}' for r in runs)}]" if runs else ""
    bench(
        f"{label:<40} usable {seconds:6.2f} s (shown {shown:5.2f} s)  {mb(wire)} over the wire "
        f"({mb(decoded)} uncompressed) {count:3d} requests (+{cached} from cache) | until idle "
        f"{mb(wire_all)}, {count_all} requests (+{cached_all} from cache){extra}"
    )


def top_resources(events, base):
    reqs = sorted(traffic(events).values(), key=lambda r: -r["wire"])[:TOP]
    bench(f"top {TOP} resources of the cold load through nginx (bytes over the wire):")
    for r in reqs:
        path = r["url"].replace(base, "")
        took = (r["end"] - r["start"]) if r["end"] else float("nan")
        bench(
            f"    {r['wire'] / 1e3:8.1f} kB wire {r['decoded'] / 1e3:8.1f} kB decoded "
            f"{took:6.2f} s  {path[:110]}"
        )


def measure(label, base, with_tap, top=False):
    """Cold, warm and (with_tap) the tap on an order, in one new profile;
    returns the cold load's events."""
    url = base + URL_PATH
    browser = Browser(label)
    try:
        browser.login(base)
        browser.throttle(True)
        cold = browser.load(url)
        report(f"{label}: My day cold", cold)
        if top:
            top_resources(cold[2], base)
            timeline(cold[1], f"{label}: cold, until usable")
        runs = [browser.load(url, reload=True) for _ in range(REPEAT)]
        median = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        report(f"{label}: My day warm (reload)", median, runs=runs)
        if top:
            timeline(median[1], f"{label}: warm, until usable")
        if with_tap:
            offline_copy(browser)
        if with_tap and OPEN:
            browser.load(url, reload=True)
            opened = browser.tap(OPEN, OPENED)
            report(f"{label}: open an order, warm", opened)
            timeline(opened[1], f"{label}: open an order, until usable")
            browser.call("Runtime.evaluate", session=browser.page,
                         expression="history.back()")  # fmt: skip
            browser.pump(0.5)
            browser._wait_idle()
            report(f"{label}: open an order again", browser.tap(OPEN, OPENED))
    finally:
        browser.close()
    return cold[2]


OFFLINE_COPY_JS = """
(async () => {
    const name = (await indexedDB.databases()).map((d) => d.name)
        .find((n) => n.startsWith("fsm_visit-"));
    let day = 0, orders = 0, queue = 0;
    if (name) {
        const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = reject;
        });
        const read = (table, key) => new Promise((resolve) => {
            if (!db.objectStoreNames.contains(table)) { return resolve(null); }
            const get = db.transaction(table).objectStore(table).get(key);
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => resolve(null);
        });
        const copy = await read("day", "today");
        day = copy ? JSON.stringify(copy).length : 0;
        orders = copy ? copy.orders.length : 0;
        queue = JSON.stringify((await read("queue", "actions")) || []).length;
    }
    let files = 0, entries = 0;
    for (const cacheName of await caches.keys()) {
        const cache = await caches.open(cacheName);
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            files += (await response.clone().arrayBuffer()).byteLength;
            entries += 1;
        }
    }
    const { usage } = await navigator.storage.estimate();
    return JSON.stringify({ day, orders, queue, files, entries, usage });
})()
"""


def offline_copy(browser):
    """What the phone keeps to work without a network: the day's copy in
    IndexedDB (the visit screen's), the service worker's caches, and all
    the origin's storage as the browser counts it."""
    result = browser.call(
        "Runtime.evaluate", session=browser.page, expression=OFFLINE_COPY_JS,
        awaitPromise=True, returnByValue=True,
    )  # fmt: skip
    value = result.get("result", {}).get("value")
    if not value:
        return
    copy = json.loads(value)
    if copy["orders"]:
        bench(
            f"offline copy of the day: {copy['day'] / 1000:7.1f} kB for {copy['orders']} orders "
            f"(queue {copy['queue']} B); service worker caches {mb(copy['files'])} in "
            f"{copy['entries']} entries; origin storage {mb(copy['usage'])}"
        )


def warm_up_server(base):
    """One unthrottled load: Odoo builds its asset bundles for the first
    visitor (and nginx keeps them); not a phone's cost, not measured."""
    browser = Browser("warm-up")
    try:
        browser.login(base)
        started = time.monotonic()
        browser.load(base + URL_PATH)
        return time.monotonic() - started
    finally:
        browser.close()


def bundle_sizes(events, base):
    """The biggest JS and CSS bundles of a load, raw and gzipped (level 6)
    by this Python, for the report's "what to cut"."""
    import gzip

    for req in traffic(events).values():
        if "/web/assets/" not in req["url"] or req["decoded"] < 100_000:
            continue
        body = requests.get(req["url"], timeout=120).content
        bench(
            f"    bundle {urlparse(req['url']).path.rsplit('/', 1)[-1]:<32} "
            f"{len(body) / 1e3:8.1f} kB raw, {len(gzip.compress(body, 6)) / 1e3:7.1f} kB gzip -6"
        )


workdir = Path(tempfile.mkdtemp(prefix="fsm-bench-phone-"))
os.chmod(workdir, 0o755)
http_port, gevent_port, nginx_port = free_port(), free_port(), free_port()
server_log = workdir / "odoo.log"
server = nginx = None
try:
    addons_path = config["addons_path"]
    if not isinstance(addons_path, str):
        addons_path = ",".join(addons_path)
    db_args = ["--db_host", config["db_host"] or "127.0.0.1", "--db_port", str(config["db_port"]),
               "--db_user", config["db_user"]]  # fmt: skip
    if config.get("db_password"):
        db_args += ["--db_password", config["db_password"]]
    argv = [
        *server_command(), "--addons-path", addons_path, *db_args,
        "-d", config["db_name"][0], "--db-filter", f"^{config['db_name'][0]}$",
        "--data-dir", config["data_dir"], "--workers", "2", "--proxy-mode",
        "--max-cron-threads", "0", "--http-interface", "127.0.0.1",
        "--http-port", str(http_port), "--gevent-port", str(gevent_port),
        "--limit-time-cpu", "600", "--limit-time-real", "1200",
        "--log-level", "warn", "--logfile", str(server_log),
    ]  # fmt: skip
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{http_port}/web/health", server, "Odoo", server_log)
    conf = nginx_conf(workdir, nginx_port, http_port, gevent_port)
    test = subprocess.run([NGINX, "-t", "-q", "-p", str(workdir), "-c", str(conf)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if test.returncode:
        sys.exit(f"FAILED: nginx refuses the configuration: {test.stderr.strip()[:300]}")
    nginx = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proxy = f"http://127.0.0.1:{nginx_port}"
    direct = f"http://127.0.0.1:{http_port}"
    wait_http(f"{proxy}/web/health", nginx, "nginx", workdir / "nginx-error.log")
    bench(f"servers: Odoo {odoo.release.version} --workers 2 --proxy-mode; nginx {NGINX}")
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", gevent_port)):
            bench(
                f"    note: Odoo's gevent worker is not listening on {gevent_port} (see its "
                "log): /websocket answers 502, the bus retries in the background"
            )
    took = warm_up_server(proxy)
    bench(f"warm-up (server builds its asset bundles, unthrottled): {took:.1f} s")
    bench(f"baseline: {BASELINE}")
    cold_events = measure("nginx+gzip", proxy, with_tap=True, top=True)
    measure("straight to Odoo (no gzip)", direct, with_tap=False)
    bench("asset bundles of the cold load (raw, and gzipped by this Python at level 6):")
    bundle_sizes(cold_events, proxy)
finally:
    for proc in (nginx, server):
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if os.environ.get("FSM_BENCH_PHONE_KEEP"):
        print(f"kept {workdir}", flush=True)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
