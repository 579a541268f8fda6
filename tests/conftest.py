"""Suite-level fixtures: a real Odoo 19 server with the suite and its demo data.

The server runs on a throwaway database of the PostgreSQL cluster that the
test command started (``PGHOST``/``PGPORT``/``PGUSER`` in the environment); run
alone (``pytest tests``) the fixture starts a private cluster of its own.
Outgoing mail goes to an SMTP sink in this process and SMS stay queued (no
cron runs), so nothing leaves the machine.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import fsm  # noqa: E402  (the suite's runner: finds Odoo and PostgreSQL)


class SmtpSink:
    """A minimal SMTP server on 127.0.0.1 that keeps every message it gets."""

    def __init__(self):
        self.messages = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.5)
        while not self._stop:
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._session(conn)

    def _session(self, conn):
        fh = conn.makefile("rb")

        def reply(line):
            conn.sendall(line.encode() + b"\r\n")

        reply("220 sink ESMTP")
        mail = {"rcpt": [], "data": b""}
        while True:
            line = fh.readline()
            if not line:
                return
            cmd = line.strip().decode(errors="replace").upper()
            if cmd.startswith(("EHLO", "HELO")):
                reply("250 sink")
            elif cmd.startswith("MAIL FROM"):
                mail = {"rcpt": [], "data": b""}
                reply("250 ok")
            elif cmd.startswith("RCPT TO"):
                mail["rcpt"].append(line.strip().decode()[8:])
                reply("250 ok")
            elif cmd == "DATA":
                reply("354 end with .")
                chunks = []
                while True:
                    data = fh.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    chunks.append(data)
                mail["data"] = b"".join(chunks)
                self.messages.append(mail)
                reply("250 queued")
            elif cmd == "QUIT":
                reply("221 bye")
                return
            else:
                reply("250 ok")

    def close(self):
        self._stop = True
        self.sock.close()


def _odoo_cmd():
    if os.environ.get("FSM_ODOO_CMD"):
        return os.environ["FSM_ODOO_CMD"].split("\x1f"), os.environ["FSM_ODOO_ADDONS_PATH"]
    odoo = fsm.find_odoo()
    return odoo.cmd, odoo.addons_path


@pytest.fixture(scope="session")
def pg_cluster():
    """PostgreSQL connection settings: the runner's cluster, or our own."""
    if os.environ.get("PGHOST") and os.environ.get("PGPORT"):
        yield {
            "host": os.environ["PGHOST"],
            "port": int(os.environ["PGPORT"]),
            "user": os.environ.get("PGUSER", fsm.DB_SUPERUSER),
        }
        return
    workdir = Path(tempfile.mkdtemp(prefix="fsm-pytest-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    cluster = fsm.Cluster(workdir / "pg", fsm.free_port(), fast=True)
    cluster.start()
    try:
        yield {"host": "127.0.0.1", "port": cluster.port, "user": fsm.DB_SUPERUSER}
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def odoo_server(pg_cluster, smtp_sink, tmp_path_factory):
    """Install the suite with demo data in a fresh database and serve it."""
    cmd, addons_path = _odoo_cmd()
    db = f"fsm_scenario_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("odoo-data")
    log = tmp_path_factory.mktemp("odoo-log") / "odoo.log"
    options = [
        "--addons-path", addons_path,
        "--db_host", pg_cluster["host"],
        "--db_port", str(pg_cluster["port"]),
        "--db_user", pg_cluster["user"],
        "--data-dir", str(data_dir),
        "-d", db,
        "--smtp", "127.0.0.1",
        "--smtp-port", str(smtp_sink.port),
        "--max-cron-threads", "0",
    ]  # fmt: skip
    base = [*cmd, *options]
    addons = ",".join(fsm.suite_addons())
    started = time.monotonic()
    subprocess.run(
        [*base, "-i", addons, "--with-demo", "--stop-after-init", "--log-level", "warn",
         "--logfile", str(log)],
        check=True,
    )  # fmt: skip
    install_seconds = time.monotonic() - started
    demo = subprocess.run(
        ["psql", "-At", "-h", pg_cluster["host"], "-p", str(pg_cluster["port"]),
         "-U", pg_cluster["user"], "-d", db, "-c",
         "SELECT demo FROM ir_module_module WHERE name = 'fsm_orders'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert demo == "t", f"the demo data of fsm_orders did not load (see {log})"
    print(f"\n[scenario] demo database {db} installed in {install_seconds:.0f} s")

    port = fsm.free_port()
    keys = _api_keys(cmd, options, ["planner", "tech.anna", "tech.erik"], port)
    server = subprocess.Popen(
        [*base, "--http-interface", "127.0.0.1", "--http-port", str(port),
         "--db-filter", f"^{db}$", "--logfile", str(log)],
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server)
        yield {"url": url, "db": db, "keys": keys, "log": log, "install_seconds": install_seconds}
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(
            ["dropdb", "--if-exists", "-h", pg_cluster["host"], "-p", str(pg_cluster["port"]),
             "-U", pg_cluster["user"], db],
            check=False,
        )  # fmt: skip
    bad = [
        ln for ln in log.read_text(errors="replace").splitlines()
        if fsm.ODOO_BAD_LINE.match(ln) or ln.startswith("Traceback")
    ]  # fmt: skip
    assert not bad, f"the scenario server logged errors: {bad[:3]}"


def _api_keys(cmd, options, logins, port):
    """Create a persistent API key for each login, through odoo shell, and
    point the server's own URLs (links, wkhtmltopdf's assets) at its port."""
    script = f"""
import json
url = 'http://127.0.0.1:{port}'
env['ir.config_parameter'].set_param('web.base.url', url)
env['ir.config_parameter'].set_param('web.base.url.freeze', 'True')
env['ir.config_parameter'].set_param('report.url', url)
keys = {{}}
for login in {logins!r}:
    user = env['res.users'].search([('login', '=', login)])
    assert user, login
    keys[login] = env['res.users.apikeys'].with_user(user).sudo()._generate(None, 'scenario', None)
env.cr.commit()
print('KEYS=' + json.dumps(keys))
"""
    out = subprocess.run(
        [*cmd, "shell", *options, "--log-level", "warn", "--no-http"],
        input=script, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("KEYS="))
    return json.loads(line[5:])


def _wait_for(url, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Odoo exited with {server.returncode}")
        try:
            if requests.get(f"{url}/web/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("Odoo did not answer in time")


# --------------------------------------------------------------------------
# the external JSON API, as integrations use it
# --------------------------------------------------------------------------
class Api:
    def __init__(self, server, key):
        self.url = server["url"]
        self.db = server["db"]
        self.key = key

    def call(self, model, method, **body):
        return requests.post(
            f"{self.url}/json/2/{model}/{method}",
            json=body,
            headers={"Authorization": f"Bearer {self.key}", "X-Odoo-Database": self.db},
            timeout=60,
        )

    def __call__(self, model, method, **body):
        response = self.call(model, method, **body)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def planner(odoo_server):
    return Api(odoo_server, odoo_server["keys"]["planner"])


@pytest.fixture(scope="module")
def anna(odoo_server):
    return Api(odoo_server, odoo_server["keys"]["tech.anna"])


@pytest.fixture(scope="module")
def erik(odoo_server):
    return Api(odoo_server, odoo_server["keys"]["tech.erik"])
