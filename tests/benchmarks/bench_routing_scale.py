"""Routing at field-service scale: generated days, memory, PyVRP alone, emergency.

Each size ``ORDERSxTECHNICIANS`` is a day made by ``solver.generate.field_day``
(the proportions are in its docstring) and is measured in a child process of
its own (this file run again with ``--child``), so that its peak RSS is that
size's own. Nothing is asserted; the figures are printed.

**Ours**: the time to build the problem (the generator with its travel
matrix), then per time limit ``solver.solve(problem, seconds=limit,
seed=seed)``: the seconds to its first feasible plan (``plan.first_feasible``,
measured by the engine), the plan's cost (``plan.totals(problem)["cost"]``:
routes and the penalties of the orders left out), orders served, left out,
urgent left out, and the reasons of those left out.

**Memory**: the child's peak resident set (``VmHWM`` of /proc/self/status, else
``ru_maxrss``) after building the problem and after our solves, read before
anything else runs in it.

**PyVRP alone**, given the same problem less what it cannot model (or what a
plain model of it leaves out), built here straight from the ``Problem`` and
solved by ``pyvrp.solve`` with ``MaxRuntime(limit)`` and the same seed:

- one depot per home, one client per order with the order's *first* window
  only (the visit starting between its start and its end less the duration;
  an order without windows has none), its penalty as the prize, optional;
- one vehicle type per technician shift (one vehicle), leaving from and back
  home, the shift (plus allowed overtime) as its time window, its length as
  the shift duration, the allowed overtime at the overtime cost, the hourly
  cost as the duration cost;
- skills as profiles the way PyVRP's own VRPLIB reader models allowed
  clients: one arc-cost matrix per distinct set of orders a technician has
  the skills for, MAX_VALUE to and from the others;
- the arc cost is the distance's cost (metres x ``cost_per_distance``) in the
  problem's integer cost units, as our engine's;
- **left out**: breaks, absences, locks to a technician or a start time, and
  every window after an order's first.

Printed for it: its cost as PyVRP computes it (in currency units, prizes of
the unvisited included), orders served, left out and urgent left out, then
its plan timed by ``solver.timeline.schedule`` on the real constraints: the
visits that no longer fit (dropped: a break, an absence, a later window, a
locked start), the visits of an order locked to another technician (taken
out before timing), and the cost of that timed plan with both kinds left out
(what its plan would cost for real).

**Emergency insertion** (when a 100x10 size is measured): the plan of the
first time limit, then one new urgent order (an elevator entrapment at the
city centre, 60 minutes, elevator skill, no window) inserted at 10:00 by
``solver.emergency.insert_urgent``; every technician is ``available`` where
the plan has them at 10:00 (``state_from_plan``: the site of their last
started visit, or home), free when that visit ends, with its orders done and
its breaks taken. Printed: seconds, the chosen technician and start, the
visits delayed (count, largest delay) and the orders pushed out.

Environment: FSM_BENCH_ROUTING_SIZES (``100x10,400x40,1000x100``),
FSM_BENCH_ROUTING_LIMITS (``10,60`` seconds), FSM_BENCH_ROUTING_SEED (``0``:
the generator's and both solvers' seed).
"""

import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

try:
    ROOT = Path(__file__).resolve().parents[2]
except NameError:  # fed to odoo shell on stdin by ./fsm bench
    from odoo.modules.module import get_module_path

    ROOT = Path(get_module_path("fsm_orders")).resolve().parent.parent
sys.path.insert(0, str(ROOT / "addons" / "fsm_routing"))

SCRIPT = ROOT / "tests" / "benchmarks" / "bench_routing_scale.py"
EMERGENCY_SIZE = (100, 10)
EMERGENCY_AT = 10 * 3600


def env_list(name, default):
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- in the child ----------------------------------------------------------------
def measure(orders, technicians, limits, seed):
    from solver import solve
    from solver.generate import field_day_with_points

    started = time.perf_counter()
    problem, points = field_day_with_points(orders, technicians, seed=seed)
    result = {"build": time.perf_counter() - started, "rss_build": peak_rss_mib()}
    result["ours"], plans = [], []
    by_id = {o.id: o for o in problem.orders}
    for limit in limits:
        plan = solve(problem, seconds=limit, seed=seed)
        plans.append(plan)
        totals = plan.totals(problem)
        result["ours"].append(
            {
                "limit": limit,
                "first_feasible": plan.first_feasible,
                "cost": float(totals["cost"]),
                "served": totals["served"],
                "left_out": totals["left_out"],
                "urgent_left_out": totals["urgent_left_out"],
                "reasons": dict(Counter(left.reason for left in plan.left_out)),
            }
        )
    result["rss_solve"] = peak_rss_mib()
    result["pyvrp"] = [pyvrp_alone(problem, by_id, limit, seed) for limit in limits]
    if (orders, technicians) == EMERGENCY_SIZE and plans:
        result["emergency"] = emergency(problem, points, plans[0])
    return result


def pyvrp_alone(problem, by_id, limit, seed):
    """PyVRP on the plain model (the module docstring says what it lacks)."""
    import numpy as np
    import pyvrp
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType
    from pyvrp.stop import MaxRuntime
    from solver.timeline import schedule

    max_value = pyvrp.constants.MAX_VALUE
    scale, per_hour = problem.cost_scale, problem.time_units_per_hour
    techs = problem.technicians
    homes = sorted({t.start_location for t in techs} | {t.home_end for t in techs})
    depot_of = {loc: i for i, loc in enumerate(homes)}
    index = homes + [o.location for o in problem.orders]
    durations = np.asarray(problem.durations, dtype=np.int64)[np.ix_(index, index)]
    distances = np.asarray(problem.distances, dtype=np.int64)[np.ix_(index, index)]
    arc_cost = np.rint(distances * problem.cost_per_distance * scale).astype(np.int64)
    clients = []
    for i, order in enumerate(problem.orders):
        early, late = 0, max_value
        if order.windows:
            early, late = order.windows[0].start, order.windows[0].end - order.duration
        clients.append(
            Client(
                len(homes) + i,
                service_duration=order.duration,
                tw_early=early,
                tw_late=late,
                prize=int(round(order.leave_out_cost * scale)),
                required=False,
            )
        )
    profile_of, matrices = {}, []
    vehicle_types, vehicles = [], []
    for tech in techs:
        allowed = tuple(i for i, o in enumerate(problem.orders) if o.skills <= tech.skills)
        if allowed not in profile_of:
            profile_of[allowed] = len(matrices)
            matrix = arc_cost.copy()
            closed = np.ones(len(index), dtype=bool)
            closed[: len(homes)] = False
            closed[[len(homes) + i for i in allowed]] = False
            matrix[:, closed] = matrix[closed, :] = max_value
            np.fill_diagonal(matrix, 0)
            matrices.append(matrix)
        for s_index, shift in enumerate(tech.shifts):
            vehicle_types.append(
                VehicleType(
                    num_available=1,
                    start_depot=depot_of[tech.start_location],
                    end_depot=depot_of[tech.home_end],
                    tw_early=shift.start,
                    tw_late=shift.end + tech.max_overtime,
                    shift_duration=shift.end - shift.start,
                    max_overtime=tech.max_overtime,
                    unit_distance_cost=1,
                    unit_duration_cost=int(round(tech.hourly_cost / per_hour * scale)),
                    unit_overtime_cost=int(round(tech.overtime_cost / per_hour * scale)),
                    profile=profile_of[allowed],
                )
            )
            vehicles.append((tech, s_index))
    data = ProblemData(
        locations=[Location(0, 0) for _ in index],
        clients=clients,
        depots=[Depot(i) for i in range(len(homes))],
        vehicle_types=vehicle_types,
        distance_matrices=matrices,
        duration_matrices=[durations] * len(matrices),
    )
    stop = _FirstFeasible(MaxRuntime(limit))
    result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False)
    best = result.best
    served, dropped, wrong_tech, timed_cost = set(), [], 0, 0.0
    for route in best.routes():
        tech, s_index = vehicles[route.vehicle_type()]
        sequence = [problem.orders[a.idx] for a in route if a.is_client()]  # client index
        served.update(o.id for o in sequence)
        wrong = [o for o in sequence if not tech.can_do(o)]
        wrong_tech += len(wrong)
        timing = schedule(problem, tech, s_index, [o for o in sequence if o not in wrong])
        dropped += timing.dropped + [o.id for o in wrong]
        timed_cost += timing.route.cost
    unserved = [o for o in problem.orders if o.id not in served]
    really_out = unserved + [by_id[i] for i in dropped]
    return {
        "limit": limit,
        "first_feasible": stop.first_feasible,
        "cost": result.cost() / scale if best.is_feasible() else None,
        "served": len(served),
        "left_out": len(unserved),
        "urgent_left_out": sum(o.urgent for o in unserved),
        "dropped": len(dropped) - wrong_tech,
        "wrong_tech": wrong_tech,
        "timed_cost": timed_cost + sum(o.leave_out_cost for o in really_out),
    }


class _FirstFeasible:
    """A stopping criterion that notes when PyVRP first has a feasible plan."""

    def __init__(self, inner):
        self.inner, self.started, self.first_feasible = inner, time.monotonic(), None

    def __call__(self, best_cost):
        if self.first_feasible is None and best_cost < sys.maxsize:
            self.first_feasible = time.monotonic() - self.started
        return self.inner(best_cost)


def emergency(problem, points, plan):
    import dataclasses

    from solver import URGENT, Order, travel
    from solver.emergency import TechnicianState, insert_urgent, state_from_plan
    from solver.generate import CENTRE, ROAD_FACTOR, SPEED_KMH

    durations, distances = travel.straight_line([*points, CENTRE], ROAD_FACTOR, SPEED_KMH)
    problem = dataclasses.replace(problem, durations=durations, distances=distances)
    order = Order("EMERGENCY", len(points), 3600, skills=frozenset({"elevator"}), priority=URGENT)
    orders = {o.id: o for o in problem.orders}
    routes = {(r.technician_id, r.shift): r for r in plan.routes}
    states = {}
    for tech in problem.technicians:
        planned = state_from_plan(routes.get((tech.id, 0)), tech, EMERGENCY_AT, orders)
        if planned.status != "finished":
            planned = TechnicianState(
                "available",
                planned.location,
                planned.free_at,
                planned.done,
                planned.breaks_taken,
            )
        states[tech.id] = planned
    answer = insert_urgent(problem, plan, order, states, now=EMERGENCY_AT)
    chosen = answer.chosen
    return {
        "seconds": answer.seconds,
        "technician": None if chosen is None else chosen.technician_id,
        "start": None if chosen is None else chosen.start,
        "delayed": 0 if chosen is None else len(chosen.delays),
        "max_delay": max((new - old for _i, old, new in chosen.delays), default=0) if chosen else 0,
        "pushed_out": [] if chosen is None else list(chosen.pushed_out),
        "reason": answer.reason,
        "options": len(answer.options),
    }


# -- in the parent ---------------------------------------------------------------
def run_size(orders, technicians, limits, seed):
    spec = json.dumps({"orders": orders, "technicians": technicians, "limits": limits,
                       "seed": seed})  # fmt: skip
    out = subprocess.run([sys.executable, str(SCRIPT), "--child", spec], capture_output=True,
                         text=True, check=False)  # fmt: skip
    if out.returncode:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {out.returncode}: {tail}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(value, spec, none="-"):
    return none if value is None else format(value, spec)


def hhmm(seconds):
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def main():
    sizes = []
    for text in env_list("FSM_BENCH_ROUTING_SIZES", "100x10,400x40,1000x100"):
        orders, _x, technicians = text.lower().partition("x")
        sizes.append((int(orders), int(technicians)))
    limits = [float(v) for v in env_list("FSM_BENCH_ROUTING_LIMITS", "10,60")]
    seed = int(os.environ.get("FSM_BENCH_ROUTING_SEED", "0"))
    print(f"BENCH routing scale: generated field days (seed {seed}), limits {limits} s,"
          f" one child process per size")  # fmt: skip
    results = {size: run_size(*size, limits, seed) for size in sizes}

    print("BENCH --- ours ---")
    print(f"BENCH {'size':<9} {'build s':>7} {'limit':>5} {'1st feas s':>10} {'cost':>12}"
          f" {'served':>6} {'left':>5} {'urgent':>6}  reasons left out")  # fmt: skip
    for (orders, techs), res in results.items():
        name = f"{orders}x{techs}"
        if "error" in res:
            print(f"BENCH {name:<9} failed: {res['error']}")
            continue
        for row in res["ours"]:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(row["reasons"].items())) or "-"
            print(f"BENCH {name:<9} {res['build']:>7.2f} {row['limit']:>5g}"
                  f" {fmt(row['first_feasible'], '10.2f', 'none'):>10} {row['cost']:>12.1f}"
                  f" {row['served']:>6} {row['left_out']:>5} {row['urgent_left_out']:>6}"
                  f"  {reasons}")  # fmt: skip

    print("BENCH --- memory: peak RSS of the size's process ---")
    print(f"BENCH {'size':<9} {'after build MiB':>15} {'after our solves MiB':>20}")
    for (orders, techs), res in results.items():
        if "error" not in res:
            print(f"BENCH {f'{orders}x{techs}':<9} {res['rss_build']:>15.1f}"
                  f" {res['rss_solve']:>20.1f}")  # fmt: skip

    print("BENCH --- PyVRP alone: no breaks, absences, locks or second windows ---")
    print(f"BENCH {'size':<9} {'limit':>5} {'1st feas s':>10} {'PyVRP cost':>12} {'served':>6}"
          f" {'left':>5} {'urgent':>6} {'dropped':>7} {'wrong tech':>10}"
          f" {'timed cost':>12}")  # fmt: skip
    for (orders, techs), res in results.items():
        if "error" in res:
            continue
        for row in res["pyvrp"]:
            print(f"BENCH {f'{orders}x{techs}':<9} {row['limit']:>5g}"
                  f" {fmt(row['first_feasible'], '10.2f', 'none'):>10}"
                  f" {fmt(row['cost'], '12.1f', 'infeasible'):>12} {row['served']:>6}"
                  f" {row['left_out']:>5} {row['urgent_left_out']:>6} {row['dropped']:>7}"
                  f" {row['wrong_tech']:>10} {row['timed_cost']:>12.1f}")  # fmt: skip

    e = results.get(EMERGENCY_SIZE, {}).get("emergency")
    if e is None:
        why = "it failed" if EMERGENCY_SIZE in results else "no 100x10 size"
        print(f"BENCH --- emergency insertion: not measured ({why}) ---")
        return
    print(f"BENCH --- emergency insertion on the 100x10 day at {hhmm(EMERGENCY_AT)},"
          f" the plan of {limits[0]:g} s ---")  # fmt: skip
    print(f"BENCH {'seconds':>8} {'chosen':>7} {'start':>6} {'options':>7} {'delayed':>7}"
          f" {'max delay min':>13} {'pushed out':>10}")  # fmt: skip
    pushed = ", ".join(map(str, e["pushed_out"])) or "-"
    print(f"BENCH {e['seconds']:>8.3f} {e['technician'] or 'none':>7}"
          f" {hhmm(e['start']) if e['start'] is not None else '-':>6} {e['options']:>7}"
          f" {e['delayed']:>7} {e['max_delay'] / 60:>13.0f} {len(e['pushed_out']):>10}"
          f"  {pushed if e['technician'] else e['reason']}")  # fmt: skip


if sys.argv[1:2] == ["--child"]:
    spec = json.loads(sys.argv[2])
    figures = measure(spec["orders"], spec["technicians"], spec["limits"], spec["seed"])
    print(json.dumps(figures, default=lambda value: value.item()))  # numpy scalars
else:
    main()
