"""Service orders at scale: the screens of a firm with years of orders behind it.

Run by ``./fsm bench scale`` inside ``odoo shell`` on a throwaway database with
the suite installed (no demo data): ``env`` is given. A service firm of
N_TECHNICIANS technicians in N_TEAMS regional teams (a coordinator each) serves
N_CLIENTS clients (N_SITES sites, N_MACHINES machines); they are made with the
ORM. N_ORDERS orders are then built in bulk with one ``INSERT … SELECT …
generate_series``: each technician does VISITS_PER_DAY visits a day, most at
their own clients and the rest anywhere in their region, so that the years
behind today are done (a few cancelled) and the coming weeks are dispatched,
planned or still to plan. Every column the ORM would fill is filled, the
machine of each order goes into ``service_order_equipment_rel`` and the
technician follows their orders, as ``create`` does. A reference order made
with the ORM checks that the bulk rows leave no column empty that the ORM fills,
and a sample of bulk rows is recomputed by the ORM to check the stored
computed and related fields.

Then, as the technician and as the coordinator (``with_user``, caches emptied
before each run), it does what the web client does: My day (the action's
domain and default filter, the kanban's fields), the count of all the orders
the technician's record rule lets them read (with its EXPLAIN ANALYZE), the
coordinator's order list (80 rows and the count), a team's calendar week, a
client's form with its counts, and a machine's form and history. Domains,
default filters and fields are read from the actions and views, never retyped.
Each measure prints one line: the median wall time of FSM_BENCH_REPEAT runs and
the SQL queries of one run; a measure slower than FSM_BENCH_SLOW_MS also prints
its slowest queries and the EXPLAIN ANALYZE of the slowest (FSM_BENCH_EXPLAIN=0
turns that off). A query running over FSM_BENCH_TIMEOUT seconds (300) is
cancelled and its measure printed as TIMED OUT, so that a plan gone wrong
cannot hold the run for hours. It asserts nothing about time; it checks that the
figures it reads are the ones it built.

The bulk insert runs with foreign-key triggers off (``session_replication_role``,
the cluster's user being a superuser) and then checks every foreign key of the
tables it filled with one anti-join each; the tables' plain indexes are dropped
before and made again after, and the tables are VACUUM ANALYZEd, as a database
that has lived for years would be.

Sizes: FSM_BENCH_ORDERS (1,000,000), FSM_BENCH_CLIENTS (5,000), FSM_BENCH_SITES
(15,000), FSM_BENCH_MACHINES (40,000), FSM_BENCH_TECHNICIANS (100),
FSM_BENCH_TEAMS (10), FSM_BENCH_VISITS_PER_DAY (4 per technician).
"""

import logging
import os
import statistics
import time
from datetime import datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from lxml import etree
from psycopg2.errors import QueryCanceled

from odoo import Command, fields
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime, safe_eval, time as safe_time

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


def _size(name, default):
    return int(os.environ.get(name, default))


N_ORDERS = _size("FSM_BENCH_ORDERS", 1_000_000)
N_CLIENTS = _size("FSM_BENCH_CLIENTS", 5_000)
N_SITES = _size("FSM_BENCH_SITES", 15_000)
N_MACHINES = _size("FSM_BENCH_MACHINES", 40_000)
N_TECHNICIANS = _size("FSM_BENCH_TECHNICIANS", 100)
N_TEAMS = _size("FSM_BENCH_TEAMS", 10)
VISITS_PER_DAY = _size("FSM_BENCH_VISITS_PER_DAY", 4)
REPEAT = _size("FSM_BENCH_REPEAT", 3)
SLOW_MS = _size("FSM_BENCH_SLOW_MS", 100)
EXPLAIN = os.environ.get("FSM_BENCH_EXPLAIN", "1") != "0"
TIMEOUT_S = float(os.environ.get("FSM_BENCH_TIMEOUT", "300"))  # statement timeout, seconds
LONG_MS = 5000  # a measure this slow is not repeated
OWN_CLIENT_SHARE = 0.7  # visits at the technician's own clients; the rest anywhere in the region
FUTURE_DAYS = 28  # open orders: today and the next four weeks
BATCH = 2000
TZ = "Europe/Stockholm"

assert N_SITES >= N_CLIENTS and N_MACHINES >= N_SITES, "every client needs a site and a machine"
assert N_CLIENTS >= N_TEAMS and N_TECHNICIANS >= N_TEAMS, "every team needs clients and people"

quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
    )
)
cr = quiet.cr
now = fields.Datetime.now()


def bench(text):
    print(f"BENCH {text}", flush=True)


# --------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------
class QueryLog(logging.Handler):
    """Collects the queries Odoo's cursor logs at DEBUG level, with their time."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        if record.msg.startswith("[%.3f ms] query"):
            self.queries.append((record.args[0], record.args[1]))


def capture_queries(func):
    """Run func once and return the [(ms, sql)] of its queries (not timed:
    logging every query slows it down)."""
    logger = logging.getLogger("odoo.sql_db")
    handler = QueryLog()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        quiet.invalidate_all()
        func()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return handler.queries


def explain(statement):
    """Print the EXPLAIN (ANALYZE, BUFFERS) of a query (SQL, or the text Odoo
    logged); the plan alone when running it takes longer than the statement timeout."""
    query = statement if isinstance(statement, SQL) else SQL(statement.replace("%", "%%"))
    try:
        with cr.savepoint(flush=False):
            cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            lines = cr.fetchall()
    except QueryCanceled:
        bench(f"    | (not run: longer than the statement timeout, {TIMEOUT_S:g} s; the plan:)")
        cr.execute(SQL("EXPLAIN %s", query))
        lines = cr.fetchall()
    for (line,) in lines:
        bench(f"    | {line}")


def run_once(func):
    """(result, ms, queries) of one run with empty caches; result is TIMEOUT
    when a query ran longer than the statement timeout."""
    quiet.invalidate_all()
    try:
        with cr.savepoint(flush=False):
            before = cr.sql_log_count
            start = time.perf_counter()
            result = func()
            elapsed = (time.perf_counter() - start) * 1000
            queries = cr.sql_log_count - before
    except QueryCanceled:
        quiet.invalidate_all()
        return TIMEOUT, (time.perf_counter() - start) * 1000, cr.sql_log_count - before
    return result, elapsed, queries


def measure(label, func, unit=None, expect=None):
    """Run func REPEAT times (once when it takes over LONG_MS); print the median
    time and the queries of one run. ``expect(result)`` must hold for each run.
    A measure over SLOW_MS is run once more to print its slowest queries and the
    EXPLAIN ANALYZE of the slowest."""
    runs = []
    while len(runs) < REPEAT:
        result, elapsed, queries = run_once(func)
        runs.append(elapsed)
        if result is TIMEOUT:
            break
        if expect is not None:
            assert expect(result), (label, unit(result) if unit else result)
        if elapsed > LONG_MS:
            break
    median = statistics.median(runs)
    if result is TIMEOUT:
        extra = f"  (TIMED OUT: a query ran over {TIMEOUT_S:g} s)"
    else:
        extra = f"  ({unit(result)})" if unit else ""
    times = "/".join(f"{t:.0f}" for t in runs)
    bench(f"{label:<66} {median:8.1f} ms {queries:5d} queries{extra}  [runs {times}]")
    if EXPLAIN and SLOW_MS < median <= LONG_MS:
        logged = sorted(capture_queries(func), key=lambda q: -q[0])
        for ms, text in logged[:3]:
            bench(f"    slow query {ms:8.1f} ms: {' '.join(text.split())[:400]}")
        if logged and logged[0][1].lstrip().upper().startswith(("SELECT", "WITH")):
            explain(logged[0][1])
    elif EXPLAIN and median > LONG_MS:
        bench(f"    (over {LONG_MS} ms: not run again for its queries)")
    FIGURES.append((label, median, queries, result is TIMEOUT))
    return result


TIMEOUT = object()
FIGURES = []

# --------------------------------------------------------------------------
# what the web client sends: actions, default filters, view fields
# --------------------------------------------------------------------------


def eval_context(user):
    return {
        "uid": user.id,
        "context_today": lambda: fields.Date.context_today(quiet.with_user(user)),
        "datetime": safe_datetime,
        "time": safe_time,
        "relativedelta": relativedelta,
    }


class Screen:
    """An action as the web client opens it for a user: its views (fields
    from the processed arch), its domain, its context and default filters."""

    def __init__(self, action_xmlid, user, server_action=None):
        """``server_action``: the XML id of the server action the menu runs
        to open ``action_xmlid`` (its context, the defaults included, is the
        one that server action hands the web client)."""
        self.user = user
        action = quiet.ref(action_xmlid)  # /web/action/load reads it as superuser too
        self.action = action
        if server_action:
            ctx = (
                quiet["service.dashboard"]
                .with_user(user)
                ._get_team_scoped_action(action_xmlid, server_action)["context"]
            )
        else:
            ctx = safe_eval(action.context or "{}", eval_context(user))
        self.defaults = [k[15:] for k, v in ctx.items() if k.startswith("search_default_") and v]
        self.context = {k: v for k, v in ctx.items() if not k.startswith("search_default_")}
        self.context.update(lang="en_US", tz=user.tz or "UTC", uid=user.id)
        self.domain = Domain(safe_eval(action.domain or "[]", eval_context(user)))
        self.model = quiet[action.res_model].with_user(user).with_context(**self.context)
        views = [[vid or False, vtype] for vid, vtype in action.views]
        views.append([action.search_view_id.id or False, "search"])
        loaded = self.model.get_views(views)
        self.archs = {vt: etree.fromstring(v["arch"]) for vt, v in loaded["views"].items()}
        self.fields = {model: info["fields"] for model, info in loaded["models"].items()}

    def filters(self, names=None):
        """The domain of the named search filters (the defaults when None):
        OR inside a group of filters, AND between groups, as the web client."""
        names = self.defaults if names is None else names
        groups, group = {}, 0
        for node in self.archs["search"]:
            if node.tag in ("separator", "field", "group"):
                group += 1
            elif node.tag == "filter" and node.get("name") in names and node.get("domain"):
                domain = safe_eval(node.get("domain"), eval_context(self.user))
                groups.setdefault(group, []).append(Domain(domain))
        return Domain.AND(Domain.OR(domains) for domains in groups.values())

    def spec(self, view_type):
        return view_spec(self.archs[view_type], self.model._name, self.fields)

    def field_names(self, view_type):
        arch = self.archs[view_type]
        names = list(view_spec(arch, self.model._name, self.fields))
        names += [arch.get(a) for a in ("date_start", "date_stop", "color") if arch.get(a)]
        return list(dict.fromkeys([*names, "display_name"]))


def _own_field_nodes(node):
    """The <field> nodes of a view, not those of the sub-views inside them."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        else:
            yield from _own_field_nodes(child)


def view_spec(arch, model, fields_by_model):
    """The web_read specification of a view: its fields, display_name of
    relational ones, and for x2many the fields of their list or kanban sub-view."""
    spec = {}
    for node in _own_field_nodes(arch):
        name = node.get("name")
        info = fields_by_model[model].get(name)
        if info is None:
            continue
        sub = {}
        if info["type"] in ("many2one", "one2many", "many2many"):
            subview = next((c for c in node if c.tag in ("list", "kanban")), None)
            if subview is not None and info["type"] != "many2one":
                sub = {"fields": view_spec(subview, info["relation"], fields_by_model)}
            else:
                sub = {"fields": {"display_name": {}}}
        spec.setdefault(name, {}).update(sub)
    return spec


# --------------------------------------------------------------------------
# building the firm
# --------------------------------------------------------------------------
def sql(query, params=None):
    """Execute a query: an SQL object, or text with %(name)s parameters."""
    cr.execute(query, params)


def sql_value(query, params=None):
    sql(query, params)
    return cr.fetchone()[0]


def fill(table, columns, rows):
    """Bulk-insert rows (tuples) into a temporary table."""
    for offset in range(0, len(rows), 10_000):
        chunk = rows[offset : offset + 10_000]
        values = SQL(", ").join(SQL("%s", tuple(row)) for row in chunk)
        cr.execute(SQL("INSERT INTO %s (%s) VALUES %s", SQL(table), SQL(columns), values))


def build_people():
    """Coordinators and their teams, technicians with their users (ORM)."""
    company = quiet.company
    coordinator_group = quiet.ref("fsm_orders.group_fsm_coordinator")
    technician_group = quiet.ref("fsm_orders.group_fsm_technician")
    Users = quiet["res.users"].with_context(no_reset_password=True)
    coordinators = Users.create(
        [{"name": f"Coordinator {r}", "login": f"bench.coordinator{r}", "tz": TZ,
          "group_ids": [Command.link(coordinator_group.id)]} for r in range(N_TEAMS)]
    )  # fmt: skip
    teams = quiet["service.team"].create(
        [{"name": f"Region {r}", "coordinator_id": c.id, "company_id": company.id}
         for r, c in enumerate(coordinators)]
    )  # fmt: skip
    tech_users = Users.create(
        [{"name": f"Technician {k}", "login": f"bench.tech{k}", "tz": TZ,
          "group_ids": [Command.link(technician_group.id)]} for k in range(N_TECHNICIANS)]
    )  # fmt: skip
    employees = quiet["hr.employee"].create(
        [{"name": f"Technician {k}", "is_technician": True, "user_id": u.id,
          "service_team_ids": [Command.link(teams[k % N_TEAMS].id)]}
         for k, u in enumerate(tech_users)]
    )  # fmt: skip
    return coordinators, teams, tech_users, employees


def build_clients():
    """Clients (companies), their sites (child addresses) and machines (ORM)."""
    category = quiet["service.equipment.category"].create({"name": "Espresso machine"})
    Partner = quiet["res.partner"]
    clients = Partner
    for offset in range(0, N_CLIENTS, BATCH):
        clients |= Partner.create(
            [{"name": f"Client {k:05d}", "is_company": True, "city": "Stockholm",
              "partner_latitude": 59.3, "partner_longitude": 18.0, "tz": TZ}
             for k in range(offset, min(offset + BATCH, N_CLIENTS))]
        )  # fmt: skip
    sites = Partner
    for offset in range(0, N_SITES, BATCH):
        sites |= Partner.create(
            [{"name": f"Site {s:05d}", "parent_id": clients[s % N_CLIENTS].id, "type": "other",
              "street": f"Storgatan {s}", "city": "Stockholm",
              "partner_latitude": 59.3, "partner_longitude": 18.0}
             for s in range(offset, min(offset + BATCH, N_SITES))]
        )  # fmt: skip
    Machine = quiet["service.equipment"]
    machines = Machine
    for offset in range(0, N_MACHINES, BATCH):
        machines |= Machine.create(
            [{"name": f"Machine {m:05d}", "serial_number": f"SN-{m:06d}",
              "partner_id": clients[(m % N_SITES) % N_CLIENTS].id,
              "location_id": sites[m % N_SITES].id, "category_id": category.id}
             for m in range(offset, min(offset + BATCH, N_MACHINES))]
        )  # fmt: skip
        quiet.flush_all()
        quiet.invalidate_all()
    return clients, sites, machines


def build_maps(coordinators, teams, tech_users, employees, clients, sites, machines):
    """Temporary tables from indexes to ids: who works where, what is whose."""
    sql("""
        CREATE TEMP TABLE bench_tech (k int PRIMARY KEY, employee_id int, user_id int,
            partner_id int, team_id int, coordinator_id int, region int, n_own int,
            n_region int);
        CREATE TEMP TABLE bench_client (k int PRIMARY KEY, id int, region int, n_machines int);
        CREATE TEMP TABLE bench_tech_client (tech_k int, n int, client_k int,
            PRIMARY KEY (tech_k, n));
        CREATE TEMP TABLE bench_region_client (region int, n int, client_k int,
            PRIMARY KEY (region, n));
        CREATE TEMP TABLE bench_machine (client_k int, n int, id int, site_id int,
            PRIMARY KEY (client_k, n));
    """)
    techs_of_region = {r: list(range(r, N_TECHNICIANS, N_TEAMS)) for r in range(N_TEAMS)}
    clients_of_region = {r: list(range(r, N_CLIENTS, N_TEAMS)) for r in range(N_TEAMS)}
    own = {k: [] for k in range(N_TECHNICIANS)}
    for r, client_ks in clients_of_region.items():
        for q, client_k in enumerate(client_ks):  # clients dealt out among the region's people
            own[techs_of_region[r][q % len(techs_of_region[r])]].append(client_k)
    fill("bench_tech", "k, employee_id, user_id, partner_id, team_id, coordinator_id, region,"
         " n_own, n_region", [
        (k, e.id, u.id, u.partner_id.id, teams[k % N_TEAMS].id, coordinators[k % N_TEAMS].id,
         k % N_TEAMS, len(own[k]), len(clients_of_region[k % N_TEAMS]))
        for k, (e, u) in enumerate(zip(employees, tech_users, strict=True))
    ])  # fmt: skip
    fill("bench_tech_client", "tech_k, n, client_k",
         [(k, n, c) for k, cs in own.items() for n, c in enumerate(cs)])  # fmt: skip
    fill("bench_region_client", "region, n, client_k",
         [(r, n, c) for r, cs in clients_of_region.items() for n, c in enumerate(cs)])  # fmt: skip
    machines_of = {k: [] for k in range(N_CLIENTS)}
    for m, machine in enumerate(machines):
        machines_of[(m % N_SITES) % N_CLIENTS].append((machine.id, sites[m % N_SITES].id))
    fill(
        "bench_client",
        "k, id, region, n_machines",
        [(k, c.id, k % N_TEAMS, len(machines_of[k])) for k, c in enumerate(clients)],
    )
    fill(
        "bench_machine",
        "client_k, n, id, site_id",
        [(k, n, mid, sid) for k, ms in machines_of.items() for n, (mid, sid) in enumerate(ms)],
    )


def reference_order(employees, teams, machines):
    """One order made by the ORM: what its row holds is what bulk rows must hold."""
    machine = machines[0]
    order = quiet["service.order"].create({
        "partner_id": machine.partner_id.id, "location_id": machine.location_id.id,
        "equipment_ids": [Command.set(machine.ids)], "technician_id": employees[0].id,
        "team_id": teams[0].id, "scheduled_start": now + timedelta(days=60),
    })  # fmt: skip
    quiet.flush_all()
    sql("SELECT * FROM service_order WHERE id = %(id)s", {"id": order.id})
    row = cr.dictfetchone()
    subtypes = order.message_follower_ids.filtered(
        lambda f: f.partner_id == employees[0].user_id.partner_id
    ).subtype_ids.ids
    assert subtypes, "the ORM subscribes the technician to their order"
    order.unlink()
    quiet.flush_all()
    return row, subtypes


ORDER_SLOTS = """
CREATE TEMP TABLE bench_slot AS
SELECT i, w %% %(techs)s AS tech_k, w / %(techs)s AS visit_no, day_no - %(today_no)s AS d,
       random() AS r_pick, random() AS r_client, random() AS r_machine, random() AS r_state,
       random() AS r_prio, random() AS r_bill, random() AS r_jitter, random() AS r_dur,
       random() AS r_work
  FROM (SELECT i, (i - 1) / %(per_day)s AS day_no, (i - 1) %% %(per_day)s AS w
          FROM generate_series(1, %(n)s) AS i) AS s;

CREATE TEMP TABLE bench_order AS
SELECT s.i, %(id_base)s + s.i AS id, s.tech_k, t.region, t.team_id, t.coordinator_id,
       c.k AS client_k, c.id AS client_id, m.id AS machine_id, m.site_id, s.r_bill, s.r_work,
       s.r_prio, s.r_state, start, start + duration * interval '1 hour' AS stop, duration,
       CASE
         WHEN s.d < 0 OR (s.d = 0 AND start + duration * interval '1 hour' < %(now)s)
           THEN CASE WHEN s.r_state < 0.04 THEN 'cancelled' ELSE 'done' END
         WHEN s.d = 0 AND start <= %(now)s THEN 'in_progress'
         WHEN s.d <= 3 THEN CASE WHEN s.r_state < 0.5 THEN 'dispatched' ELSE 'accepted' END
         WHEN s.d <= 10 OR s.r_state < 0.7 THEN 'planned'
         ELSE 'draft'
       END AS state,
       NOT (s.d > 10 AND s.r_state >= 0.91) AS assigned,
       t.employee_id, t.user_id, t.partner_id AS tech_partner_id
  FROM (SELECT s.*, %(today)s::timestamp + s.d * interval '1 day' + interval '7 hours'
               + s.visit_no * %(step)s * interval '1 minute'
               + floor(s.r_jitter * 3) * interval '15 minutes' AS start,
               (ARRAY[0.5, 1.0, 1.5, 2.0])[1 + floor(s.r_dur * 4)::int] AS duration
          FROM bench_slot AS s) AS s
  JOIN bench_tech AS t ON t.k = s.tech_k
  LEFT JOIN bench_tech_client AS own
    ON s.r_pick < %(own_share)s AND t.n_own > 0
   AND own.tech_k = s.tech_k AND own.n = floor(s.r_client * t.n_own)::int
  LEFT JOIN bench_region_client AS anywhere
    ON NOT (s.r_pick < %(own_share)s AND t.n_own > 0)
   AND anywhere.region = t.region AND anywhere.n = floor(s.r_client * t.n_region)::int
  JOIN bench_client AS c ON c.k = COALESCE(own.client_k, anywhere.client_k)
  JOIN bench_machine AS m ON m.client_k = c.k AND m.n = floor(s.r_machine * c.n_machines)::int;
"""

ORDER_INSERT = """
INSERT INTO service_order (
    id, name, company_id, active, state, priority, partner_id, commercial_partner_id,
    location_id, team_id, technician_id, technician_user_id, scheduled_start,
    scheduled_duration, scheduled_end, date_dispatched, date_accepted, date_started,
    date_finished, work_summary, cancel_reason, is_signed, is_billable, invoice_status,
    create_uid, create_date, write_uid, write_date)
SELECT o.id, 'SO/' || extract(year FROM o.start)::int || '/' || lpad(o.i::text, 7, '0'),
       %(company)s, true, o.state,
       CASE WHEN o.r_prio < 0.10 THEN '0' WHEN o.r_prio < 0.80 THEN '1'
            WHEN o.r_prio < 0.95 THEN '2' ELSE '3' END,
       o.client_id, o.client_id, o.site_id, o.team_id,
       CASE WHEN o.assigned THEN o.employee_id END, CASE WHEN o.assigned THEN o.user_id END,
       o.start, o.duration, o.stop,
       CASE WHEN o.state IN ('dispatched', 'accepted', 'in_progress', 'done')
            THEN LEAST(o.start - interval '1 day' * (1 + floor(o.r_work * 3)),
                       %(now)s - interval '1 hour') END,
       CASE WHEN o.state IN ('accepted', 'in_progress', 'done')
            THEN LEAST(o.start - interval '1 day' * (1 + floor(o.r_work * 3))
                       + interval '2 hours', %(now)s - interval '30 minutes') END,
       CASE WHEN o.state IN ('in_progress', 'done') THEN o.start END,
       CASE WHEN o.state = 'done'  -- the ORM keeps whole seconds
            THEN LEAST(date_trunc('second', o.stop + (o.r_work - 0.3) * interval '1 hour'),
                       %(now)s) END,
       CASE WHEN o.state = 'done' THEN (ARRAY[
            'Descaled the boiler, replaced the group gasket.',
            'Replaced the pump; pressure back at 9 bar.',
            'Yearly service: filters, gaskets, calibration.',
            'Cleaned the grinder burrs and adjusted the dose.',
            'Fixed a leak at the steam wand.'])[1 + floor(o.r_work * 5)::int] END,
       CASE WHEN o.state = 'cancelled' THEN 'The client cancelled the visit.' END,
       false, o.r_bill >= 0.15,
       CASE WHEN o.state = 'done' AND o.r_bill >= 0.15 THEN 'to_invoice' ELSE 'no' END,
       o.coordinator_id, LEAST(o.start - interval '7 days', %(now)s - interval '2 hours'),
       CASE WHEN o.state IN ('in_progress', 'done') AND o.assigned THEN o.user_id
            ELSE o.coordinator_id END,
       LEAST(GREATEST(o.start - interval '7 days', o.stop), %(now)s - interval '1 minute')
  FROM bench_order AS o
 ORDER BY o.id
"""


BULK_TABLES = (
    "service_order",
    "service_order_equipment_rel",
    "mail_followers",
    "mail_followers_mail_message_subtype_rel",
)


def drop_indexes(table):
    """Drop the indexes of table that back no constraint; return how to make them again."""
    sql(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %(table)s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
        {"table": table},
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    return [definition for _name, definition in indexes]


def foreign_keys(table):
    """(column, referenced table, referenced column) of table's foreign keys."""
    sql(
        """SELECT a.attname, cf.relname, af.attname FROM pg_constraint c
             JOIN pg_class cf ON cf.oid = c.confrelid
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
            WHERE c.conrelid = %(table)s::regclass AND c.contype = 'f'""",
        {"table": table},
    )
    return cr.fetchall()


def check_foreign_keys(tables):
    """The bulk rows reference existing rows: one anti-join per foreign key
    instead of one trigger call per row and key."""
    for table in tables:
        for column, ref_table, ref_column in foreign_keys(table):
            missing = sql_value(
                SQL(
                    "SELECT count(*) FROM %s AS t WHERE t.%s IS NOT NULL AND NOT EXISTS"
                    " (SELECT 1 FROM %s AS r WHERE r.%s = t.%s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    SQL.identifier(ref_table),
                    SQL.identifier(ref_column),
                    SQL.identifier(column),
                )  # fmt: skip
            )
            assert not missing, f"{missing} rows of {table}.{column} point to no {ref_table}"


def build_orders(company, follower_subtypes):
    per_day = N_TECHNICIANS * VISITS_PER_DAY
    days = -(-N_ORDERS // per_day)
    future = min(FUTURE_DAYS, days // 10)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    params = {
        "n": N_ORDERS, "techs": N_TECHNICIANS, "per_day": per_day, "today_no": days - 1 - future,
        "today": today, "now": now, "step": 9 * 60 // VISITS_PER_DAY,
        "own_share": OWN_CLIENT_SHARE, "company": company.id,
        "id_base": sql_value("SELECT COALESCE(MAX(id), 0) FROM service_order"),
    }  # fmt: skip
    steps = {}

    def step(name, query, step_params=None):
        start = time.perf_counter()
        sql(query, step_params)
        steps[name] = steps.get(name, 0) + time.perf_counter() - start

    sql("SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '1GB'")
    sql("SELECT setseed(0.42)")  # the same firm every run
    step("plan", ORDER_SLOTS, params)
    step("plan", "CREATE INDEX ON bench_order (client_k); CREATE INDEX ON bench_order (machine_id);"
         " ANALYZE bench_order")  # fmt: skip
    indexes = {t: drop_indexes(t) for t in ("service_order", "service_order_equipment_rel")}
    # foreign keys are checked once per key after the load, not by a trigger per row
    # (the database user of ./fsm bench's cluster is a superuser)
    superuser = sql_value("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if superuser:
        sql("SET LOCAL session_replication_role = replica")
    step("orders", ORDER_INSERT, params)
    step(
        "machines",
        """INSERT INTO service_order_equipment_rel (order_id, equipment_id)
                        SELECT id, machine_id FROM bench_order ORDER BY id""",
    )
    followers_from = sql_value("SELECT COALESCE(MAX(id), 0) FROM mail_followers")
    step(
        "followers",
        """INSERT INTO mail_followers (res_model, res_id, partner_id)
                         SELECT 'service.order', id, tech_partner_id FROM bench_order
                          WHERE assigned ORDER BY id""",
    )
    step(
        "followers",
        """INSERT INTO mail_followers_mail_message_subtype_rel
                  (mail_followers_id, mail_message_subtype_id)
           SELECT f.id, st FROM mail_followers AS f, unnest(%(subtypes)s) AS st
            WHERE f.id > %(from)s AND f.res_model = 'service.order'""",
        {"subtypes": follower_subtypes, "from": followers_from},
    )
    if superuser:
        sql("SET LOCAL session_replication_role = DEFAULT")
        start = time.perf_counter()
        check_foreign_keys(BULK_TABLES)
        steps["foreign keys"] = time.perf_counter() - start
    for definitions in indexes.values():
        for definition in definitions:
            step("indexes", definition)
    sql("SELECT setval('service_order_id_seq', (SELECT MAX(id) FROM service_order))")
    return days, future, steps


def order_dependent_fields():
    """Stored computed fields of other models that depend on service orders:
    the ORM keeps them up to date when orders are created, so the bulk insert
    must recompute them."""
    found = []
    for model_name in quiet.registry:
        Model = quiet[model_name]
        if model_name == "service.order" or Model._abstract or Model._transient:
            continue
        for field in Model._fields.values():
            if not (field.store and field.compute):
                continue
            for path in quiet.registry.field_depends[field]:
                model = Model
                for name in path.split("."):
                    step = model._fields.get(name)
                    if step is None or not step.relational:
                        break
                    model = quiet[step.comodel_name]
                    if model._name == "service.order":
                        found.append(field)
                        break
                if field in found:
                    break
    return found


def recompute_dependents():
    """Recompute what depends on orders, as the ORM would have (see above)."""
    recomputed = []
    for field in order_dependent_fields():
        records = quiet[field.model_name].with_context(active_test=False).search([])
        quiet.add_to_compute(field, records)
        recomputed.append(f"{field} ({len(records)})")
    quiet.flush_all()
    quiet.invalidate_all()
    return recomputed


def vacuum_analyze():
    """VACUUM ANALYZE the tables a long-lived database has vacuumed (visibility
    map for index-only scans, statistics for the planner)."""
    cr.commit()
    cr._cnx.autocommit = True
    try:
        for table in (
            "service_order", "service_order_equipment_rel", "mail_followers",
            "mail_followers_mail_message_subtype_rel", "res_partner", "service_equipment",
            "res_users", "hr_employee",
        ):  # fmt: skip
            cr.execute(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table)))
    finally:
        cr._cnx.autocommit = False


def check_build(reference_row, company):
    """The bulk rows against the ORM: the same columns filled, stored computed
    and related fields as the ORM computes them, counts read through the ORM."""
    sql("SELECT * FROM service_order WHERE state = 'draft' AND technician_id IS NOT NULL LIMIT 1")
    bulk_row = cr.dictfetchone()
    never = {"id", "access_token"}  # the portal token is made on demand
    empty = [c for c, v in reference_row.items() if v is not None and bulk_row[c] is None]
    assert not set(empty) - never, f"bulk orders leave empty what the ORM fills: {empty}"
    Order = quiet["service.order"]
    recomputed = [n for n, f in Order._fields.items() if f.store and f.compute]
    sql("""SELECT id FROM service_order TABLESAMPLE SYSTEM (1) REPEATABLE (7)
            ORDER BY id LIMIT 300""")  # fmt: skip
    ids = [r[0] for r in cr.fetchall()]
    sql("SELECT DISTINCT ON (state) id FROM service_order ORDER BY state, id")
    ids += [r[0] for r in cr.fetchall()]
    sample = Order.browse(ids)
    stored = sample.read(recomputed)
    sql("SAVEPOINT bench_recompute")
    for name in recomputed:
        quiet.add_to_compute(Order._fields[name], sample)
    quiet.flush_all()
    quiet.invalidate_all()
    again = sample.read(recomputed)
    sql("ROLLBACK TO SAVEPOINT bench_recompute")
    quiet.invalidate_all()
    assert stored == again, [
        (a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
        for a, b in zip(stored, again, strict=True)
        if a != b
    ][:5]
    sql("SELECT state, count(*) FROM bench_order GROUP BY state")
    built = dict(cr.fetchall())
    by_state = dict(Order._read_group([], ["state"], ["__count"]))
    assert by_state == built, (by_state, built)
    assert Order.search_count([]) == N_ORDERS
    assert Order.search_count([("equipment_ids", "!=", False)]) == N_ORDERS
    assert quiet["service.equipment"].search_count([]) == N_MACHINES
    assert quiet["hr.employee"].search_count([("is_technician", "=", True)]) == N_TECHNICIANS
    clients = quiet["res.partner"].search_count(
        [("is_company", "=", True), ("id", "!=", company.partner_id.id)]
    )
    assert clients == N_CLIENTS, clients
    return by_state, len(sample)


def build():
    start = time.perf_counter()
    coordinators, teams, tech_users, employees = build_people()
    clients, sites, machines = build_clients()
    quiet.flush_all()
    orm_seconds = time.perf_counter() - start
    build_maps(coordinators, teams, tech_users, employees, clients, sites, machines)
    reference_row, subtypes = reference_order(employees, teams, machines)
    start_sql = time.perf_counter()
    days, future, steps = build_orders(quiet.company, subtypes)
    quiet.invalidate_all()
    recomputed = recompute_dependents()
    sql_seconds = time.perf_counter() - start_sql
    quiet.registry.clear_cache()
    start_vacuum = time.perf_counter()
    vacuum_analyze()
    vacuum_seconds = time.perf_counter() - start_vacuum
    by_state, sampled = check_build(reference_row, quiet.company)
    cr.commit()
    size = sql_value("SELECT pg_size_pretty(pg_total_relation_size('service_order'))")
    bench(
        f"data: {N_ORDERS} orders ({', '.join(f'{n} {s}' for s, n in sorted(by_state.items()))})"
        f" over {days} days ({future} ahead), {N_CLIENTS} clients, {N_SITES} sites,"
        f" {N_MACHINES} machines, {N_TECHNICIANS} technicians in {N_TEAMS} teams;"
        f" service_order {size}"
    )
    bench(
        f"built in {time.perf_counter() - start:.0f} s: people, clients, sites, machines by the"
        f" ORM {orm_seconds:.0f} s, orders by SQL {sql_seconds:.0f} s"
        f" ({', '.join(f'{k} {v:.0f} s' for k, v in steps.items())}), VACUUM ANALYZE"
        f" {vacuum_seconds:.0f} s; checked against the ORM (columns, {sampled} orders"
        " recomputed, counts)"
    )
    recomputed = ", ".join(recomputed) or "nothing stored depends on orders"
    bench(f"recomputed after the bulk insert: {recomputed}")
    return coordinators, teams, tech_users, employees, clients, machines


coordinators, teams, tech_users, employees, clients, machines = build()
sql(SQL("SET statement_timeout = %s", f"{TIMEOUT_S * 1000:.0f}ms"))  # a plan gone wrong

# --------------------------------------------------------------------------
# the figures the screens must show, from the build's own tables
# --------------------------------------------------------------------------
tech, coordinator = tech_users[0], coordinators[0]  # both in region 0
team = teams[0]
client_k = sql_value("SELECT client_k FROM bench_tech_client WHERE tech_k = 0 AND n = 0")
client = clients[client_k]
machine = quiet["service.equipment"].browse(
    sql_value("SELECT id FROM bench_machine WHERE client_k = %(k)s AND n = 0", {"k": client_k})
)


def expected(query, **params):
    return sql_value(query, params)


served_clients = "SELECT client_k FROM bench_order WHERE tech_k = %(t)s AND assigned"
visible_count = expected(
    f"SELECT count(*) FROM bench_order WHERE client_k IN ({served_clients})", t=0
)
own_open_count = expected(
    "SELECT count(*) FROM bench_order WHERE tech_k = 0 AND assigned AND state != 'draft'"
)
tz = pytz.timezone(TZ)
local_today = pytz.utc.localize(now).astimezone(tz).date()


def utc_midnight(day):
    """Naive UTC of the technician's (Stockholm) midnight starting day."""
    midnight = tz.localize(datetime.combine(day, datetime.min.time()))
    return midnight.astimezone(pytz.utc).replace(tzinfo=None)


my_day_count = expected(
    """SELECT count(*) FROM bench_order WHERE tech_k = 0 AND assigned AND state != 'draft'
        AND start >= %(start)s AND start < %(stop)s""",
    start=utc_midnight(local_today),
    stop=utc_midnight(local_today + timedelta(days=1)),
)
team_open_count = expected(
    "SELECT count(*) FROM bench_order WHERE region = 0 AND state NOT IN ('done', 'cancelled')"
)
client_orders = expected("SELECT count(*) FROM bench_order WHERE client_k = %(k)s", k=client_k)
client_machines = expected("SELECT count(*) FROM bench_machine WHERE client_k = %(k)s", k=client_k)
machine_orders = expected("SELECT count(*) FROM bench_order WHERE machine_id = %(m)s", m=machine.id)
monday = local_today - timedelta(days=local_today.weekday())
week = [utc_midnight(monday), utc_midnight(monday + timedelta(days=7))]
week[1] -= timedelta(seconds=1)
team_week_count = expected(
    "SELECT count(*) FROM bench_order WHERE region = 0 AND start <= %(b)s AND stop >= %(a)s",
    a=week[0],
    b=week[1],
)
tech_week_count = expected(
    """SELECT count(*) FROM bench_order WHERE tech_k = 0 AND assigned AND state != 'draft'
        AND start <= %(b)s AND stop >= %(a)s""",
    a=week[0],
    b=week[1],
)
bench(
    f"technician {tech.login}: {visible_count} orders visible, {own_open_count} own"
    f" (not drafts), {my_day_count} today; coordinator {coordinator.login}: team"
    f" {team.name}, {team_open_count} open; client {client.name}: {client_orders} orders,"
    f" {client_machines} machines; machine {machine.name}: {machine_orders} orders"
)


def length(result):
    return result["length"]


def rows_and_length(result):
    return f"{len(result['records'])} rows of {result['length']}"


# --------------------------------------------------------------------------
# 1. My day, as the technician
# --------------------------------------------------------------------------
my_day = Screen("fsm_orders.action_my_day", tech)
kanban = my_day.archs["kanban"]
my_day_domain = my_day.domain & my_day.filters()
measure(
    "technician: My day kanban (action domain + Today, web_search_read)",
    lambda: my_day.model.web_search_read(
        my_day_domain,
        my_day.spec("kanban"),
        limit=40,
        order=kanban.get("default_order"),
        count_limit=10001,
    ),  # fmt: skip
    lambda r: f"{len(r['records'])} visits today",
    lambda r: r["length"] == len(r["records"]) == my_day_count,
)
measure(
    "technician: count of all orders the record rule lets them read",
    lambda: my_day.model.search_count([]),
    lambda n: f"{n} orders",
    lambda n: n == visible_count,
)
rule_query = my_day.model._search([])
count_sql = rule_query.select(SQL("COUNT(*)"))
bench(f"    rule SQL: {cr._format(count_sql)}")
explain(count_sql)
measure(
    "technician: My day without the Today filter (list, 80 rows + count)",
    lambda: my_day.model.web_search_read(
        my_day.domain, my_day.spec("list"), limit=80, count_limit=10001
    ),
    rows_and_length,
    lambda r: r["length"] == min(own_open_count, 10001),
)
measure(
    "technician: My day calendar, this week",
    lambda: my_day.model.search_read(
        my_day.domain
        & Domain("scheduled_start", "<=", week[1])
        & Domain("scheduled_end", ">=", week[0]),
        my_day.field_names("calendar"),
    ),
    lambda r: f"{len(r)} visits",
    lambda r: len(r) == tech_week_count,
)

# --------------------------------------------------------------------------
# 2. The coordinator's order list
# --------------------------------------------------------------------------
orders = Screen(
    "fsm_orders.action_service_order", coordinator, "fsm_orders.action_server_service_orders"
)
list_domain = orders.domain & orders.filters()
measure(
    "coordinator: order list, My teams + Open (80 rows, count to 10,001)",
    lambda: orders.model.web_search_read(
        list_domain, orders.spec("list"), limit=80, count_limit=10001
    ),
    rows_and_length,
    lambda r: r["length"] == min(team_open_count, 10001),
)
measure(
    "coordinator: order list, My teams + Open, full count",
    lambda: orders.model.search_count(list_domain),
    lambda n: f"{n} orders",
    lambda n: n == team_open_count,
)
measure(
    "coordinator: order list, filters removed (80 rows, count to 10,001)",
    lambda: orders.model.web_search_read(
        orders.domain, orders.spec("list"), limit=80, count_limit=10001
    ),
    rows_and_length,
    lambda r: r["length"] == 10001,
)
measure(
    "coordinator: order list, filters removed, full count",
    lambda: orders.model.search_count(orders.domain),
    lambda n: f"{n} orders",
    lambda n: n == N_ORDERS,
)

# --------------------------------------------------------------------------
# 3. A team's calendar week
# --------------------------------------------------------------------------
planning = Screen(
    "fsm_orders.action_service_order_calendar", coordinator, "fsm_orders.action_server_planning"
)
measure(
    "coordinator: planning calendar, one team, this week",
    lambda: planning.model.search_read(
        planning.domain
        & planning.filters()
        & Domain("team_id", "in", team.ids)
        & Domain("scheduled_start", "<=", week[1])
        & Domain("scheduled_end", ">=", week[0]),
        planning.field_names("calendar"),
    ),
    lambda r: f"{len(r)} visits",
    lambda r: len(r) == team_week_count,
)

# --------------------------------------------------------------------------
# 4. A client's form with its counts; 5. a machine's form and history
# --------------------------------------------------------------------------
COUNTS = ["service_order_count", "service_equipment_count", "service_site_count"]
COUNTS.append("service_document_count")
if "service_request_count" in quiet["res.partner"]._fields:
    COUNTS.append("service_request_count")
MACHINE_COUNTS = ["order_count", "last_service_date", "document_count"]
last_done = expected(
    "SELECT max(date_finished) FROM service_order o JOIN service_order_equipment_rel r"
    " ON r.order_id = o.id WHERE r.equipment_id = %(m)s AND o.state = 'done'",
    m=machine.id,
)


client_sites = N_SITES // N_CLIENTS + (client_k < N_SITES % N_CLIENTS)


def client_counts_ok(rows):
    row = rows[0]
    return (
        row["service_order_count"] == client_orders
        and row["service_equipment_count"] == client_machines
        and row.get("service_site_count", client_sites) == client_sites
    )


for who, user in (("technician", tech), ("coordinator", coordinator)):
    clients_screen = Screen("fsm_orders.action_service_clients", user)
    partner = clients_screen.model.browse(client.id)
    measure(
        f"{who}: client form counts (read {len(COUNTS)} counts)",
        lambda p=partner: p.read(COUNTS),
        lambda r: ", ".join(f"{r[0][c]} {c.split('_')[1]}" for c in COUNTS),
        client_counts_ok,
    )
    form_spec = clients_screen.spec("form")
    assert {"service_order_count", "service_equipment_count"} <= set(form_spec), form_spec
    measure(
        f"{who}: client form (web_read, {len(form_spec)} fields)",
        lambda p=partner, s=form_spec: p.web_read(s),
        expect=client_counts_ok,
    )
    machines_screen = Screen("fsm_orders.action_service_equipment", user)
    unit = machines_screen.model.browse(machine.id)
    machine_spec = machines_screen.spec("form")
    assert set(MACHINE_COUNTS) <= set(machine_spec), sorted(machine_spec)
    measure(
        f"{who}: machine form (web_read, {len(machine_spec)} fields)",
        lambda u=unit, s=machine_spec: u.web_read(s),
        lambda r: f"{r[0]['order_count']} orders, last {r[0]['last_service_date']}",
        lambda r: r[0]["order_count"] == machine_orders and r[0]["last_service_date"] == last_done,
    )
    history = unit.action_view_orders()
    history_screen = Screen("fsm_orders.action_service_order", user)
    history_model = history_screen.model.with_context(**history["context"])
    history_spec = history_screen.spec("list")
    measure(
        f"{who}: machine history (its orders, 80 rows + count)",
        lambda m=history_model, h=history, s=history_spec: m.web_search_read(
            h["domain"], s, limit=80, count_limit=10001
        ),
        rows_and_length,
        lambda r: r["length"] == machine_orders,
    )
    measure(
        f"{who}: equipment list (80 rows + count)",
        lambda s=machines_screen: s.model.web_search_read(
            s.domain & s.filters(), s.spec("list"), limit=80, count_limit=10001
        ),
        rows_and_length,
    )

bench("summary (median ms / queries):")
for label, ms, queries, timed_out in FIGURES:
    flag = "  TIMED OUT" if timed_out else f"  > {SLOW_MS} ms" if ms > SLOW_MS else ""
    bench(f"  {label:<66} {ms:8.1f} ms {queries:5d} q{flag}")
cr.rollback()
