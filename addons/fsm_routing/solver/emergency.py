"""Emergency insertion: one urgent order into a day already under way.

Every technician who may do the order (skills, lock) and is still working
today is tried at every position of what is left of their day, from where
they are now; each candidate is timed exactly (timeline.py: windows, breaks,
absences, the end of the shift), so the proposal is the plan it becomes. The
best candidate is the cheapest by one figure:

    extra route cost (travel, working time, overtime)
    + the penalties of the orders it pushes out of the day
    + urgency_cost per hour the client waits for the technician to start

With the default urgency cost (URGENCY_COST per hour) an hour of waiting
weighs as much as a low-priority order pushed out: delaying the day is
preferred to dropping a normal order, and a far technician loses to a near
one. Only the chosen technician's day changes; the answer lists the visits it
delays (old and new start) and the orders it pushes out, for the coordinator
to confirm.
"""

import dataclasses
import time

from .model import ProblemError
from .timeline import schedule

URGENCY_COST = 100.0  # currency units per hour the urgent client waits

STATES = ("available", "travelling", "on_site", "finished")


@dataclasses.dataclass(frozen=True)
class TechnicianState:
    """Where a technician is now.

    - ``available``: free at ``location`` from ``free_at`` (default: now);
    - ``travelling``: on the way, at about ``location`` now; the visit they are
      heading to has not started and may come after the urgent one;
    - ``on_site``: in a visit at ``location`` until ``free_at``;
    - ``finished``: done for the day, gets nothing.

    ``done``: the plan's orders already done or in progress (they stay as
    they are); ``breaks_taken``: indexes of the shift's breaks already taken.
    """

    status: str
    location: int | None = None
    free_at: int | None = None
    done: frozenset = frozenset()
    breaks_taken: tuple = ()

    def __post_init__(self):
        if self.status not in STATES:
            raise ProblemError(f"technician state {self.status!r} is not one of {STATES}")
        if self.status != "finished" and self.location is None:
            raise ProblemError(f"a technician {self.status} needs a location")
        if self.status == "on_site" and self.free_at is None:
            raise ProblemError("a technician on site needs the time the visit ends (free_at)")


@dataclasses.dataclass
class Option:
    """The best place for the order in one technician's day."""

    technician_id: object
    shift: int
    position: int  # index among the visits still to come
    start: int
    score: float
    route: object  # the new Route
    delays: list  # (order id, old start, new start)
    pushed_out: list  # order ids that no longer fit because of it


@dataclasses.dataclass
class Insertion:
    """The answer: the chosen option (None when no technician can take it),
    every technician's best for comparison, and why nobody could."""

    order_id: object
    chosen: Option | None
    options: list
    reason: str | None = None  # as LeftOut.reason, when nothing fits
    seconds: float = 0.0
    already_late: list = dataclasses.field(default_factory=list)


def state_from_plan(route, tech, now, orders):
    """The state a technician would be in at ``now`` had the day gone as planned."""
    if route is None or not route.visits or now < route.start:
        return TechnicianState("available", tech.start_location, max(now, _shift_start(tech, now)))
    if now >= route.end:
        return TechnicianState("finished")
    started = [v for v in route.visits if v.start <= now]
    done = frozenset(v.order_id for v in started)
    taken = tuple(i for i, (_start, end) in enumerate(route.breaks) if end <= now)
    if not started:
        return TechnicianState("travelling", tech.start_location, now, done, taken)
    last = started[-1]
    location = orders[last.order_id].location
    if now < last.end:
        return TechnicianState("on_site", location, last.end, done, taken)
    # between two visits: where the last one was (the matrix knows no point
    # on the road)
    return TechnicianState("travelling", location, now, done, taken)


def _shift_start(tech, now):
    for shift in tech.shifts:
        if shift.end + tech.max_overtime > now:
            return shift.start
    return now


def _today(tech, now):
    for index, shift in enumerate(tech.shifts):
        if shift.end + tech.max_overtime > now:
            return index
    return None


def insert_urgent(problem, plan, order, states=None, now=0, urgency_cost=URGENCY_COST):
    """Where to put ``order`` (not in ``plan``) into today's ``plan``.

    ``states``: {technician id: TechnicianState}; a technician missing from it
    is where the plan says they are at ``now``.
    """
    started = time.monotonic()
    states = states or {}
    orders = {o.id: o for o in problem.orders}
    orders[order.id] = order
    routes = {(r.technician_id, r.shift): r for r in plan.routes}
    per_hour = problem.time_units_per_hour
    options, already_late, reasons = [], set(), set()
    for tech in problem.technicians:
        if not tech.can_do(order):
            reasons.add("locked_technician" if order.locked_technician else "no_skill")
            continue
        shift = _today(tech, now)
        if shift is None:
            reasons.add("no_window")
            continue
        route = routes.get((tech.id, shift))
        state = states.get(tech.id) or state_from_plan(route, tech, now, orders)
        if state.status == "finished":
            reasons.add("capacity")
            continue
        location, free_at = state.location, max(now, state.free_at or now)
        at_home = state.status == "available" and location == tech.start_location and not (
            state.done
        )  # fmt: skip
        clock = {
            "location": None if at_home else location,
            "time": free_at,
            "taken": state.breaks_taken,
        }
        planned = {v.order_id: v.start for v in route.visits} if route else {}
        remaining = [orders[i] for i in planned if i not in state.done]
        base = schedule(problem, tech, shift, remaining, **clock)
        already_late.update(base.dropped)
        best = None
        for position in range(len(remaining) + 1):
            sequence = remaining[:position] + [order] + remaining[position:]
            timing = schedule(problem, tech, shift, sequence, **clock)
            if order.id in timing.dropped:
                continue
            pushed = [i for i in timing.dropped if i not in base.dropped]
            visit = next(v for v in timing.route.visits if v.order_id == order.id)
            score = (
                timing.route.cost
                - base.route.cost
                + sum(orders[i].leave_out_cost for i in pushed)
                + urgency_cost * max(0, visit.start - now) / per_hour
            )
            if best is None or score < best.score:
                delays = [
                    (v.order_id, planned[v.order_id], v.start)
                    for v in timing.route.visits
                    if v.order_id in planned and v.start > planned[v.order_id]
                ]
                best = Option(tech.id, shift, position, visit.start, score, timing.route,
                              delays, pushed)  # fmt: skip
        if best is None:
            reasons.add("capacity")
        else:
            options.append(best)
    options.sort(key=lambda o: o.score)
    chosen = options[0] if options else None
    reason = None
    if chosen is None:
        order_of_reasons = ("capacity", "no_window", "locked_technician", "no_skill")
        reason = next((r for r in order_of_reasons if r in reasons), "no_skill")
    return Insertion(
        order_id=order.id,
        chosen=chosen,
        options=options,
        reason=reason,
        seconds=time.monotonic() - started,
        already_late=sorted(already_late, key=str),
    )
