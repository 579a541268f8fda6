"""Work time at scale: the KPIs of a year and a timer start with 100 technicians.

Run by ``./fsm bench worktime`` inside ``odoo shell`` on a throwaway database
with the suite installed (no demo data): ``env`` is given. N_TECHNICIANS
technicians (users and employees, made by the ORM) in N_TEAMS teams each work
every weekday of the last 52 weeks: four visits a day, each a drive and the
work on site, a break and a stretch of admin, i.e. 10 entries a day, ≈ 260,000
entries and ≈ 104,000 done orders. One visit in five starts 5 to 20 minutes
late (the drive took longer) and work on site takes 45 to 70 minutes of a
scheduled hour, so that some visits finish late.

Entries and orders are built in bulk, ``INSERT … SELECT`` from a plan in
temporary tables: each bulk row copies every column of a reference row the ORM
made (an entry, a done order) and overrides what differs, so that no column the
ORM fills is left empty; the stored related and computed columns
(``category``, ``paid``, ``billable``, ``duration``, ``user_id``,
``company_id``; the order's ``scheduled_end``, ``technician_user_id``) are
written from the same data, and a sample of bulk rows is recomputed by the ORM
to check them. Followers and machines of the bulk orders are not made: the KPIs
do not read them.

Then, as a coordinator (caches emptied before each run): the KPIs of the year
for the whole team (the computation alone, and the KPI screen with its lines),
for one team and for one technician, the analysis pivot (technician × month)
of the year, the XLSX of the year, and starting a timer that switches from the
running one (as the technician). Each measure prints its median wall time of
FSM_BENCH_REPEAT runs and the SQL queries of one run; it asserts nothing about
time, and checks the figures against the build's own plan. The anomaly list
is measured in ``measure_anomaly_list`` (see there).

Sizes: FSM_BENCH_TECHNICIANS (100), FSM_BENCH_TEAMS (10), FSM_BENCH_WEEKS (52).
"""

import logging
import os
import statistics
import time
from datetime import timedelta

from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


def _size(name, default):
    return int(os.environ.get(name, default))


N_TECHNICIANS = _size("FSM_BENCH_TECHNICIANS", 100)
N_TEAMS = _size("FSM_BENCH_TEAMS", 10)
N_WEEKS = _size("FSM_BENCH_WEEKS", 52)
REPEAT = _size("FSM_BENCH_REPEAT", 5)
SLOW_MS = _size("FSM_BENCH_SLOW_MS", 500)
EXPLAIN = os.environ.get("FSM_BENCH_EXPLAIN", "1") != "0"
TZ = "Europe/Stockholm"

quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
        fsm_skip_service_report=True,
    )
)
cr = quiet.cr
now = fields.Datetime.now()
FIGURES = []


def bench(text):
    print(f"BENCH {text}", flush=True)


def sql(query, params=None):
    cr.execute(query, params)


def sql_value(query, params=None):
    sql(query, params)
    return cr.fetchone()[0]


# --------------------------------------------------------------------------
# measuring (as bench_order_scale.py)
# --------------------------------------------------------------------------
class QueryLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        if record.msg.startswith("[%.3f ms] query"):
            self.queries.append((record.args[0], record.args[1]))


def capture_queries(func):
    """Run func once and return the [(ms, sql)] of its queries."""
    logger = logging.getLogger("odoo.sql_db")
    handler = QueryLog()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        quiet.invalidate_all()
        with cr.savepoint(flush=False):
            func()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return handler.queries


def explain(statement):
    """Print the EXPLAIN (ANALYZE, BUFFERS) of a query Odoo logged."""
    with cr.savepoint(flush=False):
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", SQL(statement.replace("%", "%%"))))
        lines = cr.fetchall()
    for (line,) in lines:
        bench(f"    | {line}")


def run_once(func):
    quiet.invalidate_all()
    with cr.savepoint(flush=False):
        before = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        quiet.flush_all()
        elapsed = (time.perf_counter() - start) * 1000
        queries = cr.sql_log_count - before
    return result, elapsed, queries


def measure(label, func, unit=None, expect=None, repeat=REPEAT):
    """The median time of ``repeat`` runs and the queries of one; a measure
    over SLOW_MS also prints its three slowest queries."""
    runs = []
    for _i in range(repeat):
        result, elapsed, queries = run_once(func)
        runs.append(elapsed)
        if expect is not None:
            assert expect(result), (label, unit(result) if unit else result)
    median = statistics.median(runs)
    extra = f"  ({unit(result)})" if unit else ""
    times = "/".join(f"{t:.0f}" for t in runs)
    bench(f"{label:<62} {median:8.1f} ms {queries:5d} queries{extra}  [runs {times}]")
    if median > SLOW_MS:
        logged = sorted(capture_queries(func), key=lambda q: -q[0])
        for ms, text in logged[:3]:
            bench(f"    slow query {ms:8.1f} ms: {' '.join(text.split())[:300]}")
        if EXPLAIN and logged and logged[0][1].lstrip().upper().startswith(("SELECT", "WITH")):
            explain(logged[0][1])
    FIGURES.append((label, median, queries))
    return result


# --------------------------------------------------------------------------
# building the firm
# --------------------------------------------------------------------------
def build_people():
    """A coordinator per team, technicians with users and employees (ORM)."""
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
        [{"name": f"Technician {k:03d}", "login": f"bench.tech{k}", "tz": TZ,
          "group_ids": [Command.link(technician_group.id)]} for k in range(N_TECHNICIANS)]
    )  # fmt: skip
    employees = quiet["hr.employee"].create(
        [{"name": f"Technician {k:03d}", "is_technician": True, "user_id": u.id, "tz": TZ,
          "service_team_ids": [Command.link(teams[k % N_TEAMS].id)]}
         for k, u in enumerate(tech_users)]
    )  # fmt: skip
    client = quiet["res.partner"].create({"name": "Café Central", "is_company": True})
    site = quiet["res.partner"].create(
        {"name": "Café Central, Storgatan 1", "parent_id": client.id, "type": "other"}
    )
    return coordinators, teams, tech_users, employees, client, site


def reference_rows(employee, team, client, site, first_day):
    """One done order and one work entry on it, made by the ORM, a week before
    the year measured: every bulk row copies their columns."""
    start = first_day - timedelta(days=7) + timedelta(hours=8)
    order = quiet["service.order"].create(
        {"partner_id": client.id, "location_id": site.id, "technician_id": employee.id,
         "team_id": team.id, "scheduled_start": start, "scheduled_duration": 1.0}
    )  # fmt: skip
    order.action_dispatch()
    order.action_start()
    order.action_done()
    order.write({"date_started": start, "date_finished": start + timedelta(hours=1)})
    entry = quiet["service.work.time"].create(
        {"employee_id": employee.id, "order_id": order.id, "source": "timer",
         "type_id": quiet["service.work.time.type"]._get_default_for("work").id,
         "date_start": start, "date_stop": start + timedelta(hours=1)}
    )  # fmt: skip
    quiet.flush_all()
    return order, entry


def columns(table, overrides):
    """The insert columns of ``table`` (all but id, unless overridden) and the
    SELECT expressions: an override, else the reference row's value."""
    sql(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s
            ORDER BY ordinal_position""",
        [table],
    )
    names = [n for (n,) in cr.fetchall() if n != "id" or "id" in overrides]
    missing = set(overrides) - set(names)
    assert not missing, f"{table} has no column {missing}"
    return ", ".join(names), ", ".join(overrides.get(n, f"ref.{n}") for n in names)


PLAN = """
CREATE TEMP TABLE bench_tech (k int PRIMARY KEY, employee_id int, user_id int, team_id int);
CREATE TEMP TABLE bench_visit AS
SELECT %(id_base)s + row_number() OVER (ORDER BY day, t.k, v) AS order_id,
       t.k, t.employee_id, t.user_id, t.team_id, day::date AS day, v,
       day + interval '7 hours' + v * interval '2 hours'
           + CASE WHEN v >= 2 THEN interval '30 minutes' ELSE interval '0' END AS slot,
       CASE WHEN random() < 0.2 THEN floor(5 + random() * 16)::int ELSE 0 END AS late_min,
       floor(45 + random() * 26)::int AS work_min,
       floor(3 + random() * 40)::int AS km
  FROM bench_tech AS t
 CROSS JOIN generate_series(%(first)s::timestamp, %(last)s::timestamp, interval '1 day') AS day
 CROSS JOIN generate_series(0, 3) AS v
 WHERE extract(isodow FROM day) < 6;
ALTER TABLE bench_visit ADD COLUMN sched timestamp, ADD COLUMN started timestamp,
    ADD COLUMN finished timestamp;
UPDATE bench_visit SET sched = slot + interval '30 minutes',
       started = slot + interval '30 minutes' + late_min * interval '1 minute',
       finished = slot + interval '30 minutes' + (late_min + work_min) * interval '1 minute';
CREATE TEMP TABLE bench_entry AS
SELECT employee_id, user_id, order_id, 'travel' AS category, slot AS date_start,
       started AS date_stop, km FROM bench_visit
 UNION ALL
SELECT employee_id, user_id, order_id, 'work', started, finished, NULL FROM bench_visit
 UNION ALL
SELECT employee_id, user_id, NULL, 'break', day + interval '11 hours',
       day + interval '11 hours 30 minutes', NULL FROM bench_visit WHERE v = 0
 UNION ALL
SELECT employee_id, user_id, NULL, 'admin', day + interval '15 hours 30 minutes',
       day + interval '16 hours', NULL FROM bench_visit WHERE v = 0;
"""

ORDER_OVERRIDES = {
    "id": "b.order_id",
    "name": "'KPI/' || b.order_id",
    "technician_id": "b.employee_id",
    "technician_user_id": "b.user_id",
    "team_id": "b.team_id",
    "scheduled_start": "b.sched",
    "scheduled_duration": "1.0",
    "scheduled_end": "b.sched + interval '1 hour'",
    "date_dispatched": "b.sched - interval '2 days'",
    "date_accepted": "b.sched - interval '1 day'",
    "date_started": "b.started",
    "date_finished": "b.finished",
    "access_token": "NULL",
    "create_date": "b.sched - interval '3 days'",
    "write_date": "b.finished",
    "write_uid": "b.user_id",
}
ENTRY_OVERRIDES = {
    "employee_id": "b.employee_id",
    "user_id": "b.user_id",
    "order_id": "b.order_id",
    "type_id": "ty.id",
    "category": "ty.category",
    "paid": "ty.paid",
    "billable": "ty.billable",
    "date_start": "b.date_start",
    "date_stop": "b.date_stop",
    # float division as Python's, not numeric: the same double to the last bit
    "duration": "EXTRACT(EPOCH FROM b.date_stop - b.date_start)::float8 / 3600::float8",
    "distance_km": "COALESCE(b.km, ref.distance_km)",
    "create_date": "b.date_stop",
    "write_date": "b.date_stop",
    "create_uid": "b.user_id",
    "write_uid": "b.user_id",
}


def build_entries(employees, tech_users, teams, client, site, first_day, last_day):
    order, entry = reference_rows(employees[0], teams[0], client, site, first_day)
    sql("SELECT setseed(0.18)")  # the same firm every run
    sql("SET LOCAL work_mem = '256MB'")
    sql(
        PLAN.split(";", 1)[0],
    )
    values = SQL(", ").join(
        SQL("(%s, %s, %s, %s)", k, e.id, u.id, teams[k % N_TEAMS].id)
        for k, (e, u) in enumerate(zip(employees, tech_users, strict=True))
    )
    cr.execute(SQL("INSERT INTO bench_tech VALUES %s", values))
    sql(
        PLAN.split(";", 1)[1],
        {"id_base": sql_value("SELECT MAX(id) FROM service_order"), "first": first_day,
         "last": last_day},
    )  # fmt: skip
    types = {
        cat: quiet["service.work.time.type"]._get_default_for(cat).id
        for cat in ("travel", "work", "break", "admin")
    }
    sql("CREATE TEMP TABLE bench_type (category varchar, type_id int)")
    cr.execute(SQL("INSERT INTO bench_type VALUES %s", SQL(", ").join(
        SQL("(%s, %s)", cat, type_id) for cat, type_id in types.items()
    )))  # fmt: skip
    start = time.perf_counter()
    names, select = columns("service_order", ORDER_OVERRIDES)
    sql(
        f"INSERT INTO service_order ({names}) SELECT {select} FROM bench_visit AS b,"
        " service_order AS ref WHERE ref.id = %(ref)s ORDER BY b.order_id",
        {"ref": order.id},
    )
    sql("SELECT setval('service_order_id_seq', (SELECT MAX(id) FROM service_order))")
    orders_s = time.perf_counter() - start
    start = time.perf_counter()
    names, select = columns("service_work_time", ENTRY_OVERRIDES)
    sql(
        f"""INSERT INTO service_work_time ({names}) SELECT {select} FROM bench_entry AS b
             JOIN bench_type AS bt ON bt.category = b.category
             JOIN service_work_time_type AS ty ON ty.id = bt.type_id,
             service_work_time AS ref WHERE ref.id = %(ref)s ORDER BY b.date_start""",
        {"ref": entry.id},
    )
    # the order's paid hours (its labour cost stays 0: the technicians cost nothing here)
    sql(
        """UPDATE service_order AS o SET labour_hours = s.hours
             FROM (SELECT order_id, sum(duration) FILTER (WHERE paid) AS hours
                     FROM service_work_time WHERE order_id IS NOT NULL GROUP BY order_id) AS s
            WHERE o.id = s.order_id"""
    )
    entries_s = time.perf_counter() - start
    return order, entry, orders_s, entries_s


def check_build(models):
    """A sample of bulk rows recomputed by the ORM gives the same stored
    computed and related values."""
    checked = 0
    for model_name, table in models:
        Model = quiet[model_name]
        recomputed = [n for n, f in Model._fields.items() if f.store and f.compute]
        sql(
            SQL(
                "SELECT id FROM %s TABLESAMPLE SYSTEM (1) REPEATABLE (7) ORDER BY id LIMIT 300",
                SQL.identifier(table),
            )
        )
        sample = Model.browse([r[0] for r in cr.fetchall()])
        stored = sample.read(recomputed)
        sql("SAVEPOINT bench_recompute")
        for name in recomputed:
            quiet.add_to_compute(Model._fields[name], sample)
        quiet.flush_all()
        quiet.invalidate_all()
        again = sample.read(recomputed)
        sql("ROLLBACK TO SAVEPOINT bench_recompute")
        quiet.invalidate_all()
        diff = [(a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
                for a, b in zip(stored, again, strict=True) if a != b]  # fmt: skip
        assert not diff, (model_name, diff[:5])
        checked += len(sample)
    return checked


def vacuum_analyze(tables):
    cr.commit()
    cr._cnx.autocommit = True
    try:
        for table in tables:
            cr.execute(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table)))
    finally:
        cr._cnx.autocommit = False


def build():
    start = time.perf_counter()
    coordinators, teams, tech_users, employees, client, site = build_people()
    quiet.flush_all()
    orm_s = time.perf_counter() - start
    today = fields.Date.context_today(tech_users[0].with_context(tz=TZ))
    last_day = today - timedelta(days=1)
    first_day = last_day - timedelta(days=7 * N_WEEKS - 1)
    _order, _entry, orders_s, entries_s = build_entries(
        employees, tech_users, teams, client, site, first_day, last_day
    )
    quiet.invalidate_all()
    start_vacuum = time.perf_counter()
    vacuum_analyze(["service_order", "service_work_time", "hr_employee", "resource_resource"])
    vacuum_s = time.perf_counter() - start_vacuum
    checked = check_build([("service.order", "service_order"),
                           ("service.work.time", "service_work_time")])  # fmt: skip
    cr.commit()
    n_entries = sql_value("SELECT count(*) FROM service_work_time")
    n_orders = sql_value("SELECT count(*) FROM service_order")
    size = sql_value("SELECT pg_size_pretty(pg_total_relation_size('service_work_time'))")
    bench(
        f"data: {n_entries} work time entries, {n_orders} done orders, {N_TECHNICIANS}"
        f" technicians in {N_TEAMS} teams, {first_day} to {last_day}; service_work_time {size}"
    )
    bench(
        f"built in {time.perf_counter() - start:.0f} s: people by the ORM {orm_s:.0f} s,"
        f" orders by SQL {orders_s:.0f} s, entries by SQL {entries_s:.0f} s, VACUUM ANALYZE"
        f" {vacuum_s:.0f} s; {checked} bulk rows recomputed by the ORM, identical"
    )
    return coordinators, teams, tech_users, employees, first_day, last_day


coordinators, teams, tech_users, employees, first_day, last_day = build()
coordinator, tech_user, technician, team = coordinators[0], tech_users[0], employees[0], teams[0]

# --------------------------------------------------------------------------
# the figures the KPIs must show, from the build's own plan
# --------------------------------------------------------------------------
sql(
    """SELECT sum(EXTRACT(EPOCH FROM date_stop - date_start)) FILTER (WHERE category != 'break')
              / 3600.0, count(DISTINCT (employee_id, date_start::date))
         FROM bench_entry"""
)
working_hours, tech_days = cr.fetchone()
sql("SELECT count(*), count(*) FILTER (WHERE late_min > 0) FROM bench_visit")
visits, late_starts = cr.fetchone()
weeks = ((last_day - first_day).days + 1) / 7
bench(
    f"expected for the year: {working_hours:.0f} working hours, {visits} visits in"
    f" {tech_days} technician-days, {late_starts} late starts"
)
Report = quiet["service.work.kpi.report"].with_user(coordinator)


def team_figures(kpis):
    figures = kpis["team"]["figures"]
    return (
        f"{len(kpis['employees'])} technicians, {figures['weekly_hours']:.1f} h/week,"
        f" travel {figures['travel_share']:.1f} %, {figures['visits_per_day']:.2f} visits/day,"
        f" {figures['late_starts']:.0f} late starts"
    )


def whole_team_ok(kpis):
    figures = kpis["team"]["figures"]
    return (
        len(kpis["employees"]) == N_TECHNICIANS
        and abs(figures["weekly_hours"] - working_hours / weeks / N_TECHNICIANS) < 1e-6
        and abs(figures["visits_per_day"] - visits / tech_days) < 1e-9
        and figures["late_starts"] == late_starts
    )


# --------------------------------------------------------------------------
# 1. KPIs of the year
# --------------------------------------------------------------------------
measure(
    "coordinator: KPIs of a year, whole team (_fsm_kpis)",
    lambda: Report._fsm_kpis(first_day, last_day),
    team_figures,
    whole_team_ok,
)
month_start = last_day.replace(day=1)
measure(
    "coordinator: KPIs of a month, whole team (_fsm_kpis)",
    lambda: Report._fsm_kpis(month_start, last_day),
    team_figures,
    lambda k: len(k["employees"]) == N_TECHNICIANS,
)
Dashboard = quiet["service.kpi.dashboard"].with_user(coordinator)
measure(
    "coordinator: KPI screen of a year, whole team (+ 101 lines)",
    lambda: Dashboard.create(
        {"period": "custom", "date_from": first_day, "date_to": last_day}
    )._fsm_fill_lines(),
)
measure(
    f"coordinator: KPIs of a year, one team ({team.name})",
    lambda: Report._fsm_kpis(first_day, last_day, team=team),
    team_figures,
    lambda k: len(k["employees"]) == len(team.member_ids),
)
measure(
    "coordinator: KPIs of a year, one technician",
    lambda: Report._fsm_kpis(first_day, last_day, employees=technician),
    team_figures,
    lambda k: [r["employee"] for r in k["employees"]] == [technician],
)
measure(
    "coordinator: analysis pivot of a year (technician x month + totals)",
    # what the pivot view asks: the cells, the row and column totals, the total
    lambda: Report.formatted_read_grouping_sets(
        [("date", ">=", first_day), ("date", "<=", last_day)],
        [["employee_id", "date:month"], ["employee_id"], ["date:month"], []],
        [
            "working_hours:sum",
            "travel_hours:sum",
            "paid_hours:sum",
            "visit_count:sum",
            "late_start_count:sum",
            "late_finish_count:sum",
        ],
    ),  # fmt: skip
    lambda r: f"{len(r[0])} cells",
    lambda r: len(r[1]) == N_TECHNICIANS,
)
measure(
    "coordinator: XLSX of a year, whole team",
    lambda: Report._fsm_kpi_xlsx(Report._fsm_kpis(first_day, last_day)),
    lambda b: f"{len(b) // 1024} KiB",
    repeat=3,
)


# --------------------------------------------------------------------------
# 2. The anomaly list
# --------------------------------------------------------------------------
def measure_anomaly_list():
    """The hourly check of a day for every technician, and the coordinator's
    anomaly list (grouped by day, the first group opened) once a month of
    days has been checked."""
    Anomaly = quiet["service.work.anomaly"]
    month = [last_day - timedelta(days=n) for n in range(30)]

    def check_yesterday():
        employees.sudo().write({"fsm_anomalies_checked_until": last_day - timedelta(days=1)})
        Anomaly._cron_fsm_check_days()
        return Anomaly.search_count([("date", "=", last_day)])

    measure(
        f"hourly job: check yesterday of {N_TECHNICIANS} technicians",
        check_yesterday,
        lambda n: f"{n} anomalies",
        repeat=3,
    )
    start = time.perf_counter()
    for employee in employees:
        Anomaly._fsm_refresh(employee, set(month))
    quiet.flush_all()
    cr.commit()
    total = Anomaly.search_count([])
    bench(
        f"checked 30 days of {N_TECHNICIANS} technicians in {time.perf_counter() - start:.1f} s:"
        f" {total} anomalies"
    )
    List = Anomaly.with_user(coordinator)
    view = quiet.ref("fsm_worktime.service_work_anomaly_view_search").id
    domain = [("state", "=", "open")]
    assert List.get_view(view, "search")["arch"]  # the coordinator may open the list
    spec = {name: {} for name in ("date", "employee_id", "kind", "description", "order_id",
                                  "deviation_hours", "state", "work_time_id")}  # fmt: skip
    measure(
        "coordinator: anomaly list, open, by day (groups + first day's rows)",
        lambda: List.web_read_group(
            domain,
            ["date:day"],
            ["__count"],
            limit=80,
            order="date:day desc",
            auto_unfold=True,
            unfold_read_specification=spec,
            unfold_read_default_limit=80,
        ),
        lambda r: f"{r['length']} days, {len(r['groups'][0].get('__records', []))} rows opened",
        lambda r: r["length"] >= 1,
    )
    measure(
        "coordinator: anomaly list, one technician's month (80 rows + count)",
        lambda: List.web_search_read(
            domain + [("employee_id", "=", technician.id)], spec, limit=80, count_limit=10001
        ),
        lambda r: f"{r['length']} anomalies",
    )


measure_anomaly_list()

# --------------------------------------------------------------------------
# 3. Starting a timer that switches from the running one, as the technician
# --------------------------------------------------------------------------
WorkTime = quiet["service.work.time"].with_user(tech_user)
WorkTime._fsm_start(technician.with_user(tech_user), "admin")
cr.commit()
categories = iter(["travel", "work"] * REPEAT * 2)
measure(
    "technician: start a timer, switching from the running one",
    lambda: WorkTime._fsm_start(technician.with_user(tech_user), next(categories)),
    lambda e: f"{e.category} running, {len(employees)} technicians' year behind",
    lambda e: e.date_stop is False,
)

bench("summary (median ms / queries):")
for label, ms, queries in FIGURES:
    bench(f"  {label:<62} {ms:8.1f} ms {queries:5d} q")
cr.rollback()
