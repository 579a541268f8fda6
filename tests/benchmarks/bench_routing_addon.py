"""The optimiser through the addon: a 400-order week for 40 technicians.

Run by ``./fsm bench routing_addon`` inside ``odoo shell`` on a throwaway
database with the suite installed (no demo data): ``env`` is given. Four
teams of ten technicians (users, employees with the company's 40-hour
calendar, a home around Stockholm, one to three of three skills) and
FSM_BENCH_ORDERS unplanned orders over next week (sites spread over 25 km,
30 % with a client's window of half a day, one in ten high priority, one in
forty urgent, 60 % asking a skill). A plan of the week over all teams is run
through the background path (``action_run`` queues it, ``_fsm_run_queued``
solves it, as the cron does) and applied.

Printed: the wall time of building the problem from the records (technicians,
shifts, absences, orders, the travel matrix), of the search
(FSM_BENCH_SOLVE_SECONDS), of writing the proposal back (lines, totals), of
applying it (orders written, planned and dispatched, technicians told), and
the plan's figures. Target of the issue: build + write-back under 5 s besides
the solve. Nothing is asserted about time. FSM_BENCH_PROFILE=1 prints where
applying spends its time (cProfile, cumulative).
"""

import cProfile
import io
import os
import pstats
import random
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.fsm_routing.models import route_problem, service_route_plan

N_ORDERS = int(os.environ.get("FSM_BENCH_ORDERS", "400"))
N_TECHNICIANS = int(os.environ.get("FSM_BENCH_TECHNICIANS", "40"))
N_TEAMS = 4
SOLVE_SECONDS = int(os.environ.get("FSM_BENCH_SOLVE_SECONDS", "30"))
CENTRE = (59.3293, 18.0686)

quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
    )
)
rng = random.Random(22)


def bench(text):
    print(f"BENCH {text}", flush=True)


def spot(km):
    """A point within ``km`` of the centre (degrees: 1° lat ≈ 111 km)."""
    return (
        CENTRE[0] + rng.uniform(-km, km) / 111.0,
        CENTRE[1] + rng.uniform(-km, km) / 56.0,
    )


company = quiet.company
company.partner_id.tz = "Europe/Stockholm"
quiet.user.tz = "Europe/Stockholm"
skill_type = quiet["hr.skill.type"].create(
    {
        "name": "Bench machines",
        "skill_ids": [Command.create({"name": n}) for n in ("Espresso", "Grinder", "Filter")],
        "skill_level_ids": [Command.create({"name": "Certified", "level_progress": 100})],
    }
)
skills = skill_type.skill_ids
level = skill_type.skill_level_ids
group = quiet.ref("fsm_orders.group_fsm_technician")
started = time.perf_counter()
users = quiet["res.users"].create(
    [
        {
            "name": f"Bench tech {i}",
            "login": f"bench_tech_{i}",
            "group_ids": [Command.link(group.id)],
        }
        for i in range(N_TECHNICIANS)
    ]
)
homes = quiet["res.partner"].create(
    [
        {"name": f"Home {i}", "partner_latitude": lat, "partner_longitude": lon}
        for i, (lat, lon) in enumerate(spot(20) for _ in range(N_TECHNICIANS))
    ]
)
employees = quiet["hr.employee"].create(
    [
        {
            "name": f"Bench tech {i}",
            "user_id": users[i].id,
            "is_technician": True,
            "service_start_location_id": homes[i].id,
            "resource_calendar_id": company.resource_calendar_id.id,
            "tz": "Europe/Stockholm",
            "hourly_cost": 45.0,
            "employee_skill_ids": [
                Command.create(
                    {"skill_id": s.id, "skill_level_id": level.id, "skill_type_id": skill_type.id}
                )
                for s in rng.sample(list(skills), rng.randint(1, 3))
            ],
        }
        for i in range(N_TECHNICIANS)
    ]
)
teams = quiet["service.team"].create(
    [
        {
            "name": f"Bench team {t}",
            "member_ids": [Command.set(employees[t::N_TEAMS].ids)],
        }
        for t in range(N_TEAMS)
    ]
)
client = quiet["res.partner"].create({"name": "Bench client", "is_company": True})
sites = quiet["res.partner"].create(
    [
        {
            "name": f"Site {i}",
            "parent_id": client.id,
            "type": "other",
            "partner_latitude": lat,
            "partner_longitude": lon,
        }
        for i, (lat, lon) in enumerate(spot(25) for _ in range(N_ORDERS))
    ]
)
today = fields.Date.context_today(quiet["service.order"])
monday = today + timedelta(days=7 - today.weekday())
world = route_problem.PlanWorld(quiet, company, monday, monday, quiet["hr.employee"])
order_vals = []
for i in range(N_ORDERS):
    vals = {
        "partner_id": client.id,
        "location_id": sites[i].id,
        "team_id": teams[i % N_TEAMS].id,
        "scheduled_duration": rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]),
        "priority": rng.choices(["0", "1", "2", "3"], [20, 69, 10, 1])[0],
    }
    if rng.random() < 0.6:
        vals["skill_ids"] = [Command.set([rng.choice(skills).id])]
    if rng.random() < 0.3:
        day = rng.randrange(5)
        morning = rng.random() < 0.5
        vals["window_start"] = world.origin + timedelta(days=day, hours=8 if morning else 12)
        vals["window_end"] = world.origin + timedelta(days=day, hours=12 if morning else 17)
    order_vals.append(vals)
orders = quiet["service.order"].create(order_vals)
quiet.flush_all()
bench(
    f"world: {N_TECHNICIANS} technicians in {N_TEAMS} teams, {len(orders)} unplanned orders "
    f"for the week of {monday} (made in {time.perf_counter() - started:.1f} s)"
)

timings = {}
real_solve = service_route_plan.solve
real_write = service_route_plan.ServiceRoutePlan._fsm_write_proposal


def timed_solve(problem, **options):
    timings["build_done"] = time.perf_counter()
    result = real_solve(problem, **options)
    timings["solve_done"] = time.perf_counter()
    return result


def timed_write(self, *args):
    result = real_write(self, *args)
    self.env.flush_all()
    timings["write_done"] = time.perf_counter()
    return result


company.write({"fsm_plan_foreground_orders": 0, "fsm_plan_seconds": SOLVE_SECONDS})
plan = quiet["service.route.plan"].create({"date_from": monday, "period": "week"})
t0 = time.perf_counter()
plan.action_run()
quiet.flush_all()
t_claim = time.perf_counter() - t0
quiet.invalidate_all()
with (
    patch.object(service_route_plan, "solve", timed_solve),
    patch.object(service_route_plan.ServiceRoutePlan, "_fsm_write_proposal", timed_write),
):
    t0 = time.perf_counter()
    plan._fsm_run_queued()
    quiet.flush_all()
    t_end = time.perf_counter()
build = timings["build_done"] - t0
search = timings["solve_done"] - timings["build_done"]
write = t_end - timings["solve_done"]
bench(f"run queued (orders selected and claimed): {t_claim:.2f} s")
bench(f"build the problem from the records: {build:.2f} s")
bench(f"search (limit {SOLVE_SECONDS} s): {search:.2f} s")
bench(f"write the proposal back (lines, totals, state): {write:.2f} s")
bench(
    f"plan: {plan.proposed_orders} planned, {plan.proposed_left_out} left out, "
    f"{plan.proposed_km:.0f} km, {plan.proposed_travel_hours:.1f} h travel, "
    f"{plan.proposed_hours:.1f} h working time, "
    f"{len(plan.visit_line_ids.technician_id)} technicians"
)
reasons = {}
for line in plan.left_out_line_ids:
    reasons[line.reason] = reasons.get(line.reason, 0) + 1
bench(f"left out by reason: {reasons}")
quiet.invalidate_all()
t0 = time.perf_counter()
notify_seconds = [0.0]
ServiceOrder = type(quiet["service.order"])
real_notify = ServiceOrder._notify_dispatch


def timed_notify(self):
    begin = time.perf_counter()
    result = real_notify(self)
    notify_seconds[0] += time.perf_counter() - begin
    return result


patcher = patch.object(ServiceOrder, "_notify_dispatch", timed_notify)
patcher.start()
if os.environ.get("FSM_BENCH_PROFILE"):
    prof = cProfile.Profile()
    prof.enable()
    plan.action_apply()
    quiet.flush_all()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
    for line in out.getvalue().splitlines():
        bench(line)
else:
    plan.action_apply()
    quiet.flush_all()
t_apply = time.perf_counter() - t0
patcher.stop()
dispatched = quiet["service.order"].search_count(
    [("id", "in", orders.ids), ("state", "=", "dispatched")]
)
bench(f"apply (orders written, planned, dispatched, technicians told): {t_apply:.2f} s")
bench(
    f"  of which writing the orders: {t_apply - notify_seconds[0]:.2f} s, telling the "
    f"technicians (an activity per visit, as a dispatch): {notify_seconds[0]:.2f} s"
)
bench(
    f"build + write-back (proposal and orders, without the notifications): "
    f"{build + write + t_claim + t_apply - notify_seconds[0]:.2f} s (target under 5 s)"
)
bench(f"orders dispatched: {dispatched}")
quiet.cr.rollback()
