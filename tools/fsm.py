#!/usr/bin/env python3
"""Run, test and check the field service suite on an Odoo 19 source tree.

One entry point for people and CI (stdlib only, so it runs before anything
is installed)::

    ./fsm run          # private PostgreSQL on loopback + demo database + server
    ./fsm test         # pytest + the Odoo tests of every fsm_* addon, fresh db
    ./fsm preflight    # what CI needs, and what is missing; changes nothing
    ./fsm bench        # benchmarks of tests/benchmarks/ on a throwaway database

How Odoo 19 is found, first match wins (the README repeats this):

1. ``ODOO_BIN``: path of an ``odoo-bin`` script (run with ``ODOO_PYTHON`` or
   ``python3``);
2. ``ODOO_PYTHON`` (default ``python3``) when it imports ``odoo`` 19;
3. the source tree at ``/opt/odoo19`` (``odoo-bin`` run with ``python3``).

The Community addons are taken from the ``addons/`` folder beside the ``odoo``
package (a source tree), or from ``ODOO_ADDONS_PATH``.

PostgreSQL is never the system's: the suite starts its own cluster with
Debian's binaries (``/usr/lib/postgresql/<version>/bin``, or ``PG_BIN``),
listening on 127.0.0.1 only, with its socket in the cluster directory.  When
run as root the cluster runs as the ``postgres`` system user, since PostgreSQL
refuses to run as root.
"""

import argparse
import collections
import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
DEFAULT_ODOO_TREE = Path("/opt/odoo19")
DB_SUPERUSER = "fsm"  # Odoo refuses to connect as "postgres"
STATE_DIR = ROOT / ".fsm"

# Demo logins printed by `fsm run`; the users are created by fsm_orders' demo data.
DEMO_LOGINS = [
    ("administrator", "admin", "admin"),
    ("manager", "manager", "manager"),
    ("coordinator / planner", "planner", "planner"),
    ("technician (team North)", "tech.anna", "tech.anna"),
    ("technician (team South)", "tech.erik", "tech.erik"),
    ("client (portal, Mellanrum)", "client.sofia", "client.sofia"),
]


class SetupError(Exception):
    """Something the suite needs is missing; the message is one line."""


def log(msg):
    print(f"[fsm] {msg}", flush=True)


def suite_addons():
    """Every addon of the suite, in dependency-safe alphabetical order."""
    return sorted(p.parent.name for p in ADDONS.glob("fsm_*/__manifest__.py") if p.is_file())


# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------
class Odoo:
    def __init__(self, python, cmd, community_addons, where):
        self.python = python
        self.cmd = cmd  # argv prefix that starts odoo
        self.community_addons = community_addons
        self.where = where

    @property
    def addons_path(self):
        return ",".join([str(ADDONS), *self.community_addons])


def _probe_python(python):
    """Return (version, package dir) of the odoo a python imports, or None."""
    code = (
        "import odoo.release as r, os;"
        "print(r.version_info[0]);"
        "print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))"
    )
    try:
        out = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, pkg_dir = out.stdout.split()[:2]
    return int(major), Path(pkg_dir)


def _community_addons(tree_root):
    env = os.environ.get("ODOO_ADDONS_PATH")
    if env:
        return [p for p in env.split(",") if p]
    candidates = [tree_root / "addons", tree_root / "odoo" / "addons"]
    found = [str(c) for c in candidates if (c / "web" / "__manifest__.py").exists()]
    return found


def find_odoo():
    python = os.environ.get("ODOO_PYTHON", "python3")
    odoo_bin = os.environ.get("ODOO_BIN")
    if odoo_bin:
        path = Path(odoo_bin)
        if not path.is_file():
            raise SetupError(f"ODOO_BIN={odoo_bin} is not a file")
        tree = path.resolve().parent
        return _check_version(python, [python, str(path)], tree, f"ODOO_BIN {path}")
    probe = _probe_python(python)
    if probe:
        major, tree = probe
        if major != 19:
            raise SetupError(f"{python} imports Odoo {major}, the suite needs Odoo 19")
        cmd = [python, "-m", "odoo"]
        addons = _community_addons(tree)
        if not any(Path(a, "web").exists() for a in addons):
            raise SetupError(f"Odoo 19 found in {tree} but not its addons/: set ODOO_ADDONS_PATH")
        return Odoo(python, cmd, addons, f"{python} imports odoo 19 from {tree}")
    odoo_bin = DEFAULT_ODOO_TREE / "odoo-bin"
    if odoo_bin.is_file():
        return _check_version(
            python, [python, str(odoo_bin)], DEFAULT_ODOO_TREE, str(DEFAULT_ODOO_TREE)
        )
    raise SetupError(
        f"Odoo 19 not found: {python} does not import odoo, ODOO_BIN is unset "
        f"and {DEFAULT_ODOO_TREE}/odoo-bin does not exist (see README, 'Odoo 19')"
    )


def _check_version(python, cmd, tree, where):
    release = tree / "odoo" / "release.py"
    if not release.exists():
        raise SetupError(f"{tree} is not an Odoo source tree (no odoo/release.py)")
    match = re.search(r"version_info = \((\d+),", release.read_text())
    if not match or match.group(1) != "19":
        raise SetupError(f"{tree} is not Odoo 19")
    return Odoo(python, cmd, _community_addons(tree), where)


# --------------------------------------------------------------------------
# PostgreSQL: a private cluster on loopback
# --------------------------------------------------------------------------
def find_pg_bin():
    env = os.environ.get("PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for cand in candidates:
        if cand and Path(cand, "initdb").exists() and Path(cand, "pg_ctl").exists():
            return Path(cand)
    raise SetupError(
        "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)"
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a directory of its own, on 127.0.0.1:port."""

    def __init__(self, directory, port, fast=False):
        self.dir = Path(directory)
        self.data = self.dir / "data"
        self.port = port
        self.fast = fast
        self.bin = find_pg_bin()
        self.as_root = os.geteuid() == 0

    def _run(self, argv, **kw):
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=True, **kw)

    def init(self):
        if (self.data / "PG_VERSION").exists():
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            [
                str(self.bin / "initdb"),
                "-D", str(self.data),
                "-U", DB_SUPERUSER,
                "--auth=trust",
                "-E", "UTF8",
                "--locale=C",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.dir}'",
        ]
        if self.fast:  # throwaway test data: durability is not needed
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        conf = self.data / "postgresql.conf"
        with open(conf, "a") as fh:
            fh.write("\n# fsm suite\n" + "\n".join(settings) + "\n")

    def start(self):
        self.init()
        try:
            self._start()
        except subprocess.CalledProcessError as exc:
            log_file = self.dir / "postgres.log"
            tail = (
                log_file.read_text(errors="replace").splitlines()[-3:] if log_file.exists() else []
            )
            reason = next((ln for ln in tail if "FATAL" in ln or "HINT" in ln), " ".join(tail))
            raise SetupError(f"PostgreSQL did not start on port {self.port}: {reason}") from exc

    def _start(self):
        self._run(
            [
                str(self.bin / "pg_ctl"), "-D", str(self.data),
                "-o", f"-p {self.port}", "-l", str(self.dir / "postgres.log"),
                "-w", "start",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def running(self):
        return (self.data / "postmaster.pid").exists()

    def stop(self):
        if self.running():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(
                    [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                    stdout=subprocess.DEVNULL,
                )

    def db_args(self):
        return [
            "--db_host", "127.0.0.1",
            "--db_port", str(self.port),
            "--db_user", DB_SUPERUSER,
        ]  # fmt: skip

    def env(self):
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": DB_SUPERUSER,
        }

    def _query(self, db, sql):
        """One value from a SQL query, as psql prints it ('' when nothing)."""
        out = subprocess.run(
            [str(self.bin / "psql"), "-At", "-d", db, "-c", sql],
            capture_output=True, text=True, env={**os.environ, **self.env()}, check=False,
        )  # fmt: skip
        return out.stdout.strip()

    def module_has_demo(self, db, module):
        return self._query(db, f"SELECT demo FROM ir_module_module WHERE name = '{module}'") == "t"

    def module_installed(self, db, module):
        state = self._query(db, f"SELECT state FROM ir_module_module WHERE name = '{module}'")
        return state == "installed"


# --------------------------------------------------------------------------
# preflight
# --------------------------------------------------------------------------
def preflight(_args):
    missing = []
    try:
        odoo = find_odoo()
        log(f"Odoo 19: {odoo.where}")
        log(f"  addons path: {odoo.addons_path}")
    except SetupError as exc:
        missing.append(str(exc))
        odoo = None
    try:
        log(f"PostgreSQL: {find_pg_bin()}")
    except SetupError as exc:
        missing.append(str(exc))
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("running as root needs the 'postgres' system user")
    for tool, why in [
        ("wkhtmltopdf", "PDF reports (apt-get install wkhtmltopdf)"),
        ("pdftotext", "PDF checks (apt-get install poppler-utils)"),
    ]:
        path = shutil.which(tool)
        log(f"{tool}: {path or 'MISSING'}")
        if not path:
            missing.append(f"{tool} for {why}")
    browser = next(
        (shutil.which(b) for b in ("chromium", "google-chrome", "chromium-browser")
         if shutil.which(b)),
        None,
    )  # fmt: skip
    log(f"chromium: {browser or 'MISSING'}")
    if not browser:
        missing.append("chromium for tours (apt-get install chromium)")
    if odoo:
        req = python_requirements_missing(odoo.python)
        if req:
            missing.append(f"Python packages for {odoo.python}: {', '.join(req)}")
        else:
            log("Python requirements: present")
    if missing:
        for item in missing:
            print(f"MISSING: {item}")
        return 1
    log("preflight: everything CI needs is here")
    return 0


def python_requirements_missing(python):
    """Module names from requirements files the Odoo python cannot import."""
    modules = {
        "websocket": "websocket-client (requirements-test.txt)",
        "pytest": "pytest (requirements-test.txt)",
        "phonenumbers": "phonenumbers (requirements.txt)",
        "pyvrp": "pyvrp (requirements.txt)",
        "vrplib": "vrplib (requirements.txt)",
        "requests": "requests",
    }
    code = (
        "import importlib.util, sys;"
        "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))"
    )
    out = subprocess.run(
        [python, "-c", code, *modules], capture_output=True, text=True, check=False
    )
    return [modules[m] for m in out.stdout.split()]


def find_odoo_cmd(_args):
    odoo = find_odoo()
    log(f"Odoo 19: {odoo.where}")
    return 0


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------
def _port_busy(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run(args):
    odoo = find_odoo()
    for port, option in ((args.port, "--port"), (args.pg_port, "--pg-port")):
        if _port_busy(port):
            raise SetupError(
                f"port {port} on 127.0.0.1 is in use: stop what uses it or pass {option}"
            )
    cluster = Cluster(STATE_DIR / "pg", args.pg_port)
    log(f"Odoo 19: {odoo.where}")
    log(f"starting PostgreSQL on 127.0.0.1:{args.pg_port} ({cluster.dir})")
    cluster.start()
    addons = suite_addons()
    base = [*odoo.cmd, "--addons-path", odoo.addons_path, *cluster.db_args(), "-d", args.db]
    try:
        if not cluster.module_installed(args.db, "fsm_orders"):
            started = time.monotonic()
            log(f"creating database {args.db} with {', '.join(addons)} and demo data")
            subprocess.run(
                [*base, "-i", ",".join(addons), "--with-demo", "--stop-after-init",
                 "--log-level=warn"],
                check=True,
            )  # fmt: skip
            failed = [a for a in addons if not cluster.module_has_demo(args.db, a)]
            if failed:
                subprocess.run([str(cluster.bin / "dropdb"), "--if-exists", args.db],
                               env={**os.environ, **cluster.env()}, check=False)  # fmt: skip
                raise SetupError(
                    f"the demo data of {', '.join(failed)} failed to load (see the log above); "
                    "the database was dropped so that the next run tries again"
                )
            log(f"database ready in {time.monotonic() - started:.0f} s")
        else:
            log(f"reusing database {args.db}")
        url = f"http://127.0.0.1:{args.port}/odoo"
        log(f"serving on {url}")
        log("demo logins (login / password):")
        for role, login, password in DEMO_LOGINS:
            log(f"  {role:28} {login} / {password}")
        proc = subprocess.Popen(
            [*base, "--http-interface", "127.0.0.1", "--http-port", str(args.port),
             "--db-filter", f"^{re.escape(args.db)}$", *args.odoo_args],
        )  # fmt: skip
        try:
            return proc.wait()
        except KeyboardInterrupt:
            # Odoo's graceful stop waits for open connections (a browser's
            # long-polling); give it ten seconds, then insist.
            proc.send_signal(signal.SIGINT)
            try:
                return proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    return proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    return proc.wait()
    finally:
        if not args.keep_pg:
            log("stopping PostgreSQL")
            cluster.stop()


# --------------------------------------------------------------------------
# test
# --------------------------------------------------------------------------
ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
ODOO_BAD_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors)\b")
# "1 failed, 2 passed in 58.75s" (-q) or "==== 3 passed in 1.2s ====" (default)
PYTEST_SUMMARY = re.compile(r"^=*\s*(no tests ran|\d+ \w+(, \d+ \w+)*)( in [\d.]+s)")


def _tee(argv, logfile, env=None):
    """Run argv, stream its output to the terminal and to logfile."""
    with open(logfile, "w") as fh:
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            errors="replace",
        )
        for line in proc.stdout:
            sys.stdout.write(line)
            fh.write(line)
        return proc.wait()


def test(args):
    started = time.monotonic()
    odoo = find_odoo()
    log(f"Odoo 19: {odoo.where}")
    passed = failed = 0
    reasons = []
    workdir = Path(tempfile.mkdtemp(prefix="fsm-test-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    cluster = Cluster(workdir / "pg", free_port(), fast=True)
    try:
        cluster.start()
        env = {
            **os.environ,
            **cluster.env(),
            "FSM_ODOO_CMD": "\x1f".join(odoo.cmd),
            "FSM_ODOO_ADDONS_PATH": odoo.addons_path,
            "FSM_TEST_WORKDIR": str(workdir),
        }
        if not args.odoo_only:
            p, f, why = run_pytest(odoo, env, workdir, args)
            passed += p
            failed += f
            reasons += why
        if not args.pytest_only:
            p, f, why = run_odoo_tests(odoo, cluster, workdir, args)
            passed += p
            failed += f
            reasons += why
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    log(f"wall time {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    if reasons:
        print(f"FAILED: {'; '.join(reasons)}")
        return 1
    if passed == 0:
        print("FAILED: no test ran")
        return 1
    return 0


def run_pytest(odoo, env, workdir, args):
    paths = [str(ROOT / "tests")]
    paths += [str(p) for p in ADDONS.glob("*/solver/tests") if p.is_dir()]
    logfile = workdir / "pytest.log"
    rc = _tee([odoo.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths,
               *args.pytest_args], logfile, env=env)  # fmt: skip
    text = logfile.read_text(errors="replace")
    counts = {"passed": 0, "failed": 0, "error": 0}
    summaries = [ln for ln in text.splitlines() if PYTEST_SUMMARY.match(ln)]
    for num, kind in PYTEST_COUNTS.findall(summaries[-1] if summaries else ""):
        counts["error" if kind.startswith("error") else kind] += int(num)
    failed = counts["failed"] + counts["error"]
    reasons = []
    if rc not in (0, 1, 5):
        reasons.append(f"pytest exited {rc}")
    if failed:
        reasons.append(f"{failed} pytest test(s) failed")
    if rc == 1 and not failed:
        reasons.append("pytest failed without counting a failure")
    return counts["passed"], failed, reasons


def run_odoo_tests(odoo, cluster, workdir, args):
    addons = args.addons or suite_addons()
    db = f"fsm_test_{os.getpid()}"
    logfile = workdir / "odoo.log"
    argv = [
        *odoo.cmd,
        "--addons-path", odoo.addons_path,
        *cluster.db_args(),
        "-d", db,
        "-i", ",".join(addons),
        "--test-enable",
        "--test-tags", args.test_tags or ",".join(f"/{a}" for a in addons),
        "--stop-after-init",
        "--http-interface", "127.0.0.1",
        "--http-port", str(free_port()),
        "--log-level", "test",
        "--max-cron-threads", "0",
        "--data-dir", str(workdir / "filestore"),
    ]  # fmt: skip
    log("Odoo tests: " + " ".join(argv[len(odoo.cmd) :]))
    rc = _tee(argv, logfile, env={**os.environ, **cluster.env()})
    text = logfile.read_text(errors="replace")
    reasons = []
    results = ODOO_RESULT.findall(text)
    if results:
        fails, errors, total = (int(g) for g in results[-1])
    else:
        fails = errors = total = 0
        reasons.append("Odoo printed no test result (did the install fail?)")
    failed = fails + errors
    passed = total - failed
    bad = [ln for ln in text.splitlines() if ODOO_BAD_LINE.match(ln)]
    tracebacks = text.count("Traceback (most recent call last)")
    if failed:
        reasons.append(f"{failed} Odoo test(s) failed")
    elif bad:
        reasons.append(f"the Odoo log has {len(bad)} ERROR line(s), first: {bad[0][:200]}")
    elif tracebacks:
        reasons.append(f"the Odoo log has {tracebacks} traceback(s)")
    if rc != 0 and not reasons:
        reasons.append(f"Odoo exited {rc}")
    if total == 0 and not reasons:
        reasons.append("Odoo ran no test")
    return passed, failed, reasons


# --------------------------------------------------------------------------
# bench
# --------------------------------------------------------------------------
BENCH_DIR = ROOT / "tests" / "benchmarks"


def bench(args):
    """Install the suite (no demo data) in a throwaway database and run each
    benchmark script of tests/benchmarks/ in ``odoo shell``; print its figures
    (the lines starting with BENCH). Nothing is asserted about time."""
    odoo = find_odoo()
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if any(n in s.stem for n in args.names)]
    if not scripts:
        raise SetupError(f"no benchmark matches {args.names or '*'} in {BENCH_DIR}")
    workdir = Path(tempfile.mkdtemp(prefix="fsm-bench-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    cluster = Cluster(workdir / "pg", free_port(), fast=True)
    db = "fsm_bench"
    base = [*odoo.cmd, "--addons-path", odoo.addons_path, *cluster.db_args(), "-d", db,
            "--data-dir", str(workdir / "filestore"), "--max-cron-threads", "0"]  # fmt: skip
    failures = []
    try:
        cluster.start()
        log(f"Odoo 19: {odoo.where}; installing {', '.join(suite_addons())} (no demo data)")
        subprocess.run(
            [*base, "-i", ",".join(suite_addons()), "--stop-after-init", "--log-level=warn"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for script in scripts:
            log(f"benchmark {script.name}")
            # figures are printed as they come: a run at scale takes minutes
            printed, crashed, rest = 0, False, collections.deque(maxlen=60)
            with open(script) as stdin:
                proc = subprocess.Popen(
                    [*odoo.cmd, "shell", *base[len(odoo.cmd) :], "--no-http",
                     "--log-level=warn"],
                    stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    errors="replace",
                    # FSM_ODOO_CMD: how to start this Odoo, for a benchmark
                    # that serves the database (bench_phone_network.py)
                    env={**os.environ, **cluster.env(), "PYTHONUNBUFFERED": "1",
                         "FSM_ODOO_CMD": "\x1f".join(odoo.cmd)},
                )  # fmt: skip
                for line in proc.stdout:
                    if line.startswith("BENCH "):
                        print(line[6:], end="", flush=True)
                        printed += 1
                    else:
                        rest.append(line)
                        crashed |= "Traceback (most recent call last)" in line
                proc.wait()
            # a benchmark that cannot run exits non-zero with a one-line reason
            if crashed or not printed or proc.returncode:
                failures.append(script.name)
                print("".join(rest))
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    return 0


# --------------------------------------------------------------------------
def _sigterm_as_interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    # a terminated run or test still stops its PostgreSQL cluster (finally blocks)
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    parser = argparse.ArgumentParser(prog="fsm", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="serve the suite with demo data on 127.0.0.1")
    p_run.add_argument("--db", default=os.environ.get("FSM_DB", "fsm_demo"))
    p_run.add_argument("--port", type=int, default=int(os.environ.get("FSM_HTTP_PORT", "8069")))
    p_run.add_argument("--pg-port", type=int, default=int(os.environ.get("FSM_PG_PORT", "54329")))
    p_run.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running")
    p_run.add_argument("odoo_args", nargs="*", help="extra odoo options, after --")
    p_run.set_defaults(func=run)

    p_test = sub.add_parser("test", help="run every test in a fresh database")
    p_test.add_argument("--addons", nargs="*", help="only these addons' Odoo tests")
    p_test.add_argument("--test-tags", help="Odoo --test-tags (default: the suite's)")
    p_test.add_argument("--pytest-only", action="store_true")
    p_test.add_argument("--odoo-only", action="store_true")
    p_test.add_argument("--keep", action="store_true", help="keep logs and cluster dir")
    p_test.add_argument("pytest_args", nargs="*", help="extra pytest options, after --")
    p_test.set_defaults(func=test)

    p_pre = sub.add_parser("preflight", help="check that CI has all it needs")
    p_pre.set_defaults(func=preflight)

    p_bench = sub.add_parser("bench", help="print the figures of tests/benchmarks/")
    p_bench.add_argument("names", nargs="*", help="only the benchmarks whose name has these")
    p_bench.set_defaults(func=bench)

    p_find = sub.add_parser("find-odoo", help="say which Odoo 19 the suite uses")
    p_find.set_defaults(func=find_odoo_cmd)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SetupError as exc:
        print(f"FAILED: {exc}")
        return 2
    except subprocess.CalledProcessError as exc:
        print(f"FAILED: {' '.join(map(str, exc.cmd))[:200]} exited {exc.returncode}")
        return 1
    except KeyboardInterrupt:
        print("FAILED: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
