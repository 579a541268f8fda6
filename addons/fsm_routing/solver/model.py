"""The problem the optimiser solves and the plan it returns, as plain data.

Units are the caller's: every time is an integer count of one time unit from
one origin (the Odoo layer uses seconds from the start of the planned
period), every distance an integer count of one distance unit (metres there),
and both matrices are indexed by the ``location`` integers of orders and
technicians. Costs are in currency units (floats); the engine turns them into
integers with ``Problem.cost_scale``.

A *window* is the interval the whole visit must fit in: the visit starts at or
after ``start`` and ends at or before ``end`` (a client's "between 8 and 12"
means the technician has left by 12). Solomon-style data, where only the start
of service is bounded, is read with ``end = due + duration``.

An *absence* is a blocked interval of a technician: nothing is planned in it,
and the technician is at home while it lasts (the day is planned as separate
parts, each leaving from and returning home). A *break* is a pause of a given
length to be started between ``earliest`` and ``latest``, taken wherever the
technician is (while waiting at a site, or between two visits).
"""

import dataclasses
from collections.abc import Sequence

# Odoo's service.order priorities: "0" low, "1" normal, "2" high, "3" urgent.
LOW, NORMAL, HIGH, URGENT = 0, 1, 2, 3

# What leaving an order out costs, by priority, when the order names no
# penalty of its own (currency units). Each is far above what a visit costs
# (a technician's whole day is a few hundred), so the plan serves whatever
# fits and, when not everything does, keeps the higher priorities; urgent
# dwarfs twenty high ones: urgent orders are served first, whatever it costs.
PRIORITY_PENALTY = {LOW: 2_000.0, NORMAL: 10_000.0, HIGH: 50_000.0, URGENT: 1_000_000.0}

# Why an order is left out (LeftOut.reason), with the sentence a coordinator reads.
REASONS = {
    "no_skill": "No technician has every skill the order requires.",
    "locked_technician": "The technician the order is locked to has no shift in the period.",
    "no_window": "No time window of the order fits in a shift of a technician who can do it.",
    "absent": "The technicians who could do it are absent whenever the order's windows allow.",
    "capacity": "The day is full: the plan had no room for it at an acceptable cost.",
}


class ProblemError(ValueError):
    """The problem given to the optimiser is malformed (the message says where)."""


@dataclasses.dataclass(frozen=True)
class Window:
    """An interval [start, end] of time units."""

    start: int
    end: int

    def __post_init__(self):
        if self.end < self.start:
            raise ProblemError(f"window ends ({self.end}) before it starts ({self.start})")


@dataclasses.dataclass(frozen=True)
class Break:
    """A pause of ``duration`` to be started between ``earliest`` and ``latest``."""

    earliest: int
    latest: int
    duration: int

    def __post_init__(self):
        if self.latest < self.earliest or self.duration < 0:
            raise ProblemError(
                f"break [{self.earliest}, {self.latest}] of {self.duration} is not a break"
            )


@dataclasses.dataclass(frozen=True)
class Shift:
    """One working day of a technician: out of home at ``start`` at the earliest,
    back home by ``end`` (plus the technician's allowed overtime)."""

    start: int
    end: int
    breaks: tuple[Break, ...] = ()

    def __post_init__(self):
        if self.end < self.start:
            raise ProblemError(f"shift ends ({self.end}) before it starts ({self.start})")


@dataclasses.dataclass(frozen=True)
class Order:
    """A visit to plan."""

    id: object
    location: int
    duration: int
    windows: tuple[Window, ...] = ()
    skills: frozenset = frozenset()
    priority: int = NORMAL
    # leaving the order out costs this much; None: PRIORITY_PENALTY[priority]
    penalty: float | None = None
    # a hard requirement (benchmarks: every customer or no plan); field-service
    # orders stay optional, urgent ones kept by their penalty
    required: bool = False
    locked_technician: object = None
    locked_start: int | None = None
    demand: int = 0

    def __post_init__(self):
        if self.duration < 0:
            raise ProblemError(f"order {self.id!r}: negative duration {self.duration}")
        if self.demand < 0:
            raise ProblemError(f"order {self.id!r}: negative demand {self.demand}")
        if self.priority not in PRIORITY_PENALTY:
            raise ProblemError(f"order {self.id!r}: priority {self.priority!r} is not 0 to 3")

    @property
    def leave_out_cost(self):
        return PRIORITY_PENALTY[self.priority] if self.penalty is None else self.penalty

    @property
    def urgent(self):
        return self.priority == URGENT

    def allowed_windows(self):
        """The windows a visit may use: a locked start wins over the windows."""
        if self.locked_start is not None:
            return (Window(self.locked_start, self.locked_start + self.duration),)
        return self.windows


@dataclasses.dataclass(frozen=True)
class Technician:
    """Who does the visits, with the days they work."""

    id: object
    start_location: int
    shifts: tuple[Shift, ...]
    end_location: int | None = None  # None: back to start_location
    skills: frozenset = frozenset()
    absences: tuple[Window, ...] = ()
    hourly_cost: float = 0.0
    max_overtime: int = 0
    overtime_hourly_cost: float | None = None  # None: 1.5 x hourly_cost
    capacity: int | None = None  # load (benchmarks); None: unlimited

    @property
    def home_end(self):
        return self.start_location if self.end_location is None else self.end_location

    @property
    def overtime_cost(self):
        if self.overtime_hourly_cost is None:
            return 1.5 * self.hourly_cost
        return self.overtime_hourly_cost

    def can_do(self, order):
        """Skills and lock: whether this technician may get the order at all."""
        if order.locked_technician is not None and order.locked_technician != self.id:
            return False
        return order.skills <= self.skills

    def parts(self, shift, blocked=()):
        """The shift less the absences (and ``blocked`` intervals): the
        intervals the technician works in."""
        parts = [(shift.start, shift.end + self.max_overtime)]
        for absence in sorted((*self.absences, *blocked), key=lambda w: w.start):
            cut = []
            for start, end in parts:
                if absence.end <= start or absence.start >= end:
                    cut.append((start, end))
                    continue
                if absence.start > start:
                    cut.append((start, absence.start))
                if absence.end < end:
                    cut.append((absence.end, end))
            parts = cut
        return parts


@dataclasses.dataclass
class Problem:
    """Orders, technicians and the travel between their locations."""

    orders: Sequence[Order]
    technicians: Sequence[Technician]
    durations: Sequence  # durations[a][b]: travel time from location a to b
    distances: Sequence | None = None  # None: the durations
    cost_per_distance: float = 0.0
    cost_per_travel_time: float = 0.0
    # time units in an hour, for the technicians' hourly costs (seconds: 3600)
    time_units_per_hour: int = 3600
    # integer cost units per currency unit (the engine works in integers)
    cost_scale: int = 1000

    @classmethod
    def from_points(cls, orders, technicians, points, provider=None, **options):
        """A problem whose matrices come from the (latitude, longitude) of each
        location: ``provider(points)`` -> (durations, distances), by default
        travel.straight_line (offline); travel.osrm with a server URL bound
        (functools.partial) asks a routing server."""
        if provider is None:
            from .travel import straight_line  # noqa: PLC0415  (travel imports this module)

            provider = straight_line
        durations, distances = provider(points)
        return cls(orders, technicians, durations, distances, **options)

    def __post_init__(self):
        if self.distances is None:
            self.distances = self.durations
        size = len(self.durations)
        if len(self.distances) != size or any(
            len(row) != size for rows in (self.durations, self.distances) for row in rows
        ):
            raise ProblemError("the travel matrices are not square and of one size")
        seen = set()
        for kind, items in (("order", self.orders), ("technician", self.technicians)):
            for item in items:
                if (kind, item.id) in seen:
                    raise ProblemError(f"{kind} {item.id!r} appears twice")
                seen.add((kind, item.id))
        for order in self.orders:
            if not 0 <= order.location < size:
                raise ProblemError(f"order {order.id!r}: location {order.location} not in matrix")
        for tech in self.technicians:
            for loc in (tech.start_location, tech.home_end):
                if not 0 <= loc < size:
                    raise ProblemError(f"technician {tech.id!r}: location {loc} not in matrix")


@dataclasses.dataclass
class Visit:
    order_id: object
    arrival: int
    start: int
    end: int
    travel_time: int  # from the previous place
    travel_distance: int
    window: int | None = None  # index into the order's windows


@dataclasses.dataclass
class Route:
    """One technician's shift: the visits in order, the breaks, the totals."""

    technician_id: object
    shift: int  # index into the technician's shifts
    visits: list
    breaks: list  # (start, end)
    start: int  # leaves home
    end: int  # back home
    distance: int
    travel_time: int
    working_time: int  # out of home (less the absences spent there)
    overtime: int
    cost: float


@dataclasses.dataclass
class LeftOut:
    order_id: object
    reason: str

    @property
    def message(self):
        return REASONS[self.reason]


@dataclasses.dataclass
class Plan:
    routes: list
    left_out: list
    seconds: float = 0.0
    iterations: int = 0
    seed: int = 0
    # seconds to the search's first plan meeting its constraints (None: never)
    first_feasible: float | None = None

    @property
    def visits(self):
        return {v.order_id: (r, v) for r in self.routes for v in r.visits}

    def totals(self, problem):
        """Distance, travel time, working time, cost and what was left out."""
        orders = {o.id: o for o in problem.orders}
        penalty = sum(orders[left.order_id].leave_out_cost for left in self.left_out)
        routes = [r for r in self.routes if r.visits]
        return {
            "served": sum(len(r.visits) for r in routes),
            "left_out": len(self.left_out),
            "urgent_left_out": sum(orders[left.order_id].urgent for left in self.left_out),
            "technicians": len({r.technician_id for r in routes}),
            "routes": len(routes),
            "distance": sum(r.distance for r in routes),
            "travel_time": sum(r.travel_time for r in routes),
            "working_time": sum(r.working_time for r in routes),
            "overtime": sum(r.overtime for r in routes),
            "route_cost": sum(r.cost for r in routes),
            "penalty": penalty,
            "cost": sum(r.cost for r in routes) + penalty,
        }
