from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date, format_datetime

# no technician drives more than this in a day: a larger figure is a typo
MAX_KM_PER_DAY = 2000.0
# a change of these fields may make or unmake an anomaly of the entry's day
ANOMALY_FIELDS = {"employee_id", "type_id", "order_id", "date_start", "date_stop", "distance_km"}


class ServiceWorkTime(models.Model):
    """One stretch of a technician's time: travel, work, a break, admin or
    training, from ``date_start`` to ``date_stop`` (empty while the timer
    runs), on an order or not.

    Rules that hold whoever writes (timer, correction, import):

    * one running timer per technician (a unique index);
    * no two entries of a technician overlap (checked under a lock on the
      employee, see ``hr.employee._fsm_lock_work_times``);
    * an entry ends after it starts, its distance is between 0 and
      ``MAX_KM_PER_DAY`` km for the day.

    The timers (``_fsm_start``, ``_fsm_stop``) switch from one entry to the
    next at the same second.
    """

    _name = "service.work.time"
    _description = "Work time"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _rec_name = "type_id"

    employee_id = fields.Many2one(
        "hr.employee",
        string="Technician",
        required=True,
        tracking=True,
        default=lambda self: self.env.user.employee_id,
    )
    user_id = fields.Many2one(
        "res.users", related="employee_id.user_id", store=True, index=True, string="User"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    order_id = fields.Many2one(
        "service.order", string="Service order", index="btree_not_null", tracking=True
    )
    type_id = fields.Many2one(
        "service.work.time.type",
        string="Type",
        required=True,
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    category = fields.Selection(related="type_id.category", store=True)
    paid = fields.Boolean(related="type_id.paid", store=True)
    billable = fields.Boolean(related="type_id.billable", store=True)
    date_start = fields.Datetime("Start", required=True, default=fields.Datetime.now, tracking=True)
    date_stop = fields.Datetime("Stop", tracking=True)
    duration = fields.Float(
        "Hours",
        compute="_compute_duration",
        store=True,
        help="Length of a stopped entry, in hours; 0 while the timer runs.",
    )
    is_running = fields.Boolean(compute="_compute_is_running")
    distance_km = fields.Float("Distance (km)", tracking=True)
    note = fields.Char()
    source = fields.Selection(
        [
            ("timer", "Timer"),
            ("manual", "Entered by hand"),
            ("auto", "Closed automatically"),
        ],
        default="manual",
        required=True,
        readonly=True,
    )

    _stop_after_start = models.Constraint(
        "CHECK(date_stop IS NULL OR date_stop >= date_start)",
        "A time entry cannot stop before it starts.",
    )
    _distance_positive = models.Constraint(
        "CHECK(distance_km >= 0)",
        "A distance cannot be negative.",
    )
    _one_running_timer = models.UniqueIndex(
        "(employee_id) WHERE date_stop IS NULL",
        "A technician has one running timer at a time.",
    )
    # a technician's entries of a day or a week: the overlap check, the anomaly
    # check, the week lock and My times all ask for them
    _employee_date_start = models.Index("(employee_id, date_start)")

    @api.depends("date_start", "date_stop")
    def _compute_duration(self):
        for entry in self:
            if entry.date_start and entry.date_stop:
                entry.duration = (entry.date_stop - entry.date_start).total_seconds() / 3600.0
            else:
                entry.duration = 0.0

    @api.depends("date_stop")
    def _compute_is_running(self):
        for entry in self:
            entry.is_running = bool(entry.date_start and not entry.date_stop)

    @api.depends("type_id", "date_start", "date_stop")
    def _compute_display_name(self):
        for entry in self:
            if not entry.type_id:
                entry.display_name = self.env._("New time entry")
                continue
            start = entry.date_start and format_datetime(
                self.env, entry.date_start, dt_format="short"
            )
            entry.display_name = f"{entry.type_id.name} {start}" if start else entry.type_id.name

    # ------------------------------------------------------------------
    # integrity
    # ------------------------------------------------------------------
    week_approved = fields.Boolean(
        "Week approved",
        compute="_compute_week_approved",
        help="The coordinator approved this week: only coordinators correct it now.",
    )

    is_locked = fields.Boolean(
        compute="_compute_week_approved",
        help="The week is approved and the user is no coordinator: read only.",
    )

    @api.depends_context("uid")
    def _compute_week_approved(self):
        approved = self._fsm_approved_weeks()
        coordinator = self._fsm_is_coordinator()
        for entry in self:
            entry.week_approved = bool(
                entry.employee_id
                and entry.date_start
                and (entry.employee_id.id, entry._fsm_monday()) in approved
            )
            entry.is_locked = entry.week_approved and not coordinator

    @api.model
    def _fsm_is_coordinator(self):
        return (self.env.su and self.env.uid == SUPERUSER_ID) or self.env.user.has_group(
            "fsm_orders.group_fsm_coordinator"
        )

    @api.model_create_multi
    def create(self, vals_list):
        employees = self.env["hr.employee"].browse(
            {vals["employee_id"] for vals in vals_list if vals.get("employee_id")}
        )
        employees.sudo()._fsm_lock_work_times()
        for vals in vals_list:
            if vals.get("employee_id") and not vals.get("company_id"):
                employee = self.env["hr.employee"].sudo().browse(vals["employee_id"])
                vals["company_id"] = employee.company_id.id or self.env.company.id
        entries = super().create(vals_list)
        entries._fsm_check_week_lock()
        entries._fsm_recheck_days(entries._fsm_days())
        return entries

    def write(self, vals):
        employees = self.employee_id
        if vals.get("employee_id"):
            employees |= self.env["hr.employee"].browse(vals["employee_id"])
        employees.sudo()._fsm_lock_work_times()
        self._fsm_check_week_lock()
        days = self._fsm_days()
        res = super().write(vals)
        if {"employee_id", "date_start"} & set(vals):
            self._fsm_check_week_lock()
        if ANOMALY_FIELDS & set(vals):
            self._fsm_recheck_days(days, self._fsm_days())
        return res

    def unlink(self):
        self.employee_id.sudo()._fsm_lock_work_times()
        self._fsm_check_week_lock()
        days = self._fsm_days()
        res = super().unlink()
        self._fsm_recheck_days(days)
        return res

    # ------------------------------------------------------------------
    # anomalies (see service.work.anomaly)
    # ------------------------------------------------------------------
    def _fsm_days(self):
        """{employee id: {local day}} of these entries."""
        days = defaultdict(set)
        for entry in self.filtered(lambda e: e.employee_id and e.date_start):
            days[entry.employee_id.id].add(entry._fsm_local_date())
        return days

    @api.model
    def _fsm_recheck_days(self, *days_by_employee):
        """A correction of a day whose anomalies were listed lists them anew."""
        merged = defaultdict(set)
        for days in days_by_employee:
            for employee_id, employee_days in days.items():
                merged[employee_id] |= employee_days
        if merged:
            self.env["service.work.anomaly"]._fsm_refresh_entries_days(merged)

    def _fsm_outside_visit(self, grace):
        """True when this work entry lies outside its order's visit by more
        than ``grace``: before the order was started or after it was
        finished, or, for an order never started, outside its schedule."""
        self.ensure_one()
        order = self.order_id.sudo()
        begin = order.date_started or order.scheduled_start
        end = order.date_finished or (not order.date_started and order.scheduled_end)
        if begin and self.date_start < begin - grace:
            return True
        stop = self.date_stop or self.date_start
        return bool(end and stop > end + grace)

    @api.model
    def _fsm_schedule_end(self, employee, day):
        """The naive UTC end of ``employee``'s working schedule on their local
        ``day``, or None when the schedule has no hours that day."""
        calendar = employee.resource_calendar_id
        if not calendar:
            return None
        start, stop = self._fsm_utc_bounds(employee, day)
        intervals = calendar._attendance_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(stop), resources=employee.resource_id
        )[employee.resource_id.id]
        ends = [interval[1] for interval in intervals]
        return max(ends).astimezone(pytz.utc).replace(tzinfo=None) if ends else None

    @api.model
    def _fsm_close_forgotten_timers(self):
        """Stop each timer still running after its day ended (in the
        technician's time zone): at the schedule's end of that day, or at the
        day's last second when it was started after it. The entry is marked
        *closed automatically*, says so in its chatter, and becomes an
        anomaly when its day is checked."""
        Anomaly = self.env["service.work.anomaly"]
        running = self.sudo().search(
            [("date_stop", "=", False), ("date_start", "<", fields.Datetime.now())]
        )
        for entry in running:
            employee = entry.employee_id
            day = entry._fsm_local_date()
            if Anomaly._fsm_local_today(employee) <= day:
                continue
            end = self._fsm_schedule_end(employee, day)
            if not end or end <= entry.date_start:
                end = self._fsm_utc_bounds(employee, day)[1] - timedelta(seconds=1)
            employee._fsm_lock_work_times()
            entry.write({"date_stop": end, "source": "auto"})
            entry.message_post(
                body=self.env._(
                    "Stopped automatically at %s: the timer was still running when the day "
                    "ended. Correct it if the technician stopped at another time.",
                    entry.with_context(tz=employee.tz)._fsm_format_local(end),
                ),
                message_type="notification",
            )

    # ------------------------------------------------------------------
    # weeks
    # ------------------------------------------------------------------
    def _fsm_local_date(self):
        """The entry's day in its technician's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.employee_id.sudo().tz or self.env.user.tz or "UTC")
        return pytz.utc.localize(self.date_start).astimezone(tz).date()

    def _fsm_monday(self):
        day = self._fsm_local_date()
        return day - timedelta(days=day.weekday())

    @api.model
    def _fsm_utc_bounds(self, employee, first_day, days=1):
        """The naive UTC bounds of ``days`` days from ``first_day`` in
        ``employee``'s time zone (a day, or a week from its Monday)."""
        tz = pytz.timezone(employee.sudo().tz or self.env.user.tz or "UTC")
        start, stop = (
            tz.localize(datetime.combine(d, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for d in (first_day, first_day + timedelta(days=days))
        )
        return start, stop

    @api.model
    def _fsm_week_bounds(self, employee, monday):
        return self._fsm_utc_bounds(employee, monday, days=7)

    def _fsm_approved_weeks(self):
        """{(employee id, monday)} of the approved weeks among these entries'."""
        entries = self.filtered(lambda e: e.employee_id and e.date_start)
        if not entries:
            return set()
        mondays = {entry._fsm_monday() for entry in entries}
        weeks = (
            self.env["service.work.week"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", entries.employee_id.ids),
                    ("week_start", "in", list(mondays)),
                ]
            )
        )
        return {(week.employee_id.id, week.week_start) for week in weeks}

    def _fsm_check_week_lock(self):
        """A technician changes nothing in a week their coordinator approved."""
        if self._fsm_is_coordinator():
            return
        approved = self._fsm_approved_weeks()
        for entry in self:
            if (entry.employee_id.id, entry._fsm_monday()) in approved:
                raise UserError(
                    self.env._(
                        "The week of %(week)s is approved: ask your coordinator to correct "
                        "%(entry)s.",
                        week=format_date(self.env, entry._fsm_monday()),
                        entry=entry.display_name,
                    )
                )

    def action_fsm_approve_weeks(self):
        """Approve the weeks of the selected entries, for their technicians."""
        weeks = self.env["service.work.week"]._fsm_approve(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s week(s) approved.", len(weeks)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.constrains("employee_id", "date_start", "date_stop")
    def _check_no_overlap(self):
        """Two entries of one technician never overlap: [start, stop) ranges,
        a running entry reaching to infinity."""
        self.flush_model(["employee_id", "date_start", "date_stop"])
        self.env.cr.execute(
            SQL(
                """
                SELECT mine.id, other.id
                  FROM service_work_time mine
                  JOIN service_work_time other
                    ON other.employee_id = mine.employee_id
                   AND other.id != mine.id
                   AND tsrange(other.date_start, COALESCE(other.date_stop, 'infinity'), '[)')
                    && tsrange(mine.date_start, COALESCE(mine.date_stop, 'infinity'), '[)')
                 WHERE mine.id IN %s
                 LIMIT 1
                """,
                tuple(self.ids),
            )
        )
        if row := self.env.cr.fetchone():
            mine, other = self.browse(row[0]), self.sudo().browse(row[1])
            raise ValidationError(
                self.env._(
                    "%(entry)s of %(employee)s overlaps %(other)s (%(start)s – %(stop)s). "
                    "Shorten one of them first.",
                    entry=mine.display_name,
                    employee=mine.employee_id.name,
                    other=other.display_name,
                    start=self._fsm_format_local(other.date_start),
                    stop=(
                        self._fsm_format_local(other.date_stop)
                        if other.date_stop
                        else self.env._("running")
                    ),
                )
            )

    @api.constrains("employee_id", "date_start", "distance_km")
    def _check_distance_of_the_day(self):
        for entry in self.filtered("distance_km"):
            start, stop = entry._fsm_local_day_bounds()
            total = sum(
                self.sudo()
                .search(
                    [
                        ("employee_id", "=", entry.employee_id.id),
                        ("date_start", ">=", start),
                        ("date_start", "<", stop),
                    ]
                )
                .mapped("distance_km")
            )
            if total > MAX_KM_PER_DAY:
                raise ValidationError(
                    self.env._(
                        "%(km)s km in one day for %(employee)s is more than anyone drives "
                        "(at most %(max)s km): check the distance.",
                        km=round(total, 1),
                        employee=entry.employee_id.name,
                        max=int(MAX_KM_PER_DAY),
                    )
                )

    @api.constrains("order_id", "employee_id", "type_id")
    def _check_order(self):
        for entry in self.filtered("order_id"):
            order = entry.order_id.sudo()
            if order.state == "cancelled":
                raise ValidationError(
                    self.env._("%s is cancelled: no time can be booked on it.", order.name)
                )
            if order.company_id != entry.company_id:
                raise ValidationError(
                    self.env._("%s belongs to another company than the time entry.", order.name)
                )

    def _fsm_local_day_bounds(self):
        """The UTC bounds of the entry's day in its technician's time zone."""
        self.ensure_one()
        return self._fsm_utc_bounds(self.employee_id, self._fsm_local_date())

    def _fsm_running_label(self):
        """ "Travel since 10:02", in the user's time zone."""
        self.ensure_one()
        return self.env._(
            "%(type)s since %(time)s",
            type=self.type_id.name,
            time=self._fsm_format_local(self.date_start),
        )

    def _fsm_format_local(self, value):
        return fields.Datetime.context_timestamp(self, value).strftime("%H:%M")

    # ------------------------------------------------------------------
    # timers
    # ------------------------------------------------------------------
    @api.model
    def _fsm_running(self, employee):
        return self.sudo().search(
            [("employee_id", "=", employee.id), ("date_stop", "=", False)], limit=1
        )

    @api.model
    def _fsm_start(self, employee, category, order=None, work_type=None):
        """Start a timer of ``category`` (or of ``work_type``) for ``employee``,
        on ``order`` if given: the running timer stops at the same second.
        Returns the new entry."""
        work_type = work_type or self.env["service.work.time.type"]._get_default_for(
            category, employee.company_id
        )
        if not work_type:
            raise UserError(
                self.env._(
                    "There is no active work time type of category %s: ask your manager "
                    "to add one.",
                    dict(self._fields["category"]._description_selection(self.env)).get(
                        category, category
                    ),
                )
            )
        order = order or self.env["service.order"]
        if order:
            order._fsm_check_timer_allowed(employee)
        employee.sudo()._fsm_lock_work_times()
        # now, or the tap's time of an action from the phone's queue
        now = self.env["service.order"]._fsm_now()
        running = self._fsm_running(employee)
        if running:
            if running.type_id == work_type and running.order_id == order:
                return running
            running._fsm_stop_at(now)
        return self.sudo().create(
            {
                "employee_id": employee.id,
                "company_id": employee.company_id.id,
                "type_id": work_type.id,
                "order_id": order.id,
                "date_start": now,
                "source": "timer",
            }
        )

    def _fsm_stop_at(self, when, distance_km=None):
        vals = {"date_stop": max(when, self.date_start)}
        if distance_km is not None:
            vals["distance_km"] = distance_km
        self.sudo().write(vals)

    @api.model
    def _fsm_stop(self, employee, distance_km=None):
        """Stop ``employee``'s running timer now (with the km driven, for
        travel). Returns the stopped entry, or an empty recordset."""
        if distance_km is not None and distance_km < 0:
            raise UserError(self.env._("A distance cannot be negative."))
        employee.sudo()._fsm_lock_work_times()
        running = self._fsm_running(employee)
        if running:
            running._fsm_stop_at(self.env["service.order"]._fsm_now(), distance_km)
        return running

    # ------------------------------------------------------------------
    # the technician's buttons (My times)
    # ------------------------------------------------------------------
    @api.model
    def _fsm_my_employee(self):
        employee = self.env.user.employee_id
        if not employee:
            raise UserError(
                self.env._("You are not an employee of this company: timers are for technicians.")
            )
        return employee

    @api.model
    def fsm_get_timer_state(self):
        """What the timer bar of My day shows: whether the user records time
        at all, and their running timer (label "Travel since 10:02", category,
        order)."""
        employee = self.env.user.employee_id
        running = self._fsm_running(employee) if employee else self
        return {
            "is_employee": bool(employee),
            "running": bool(running)
            and {
                "id": running.id,
                "category": running.category,
                "label": running._fsm_running_label(),
                "order_name": running.order_id.name or False,
            },
        }

    @api.model
    def action_fsm_start_admin(self):
        self._fsm_start(self._fsm_my_employee(), "admin")
        return self._fsm_reload()

    @api.model
    def action_fsm_start_break(self):
        """A break, on the order the running timer is on (if any)."""
        employee = self._fsm_my_employee()
        running = self._fsm_running(employee)
        order = running.order_id if running and running.order_id.state == "in_progress" else None
        self._fsm_start(employee, "break", order=order)
        return self._fsm_reload()

    @api.model
    def action_fsm_stop(self):
        employee = self._fsm_my_employee()
        running = self._fsm_running(employee)
        if running.category == "travel":
            return running._fsm_action_ask_distance()
        self._fsm_stop(employee)
        return self._fsm_reload()

    def _fsm_action_ask_distance(self, next_step=False, order=None):
        """The dialog that asks the km of a travel being stopped, then takes
        ``next_step`` (``"work"``: start work on ``order``)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_worktime.action_service_work_time_stop"
        )
        action["context"] = {
            "default_work_time_id": self.id,
            "default_next_step": next_step or "none",
            "default_order_id": order.id if order else False,
        }
        return action

    @api.model
    def _fsm_reload(self):
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------------
    # demo
    # ------------------------------------------------------------------
    @api.model
    def _fsm_demo_from_orders(self):
        """Demo data: the times of the demo's started orders, as their
        technicians' timers would have recorded them: a drive before each
        visit (its km from the visit's number, so that they are stable), work
        from start to finish, a running work timer on an order in progress."""
        Type = self.env["service.work.time.type"]
        travel, work = Type._get_default_for("travel"), Type._get_default_for("work")
        orders = self.env["service.order"].search(
            [("date_started", "!=", False), ("technician_id", "!=", False)],
            order="date_started",
        )
        running = set()
        for order in orders:
            employee = order.technician_id
            if self.search_count([("order_id", "=", order.id)]):
                continue
            drive = timedelta(minutes=15 + (order.id * 7) % 30)
            overlapping = self.search_count(
                [
                    ("employee_id", "=", employee.id),
                    ("date_start", "<", order.date_finished or fields.Datetime.now()),
                    "|",
                    ("date_stop", "=", False),
                    ("date_stop", ">", order.date_started - drive),
                ]
            )
            if overlapping:
                continue
            vals = [
                {
                    "employee_id": employee.id,
                    "order_id": order.id,
                    "type_id": travel.id,
                    "date_start": order.date_started - drive,
                    "date_stop": order.date_started,
                    "distance_km": 4 + (order.id * 13) % 40,
                    "source": "timer",
                }
            ]
            if order.date_finished or employee.id not in running:
                vals.append(
                    {
                        "employee_id": employee.id,
                        "order_id": order.id,
                        "type_id": work.id,
                        "date_start": order.date_started,
                        "date_stop": order.date_finished,
                        "source": "timer",
                    }
                )
                if not order.date_finished:
                    running.add(employee.id)
            self.create(vals)
