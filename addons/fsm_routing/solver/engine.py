"""The optimiser: field-service orders and technicians in, a timed plan out.

The search itself is PyVRP's iterated local search (MIT, C++ with a Python
API); the figures that chose it over OR-Tools are in the addon's README. This
module translates the field-service problem into PyVRP's model and back:

- each working *part* of a technician's shift (the shift less its absences)
  is one vehicle, leaving home no earlier than the part's start and back by
  its end (plus allowed overtime on the last part, at the overtime cost);
  identical parts share one vehicle type, so a benchmark fleet stays one;
- skills and locks to a technician are *profiles*: one arc-cost matrix per
  distinct set of orders a technician may get, closed (PyVRP's MAX_VALUE) to
  the others; a lock to a time is a window of exactly the visit;
- an order with several windows is a mutually exclusive group of clients,
  one per window; an order's penalty for being left out is its prize, so the
  search weighs serving it against what it costs (urgent ones always win);
- the arc cost is travel distance and travel time at their prices; each
  technician's hourly cost is the vehicle's duration cost.

PyVRP knows no breaks: their length is taken off the part's nominal
duration, and timeline.py places them in the plan afterwards. What no longer
fits then is inserted again where it costs least, or left out.

Orders that no technician could ever do (skills, lock, windows, absences) are
left out before the search, each with its reason.
"""

import dataclasses
import time
import warnings
from collections import defaultdict

import numpy as np
import pyvrp
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

from .model import LeftOut, Plan
from .timeline import fit, schedule

INFEASIBLE = np.iinfo(np.int64).max
MAX_VALUE = pyvrp.constants.MAX_VALUE


@dataclasses.dataclass
class Progress:
    """What the progress callback gets: seconds so far, iterations, and the best
    cost found (currency units; None while no plan meets every constraint)."""

    seconds: float
    iterations: int
    best_cost: float | None

    @property
    def feasible(self):
        return self.best_cost is not None


class _Stop:
    """PyVRP's stopping criterion, which it calls once per iteration with the
    best cost: the time limit, the iteration budget, an early target (the
    first phase) and the progress callback. One instance spans both phases."""

    def __init__(self, seconds, iterations, callback, every, scale):
        self.started = time.monotonic()
        self.seconds = seconds
        self.deadline = self.started + seconds
        self.iterations_left = iterations
        self.callback, self.every, self.scale = callback, every, scale
        self.next_report = self.started + every
        self.iterations = 0
        self.first_feasible = None  # seconds to the first feasible plan
        self.cancelled = False
        self.phase_deadline = self.phase_iterations = self.target = None
        self.phase_count = 0

    def phase(self, share=None, target=None):
        """Limit what follows to ``share`` of the whole budget (time, or
        iterations when there is an iteration budget) or to reaching
        ``target``; no share: all that is left."""
        now = time.monotonic()
        self.target, self.phase_count = target, 0
        self.phase_deadline = None if share is None else now + share * self.seconds
        self.phase_iterations = None
        if share is not None and self.iterations_left is not None:
            self.phase_iterations = max(1, int(share * self.iterations_left))

    @property
    def exhausted(self):
        return (
            self.cancelled
            or time.monotonic() >= self.deadline
            or (self.iterations_left is not None and self.iterations >= self.iterations_left)
        )

    def progress(self, best_cost):
        cost = None if best_cost >= INFEASIBLE else best_cost / self.scale
        return Progress(time.monotonic() - self.started, self.iterations, cost)

    def __call__(self, best_cost):
        self.iterations += 1
        self.phase_count += 1
        now = time.monotonic()
        if self.first_feasible is None and best_cost < INFEASIBLE:
            self.first_feasible = now - self.started
        if self.callback and now >= self.next_report:
            self.next_report = now + self.every
            if self.callback(self.progress(best_cost)) is False:
                self.cancelled = True
        if self.exhausted:
            return True
        if self.target is not None and best_cost < self.target:
            return True
        if self.phase_iterations is not None:
            return self.phase_count >= self.phase_iterations
        if self.phase_deadline is not None and self.iterations_left is None:
            return now >= self.phase_deadline
        return False


@dataclasses.dataclass
class _Vehicle:
    tech: object
    shift: int
    part: int


def candidates(problem):
    """Per order, the (technician, shift) pairs it could go to alone, and the
    reason it is left out when there are none."""
    techs = {t.id: t for t in problem.technicians}
    found, reasons = {}, {}
    for order in problem.orders:
        if order.locked_technician is not None and order.locked_technician not in techs:
            reasons[order.id] = "locked_technician"
            continue
        able = [t for t in problem.technicians if t.can_do(order)]
        if not able:
            locked = order.locked_technician is not None
            reasons[order.id] = "locked_technician" if locked else "no_skill"
            continue
        fits, fits_without_absences = [], False
        for tech in able:
            for index, shift in enumerate(tech.shifts):
                if _fits_alone(problem, tech, order, tech.parts(shift)):
                    fits.append((tech.id, index))
                elif tech.absences and _fits_alone(
                    problem, tech, order, [(shift.start, shift.end + tech.max_overtime)]
                ):
                    fits_without_absences = True
        if fits:
            found[order.id] = fits
        else:
            if not any(t.shifts for t in able):
                reasons[order.id] = "locked_technician" if order.locked_technician else "no_window"
            else:
                reasons[order.id] = "absent" if fits_without_absences else "no_window"
    return found, reasons


def _fits_alone(problem, tech, order, parts):
    out = problem.durations[tech.start_location][order.location]
    back = problem.durations[order.location][tech.home_end]
    if tech.capacity is not None and order.demand > tech.capacity:
        return False
    for start, end in parts:
        found = fit(order, start + out)
        if found is not None and found[0] + order.duration + back <= end:
            return True
    return False


class _Builder:
    """The PyVRP model of a problem, and the way back to orders and technicians."""

    def __init__(self, problem, orders):
        self.problem = problem
        self.orders = orders
        scale = problem.cost_scale
        homes = sorted(
            {t.start_location for t in problem.technicians}
            | {t.home_end for t in problem.technicians}
        )
        self.depot_of = {loc: i for i, loc in enumerate(homes)}
        index = homes + [o.location for o in orders]
        durations = np.asarray(problem.durations, dtype=np.int64)[np.ix_(index, index)]
        distances = np.asarray(problem.distances, dtype=np.int64)[np.ix_(index, index)]
        arc_cost = distances * problem.cost_per_distance + durations * problem.cost_per_travel_time
        arc_cost = np.rint(arc_cost * scale).astype(np.int64)
        del distances
        first_client_location = len(homes)

        locations = [Location(0, 0) for _ in index]
        depots = [Depot(i) for i in range(len(homes))]
        capacity_used = any(t.capacity is not None for t in problem.technicians)
        clients, groups, self.client_order = [], [], []
        for i, order in enumerate(orders):
            location = first_client_location + i
            prize = int(round(order.leave_out_cost * scale))
            windows = order.allowed_windows() or (None,)
            single = len(windows) == 1
            group = None if single else len(groups)
            members = []
            for window in windows:
                early, late = (0, MAX_VALUE) if window is None else (
                    window.start, window.end - order.duration
                )  # fmt: skip
                members.append(len(clients))
                clients.append(
                    Client(
                        location,
                        delivery=[order.demand] if capacity_used else [],
                        service_duration=order.duration,
                        tw_early=early,
                        tw_late=late,
                        prize=prize,
                        required=order.required and single,
                        group=group,
                    )
                )
                self.client_order.append(order)
            if not single:
                groups.append(ClientGroup(members, required=order.required))

        # profiles: one per distinct set of orders a technician may get
        allowed_of = {}
        for tech in problem.technicians:
            allowed_of[tech.id] = frozenset(i for i, o in enumerate(orders) if tech.can_do(o))
        profile_of, cost_matrices = {}, []
        everything = frozenset(range(len(orders)))
        for tech in problem.technicians:
            allowed = allowed_of[tech.id]
            if allowed in profile_of:
                continue
            profile_of[allowed] = len(cost_matrices)
            matrix = arc_cost if allowed == everything else arc_cost.copy()
            if allowed != everything:
                closed = np.array(
                    [first_client_location + i for i in everything - allowed], dtype=np.int64
                )
                matrix[:, closed] = MAX_VALUE
                matrix[closed, :] = MAX_VALUE
                np.fill_diagonal(matrix, 0)
            cost_matrices.append(matrix)

        # vehicles: one per working part of each shift, identical ones as one type
        per_hour = problem.time_units_per_hour
        types = defaultdict(list)
        big = np.iinfo(np.int64).max
        for tech in problem.technicians:
            for s_index, shift in enumerate(tech.shifts):
                parts = tech.parts(shift)
                breaks = sorted(shift.breaks, key=lambda b: b.earliest)
                for p_index, (start, end) in enumerate(parts):
                    last = p_index == len(parts) - 1
                    overtime = tech.max_overtime if last else 0
                    nominal = end - start - overtime
                    # reserve the breaks that start in this part
                    nominal -= sum(b.duration for b in breaks if start <= b.earliest < end)
                    if nominal >= end - start:
                        nominal = big  # the part's window bounds it already
                    key = (
                        self.depot_of[tech.start_location],
                        self.depot_of[tech.home_end],
                        start,
                        end,
                        max(nominal, 0),
                        overtime,
                        int(round(tech.hourly_cost / per_hour * scale)),
                        int(round(tech.overtime_cost / per_hour * scale)),
                        profile_of[allowed_of[tech.id]],
                        (tech.capacity if tech.capacity is not None else MAX_VALUE)
                        if capacity_used
                        else None,
                    )
                    types[key].append(_Vehicle(tech.id, s_index, p_index))
        self.type_members = []
        vehicle_types = []
        for key, members in types.items():
            start_depot, end_depot, early, late, nominal, overtime, hourly, ot, profile, cap = key
            vehicle_types.append(
                VehicleType(
                    num_available=len(members),
                    capacity=[cap] if capacity_used else [],
                    start_depot=start_depot,
                    end_depot=end_depot,
                    tw_early=early,
                    tw_late=late,
                    shift_duration=nominal,
                    max_overtime=overtime,
                    unit_distance_cost=1,
                    unit_duration_cost=hourly,
                    unit_overtime_cost=ot,
                    profile=profile,
                )
            )
            self.type_members.append(members)
        self._arc_costs = [arc_cost]
        self.data = ProblemData(
            locations=locations,
            clients=clients,
            depots=depots,
            vehicle_types=vehicle_types,
            distance_matrices=cost_matrices,
            duration_matrices=[durations] * len(cost_matrices),
            groups=groups,
        )

    def spare_cost(self):
        """A fixed cost above the cost of any plan: each arc at most once per client."""
        worst = max(int(m.max()) for m in self._arc_costs)
        clients = self.data.num_clients + 1
        return min(worst * clients * 2 + 1, MAX_VALUE)

    def sequences(self, solution):
        """{(technician id, shift index): [orders in visit order]}."""
        free = [list(members) for members in self.type_members]
        parts = defaultdict(list)
        for route in solution.routes():
            vehicle = free[route.vehicle_type()].pop(0)
            visits = [self.client_order[a.idx] for a in route if a.is_client()]
            parts[(vehicle.tech, vehicle.shift)].append((vehicle.part, visits))
        return {key: [o for _part, vs in sorted(ps, key=lambda p: p[0]) for o in vs]
                for key, ps in parts.items()}  # fmt: skip


def solve(problem, *, seconds=10.0, seed=0, iterations=None, progress=None, every=1.0):
    """Plan ``problem``; returns a Plan.

    Stops at ``seconds`` (the best plan so far), after ``iterations`` if given
    (a run is only repeatable to the plan with an iteration budget: a time
    limit depends on the machine), or when ``progress`` (called about every
    ``every`` seconds with a Progress) returns False.
    """
    started = time.monotonic()
    stop = _Stop(seconds, iterations, progress, every, problem.cost_scale)
    found, reasons = candidates(problem)
    orders = [o for o in problem.orders if o.id in found]
    left_out = [LeftOut(o.id, reasons[o.id]) for o in problem.orders if o.id in reasons]
    sequences = {}
    if orders and problem.technicians:
        builder = _Builder(problem, orders)
        with warnings.catch_warnings():
            # PyVRP warns when a run ends without a feasible plan; the plan
            # says so itself (orders left out)
            warnings.simplefilter("ignore")
            best = _search(builder, stop, seed)
        sequences = builder.sequences(best)
    plan = _timed_plan(problem, orders, sequences, left_out, stop.deadline)
    plan.seconds = time.monotonic() - started
    plan.iterations = stop.iterations
    plan.seed = seed
    plan.first_feasible = stop.first_feasible
    if progress:
        progress(Progress(plan.seconds, stop.iterations, plan.totals(problem)["cost"]))
    return plan


# Slices of the budget (shares of the whole) in the search for a first plan
# serving everyone on a hard fleet: PyVRP's own first, then the spare fleet's
# and PyVRP's in turn.
FIRST_SLICE = 0.2
SPARE_SLICE = 0.15
COLD_SLICE = 0.1


class _Runner(pyvrp.IteratedLocalSearchCallbacks):
    """One PyVRP iterated local search that can be run in slices: its local
    search, its penalty manager (the penalties PyVRP has learnt) and its
    current solution carry over, so a slice goes on where the last one
    stopped, and the best solution is kept across slices."""

    def __init__(self, data, seed):
        params = pyvrp.SolveParams()
        self.data = data
        self.ils_params = dataclasses.replace(params.ils, callbacks=self)
        rng = pyvrp.RandomNumberGenerator(seed=seed)
        neighbours = pyvrp.search.compute_neighbours(data, params.neighbourhood)
        perturbation = pyvrp.search.PerturbationManager(params.perturbation)
        self.ls = pyvrp.search.LocalSearch(data, rng, neighbours, perturbation)
        for op in params.operators:
            if op.supports(data):
                self.ls.add_operator(op(data))
        self.pm = pyvrp.PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
        random = pyvrp.Solution.make_random(data, rng)
        self.best = self.current = self.ls(random, self.pm.max_cost_evaluator(), exhaustive=True)

    def on_iteration(self, current, candidate, best, cost_evaluator):
        self.current = current

    def run(self, stop, init=None):
        start = self.current if init is None else init
        algo = pyvrp.IteratedLocalSearch(self.data, self.pm, self.ls, start, self.ils_params)
        found = algo.run(stop, collect_stats=False).best
        cost = self.pm.cost_evaluator().cost
        if init is not None or cost(found) < cost(self.best):
            self.best = found
        return self.best


def _search(builder, stop, seed):
    """PyVRP on the builder's model; the best solution found.

    Without required orders (field service: every order is optional at a
    penalty) this is one PyVRP run. With required orders and a hard fleet (the
    benchmarks) PyVRP alone, which penalises lateness until it has a feasible
    plan, finds none in the time on some tight fleets (C1_4_1 in 10 s), while
    a search allowed spare vehicles at a fixed cost above any plan's has a
    plan serving everyone at once and empties the spare vehicles one by one
    (C1_4_1: the best-known distance in 10 s) but is slower where PyVRP is
    quick (RC2_4_1). So: PyVRP alone for FIRST_SLICE of the budget; without a
    plan by then, the spare-fleet search (SPARE_SLICE) and PyVRP (COLD_SLICE)
    take turns, each going on where it stopped, until one has a plan on the
    real fleet; the rest of the time improves it.
    """
    data = builder.data
    cold = _Runner(data, seed)
    required = any(c.required for c in data.clients()) or any(g.required for g in data.groups())
    if not required:
        stop.phase()
        return cold.run(stop)
    stop.phase(FIRST_SLICE, target=INFEASIBLE)
    best = cold.run(stop)
    spare_cost, spare = builder.spare_cost(), None
    while not best.is_feasible() and not stop.exhausted:
        if spare is None:
            types = list(data.vehicle_types())
            spares = [
                t.replace(num_available=max(2, t.num_available // 4), fixed_cost=spare_cost)
                for t in types
            ]
            spare = _Runner(data.replace(vehicle_types=types + spares), seed)
        stop.phase(SPARE_SLICE, target=spare_cost)
        relaxed = spare.run(stop)
        on_fleet = _on_real_fleet(data, relaxed, len(types))
        if relaxed.is_feasible() and on_fleet.is_complete():
            best = on_fleet
            break
        if stop.exhausted:
            break
        stop.phase(COLD_SLICE, target=INFEASIBLE)
        best = cold.run(stop)
    if stop.exhausted:
        return best
    stop.phase()
    return cold.run(stop, init=best)


def _on_real_fleet(data, solution, real_types):
    """A solution of the relaxed fleet on the real one: the spare vehicles'
    routes dropped (their orders are then left out)."""
    client = pyvrp.ActivityType.CLIENT
    routes = [
        pyvrp.Route(
            data, [pyvrp.Activity(client, a.idx) for a in r if a.is_client()], r.vehicle_type()
        )  # fmt: skip
        for r in solution.routes()
        if r.vehicle_type() < real_types
    ]
    return pyvrp.Solution(data, routes)


# Seconds past the time limit that inserting again what no longer fits may
# take (a search ended without a feasible plan can drop hundreds of visits).
REPAIR_GRACE = 0.5


# How many technicians' shifts, nearest first, an order that no longer fits
# is tried in again.
REPAIR_SHIFTS = 10


def _nearest_shifts(problem, order, timings, techs):
    """The (technician, shift) pairs that may take ``order``, those passing
    nearest its site first (home or a visit), REPAIR_SHIFTS of them."""
    durations, site = problem.durations, order.location
    ranked = []
    for tech in techs.values():
        if not tech.can_do(order):
            continue
        for shift in range(len(tech.shifts)):
            timing = timings.get((tech.id, shift))
            places = [tech.start_location]
            if timing is not None:
                places += [o.location for o in timing[1]]
            ranked.append((min(durations[p][site] for p in places), str(tech.id), shift, tech.id))
    ranked.sort()
    return [(tech_id, shift) for _d, _name, shift, tech_id in ranked[:REPAIR_SHIFTS]]


def _timed_plan(problem, orders, sequences, left_out, deadline):
    """Time every route exactly; insert again what no longer fits, cheapest
    place first, until REPAIR_GRACE past the deadline (the rest is left out)."""
    techs = {t.id: t for t in problem.technicians}
    timings = {}
    dropped = []
    for (tech_id, shift), sequence in sequences.items():
        timing = schedule(problem, techs[tech_id], shift, sequence)
        timings[(tech_id, shift)] = (timing, sequence)
        dropped += timing.dropped
    planned = {o.id for seq in sequences.values() for o in seq} - set(dropped)
    by_id = {o.id: o for o in orders}
    for order_id in sorted(dropped, key=lambda i: -by_id[i].leave_out_cost):
        if time.monotonic() > deadline + REPAIR_GRACE:
            break
        order = by_id[order_id]
        best = None
        for tech_id, shift in _nearest_shifts(problem, order, timings, techs):
            tech = techs[tech_id]
            timing, sequence = timings.get((tech_id, shift)) or (
                schedule(problem, tech, shift, []),
                [],
            )
            base = timing.route.cost
            kept = [o for o in sequence if o.id not in timing.dropped]
            for pos in range(len(kept) + 1):
                trial = kept[:pos] + [order] + kept[pos:]
                attempt = schedule(problem, tech, shift, trial)
                if attempt.dropped:
                    continue
                delta = attempt.route.cost - base
                if best is None or delta < best[0]:
                    best = (delta, (tech_id, shift), attempt, trial)
        if best is not None and (order.required or best[0] < order.leave_out_cost):
            _delta, key, attempt, trial = best
            timings[key] = (attempt, trial)
            planned.add(order_id)
    for order in orders:
        if order.id not in planned:
            left_out.append(LeftOut(order.id, "capacity"))
    routes = [timing.route for timing, _seq in timings.values() if timing.route.visits]
    routes.sort(key=lambda r: (str(r.technician_id), r.shift))
    return Plan(routes=routes, left_out=left_out)
