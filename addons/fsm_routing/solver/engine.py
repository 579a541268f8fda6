"""The optimiser: field-service orders and technicians in, a timed plan out.

The search itself is PyVRP's iterated local search (MIT, C++ with a Python
API); the figures that chose it over OR-Tools are in solver/README.md. This
module translates the field-service problem into PyVRP's model and back:

- each working *part* of a technician's shift (the shift less its absences)
  is one vehicle, leaving home no earlier than the part's start and back by
  its end (plus allowed overtime on the last part, at the overtime cost);
  identical parts share one vehicle type, so a benchmark fleet stays one;
- skills are *profiles*: one arc-cost matrix per distinct set of orders a
  technician may get, closed (PyVRP's MAX_VALUE) to the others;
- orders locked to a technician stay out of PyVRP's model (one profile per
  lock would cost a matrix each: 60 profiles and 1.75 GiB on a day of 1,000
  orders). One locked to a time too blocks the technician's day from the
  moment they must leave home for it until they could be back, so the plan
  around it leaves room; it goes into its place afterwards. One locked to a
  technician alone is inserted afterwards where it costs least in their
  day, pushing out a lower-priority visit if need be;
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

from .model import LeftOut, Plan, Window
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
    part: int  # when the part starts


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

    def __init__(self, problem, orders, locked=()):
        """``orders`` go into PyVRP's model; the time-locked ones of ``locked``
        block their technician's day."""
        self.problem = problem
        self.blocked = defaultdict(list)
        for order in locked:
            if order.locked_start is None:
                continue
            tech = next(t for t in problem.technicians if t.id == order.locked_technician)
            leave = order.locked_start - problem.durations[tech.start_location][order.location]
            back = order.locked_start + order.duration
            back += problem.durations[order.location][tech.home_end]
            self.blocked[tech.id].append(Window(leave, back))
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
                parts = tech.parts(shift, self.blocked.get(tech.id, ()))
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
                    types[key].append(_Vehicle(tech.id, s_index, start))
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
        # above the cost of any plan: each arc at most twice per client
        worst = int(arc_cost.max()) if arc_cost.size else 0
        self.spare_cost = min(worst * (len(clients) + 1) * 2 + 1, MAX_VALUE)
        # PyVRP copies the matrices: ours go when this returns
        self.data = ProblemData(
            locations=locations,
            clients=clients,
            depots=depots,
            vehicle_types=vehicle_types,
            distance_matrices=cost_matrices,
            duration_matrices=[durations] * len(cost_matrices),
            groups=groups,
        )
        # PyVRP's granular neighbourhood (which clients a move pairs), on the
        # open matrix and one vehicle type: computed over 24 profiles and 123
        # vehicle types (a day of 1,000 orders) it takes 4.5 s instead of 0.2
        one = self.data
        if len(vehicle_types) > 1 or len(cost_matrices) > 1:
            one = self.data.replace(
                vehicle_types=[vehicle_types[0].replace(profile=0)],
                distance_matrices=[arc_cost],
                duration_matrices=[durations],
            )
        self.neighbours = pyvrp.search.compute_neighbours(one, pyvrp.SolveParams().neighbourhood)

    def parts(self, solution):
        """{(technician id, shift index): [(part start, [orders in visit order])]}."""
        free = [list(members) for members in self.type_members]
        parts = defaultdict(list)
        for route in solution.routes():
            vehicle = free[route.vehicle_type()].pop(0)
            visits = [self.client_order[a.idx] for a in route if a.is_client()]
            parts[(vehicle.tech, vehicle.shift)].append((vehicle.part, visits))
        return parts


def _with_locked(problem, parts, locked):
    """{(technician id, shift index): [orders]}: the parts in time order, each
    time-locked order between the parts it sits between."""
    parts = defaultdict(list, parts)
    techs = {t.id: t for t in problem.technicians}
    for order in locked:
        if order.locked_start is None:
            continue
        tech = techs[order.locked_technician]
        shift = next(
            (i for i, sh in enumerate(tech.shifts)
             if sh.start <= order.locked_start <= sh.end + tech.max_overtime),
            None,
        )  # fmt: skip
        if shift is not None:
            parts[(tech.id, shift)].append((order.locked_start, [order]))
    return {key: [o for _start, orders in sorted(ps, key=lambda p: p[0]) for o in orders]
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
    free = [o for o in orders if o.locked_technician is None]
    locked = [o for o in orders if o.locked_technician is not None]
    parts = {}
    if free and problem.technicians:
        builder = _Builder(problem, free, locked)
        with warnings.catch_warnings():
            # PyVRP warns when a run ends without a feasible plan; the plan
            # says so itself (orders left out)
            warnings.simplefilter("ignore")
            best = _search(builder, stop, seed)
        parts = builder.parts(best)
        del builder, best  # PyVRP's copies of the matrices
    # orders locked to a technician alone are inserted by _timed_plan
    sequences = _with_locked(problem, parts, locked)
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


def _penalty_manager(data, params):
    """PyVRP's penalty manager, its penalties raised to the prizes at stake.

    PyVRP penalises a unit of lateness (time warp) or excess load from 50,000
    (the midpoint of its default range) up to 100,000 cost units. An urgent
    order's prize is 10**10 (a million at cost_scale 10,000): with PyVRP's
    range the search keeps plans late by hours to collect it and never holds
    a feasible one on a day of 1,000 orders. So when the prizes are larger the
    penalty starts where an hour of lateness outweighs the largest prize, and
    may rise a hundredfold (ten minutes' worth: the search then keeps plans
    too tight to serve the urgent orders of that day). Without prizes
    (benchmarks) PyVRP's defaults stay as they are.
    """
    top = max((c.prize for c in data.clients()), default=0)
    penalty = params.penalty
    if top / 3600 <= penalty.max_penalty / 2:
        return pyvrp.PenaltyManager(penalty.midpoint_penalties(data), penalty)
    start = top / 3600
    penalty = dataclasses.replace(penalty, max_penalty=100 * start)
    initial = ([start] * data.num_load_dimensions, start, start)
    return pyvrp.PenaltyManager(initial, penalty)


class _Runner(pyvrp.IteratedLocalSearchCallbacks):
    """One PyVRP iterated local search that can be run in slices: its local
    search, its penalty manager (the penalties PyVRP has learnt) and its
    current solution carry over, so a slice goes on where the last one
    stopped, and the best solution is kept across slices."""

    def __init__(self, data, seed, neighbours):
        params = pyvrp.SolveParams()
        self.data = data
        self.ils_params = dataclasses.replace(params.ils, callbacks=self)
        rng = pyvrp.RandomNumberGenerator(seed=seed)
        perturbation = pyvrp.search.PerturbationManager(params.perturbation)
        self.ls = pyvrp.search.LocalSearch(data, rng, neighbours, perturbation)
        for op in params.operators:
            if op.supports(data):
                self.ls.add_operator(op(data))
        self.pm = _penalty_manager(data, params)
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
    cold = _Runner(data, seed, builder.neighbours)
    required = any(c.required for c in data.clients()) or any(g.required for g in data.groups())
    if not required:
        stop.phase()
        return cold.run(stop)
    stop.phase(FIRST_SLICE, target=INFEASIBLE)
    best = cold.run(stop)
    spare_cost, spare = builder.spare_cost, None
    while not best.is_feasible() and not stop.exhausted:
        if spare is None:
            types = list(data.vehicle_types())
            spares = [
                t.replace(num_available=max(2, t.num_available // 4), fixed_cost=spare_cost)
                for t in types
            ]
            spare = _Runner(data.replace(vehicle_types=types + spares), seed, builder.neighbours)
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


# How many visits of lower penalty an order that fits nowhere may push out
# of one technician's day.
MAX_EVICTIONS = 5


def _cheapest_insertion(problem, order, timings, techs, evict):
    """The cheapest feasible place for ``order``: (extra cost, (technician,
    shift), timing, sequence, pushed out) or None. With ``evict`` and no
    place free, a place may push out up to MAX_EVICTIONS visits of lower
    penalty, the lowest first (their penalties count in the extra cost)."""
    shifts = _nearest_shifts(problem, order, timings, techs)
    days = []
    for tech_id, shift in shifts:
        timing, kept = timings.get((tech_id, shift)) or (
            schedule(problem, techs[tech_id], shift, []),
            [],
        )
        days.append((tech_id, shift, timing, kept))

    def best_in(tech_id, shift, timing, sequence, out):
        best = None
        for pos in range(len(sequence) + 1):
            trial = sequence[:pos] + [order] + sequence[pos:]
            attempt = schedule(problem, techs[tech_id], shift, trial)
            if attempt.dropped:
                continue
            extra = attempt.route.cost - timing.route.cost + sum(o.leave_out_cost for o in out)
            if best is None or extra < best[0]:
                best = (extra, (tech_id, shift), attempt, trial, list(out))
        return best

    found = [b for t, sh, timing, kept in days if (b := best_in(t, sh, timing, kept, []))]
    if not found and evict:
        for tech_id, shift, timing, kept in days:
            removable = sorted(
                (o for o in kept
                 if o.leave_out_cost < order.leave_out_cost and o.locked_technician is None),
                key=lambda o: (o.leave_out_cost, -o.duration),
            )  # fmt: skip
            for count in range(1, min(MAX_EVICTIONS, len(removable)) + 1):
                out = removable[:count]
                sequence = [o for o in kept if o not in out]
                if b := best_in(tech_id, shift, timing, sequence, out):
                    found.append(b)
                    break
    return min(found, key=lambda b: b[0]) if found else None


def _timed_plan(problem, orders, sequences, left_out, deadline):
    """Time every route exactly; insert every order not in a route (no
    longer fitting, locked to a technician alone, or left out by the search),
    highest penalty first, where it costs least, until REPAIR_GRACE past the
    deadline (the rest is left out). An order that fits nowhere may push out
    a visit of lower penalty, which is tried again in its turn."""
    techs = {t.id: t for t in problem.technicians}
    timings = {}
    for (tech_id, shift), sequence in sequences.items():
        timing = schedule(problem, techs[tech_id], shift, sequence)
        kept = [o for o in sequence if o.id not in timing.dropped]
        timings[(tech_id, shift)] = (timing, kept)
    by_id = {o.id: o for o in orders}
    planned = {o.id for _timing, kept in timings.values() for o in kept}
    # what no longer fits, the pending, and what the search left out (an
    # urgent order it could not place may still push out a low one)
    queue = [o.id for o in orders if o.id not in planned]
    queue.sort(key=lambda i: -by_id[i].leave_out_cost)
    tries = {}
    while queue and time.monotonic() <= deadline + REPAIR_GRACE:
        order = by_id[queue.pop(0)]
        tries[order.id] = tries.get(order.id, 0) + 1
        best = _cheapest_insertion(problem, order, timings, techs, evict=tries[order.id] == 1)
        if best is None:
            continue
        gain, key, attempt, trial, evicted = best
        if not order.required and gain >= order.leave_out_cost:
            continue
        timings[key] = (attempt, trial)
        planned.add(order.id)
        for other in evicted:
            planned.discard(other.id)
            queue.append(other.id)
        queue.sort(key=lambda i: -by_id[i].leave_out_cost)
    for order in orders:
        if order.id not in planned:
            left_out.append(LeftOut(order.id, "capacity"))
    routes = [timing.route for timing, _seq in timings.values() if timing.route.visits]
    routes.sort(key=lambda r: (str(r.technician_id), r.shift))
    return Plan(routes=routes, left_out=left_out)
