"""The exact timing of one technician's shift: the one place that says when
each visit happens, where breaks and absences fall and what a route costs.

The search engine works on a simpler picture (no breaks; see engine.py); every
plan it returns is timed again here, and what does not fit here is dropped
from the route and planned again or left out. Emergency insertion times its
candidates here too, so a proposal and the plan it becomes agree.
"""

import dataclasses

from .model import Route, Visit


@dataclasses.dataclass
class Timing:
    """A shift timed: the route and the orders of the sequence that did not fit."""

    route: Route
    dropped: list  # order ids, in sequence order


def fit(order, earliest):
    """(start, window index) of the first window the visit fits in when the
    technician can start at ``earliest``; None when none fits."""
    windows = order.allowed_windows()
    if not windows:
        return earliest, None
    for index, window in enumerate(windows):
        start = max(earliest, window.start)
        if start + order.duration <= window.end:
            return start, index
    return None


class Clock:
    """Walks a technician through a shift, one visit after the other."""

    def __init__(self, problem, tech, shift_index, *, location=None, time=None, taken=()):
        self.problem = problem
        self.tech = tech
        self.shift_index = shift_index
        self.shift = tech.shifts[shift_index]
        self.parts = tech.parts(self.shift)
        self.durations = problem.durations
        self.distances = problem.distances
        first = self.parts[0][0] if self.parts else self.shift.start
        self.time = first if time is None else time
        self.location = tech.start_location if location is None else location
        # the part the technician is in (or the next one), and whether they
        # are at home at its start (then leaving later costs nothing)
        self.part = 0
        while self.part < len(self.parts) and self.parts[self.part][1] <= self.time:
            self.part += 1
        if self.part < len(self.parts):
            self.time = max(self.time, self.parts[self.part][0])
        self.at_home = location is None
        self.pending = sorted(
            (b for i, b in enumerate(self.shift.breaks) if i not in taken),
            key=lambda b: b.earliest,
        )
        self.visits, self.breaks, self.dropped = [], [], []
        self.distance = self.travel_time = self.work_time = 0
        self.load = 0
        # first departure (the day's start) and the current part's
        self.start = self.part_start = None if location is None else self.time

    # -- one visit -------------------------------------------------------
    def _try(self, order, part, location, time, at_home, pending):
        """Where the visit would fall in ``part`` from ``location`` at ``time``
        with the breaks ``pending``: (departure, arrival, start, window, break)
        or None."""
        part_start, part_end = part
        site = order.location
        travel = self.durations[location][site]
        found = fit(order, time + travel)
        if found is None:
            return None
        start, window = found
        if at_home:
            # leave home no earlier than needed (waiting at home is not work)
            time = max(time, start - travel)
        arrival = time + travel
        brk = None
        if pending:
            brk = self._break_before(pending[0], order, time, arrival, start)
            if brk is not None:
                bstart, bend, before_travel = brk
                arrival = (bend + travel) if before_travel else arrival
                found = fit(order, max(arrival, bend))
                if found is None:
                    return None
                start, window = found
        end = start + order.duration
        if end + self.durations[site][self.tech.home_end] > part_end:
            return None
        if self.tech.capacity is not None and self.load + order.demand > self.tech.capacity:
            return None
        return time, arrival, start, window, brk

    @staticmethod
    def _break_before(brk, order, time, arrival, start):
        """Whether the break goes before this visit: (start, end,
        before_travel) or None when it can wait until after the visit. Only
        after a visit that runs through the whole break window (started before
        its earliest, ending after its latest) is the break taken late, at
        once: a job is not interrupted for lunch."""
        at_site = max(arrival, brk.earliest)
        if at_site <= brk.latest and at_site + brk.duration <= start:
            return at_site, at_site + brk.duration, False  # in the wait, free
        if start + order.duration <= brk.latest:
            return None  # after this visit there is still time for it
        if at_site <= brk.latest:
            return at_site, at_site + brk.duration, False
        before = max(time, brk.earliest)
        return before, before + brk.duration, True

    def add(self, order):
        """Plan the visit next, in this part or a later one; False if it fits nowhere."""
        for part_index in range(self.part, len(self.parts)):
            part = self.parts[part_index]
            here = part_index == self.part
            location = self.location if here else self.tech.start_location
            time = self.time if here else part[0]
            at_home = self.at_home if here else True
            if not here:
                # going home first must be possible within the current part
                back = self.time + self.durations[self.location][self.tech.home_end]
                if not self.at_home and back > self.parts[self.part][1]:
                    continue
            pending = self.pending if here else self._after_home(part_index)
            found = self._try(order, part, location, time, at_home, pending)
            if found is None:
                continue
            if not here:
                self._go_home(part_index)
            self._commit(order, *found)
            return True
        self.dropped.append(order.id)
        return False

    def _commit(self, order, time, arrival, start, window, brk):
        site = order.location
        if self.at_home:
            self.part_start = time
            if self.start is None:
                self.start = time
        if brk is not None:
            bstart, bend, _before = brk
            self.breaks.append((bstart, bend))
            self.pending.pop(0)
        travel = self.durations[self.location][site]
        distance = self.distances[self.location][site]
        self.visits.append(
            Visit(order.id, arrival, start, start + order.duration, travel, distance, window)
        )
        self.distance += distance
        self.travel_time += travel
        self.load += order.demand
        self.location, self.time, self.at_home = site, start + order.duration, False

    def _after_home(self, next_part, taken=None):
        """The breaks still pending after going home until ``next_part``
        starts: one whose window the time at home covers is taken there (and
        added to ``taken`` as (start, end))."""
        pending = list(self.pending)
        back = self.time
        if not self.at_home:
            back += self.durations[self.location][self.tech.home_end]
        gap_end = self.parts[next_part][0]
        while pending:
            brk = pending[0]
            bstart = max(back, brk.earliest)
            if bstart > brk.latest or bstart + brk.duration > gap_end:
                break
            pending.pop(0)
            if taken is not None:
                taken.append((bstart, bstart + brk.duration))
            back = bstart + brk.duration
        return pending

    def _go_home(self, next_part):
        home = self.tech.home_end
        if not self.at_home:
            back = self.time + self.durations[self.location][home]
            self.distance += self.distances[self.location][home]
            self.travel_time += self.durations[self.location][home]
            self.work_time += back - self.part_start
        self.pending = self._after_home(next_part, self.breaks)
        self.location = self.tech.start_location
        self.part, self.time, self.at_home, self.load = (
            next_part,
            self.parts[next_part][0],
            True,
            0,
        )

    # -- the shift ---------------------------------------------------------
    def finish(self):
        tech, problem = self.tech, self.problem
        home = tech.home_end
        end = self.time
        if not self.at_home:
            end = self.time + self.durations[self.location][home]
            self.distance += self.distances[self.location][home]
            self.travel_time += self.durations[self.location][home]
            self.work_time += end - self.part_start
        start = self.start if self.start is not None else end
        overtime = max(0, end - self.shift.end) if self.visits else 0
        per_hour = problem.time_units_per_hour
        cost = (
            self.distance * problem.cost_per_distance
            + self.travel_time * problem.cost_per_travel_time
            + self.work_time * tech.hourly_cost / per_hour
            + overtime * tech.overtime_cost / per_hour
        )
        route = Route(
            technician_id=tech.id,
            shift=self.shift_index,
            visits=self.visits,
            breaks=self.breaks,
            start=start,
            end=end,
            distance=self.distance,
            travel_time=self.travel_time,
            working_time=self.work_time,
            overtime=overtime,
            cost=cost,
        )
        return Timing(route, self.dropped)


def schedule(problem, tech, shift_index, orders, **state):
    """Time ``orders`` (in this sequence) on one shift of ``tech``.

    ``state`` (location, time, taken) starts the clock somewhere else than at
    home at the shift's start: where a technician is now, with the breaks
    already taken. Orders that fit nowhere are skipped and listed in
    ``Timing.dropped``; the others keep their order.
    """
    clock = Clock(problem, tech, shift_index, **state)
    for order in orders:
        clock.add(order)
    return clock.finish()
