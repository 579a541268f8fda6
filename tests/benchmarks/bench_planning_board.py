"""The planning board at the size of a firm: a week of 40 technicians.

Run by ``./fsm bench planning_board`` inside ``odoo shell`` on a throwaway
database with the suite installed (no demo data): ``env`` is given.
N_TECHNICIANS technicians (users and employees) in N_TEAMS teams work 08–17
with lunch in Stockholm; N_ORDERS orders are spread over next week's working
days (planned, dispatched, some done), a tenth of them with a client's
window, one technician in ten has a day off, and 30 orders wait unplanned.
All is made by the ORM (a few hundred records: no bulk SQL needed).

Then, as a coordinator, ``service.route.board.get_board_data`` of the week for
all teams: cold (the ORM cache emptied before each run) and warm (the same
call again on a filled cache), the median of FSM_BENCH_REPEAT runs and the SQL
queries of one run, and a day for one team. The target is under a second
server-side; nothing is asserted about time, the figures are checked against
the build (rows, bars, unplanned). Last, the route map of Monday
(``service.route.map.get_map_data``), cold and warm.

Sizes: FSM_BENCH_TECHNICIANS (40), FSM_BENCH_TEAMS (4), FSM_BENCH_ORDERS (400).
"""

import os
import statistics
import time
from datetime import date, datetime, timedelta

import pytz

from odoo import Command

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


def _size(name, default):
    return int(os.environ.get(name, default))


N_TECHNICIANS = _size("FSM_BENCH_TECHNICIANS", 40)
N_TEAMS = _size("FSM_BENCH_TEAMS", 4)
N_ORDERS = _size("FSM_BENCH_ORDERS", 400)
REPEAT = _size("FSM_BENCH_REPEAT", 5)
TZ = pytz.timezone("Europe/Stockholm")

quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
        fsm_replan_confirmed=True,
        tz="Europe/Stockholm",
    )
)
cr = quiet.cr


def bench(text):
    print(f"BENCH {text}", flush=True)


def at(day, hour, minute=0):
    local = TZ.localize(
        datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    )
    return local.astimezone(pytz.utc).replace(tzinfo=None)


today = date.today()
monday = today + timedelta(days=7 - today.weekday())
weekdays = [monday + timedelta(days=d) for d in range(5)]

# --------------------------------------------------------------------------
# the firm
# --------------------------------------------------------------------------
calendar = quiet["resource.calendar"].create(
    {
        "name": "Bench 8-17",
        "tz": "Europe/Stockholm",
        "attendance_ids": [
            Command.create({"name": f"{d} {p}", "dayofweek": str(d), "hour_from": h0,
                            "hour_to": h1, "day_period": p})
            for d in range(5)
            for h0, h1, p in ((8, 12, "morning"), (13, 17, "afternoon"))
        ],
    }
)  # fmt: skip
coordinator_group = quiet.ref("fsm_orders.group_fsm_coordinator")
Users = quiet["res.users"].with_context(no_reset_password=True)
coordinator = Users.create(
    {"name": "Bench Coordinator", "login": "bench.board.coordinator", "tz": "Europe/Stockholm",
     "group_ids": [Command.link(coordinator_group.id)]}
)  # fmt: skip
teams = quiet["service.team"].create(
    [{"name": f"Board region {t}", "coordinator_id": coordinator.id} for t in range(N_TEAMS)]
)
employees = quiet["hr.employee"].create(
    [{"name": f"Board technician {k:03d}", "is_technician": True, "tz": "Europe/Stockholm",
      "resource_calendar_id": calendar.id,
      "service_team_ids": [Command.link(teams[k % N_TEAMS].id)]}
     for k in range(N_TECHNICIANS)]
)  # fmt: skip
client = quiet["res.partner"].create({"name": "Board Café", "is_company": True})
site = quiet["res.partner"].create(
    {"name": "Board Café, Storgatan 1", "parent_id": client.id, "type": "other",
     "partner_latitude": 59.33, "partner_longitude": 18.06}
)  # fmt: skip
leave_type = quiet["hr.leave.type"].create(
    {"name": "Bench day off", "requires_allocation": False, "leave_validation_type": "hr"}
)
leaves = quiet["hr.leave"].create(
    [{"employee_id": e.id, "holiday_status_id": leave_type.id,
      "request_date_from": weekdays[k % 5], "request_date_to": weekdays[k % 5]}
     for k, e in enumerate(employees[::10])]
)  # fmt: skip
leaves.action_approve()

per_day = max(1, N_ORDERS // (N_TECHNICIANS * 5))
vals = []
for k in range(N_ORDERS):
    employee = employees[k % N_TECHNICIANS]
    day = weekdays[(k // N_TECHNICIANS) % 5]
    slot = (k // (N_TECHNICIANS * 5)) % per_day
    start = at(day, 8 + slot * 2)
    vals.append(
        {"partner_id": client.id, "location_id": site.id, "technician_id": employee.id,
         "team_id": teams[(k % N_TECHNICIANS) % N_TEAMS].id, "scheduled_start": start,
         "scheduled_duration": 1.5, "priority": str(k % 4),
         **({"window_start": start, "window_end": start + timedelta(hours=1)}
            if k % 10 == 0 else {})}
    )  # fmt: skip
orders = quiet["service.order"].create(vals)
orders.action_plan()
waiting = quiet["service.order"].create(
    [{"partner_id": client.id, "location_id": site.id, "team_id": teams[k % N_TEAMS].id,
      "scheduled_duration": 1.0, "priority": str(k % 4)} for k in range(30)]
)  # fmt: skip
quiet.flush_all()
bench(
    f"planning board: {len(employees)} technicians in {len(teams)} teams, {len(orders)} orders "
    f"in the week of {monday}, {len(leaves)} days off, {len(waiting)} unplanned"
)

# --------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------
Board = quiet["service.route.board"].with_user(coordinator)


def run(days, team_ids=None, cold=True):
    if cold:
        quiet.invalidate_all()
        quiet.registry.clear_cache()
    before = cr.sql_log_count
    started = time.perf_counter()
    data = Board.get_board_data(str(monday), days, team_ids=team_ids)
    return data, (time.perf_counter() - started) * 1000, cr.sql_log_count - before


def measure(label, days, team_ids=None, cold=True, rows=None, bars=None):
    if not cold:
        run(days, team_ids, cold=False)  # fill the cache
    runs = []
    for _i in range(REPEAT):
        data, elapsed, queries = run(days, team_ids, cold)
        runs.append(elapsed)
    got_bars = sum(len(r["bars"]) for r in data["rows"])
    assert rows is None or len(data["rows"]) == rows, (label, len(data["rows"]))
    assert bars is None or got_bars == bars, (label, got_bars)
    times = "/".join(f"{t:.0f}" for t in runs)
    bench(
        f"{label:<44} {statistics.median(runs):8.1f} ms {queries:5d} queries  "
        f"({len(data['rows'])} rows, {got_bars} bars, {len(data['unplanned'])} unplanned)  "
        f"[runs {times}]"
    )


measure("week, all teams, cold", 7, rows=N_TECHNICIANS, bars=N_ORDERS)
measure("week, all teams, warm", 7, cold=False, rows=N_TECHNICIANS, bars=N_ORDERS)
measure("day, one team, cold", 1, team_ids=teams[:1].ids, rows=N_TECHNICIANS // N_TEAMS)

# the route map of Monday, all teams: the board's rows plus sites, homes,
# kilometres and last positions (service.route.map.get_map_data)
RouteMap = quiet["service.route.map"].with_user(coordinator)
for label, cold in (("route map, Monday, all teams, cold", True), ("route map, warm", False)):
    if not cold:
        RouteMap.get_map_data(str(monday))
    runs = []
    for _i in range(REPEAT):
        if cold:
            quiet.invalidate_all()
            quiet.registry.clear_cache()
        before = cr.sql_log_count
        started = time.perf_counter()
        data = RouteMap.get_map_data(str(monday))
        runs.append((time.perf_counter() - started) * 1000)
        queries = cr.sql_log_count - before
    stops = sum(len(route["stops"]) for route in data["routes"])
    assert len(data["routes"]) == N_TECHNICIANS, len(data["routes"])
    bench(
        f"{label:<44} {statistics.median(runs):8.1f} ms {queries:5d} queries  "
        f"({len(data['routes'])} routes, {stops} stops, {len(data['unplanned'])} pins, "
        f"{len(data['no_location'])} without coordinates)"
    )
cr.rollback()
