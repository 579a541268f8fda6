"""The planning board's data and moves (the client action
``fsm_routing.planning_board``).

Why a board of our own and not OCA ``web_timeline``: the board shades each
technician's off-shift hours and absences on their own row, which a generic
timeline cannot draw from a resource calendar; it keeps a side list of
unplanned orders that are dropped onto rows; every drop is checked on the
server with the same sentence the form gives (skills, absence, window); and it
shows an optimiser's proposed plan over the current one for review before it
is applied. One call (``get_board_data``) feeds the whole screen, batched, so
that a week of 40 technicians opens in well under a second.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .service_order import DEFAULT_HOURS

OPEN_STATES = ("draft", "planned")
LOCKED_STATES = ("in_progress", "done", "cancelled")


def _iso(moment):
    """Naive UTC as ISO with a Z, which the browser reads as UTC."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else False


class ServiceRouteBoard(models.AbstractModel):
    _name = "service.route.board"
    _description = "Planning board"

    # ------------------------------------------------------------------
    # reading the board
    # ------------------------------------------------------------------
    @api.model
    def _period(self, start, days):
        """(first day, naive UTC start, naive UTC stop) of ``days`` days from
        the ISO date ``start`` in the user's time zone."""
        if days not in (1, 7):
            raise UserError(self.env._("The board shows a day or a week."))
        try:
            day = fields.Date.to_date(start) if start else fields.Date.context_today(self)
        except ValueError as exc:
            raise UserError(self.env._("%s is not a date.", start)) from exc
        tz = pytz.timezone(self.env.user.tz or "UTC")

        def utc(d):
            return (
                tz.localize(datetime.combine(d, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            )

        return day, utc(day), utc(day + timedelta(days=days))

    @api.model
    def _is_coordinator(self):
        return self.env.su or self.env.user.has_group("fsm_orders.group_fsm_coordinator")

    @api.model
    def _bar(self, order, proposed=False):
        end = order["scheduled_end"] or (
            order["scheduled_start"] + timedelta(hours=order["scheduled_duration"] or DEFAULT_HOURS)
        )
        start = order["scheduled_start"]
        outside = bool(
            (order["window_start"] and start < order["window_start"])
            or (order["window_end"] and end > order["window_end"])
        )
        return {
            "id": order["id"],
            "name": order["name"],
            "client": order["partner_id"] and order["partner_id"][1],
            "site": order["location_id"] and order["location_id"][1],
            "technician_id": order["technician_id"] and order["technician_id"][0],
            "start": _iso(start),
            "end": _iso(end),
            "duration": order["scheduled_duration"] or DEFAULT_HOURS,
            "state": order["state"],
            "priority": order["priority"],
            "outside_window": outside,
            "proposed": proposed,
            "travel_minutes": 0,
        }

    @api.model
    def get_board_data(self, start=None, days=1, team_ids=None, plan_id=None):
        """Everything the board draws for ``days`` (1 or 7) from ``start`` (an
        ISO date in the user's zone), in one call and a fixed number of
        queries whatever the number of technicians:

        * ``rows``: the technicians (active, of the user's companies, of
          ``team_ids`` or all), each under their first team (a technician in
          two teams is one row: one person, one day), with ``shifts`` and
          ``absences`` as ISO UTC pairs and ``bars``, their orders of the
          period that are not cancelled;
        * ``teams``: the teams of the filter, in order;
        * ``unplanned``: orders of those teams or of none, draft or planned,
          without a technician or a start, most urgent first, then by window;
        * ``plan``: with ``plan_id``, the proposal, whose visits replace the
          bars of the orders they move (marked ``proposed``, with the travel
          before each).

        A technician who is no coordinator gets their own row only, and no
        unplanned orders."""
        day, begin, stop = self._period(start, int(days or 1))
        coordinator = self._is_coordinator()
        Team = self.env["service.team"]
        all_teams = Team.search_read([("company_id", "in", self.env.companies.ids)], ["name"])
        teams = [t for t in all_teams if not team_ids or t["id"] in team_ids]
        employee_domain = [
            ("is_technician", "=", True),
            ("company_id", "in", self.env.companies.ids),
        ]
        if team_ids:
            employee_domain.append(("service_team_ids", "in", team_ids))
        if not coordinator:
            employee_domain.append(("user_id", "=", self.env.uid))
        # sudo: coordinators read employees as public profiles; the domain
        # above limits what they get to their companies (and a technician to
        # themselves), and only names, teams and schedules are read
        employees = self.env["hr.employee"].sudo().search(employee_domain, order="name")
        team_order = {t["id"]: index for index, t in enumerate(all_teams)}
        wanted = {t["id"] for t in teams}
        shifts = employees._fsm_shift_intervals(begin, stop)
        absences = employees._fsm_absence_intervals(begin, stop)
        rows = []
        rows_by_employee = {}
        for employee in employees:
            own = sorted(
                (t for t in employee.service_team_ids.ids if t in team_order),
                key=team_order.get,
            )
            first = next((t for t in own if t in wanted), own[0] if own else False)
            row = {
                "id": employee.id,
                "name": employee.name,
                "team_id": first,
                "shifts": [[_iso(a), _iso(b)] for a, b in shifts.get(employee.id, [])],
                "absences": [[_iso(a), _iso(b)] for a, b in absences.get(employee.id, [])],
                "bars": [],
            }
            rows.append(row)
            rows_by_employee[employee.id] = row
        rows.sort(key=lambda r: (team_order.get(r["team_id"], len(team_order)), r["name"]))
        Order = self.env["service.order"]
        order_fields = [
            "name", "partner_id", "location_id", "technician_id", "scheduled_start",
            "scheduled_end", "scheduled_duration", "state", "priority", "window_start",
            "window_end", "team_id",
        ]  # fmt: skip
        orders = Order.search_read(
            [
                ("technician_id", "in", employees.ids),
                ("state", "!=", "cancelled"),
                ("scheduled_start", "<", stop),
                ("scheduled_end", ">", begin),
            ],
            order_fields,
            order="scheduled_start",
        )
        for order in orders:
            rows_by_employee[order["technician_id"][0]]["bars"].append(self._bar(order))
        unplanned = []
        if coordinator:
            domain = [
                ("state", "in", OPEN_STATES),
                "|",
                ("technician_id", "=", False),
                ("scheduled_start", "=", False),
            ]
            if team_ids:
                domain += ["|", ("team_id", "in", team_ids), ("team_id", "=", False)]
            for order in Order.search_read(
                domain, order_fields, order="priority desc, window_start, window_end, id"
            ):
                unplanned.append(
                    {
                        "id": order["id"],
                        "name": order["name"],
                        "client": order["partner_id"] and order["partner_id"][1],
                        "site": order["location_id"] and order["location_id"][1],
                        "duration": order["scheduled_duration"] or DEFAULT_HOURS,
                        "priority": order["priority"],
                        "window_start": _iso(order["window_start"]),
                        "window_end": _iso(order["window_end"]),
                    }
                )
        plan = self._plan_data(plan_id, rows_by_employee) if plan_id and coordinator else False
        return {
            "date": fields.Date.to_string(day),
            "days": int(days or 1),
            "start": _iso(begin),
            "stop": _iso(stop),
            "tz": self.env.user.tz or "UTC",
            "teams": teams,
            "all_teams": all_teams,
            "rows": rows,
            "unplanned": unplanned,
            "plan": plan,
            "is_coordinator": coordinator,
        }

    @api.model
    def _plan_data(self, plan_id, rows_by_employee):
        """The proposal of plan ``plan_id`` laid over the rows: each visit's
        order leaves its current bar and shows where the plan puts it."""
        plan = self.env["service.route.plan"].browse(int(plan_id)).exists()
        if not plan:
            return False
        lines = self.env["service.route.plan.line"].search_read(
            [("plan_id", "=", plan.id), ("left_out", "=", False)],
            ["order_id", "technician_id", "start", "end", "travel_minutes", "distance_km"],
        )
        order_ids = [line["order_id"][0] for line in lines]
        orders = {
            o["id"]: o
            for o in self.env["service.order"].search_read(
                [("id", "in", order_ids)],
                ["name", "partner_id", "location_id", "technician_id", "scheduled_start",
                 "scheduled_end", "scheduled_duration", "state", "priority", "window_start",
                 "window_end"],
            )
        }  # fmt: skip
        moved = set(order_ids)
        for row in rows_by_employee.values():
            row["bars"] = [bar for bar in row["bars"] if bar["id"] not in moved]
        by_row = defaultdict(list)
        for line in lines:
            order = orders.get(line["order_id"][0])
            if not order or not line["technician_id"] or not line["start"]:
                continue
            order = dict(
                order,
                technician_id=line["technician_id"],
                scheduled_start=line["start"],
                scheduled_end=line["end"],
            )
            bar = self._bar(order, proposed=True)
            bar["travel_minutes"] = line["travel_minutes"]
            bar["distance_km"] = line["distance_km"]
            by_row[line["technician_id"][0]].append(bar)
        for employee_id, bars in by_row.items():
            if employee_id in rows_by_employee:
                rows_by_employee[employee_id]["bars"] += bars
        return {
            "id": plan.id,
            "name": plan.name,
            "state": plan.state,
            "left_out": plan.proposed_left_out,
        }

    # ------------------------------------------------------------------
    # moving an order
    # ------------------------------------------------------------------
    @api.model
    def move_order(self, order_id, technician_id, start_iso):
        """Give order ``order_id`` to ``technician_id`` at ``start_iso`` (UTC)
        as a drop on the board does: refused with the form's sentence
        (skills, absence, window) or when the work has started; a start
        outside the technician's shift is done, with a warning. A draft order
        is planned. Returns ``{"bar": …, "warning": …}``."""
        if not self._is_coordinator():
            raise AccessError(self.env._("Only a coordinator moves orders on the board."))
        order = self.env["service.order"].browse(int(order_id)).exists()
        technician = self.env["hr.employee"].browse(int(technician_id)).exists()
        if not order or not technician:
            raise UserError(self.env._("This order or technician no longer exists."))
        order.check_access("write")
        try:
            start = fields.Datetime.to_datetime(str(start_iso).replace("T", " ").rstrip("Z")[:19])
        except ValueError as exc:
            raise UserError(self.env._("%s is not a moment.", start_iso)) from exc
        if order.state in LOCKED_STATES:
            raise UserError(
                self.env._(
                    "%(order)s is %(state)s: it can no longer be moved.",
                    order=order.display_name,
                    state=order._state_label(),
                )
            )
        if refusal := order._fsm_planning_refusal(technician, start):
            raise UserError(refusal)
        end = start + timedelta(hours=order.scheduled_duration or DEFAULT_HOURS)
        warning = False
        shifts = technician._fsm_shift_intervals(start - timedelta(days=1), end + timedelta(days=1))
        if not any(a <= start and end <= b for a, b in shifts.get(technician.id, [])):
            warning = self.env._(
                "%(order)s is planned outside %(technician)s's working hours.",
                order=order.display_name,
                technician=technician.name,
            )
        order.write({"technician_id": technician.id, "scheduled_start": start})
        if order.state == "draft":
            order.action_plan()
        data = order.read(
            ["name", "partner_id", "location_id", "technician_id", "scheduled_start",
             "scheduled_end", "scheduled_duration", "state", "priority", "window_start",
             "window_end"],
        )[0]  # fmt: skip
        return {"bar": self._bar(data), "warning": warning}
