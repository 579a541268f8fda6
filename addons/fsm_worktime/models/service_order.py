from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .service_work_time_type import CATEGORIES


class ServiceOrder(models.Model):
    """The order's timers: the technician starts travel and work from My day
    or the order, *Start work* starts the order and *Finish* stops the timer.
    The order's times (form and service report) are its work time entries."""

    _inherit = "service.order"

    work_time_ids = fields.One2many("service.work.time", "order_id", string="Times")
    work_hours = fields.Float(
        "Work hours", compute="_compute_work_times", help="Hours of work booked on the order."
    )
    travel_hours = fields.Float("Travel hours", compute="_compute_work_times")
    travel_km = fields.Float("Travel (km)", compute="_compute_work_times")
    fsm_timer_category = fields.Selection(
        CATEGORIES, string="My running timer", compute="_compute_fsm_my_timer"
    )
    fsm_my_timer_id = fields.Many2one(
        "service.work.time",
        string="My timer",
        compute="_compute_fsm_my_timer",
        help="The current user's running timer when it is on this order.",
    )
    fsm_timer_label = fields.Char(
        "Running timer",
        compute="_compute_fsm_my_timer",
        help='"Travel since 10:02": the running timer on a card.',
    )

    @api.depends("work_time_ids.duration", "work_time_ids.category", "work_time_ids.distance_km")
    def _compute_work_times(self):
        for order in self:
            entries = order.work_time_ids
            order.work_hours = sum(
                entries.filtered(lambda e: e.category == "work").mapped("duration")
            )
            travel = entries.filtered(lambda e: e.category == "travel")
            order.travel_hours = sum(travel.mapped("duration"))
            order.travel_km = sum(travel.mapped("distance_km"))

    @api.depends_context("uid")
    @api.depends("work_time_ids.date_stop")
    def _compute_fsm_my_timer(self):
        employee = self.env.user.employee_id
        running = (
            self.env["service.work.time"]._fsm_running(employee)
            if employee
            else self.env["service.work.time"]
        )
        label = running._fsm_running_label() if running else False
        for order in self:
            mine = running.order_id == order
            order.fsm_my_timer_id = running if mine else False
            order.fsm_timer_category = running.category if mine else False
            order.fsm_timer_label = label if mine else False

    # ------------------------------------------------------------------
    # rules
    # ------------------------------------------------------------------
    def _fsm_check_timer_allowed(self, employee):
        """A timer runs on an order of the employee's, neither finished nor
        cancelled."""
        self.ensure_one()
        order = self.sudo()
        if order.state == "done":
            raise UserError(
                self.env._("%s is finished: no timer can run on it any more.", order.name)
            )
        if order.state == "cancelled":
            raise UserError(self.env._("%s is cancelled: no timer can run on it.", order.name))
        if order.technician_id != employee:
            raise UserError(
                self.env._(
                    "%(order)s is %(technician)s's: a timer runs on your own orders only.",
                    order=order.name,
                    technician=order.technician_id.name or self.env._("nobody"),
                )
            )

    def _fsm_my_employee(self):
        return self.env["service.work.time"]._fsm_my_employee()

    def _fsm_is_my_visit(self):
        return self.technician_user_id == self.env.user and bool(self.env.user.employee_id)

    # ------------------------------------------------------------------
    # workflow: Start work starts the work timer, Finish stops it
    # ------------------------------------------------------------------
    def action_start(self):
        res = super().action_start()
        WorkTime = self.env["service.work.time"]
        for order in self.filtered(lambda o: o._fsm_is_my_visit()):
            WorkTime._fsm_start(order.technician_id, "work", order=order)
        return res

    def action_done(self):
        running = {
            order: self.env["service.work.time"]._fsm_running(order.technician_id)
            for order in self
            if order.technician_id
        }
        res = super().action_done()
        for order, entry in running.items():
            if entry and entry.order_id == order:
                self.env["service.work.time"]._fsm_stop(order.technician_id)
        return res

    # ------------------------------------------------------------------
    # the technician's buttons
    # ------------------------------------------------------------------
    def action_fsm_start_travel(self):
        """On the way to the visit: a dispatched order is accepted as the
        travel starts."""
        self.ensure_one()
        self.env["service.work.time"]._fsm_start(self._fsm_my_employee(), "travel", order=self)
        if self.can_accept:
            self.action_accept()
        return True

    def action_fsm_start_work(self):
        """*Start work* on the phone: asks the km of a running travel first,
        then starts the order (or resumes work on it after a break)."""
        self.ensure_one()
        employee = self._fsm_my_employee()
        running = self.env["service.work.time"]._fsm_running(employee)
        if running.category == "travel":
            return running._fsm_action_ask_distance(next_step="work", order=self)
        return self._fsm_start_work()

    def _fsm_start_work(self):
        if self.state == "in_progress":
            self.env["service.work.time"]._fsm_start(self._fsm_my_employee(), "work", order=self)
        else:
            self.action_start()
        return True

    def action_fsm_break(self):
        self.ensure_one()
        self.env["service.work.time"]._fsm_start(self._fsm_my_employee(), "break", order=self)
        return True

    def action_fsm_stop_timer(self):
        self.ensure_one()
        employee = self._fsm_my_employee()
        running = self.env["service.work.time"]._fsm_running(employee)
        if running.category == "travel":
            return running._fsm_action_ask_distance()
        self.env["service.work.time"]._fsm_stop(employee)
        return True

    # ------------------------------------------------------------------
    # absences
    # ------------------------------------------------------------------
    def _fsm_absences(self):
        """The technician's approved absences overlapping the visit at any
        moment of its duration."""
        self.ensure_one()
        if not (self.technician_id and self.scheduled_start and self.scheduled_end):
            return self.env["hr.leave"]
        return (
            self.env["hr.leave"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.technician_id.id),
                    ("state", "=", "validate"),
                    ("date_from", "<", self.scheduled_end),
                    ("date_to", ">", self.scheduled_start),
                ],
                limit=1,
            )
        )

    def _get_step_refusal(self, step):
        refusal = super()._get_step_refusal(step)
        if refusal or step != "dispatch":
            return refusal
        if absence := self._fsm_absences():
            return self.env._(
                "%(technician)s is absent (%(absence)s, %(start)s – %(stop)s) during %(order)s: "
                "plan it for another technician or another time.",
                technician=self.technician_id.name,
                absence=absence.holiday_status_id.name,
                start=format_datetime(self.env, absence.date_from, dt_format="short"),
                stop=format_datetime(self.env, absence.date_to, dt_format="short"),
                order=self.name,
            )
        return False

    def _fsm_schedule_replan(self, leave):
        """An approved absence over this visit: its coordinator re-plans it."""
        user = self.team_id.coordinator_id or self.create_uid
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Re-plan: %s is absent", leave.employee_id.name),
            note=self.env._(
                "%(technician)s's absence (%(absence)s) was approved over this visit.",
                technician=leave.employee_id.name,
                absence=leave.holiday_status_id.name,
            ),
            user_id=user.id,
        )

    # ------------------------------------------------------------------
    # report and settlement hooks
    # ------------------------------------------------------------------
    def _get_report_time_lines(self):
        """The order's work time entries (travel, work, breaks …) in time
        order; the visit's own start and finish when none were recorded."""
        self.ensure_one()
        entries = self.sudo().work_time_ids.sorted(lambda e: (e.date_start, e.id))
        if not entries:
            return super()._get_report_time_lines()
        now = fields.Datetime.now()
        return [
            {
                "label": entry.type_id.name,
                "start": entry.date_start,
                "stop": entry.date_stop,
                "hours": entry.duration
                if entry.date_stop
                else (now - entry.date_start).total_seconds() / 3600.0,
                "distance_km": entry.distance_km,
                "technician": entry.employee_id.name,
            }
            for entry in entries
        ]

    def _fsm_on_the_way(self):
        """An order is on the way while a travel timer runs on it."""
        running = (
            self.env["service.work.time"]
            .sudo()
            .search(
                [
                    ("order_id", "in", self.ids),
                    ("category", "=", "travel"),
                    ("date_stop", "=", False),
                ]
            )
        )
        return super()._fsm_on_the_way() | running.order_id.with_env(self.env)
