"""Records to the optimiser's problem and its answer back to records.

``PlanWorld`` reads a company's technicians over a period (shifts from
``resource_calendar_id``, the gaps between a day's attendances as breaks;
approved time off and public holidays as absences; skills from ``hr_skills``;
``hourly_cost``; home from the start location or work address) and orders
(site coordinates, duration, client's window, priority, required skills,
locks), and gives the solver a ``Problem`` in its units: seconds from the
local midnight that starts the period, metres, ``cost_scale`` 10,000. Travel
comes from the company's provider: the straight line with its road factor
and average speed (offline), or the firm's OSRM server.

Visits the run does not move (already planned with *unplanned only*, kept
to their technician and time, started, done) block their technician's time
like an absence: the solver plans around them, with the trip to the next
visit counted from home (a booked 8:00 visit is a fact, not something the
solver could refuse for the drive before the shift).

It never writes: ``service.route.plan`` and the emergency wizard decide what
to do with the answer.
"""

import functools
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.exceptions import UserError

from ..solver import travel
from ..solver.model import Break, Order, Problem, Shift, Technician, Window

# what a kilometre driven costs (the van: fuel and wear), in the company's
# currency; a technician's hour costs their ``hourly_cost``
COST_PER_KM = 0.25
COST_SCALE = 10_000
DEFAULT_DURATION = 3600  # an order without a duration takes an hour


class PlanWorld:
    """The technicians of ``company`` over ``date_from`` … ``date_to`` (local
    dates), as the solver sees them, and the places it travels between.

    ``osrm_session``: what asks the OSRM server (anything with requests'
    ``get``); None opens a requests session. Tests put a double here."""

    osrm_session = None

    def __init__(self, env, company, date_from, date_to, technicians, now=None, fixed=None):
        self.env = env
        self.company = company
        self.tz = pytz.timezone(company.partner_id.tz or env.user.tz or "UTC")
        self.date_from, self.date_to = date_from, date_to
        self.origin = self._utc(date_from)
        self.stop = self._utc(date_to + timedelta(days=1))
        self.now = now or fields.Datetime.now()
        self.points = []
        self.problems = []  # sentences about what could not be read
        self.technicians = {}  # employee id -> solver Technician
        self.employees = env["hr.employee"]
        # visits kept as they are: their technician is busy then
        self.busy = {}
        for record in fixed or ():
            self.busy.setdefault(record.technician_id.id, []).append(
                (record.scheduled_start, record.scheduled_end)
            )
        self._read_technicians(technicians)

    # ------------------------------------------------------------------
    # time and places
    # ------------------------------------------------------------------
    def _utc(self, day):
        local = self.tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def seconds(self, moment):
        """Naive UTC datetime -> seconds from the period's start."""
        return int((moment - self.origin).total_seconds())

    def moment(self, seconds):
        """Seconds from the period's start -> naive UTC datetime (whole seconds)."""
        return self.origin + timedelta(seconds=int(seconds))

    def point(self, latitude, longitude):
        self.points.append((latitude, longitude))
        return len(self.points) - 1

    @staticmethod
    def located(partner):
        return bool(partner and (partner.partner_latitude or partner.partner_longitude))

    # ------------------------------------------------------------------
    # technicians
    # ------------------------------------------------------------------
    def _read_technicians(self, employees):
        shifts = employees._fsm_shift_intervals(self.origin, self.stop)
        absences = employees._fsm_absence_intervals(self.origin, self.stop)
        for employee in employees:
            home = employee._fsm_home()
            if not self.located(home):
                self.problems.append(
                    self.env._(
                        "%s has no start location with coordinates: not planned.", employee.name
                    )
                )
                continue
            days = self._shifts(shifts.get(employee.id, []))
            if not days:
                continue
            blocked = [
                Window(max(0, self.seconds(a)), self.seconds(b))
                for a, b in [*absences.get(employee.id, []), *self.busy.get(employee.id, [])]
                if self.seconds(b) > 0
            ]
            if self.now > self.origin:
                # nobody is sent anywhere in the past
                blocked.append(Window(0, max(0, self.seconds(self.now))))
            location = self.point(home.partner_latitude, home.partner_longitude)
            self.technicians[employee.id] = Technician(
                id=employee.id,
                start_location=location,
                shifts=tuple(days),
                skills=frozenset(employee._fsm_skills(self.date_from).ids),
                absences=tuple(blocked),
                hourly_cost=employee.sudo().hourly_cost or 0.0,
            )
            self.employees |= employee

    def _shifts(self, intervals):
        """A day's attendances as one shift from the first start to the last
        end, the gaps between them as breaks taken when the calendar says."""
        by_day = {}
        for begin, end in intervals:
            day = pytz.utc.localize(begin).astimezone(self.tz).date()
            by_day.setdefault(day, []).append((self.seconds(begin), self.seconds(end)))
        shifts = []
        for day in sorted(by_day):
            parts = sorted(by_day[day])
            breaks = tuple(
                Break(parts[i][1], parts[i][1], parts[i + 1][0] - parts[i][1])
                for i in range(len(parts) - 1)
                if parts[i + 1][0] > parts[i][1]
            )
            shifts.append(Shift(parts[0][0], max(end for _b, end in parts), breaks))
        return shifts

    # ------------------------------------------------------------------
    # orders
    # ------------------------------------------------------------------
    def order(self, record, lock="none", required=False):
        """The solver's Order for a ``service.order``, or the reason key it
        cannot be planned (``no_location``)."""
        site = record.location_id
        if not self.located(site):
            return "no_location"
        duration = int(round((record.scheduled_duration or 0) * 3600)) or DEFAULT_DURATION
        windows = ()
        if record.window_start or record.window_end:
            start = self.seconds(record.window_start) if record.window_start else 0
            end = self.seconds(record.window_end) if record.window_end else self.seconds(self.stop)
            windows = (Window(max(0, start), max(0, start, end)),)
        locked_technician = locked_start = None
        if lock in ("technician", "time") and record.technician_id:
            locked_technician = record.technician_id.id
        if lock == "time" and record.technician_id and record.scheduled_start:
            locked_start = self.seconds(record.scheduled_start)
        return Order(
            id=record.id,
            location=self.point(site.partner_latitude, site.partner_longitude),
            duration=duration,
            windows=windows,
            skills=frozenset(record.required_skill_ids.ids),
            priority=int(record.priority or 0),
            required=required,
            locked_technician=locked_technician,
            locked_start=locked_start,
        )

    # ------------------------------------------------------------------
    # the problem
    # ------------------------------------------------------------------
    def provider(self):
        company = self.company
        if company.fsm_travel_provider == "osrm":
            if not company.fsm_osrm_url:
                raise UserError(
                    self.env._(
                        "Travel times come from an OSRM server, but no server address is set "
                        "in the settings."
                    )
                )
            return functools.partial(
                osrm_matrix, url=company.fsm_osrm_url, env=self.env, session=self.osrm_session
            )
        return functools.partial(
            travel.straight_line,
            road_factor=company.fsm_road_factor or 1.3,
            speed_kmh=company.fsm_average_speed or 40.0,
        )

    def problem(self, orders):
        return Problem.from_points(
            list(orders),
            list(self.technicians.values()),
            self.points or [(0.0, 0.0)],
            provider=self.provider(),
            cost_per_distance=COST_PER_KM / 1000,
            time_units_per_hour=3600,
            cost_scale=COST_SCALE,
        )


def osrm_matrix(points, url, env, session=None):
    """The OSRM adapter with the suite's error: a server down or refusing
    is said to the coordinator, and nothing is planned."""
    try:
        return travel.osrm(points, url, session=session)
    except travel.TravelError as error:
        raise UserError(
            env._(
                "The OSRM server at %(url)s did not give travel times (%(error)s): check the "
                "server, or plan with straight-line travel times in the settings.",
                url=url,
                error=error,
            )
        ) from error
