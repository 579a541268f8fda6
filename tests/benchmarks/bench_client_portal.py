"""The client portal under load: 50 portal users browsing at once, 2 workers.

Run by ``./fsm bench client_portal`` inside ``odoo shell`` on the throwaway
database with the suite installed (no demo data): ``env`` is given. It builds
the clients, commits them, and serves the database as in production: an Odoo
HTTP server with ``--workers 2`` (started from the same Odoo as the shell: the
command ``tools/fsm.py`` passes in ``FSM_ODOO_CMD``, else this Python with
``sys.argv[0]``; the database options from the shell's own configuration),
reached straight on its HTTP port over loopback (no proxy). ``report.url`` is
set to that port, so that wkhtmltopdf fetches the report's styles from the
same server, as it does in production.

**The data**: FSM_BENCH_PORTAL_USERS (50) clients, each a company with a
contact, a site, a machine, a request and FSM_BENCH_PORTAL_ORDERS (5) orders
from that request, dispatched to one technician, the first
FSM_BENCH_PORTAL_DONE (1, at most the orders) of them done (started, work
summary written, finished). Each contact is a portal user.

**The stored reports**: as in production, where finishing an order stores its
service report (the one emailed), each done order gets its report rendered
and stored: once the server is up, the shell calls
``_fsm_render_service_report()`` order by order (wkhtmltopdf, fetching the
styles from the running server; the first one has the server build the
report's bundles) and commits; the time per report and in all is printed.
Nothing writes an order after that: the portal's PDF
(``/my/service-orders/<id>?report_type=pdf``) is the stored bytes
(``_fsm_current_report_pdf()``), not a rendering. Each PDF answer is compared
with the stored report (the count of those that are not is printed), and after
the load the stored reports still current are counted.

**The load**, after every user has logged in (``/web/login`` with its CSRF
token). A round of a user is, in this order: ``/my/home``, the
``/my/counters`` JSON-RPC of the three counters, ``/my/service-requests``,
``/my/service-orders?filterby=all``, ``/my/equipment``, the page of one of its
orders (another each round), the page of its request, and the PDF of one of
its done orders (``?report_type=pdf&download=true``); FSM_BENCH_PORTAL_PDF=0
leaves the PDF out (the pages alone). Each request has a 30 s timeout.

1. warm-up, not measured: one round by two users at once (the workers'
   registries);
2. one user alone: each kind of request fetched 10 times in a row by one user
   (the order page another order each time): p50 and slowest per kind, the
   routes' own cost without queueing;
3. **browsing, the targets' scenario**: every user is a thread that runs
   FSM_BENCH_PORTAL_ROUNDS (3) rounds and reads before each request (the first
   too: users do not all click at the same instant) for a think time, each
   pause uniform in [0.5, 1.5] x FSM_BENCH_PORTAL_THINK_S (3) seconds, drawn
   from a random generator seeded per user (the same pauses each run). No new
   request is started after FSM_BENCH_PORTAL_MAX_S (300) seconds;
4. no pause (stress), extra figures and not the targets' scenario: every user
   runs one round with no pause, back to back, bounded by
   FSM_BENCH_PORTAL_MAX_S too: what 2 workers sustain (its throughput), where
   the latency is mostly queueing.

**An error** is a status other than 200 (redirects are not followed: a lost
session is an error), a timeout or a connection error, or an answer that lacks
what it should show: the order's name on its page, the request's name on its
page and on the list when open, all the client's order names on the order
list, the machine's name on the machine list, the contact's name on the home
page, the counters the client has, a PDF (``application/pdf`` starting with
``%PDF``).

**Measures**: per phase, per kind of request and for all pages (every request
but the PDF, the counters' JSON-RPC included) the count, errors, p50, p95 and
the slowest, in milliseconds from sending to the last byte read; the
throughput of the phase. **The issue's targets**, compared with the browsing
phase: p95 under 300 ms for pages, under 2 s for a PDF, no errors. Nothing is
asserted about time.
"""

import concurrent.futures
import contextlib
import hashlib
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import odoo
from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

try:
    import requests
except ImportError as exc:
    sys.exit(f"FAILED: {exc.name} is missing in Odoo's Python (pip install requests)")


def _size(name, default):
    return int(os.environ.get(name, default))


N_USERS = _size("FSM_BENCH_PORTAL_USERS", 50)
N_ORDERS = _size("FSM_BENCH_PORTAL_ORDERS", 5)
N_DONE = _size("FSM_BENCH_PORTAL_DONE", 1)
ROUNDS = _size("FSM_BENCH_PORTAL_ROUNDS", 3)
THINK_S = float(os.environ.get("FSM_BENCH_PORTAL_THINK_S", "3"))
MAX_S = float(os.environ.get("FSM_BENCH_PORTAL_MAX_S", "300"))
WITH_PDF = os.environ.get("FSM_BENCH_PORTAL_PDF", "1") not in ("0", "")
ALONE = 10  # requests of each kind by one user alone
TIMEOUT_S = 30
PASSWORD = "bench-portal-password"
TARGET_PAGE_MS = 300
TARGET_PDF_MS = 2000
COUNTERS = ["fsm_request_count", "fsm_order_count", "fsm_equipment_count"]
# the kinds of request of a round, in its order
PAGE_KINDS = ["home", "counters", "requests", "orders", "equipment", "order", "request"]
KINDS = PAGE_KINDS + ["pdf"] if WITH_PDF else PAGE_KINDS

if N_ORDERS < 1 or N_USERS < 1:
    sys.exit("FAILED: FSM_BENCH_PORTAL_USERS and FSM_BENCH_PORTAL_ORDERS must be at least 1")
if not 1 <= N_DONE <= N_ORDERS:
    sys.exit("FAILED: FSM_BENCH_PORTAL_DONE must be from 1 to FSM_BENCH_PORTAL_ORDERS")

# odoo shell limits its address space (limit_memory_hard); the server started
# from here inherits it, and 50 client threads reserve stacks: lift it
resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)


def bench(text):
    print(f"BENCH {text}", flush=True)


# the orders are finished without rendering nor emailing their report (the
# server is not up yet): their reports are stored once it is (store_reports)
quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
        fsm_skip_service_report=True,
    )
)


# --------------------------------------------------------------------------
# the clients (committed: the HTTP server reads them)
# --------------------------------------------------------------------------
def build():
    """The portal users, each a dict of what it must see; the orders; the done ones."""
    now = datetime.now().replace(microsecond=0)
    tech_user = quiet["res.users"].create(
        {"name": "Pia Portaltekniker", "login": "bench.portal.tech",
         "group_ids": [Command.link(quiet.ref("fsm_orders.group_fsm_technician").id)]}
    )  # fmt: skip
    coordinator = quiet["res.users"].create(
        {"name": "Per Coordinator", "login": "bench.portal.coord",
         "group_ids": [Command.link(quiet.ref("fsm_orders.group_fsm_coordinator").id)]}
    )  # fmt: skip
    technician = quiet["hr.employee"].create(
        {"name": tech_user.name, "user_id": tech_user.id, "is_technician": True}
    )
    team = quiet["service.team"].create(
        {"name": "Portal bench", "coordinator_id": coordinator.id,
         "member_ids": [Command.link(technician.id)]}
    )  # fmt: skip
    Partner = quiet["res.partner"]
    sweden = quiet.ref("base.se")
    clients = Partner.create(
        [{"name": f"Portal Client {i:03d} AB", "is_company": True, "city": "Stockholm",
          "country_id": sweden.id, "email": f"client{i}@example.com"}
         for i in range(N_USERS)]
    )  # fmt: skip
    contacts = Partner.create(
        [{"name": f"Contact {i:03d} Person", "parent_id": c.id,
          "email": f"contact{i}@example.com"} for i, c in enumerate(clients)]
    )  # fmt: skip
    sites = Partner.create(
        [{"name": f"Portal Site {i:03d}", "parent_id": c.id, "type": "other",
          "street": f"Sveavägen {i + 1}", "city": "Stockholm", "country_id": sweden.id}
         for i, c in enumerate(clients)]
    )  # fmt: skip
    machines = quiet["service.equipment"].create(
        [{"name": f"Portal Machine {i:03d}", "serial_number": f"PM-{10000 + i}",
          "partner_id": c.id, "location_id": s.id}
         for i, (c, s) in enumerate(zip(clients, sites, strict=True))]
    )  # fmt: skip
    breakdown = quiet.ref("fsm_requests.request_type_breakdown")
    service_requests = quiet["service.request"].create(
        [{"title": f"Machine {i:03d} leaks at group 2", "partner_id": c.id,
          "contact_id": p.id, "location_id": s.id, "equipment_id": m.id,
          "type_id": breakdown.id}
         for i, (c, p, s, m) in enumerate(zip(clients, contacts, sites, machines, strict=True))]
    )  # fmt: skip
    vals = []
    for i in range(N_USERS):
        for k in range(N_ORDERS):
            # the done ones in the past, the others to come
            days = -7 * (N_DONE - k) if k < N_DONE else k - N_DONE + 1
            vals.append({
                "partner_id": clients[i].id, "contact_id": contacts[i].id,
                "location_id": sites[i].id, "equipment_ids": [Command.set(machines[i].ids)],
                "description": f"<p>Visit {k + 1} for request {service_requests[i].name}</p>",
                "team_id": team.id, "technician_id": technician.id,
                "scheduled_start": now.replace(hour=8, minute=0, second=0)
                + timedelta(days=days, hours=k),
                "scheduled_duration": 1.5, "request_id": service_requests[i].id,
            })  # fmt: skip
    orders = quiet["service.order"].create(vals)
    orders.action_dispatch()
    done = orders.browse([oid for j, oid in enumerate(orders.ids) if j % N_ORDERS < N_DONE])
    done.action_start()
    done.work_summary = "Replaced the group gasket, descaled, tested at 9 bar."
    done.action_done()
    portal = quiet.ref("base.group_portal")
    users = (
        quiet["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [{"login": f"bench.portal.{i}", "password": PASSWORD, "partner_id": p.id,
              "group_ids": [Command.set([portal.id])]} for i, p in enumerate(contacts)]
        )
    )  # fmt: skip
    quiet.flush_all()
    Request, Order = quiet["service.request"], quiet["service.order"]
    plan = []
    for i, user in enumerate(users):
        mine = orders[i * N_ORDERS : (i + 1) * N_ORDERS]
        req = service_requests[i]
        plan.append({
            "login": user.login, "contact": contacts[i].name,
            "orders": [(o.id, o.name) for o in mine],
            "done": [(o.id, o.name) for o in mine if o.state == "done"],
            "request": (req.id, req.name),
            "request_listed": bool(req.filtered_domain(Request._portal_list_domain("open"))),
            "machine": machines[i].name,
            "counters": {
                "fsm_request_count": len(req.filtered_domain(Request._portal_list_domain("open"))),
                "fsm_order_count": len(mine.filtered_domain(Order._portal_list_domain("open"))),
                "fsm_equipment_count": 1,
            },
        })  # fmt: skip
    return plan, orders, done


# --------------------------------------------------------------------------
# the server: Odoo with workers (as bench_phone_network.py)
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


# --------------------------------------------------------------------------
# a portal user over HTTP
# --------------------------------------------------------------------------
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(base, login_name):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=TIMEOUT_S)
    found = CSRF_RE.search(page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"/web/login answered {page.status_code} without a CSRF token")
    answer = session.post(
        f"{base}/web/login",
        data={"login": login_name, "password": PASSWORD, "csrf_token": found.group(1)},
        allow_redirects=False,
        timeout=TIMEOUT_S,
    )
    if answer.status_code not in (302, 303) or "/web/login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"{login_name} not logged in (status {answer.status_code})")
    return session


def steps(user, round_no):
    """(kind, method, path, json body, check) of one round of ``user``."""
    order_id, order_name = user["orders"][round_no % len(user["orders"])]
    done_id, _done_name = user["done"][round_no % len(user["done"])]
    request_id, request_name = user["request"]

    def has(*names):
        def check(response):
            missing = [n for n in names if n not in response.text]
            return f"lacks {missing[0]!r}" if missing else None

        return check

    def counters(response):
        result = response.json().get("result") or {}
        wrong = {k: result.get(k) for k, v in user["counters"].items() if result.get(k) != v}
        return f"counters {wrong} (expected {user['counters']})" if wrong else None

    def pdf(response):
        kind = response.headers.get("Content-Type", "")
        if not kind.startswith("application/pdf") or not response.content.startswith(b"%PDF"):
            return f"not a PDF ({kind}, {len(response.content)} bytes)"
        return None

    body = {"jsonrpc": "2.0", "method": "call", "params": {"counters": COUNTERS}}
    return [
        ("home", "GET", "/my/home", None, has(user["contact"])),
        ("counters", "POST", "/my/counters", body, counters),
        ("requests", "GET", "/my/service-requests", None,
         has(request_name) if user["request_listed"] else has()),
        ("orders", "GET", "/my/service-orders?filterby=all", None,
         has(*(name for _id, name in user["orders"]))),
        ("equipment", "GET", "/my/equipment", None, has(user["machine"])),
        ("order", "GET", f"/my/service-orders/{order_id}", None, has(order_name)),
        ("request", "GET", f"/my/service-requests/{request_id}", None, has(request_name)),
        ("pdf", "GET", f"/my/service-orders/{done_id}?report_type=pdf&download=true", None, pdf),
    ]  # fmt: skip


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # kind: [ms]
        self.errors = defaultdict(int)
        self.samples = {}  # the first error of each kind, to print
        self.timeouts = defaultdict(int)
        self.not_stored = 0  # PDF answers other than the stored report's bytes

    def add(self, kind, ms, error=None, not_stored=False):
        with self.lock:
            self.times[kind].append(ms)
            self.not_stored += not_stored
            if error:
                self.errors[kind] += 1
                self.timeouts[kind] += "Timeout" in error
                self.samples.setdefault(kind, error)

    def count(self):
        return sum(len(t) for t in self.times.values())


STORED = {}  # the path of each done order's PDF: the sha1 of its stored report


def call(session, base, step, results):
    kind, method, path, body, check = step
    start = time.perf_counter()
    error, not_stored = None, False
    try:
        response = session.request(
            method, base + path, json=body, allow_redirects=False, timeout=TIMEOUT_S
        )
        response.content  # noqa: B018 — read to the last byte
        ms = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            where = response.headers.get("Location", "")
            error = f"{path} answered {response.status_code}" + (f" to {where}" if where else "")
        else:
            error = check(response)
            error = error and f"{path} {error}"
        if kind == "pdf" and not error:
            not_stored = hashlib.sha1(response.content).hexdigest() != STORED.get(path)
    except (requests.RequestException, ValueError) as exc:
        ms = (time.perf_counter() - start) * 1000
        error = f"{path}: {type(exc).__name__}: {str(exc)[:120]}"
    if results is not None:
        results.add(kind, ms, error, not_stored)
    return error


def simulate(session, user, rounds, deadline, results, pauses=None):
    """``rounds`` rounds of ``user``; before each request a think time drawn
    from ``pauses`` (a seeded random.Random), none without it."""
    for round_no in range(rounds):
        for step in steps(user, round_no)[: len(KINDS)]:
            if pauses is not None:
                pause = pauses.uniform(0.5, 1.5) * THINK_S
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            if time.monotonic() >= deadline:
                return
            call(session, base_url, step, results)


def run_users(sessions, rounds, results, think):
    """Every user a thread at once, with think times or none; the phase's
    wall time in seconds."""
    started = time.monotonic()
    deadline = started + MAX_S
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        futures = []
        for i, (session, user) in enumerate(zip(sessions, plan, strict=True)):
            pauses = random.Random(f"bench-portal-{i}") if think else None
            futures.append(pool.submit(simulate, session, user, rounds, deadline, results, pauses))
        for future in futures:
            future.result()
    return time.monotonic() - started


def percentile(values, p):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report_line(label, times, errors, target_ms=None):
    if not times:
        bench(f"{label}: no request")
        return
    p95 = percentile(times, 95)
    target = ""
    if target_ms:
        target = f" (target p95 < {target_ms:g} ms: {'met' if p95 < target_ms else 'MISSED'})"
    bench(
        f"{label}: {len(times)} requests, {errors} errors, p50 {percentile(times, 50):.0f} ms, "
        f"p95 {p95:.0f} ms, max {max(times):.0f} ms{target}"
    )


def report_phase(results, with_targets):
    """The lines of a phase: all pages, each kind of page, the PDF, the first
    error of each kind."""
    page_target = TARGET_PAGE_MS if with_targets else None
    pages = [ms for kind in PAGE_KINDS for ms in results.times[kind]]
    page_errors = sum(results.errors[kind] for kind in PAGE_KINDS)
    report_line("    pages", pages, page_errors, page_target)
    for kind in PAGE_KINDS:
        report_line(f"        {kind}", results.times[kind], results.errors[kind], page_target)
    if WITH_PDF:
        report_line(
            "    pdf", results.times["pdf"], results.errors["pdf"],
            TARGET_PDF_MS if with_targets else None,
        )  # fmt: skip
        pdfs = len(results.times["pdf"]) - results.errors["pdf"]
        bench(f"        {pdfs - results.not_stored} of {pdfs} PDFs are the stored report's bytes")
    for kind, sample in results.samples.items():
        bench(f"    first {kind} error: {sample}")
    return pages, page_errors


def phase_head(label, results, rounds, wall, how):
    total = results.count()
    expected = len(plan) * rounds * len(KINDS)
    cut = f", cut at {MAX_S:g} s: {expected - total} not sent" if total < expected else ""
    bench(
        f"{label}: {len(plan)} users x {rounds} round{'s'[: rounds != 1]} x {len(KINDS)} "
        f"requests, {how}: "
        f"{total} requests in {wall:.1f} s = {total / wall:.1f} requests/s{cut}"
    )


def store_reports(orders):
    """Render and store each done order's report as finishing it does in
    production (wkhtmltopdf through the running server), then commit; the
    milliseconds of each."""
    times = []
    for order in orders:
        started = time.perf_counter()
        try:
            order._fsm_render_service_report()
        except (UserError, OSError) as exc:
            sys.exit(f"FAILED: the report of {order.name} is not rendered: {exc}")
        times.append((time.perf_counter() - started) * 1000)
    quiet.cr.commit()
    return times


def current_reports(orders):
    """The done orders whose stored report the portal serves as it is (read
    in a new transaction)."""
    quiet.cr.rollback()
    quiet.invalidate_all()
    return sum(bool(order._fsm_current_report_pdf()) for order in orders)


# --------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------
http_port, gevent_port = free_port(), free_port()
base_url = f"http://127.0.0.1:{http_port}"
run_started = time.perf_counter()
plan, all_orders, done_orders = build()
quiet["ir.config_parameter"].sudo().set_param("report.url", base_url)
quiet.cr.commit()
bench(
    f"data: {len(plan)} portal users (a client each: a site, a machine, a request, "
    f"{N_ORDERS} orders of which {N_DONE} done; {len(all_orders)} orders in all), "
    f"built in {time.perf_counter() - run_started:.1f} s"
)

workdir = Path(tempfile.mkdtemp(prefix="fsm-bench-portal-"))
os.chmod(workdir, 0o755)
server_log = workdir / "odoo.log"
server = None
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
        "--data-dir", config["data_dir"], "--workers", "2",
        "--max-cron-threads", "0", "--http-interface", "127.0.0.1",
        "--http-port", str(http_port), "--gevent-port", str(gevent_port),
        "--log-level", "warn", "--logfile", str(server_log),
    ]  # fmt: skip
    # a session of its own: its workers and their wkhtmltopdf are stopped with it
    server = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    wait_http(f"{base_url}/web/health", server, "Odoo", server_log)
    bench(f"server: Odoo {odoo.release.version} --workers 2, straight to {base_url}")

    # the stored reports: rendered by the shell through the running server
    started = time.perf_counter()
    render_ms = store_reports(done_orders)
    took = time.perf_counter() - started
    for order in done_orders:
        path = f"/my/service-orders/{order.id}?report_type=pdf&download=true"
        STORED[path] = hashlib.sha1(order.report_attachment_id.raw).hexdigest()
    later = render_ms[1:] or render_ms
    bench(
        f"stored reports: {len(render_ms)} rendered (wkhtmltopdf via the server) and committed "
        f"in {took:.1f} s: first {render_ms[0]:.0f} ms (the server builds the report's "
        f"bundles), then p50 {percentile(later, 50):.0f} ms, max {max(later):.0f} ms per report; "
        f"{current_reports(done_orders)} current"
    )

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(plan))) as pool:
        try:
            sessions = list(pool.map(lambda user: login(base_url, user["login"]), plan))
        except (requests.RequestException, RuntimeError) as exc:
            sys.exit(f"FAILED: a portal user cannot log in: {exc}")
    bench(f"login: {len(sessions)} users in {time.perf_counter() - started:.1f} s")

    # warm-up: both workers load the registry and answer every kind once
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        warm = list(
            pool.map(
                lambda i: [
                    call(sessions[i], base_url, s, None) for s in steps(plan[i], 0)[: len(KINDS)]
                ],
                range(min(2, len(plan))),
            )
        )
    warm_errors = [e for errs in warm for e in errs if e]
    bench(
        f"warm-up (not measured): a round by {len(warm)} users at once in "
        f"{time.perf_counter() - started:.1f} s, {len(warm_errors)} errors"
    )
    for error in warm_errors[:4]:
        bench(f"    warm-up error: {error}")

    # one user alone: the routes' own cost, no queueing
    alone = Results()
    for kind_no in range(len(KINDS)):
        for i in range(ALONE):
            call(sessions[0], base_url, steps(plan[0], i)[kind_no], alone)
    bench(f"one user alone (before the load): each kind {ALONE} times in a row")
    for kind in KINDS:
        times = alone.times[kind]
        bench(
            f"    {kind:<10} p50 {percentile(times, 50):5.0f} ms, max {max(times):5.0f} ms, "
            f"{alone.errors[kind]} errors"
        )
    for kind, sample in alone.samples.items():
        bench(f"    first {kind} error: {sample}")

    # browsing: the targets' scenario
    browsing = Results()
    wall = run_users(sessions, ROUNDS, browsing, think=True)
    phase_head(
        "browsing (the targets' scenario)", browsing, ROUNDS, wall,
        f"think time {THINK_S:g} s (each pause {0.5 * THINK_S:g}-{1.5 * THINK_S:g} s)",
    )  # fmt: skip
    pages, page_errors = report_phase(browsing, with_targets=True)
    errors = page_errors + browsing.errors["pdf"]
    verdict = []
    measured = [("pages", pages, TARGET_PAGE_MS)]
    measured += [("PDF", browsing.times["pdf"], TARGET_PDF_MS)] if WITH_PDF else []
    for label, times, target in measured:
        if times:
            p95 = percentile(times, 95)
            met = "met" if p95 < target else "MISSED"
            verdict.append(f"{label} p95 {p95:.0f} ms < {target} ms: {met}")
    verdict.append(f"{errors} errors: " + ("met" if not errors else "MISSED"))
    bench(f"    targets (browsing): {'; '.join(verdict)}")

    # no pause: extra figures, not the targets' scenario
    stress = Results()
    wall = run_users(sessions, 1, stress, think=False)
    phase_head(
        "no pause (stress; extra figures, NOT the targets' scenario)", stress, 1, wall,
        "back to back",
    )  # fmt: skip
    report_phase(stress, with_targets=False)

    bench(
        f"stored reports still current after the load: {current_reports(done_orders)} of "
        f"{len(done_orders)}"
    )
    logged = [
        line
        for line in server_log.read_text(errors="replace").splitlines()
        if " ERROR " in line or " CRITICAL " in line
    ]
    if logged:
        bench(f"server log: {len(logged)} ERROR lines; first: {logged[0][:200]}")
    killed = sum("WorkerHTTP" in line and "timeout after" in line for line in logged)
    pdf_timeouts = browsing.timeouts["pdf"] + stress.timeouts["pdf"]
    if killed or pdf_timeouts:
        bench(
            f"    note: {pdf_timeouts} PDFs timed out, {killed} workers killed at "
            "limit_time_real: a PDF that is not the stored report is rendered by the route, "
            "and wkhtmltopdf fetches the report's styles from this same server (report.url), "
            "so with both workers rendering a PDF none is left to serve them"
        )
    bench(f"total: {time.perf_counter() - run_started:.0f} s")
finally:
    if server:
        # a worker stuck in wkhtmltopdf outlives its master's SIGTERM: the
        # whole process group is killed after it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    shutil.rmtree(workdir, ignore_errors=True)
