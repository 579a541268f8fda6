from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import float_is_zero, format_date, format_duration

KINDS = [
    ("deviation", "Day off its schedule"),
    ("auto_closed", "Timer left running"),
    ("outside_visit", "Work outside the visit"),
    ("no_km", "Travel without km"),
]
# a first check looks back this far, and no further after a long pause
MAX_DAYS_BACK = 31


class ServiceWorkAnomaly(models.Model):
    """Something in a technician's day the coordinator should look at.

    Anomalies are derived from the day's entries, never typed: the hourly job
    (``_cron_fsm_check_days``) checks each technician's days once they are
    over in the technician's time zone, and a correction of an entry of a day
    already checked checks that day again, so a fixed anomaly disappears and a
    new one appears at once. Overlapping entries are not anomalies: they are
    refused when written.

    * *Day off its schedule*: the paid time booked on the day differs from the
      hours of the technician's working schedule (``resource_calendar_id``,
      approved time off taken out) by more than the company's tolerance;
      technicians on flexible hours or without a schedule are not checked.
    * *Timer left running*: a timer still running when the day ended, stopped
      by the job at the schedule's end (``source`` = closed automatically).
    * *Work outside the visit*: work booked on an order before it was started
      or after it was finished (before its scheduled start / after its
      scheduled end when it was not), by more than the tolerance.
    * *Travel without km*: a stopped travel entry with no distance.

    A coordinator marks an anomaly reviewed; the daily digest sends each
    team's coordinator the anomalies of their team not sent yet.
    """

    _name = "service.work.anomaly"
    _description = "Work time anomaly"
    _order = "date desc, employee_id, kind, id"
    _rec_name = "kind"

    kind = fields.Selection(KINDS, required=True, readonly=True)
    employee_id = fields.Many2one(
        "hr.employee", string="Technician", required=True, readonly=True, index=True,
        ondelete="cascade",
    )  # fmt: skip
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="User")
    team_ids = fields.Many2many(related="employee_id.service_team_ids", string="Teams")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date("Day", required=True, readonly=True, index=True)
    work_time_id = fields.Many2one(
        "service.work.time", string="Entry", readonly=True, index="btree_not_null",
        ondelete="cascade",
    )  # fmt: skip
    order_id = fields.Many2one(related="work_time_id.order_id", store=True, string="Order")
    expected_hours = fields.Float("Scheduled (h)", readonly=True, aggregator=None)
    recorded_hours = fields.Float("Booked (h)", readonly=True, aggregator=None)
    deviation_hours = fields.Float(
        "Deviation (h)",
        readonly=True,
        aggregator=None,  # the sum of days off schedule tells nothing
        help="Paid time booked minus the schedule's hours: negative when time is missing.",
    )
    description = fields.Char(compute="_compute_description")
    state = fields.Selection(
        [("open", "To review"), ("reviewed", "Reviewed")], default="open", required=True
    )
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    digest_sent = fields.Boolean(readonly=True, copy=False)

    _one_per_cause = models.UniqueIndex(
        "(employee_id, date, kind, COALESCE(work_time_id, 0))",
        "This anomaly is already listed.",
    )

    @api.depends("kind", "work_time_id", "deviation_hours", "expected_hours")
    def _compute_description(self):
        for anomaly in self:
            entry = anomaly.work_time_id.sudo()
            if anomaly.kind == "deviation":
                anomaly.description = self.env._(
                    "%(booked)s booked for %(scheduled)s scheduled",
                    booked=format_duration(anomaly.recorded_hours),
                    scheduled=format_duration(anomaly.expected_hours),
                )
            elif anomaly.kind == "auto_closed":
                anomaly.description = self.env._(
                    "%(entry)s stopped at %(time)s by the end of day check",
                    entry=entry.type_id.name,
                    time=entry._fsm_format_local(entry.date_stop) if entry.date_stop else "",
                )
            elif anomaly.kind == "outside_visit":
                anomaly.description = self.env._(
                    "%(entry)s on %(order)s, outside its visit",
                    entry=entry.display_name,
                    order=entry.order_id.name,
                )
            elif anomaly.kind == "no_km":
                anomaly.description = self.env._("%s with no km", entry.display_name)
            else:
                anomaly.description = False

    def action_mark_reviewed(self):
        self.write({"state": "reviewed", "reviewed_by_id": self.env.user.id})

    def action_reopen(self):
        self.write({"state": "open", "reviewed_by_id": False})

    def action_open_entry(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.work.time",
            "res_id": self.work_time_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # detection
    # ------------------------------------------------------------------
    @api.model
    def _fsm_tolerance(self, company):
        return timedelta(minutes=company.fsm_worktime_tolerance)

    @api.model
    def _fsm_expected_hours(self, employee, start, stop):
        """Hours of ``employee``'s schedule between naive UTC ``start`` and
        ``stop``, approved time off taken out; None when not checked."""
        calendar = employee.resource_calendar_id
        if not calendar or calendar.flexible_hours:
            return None
        data = employee._get_work_days_data_batch(start, stop, compute_leaves=True)
        return data[employee.id]["hours"]

    @api.model
    def _fsm_detect(self, employee, day):
        """The anomalies of ``employee``'s ``day``: a list of value dicts."""
        WorkTime = self.env["service.work.time"].sudo()
        start, stop = WorkTime._fsm_utc_bounds(employee, day)
        entries = WorkTime.search(
            [
                ("employee_id", "=", employee.id),
                ("date_start", ">=", start),
                ("date_start", "<", stop),
            ],
            order="date_start",
        )
        grace = self._fsm_tolerance(employee.company_id)
        base = {"employee_id": employee.id, "company_id": employee.company_id.id, "date": day}
        found = []
        for entry in entries:
            cause = dict(base, work_time_id=entry.id)
            if entry.source == "auto":
                found.append(dict(cause, kind="auto_closed"))
            no_km = float_is_zero(entry.distance_km, precision_digits=2)
            if entry.category == "travel" and entry.date_stop and no_km:
                found.append(dict(cause, kind="no_km"))
            if entry.category == "work" and entry.order_id and entry._fsm_outside_visit(grace):
                found.append(dict(cause, kind="outside_visit"))
        expected = self._fsm_expected_hours(employee, start, stop)
        if expected is not None:
            recorded = sum(entries.filtered(lambda e: e.paid and e.date_stop).mapped("duration"))
            deviation = recorded - expected
            if abs(deviation) > grace.total_seconds() / 3600:
                found.append(
                    dict(
                        base,
                        kind="deviation",
                        work_time_id=False,
                        expected_hours=expected,
                        recorded_hours=recorded,
                        deviation_hours=deviation,
                    )
                )
        return found

    @api.model
    def _fsm_refresh(self, employee, days):
        """Bring the listed anomalies of ``employee``'s ``days`` in line with
        their entries: new ones are added, those no longer true removed (even
        reviewed), the others kept with their review."""
        Anomaly = self.sudo()
        existing = Anomaly.search([("employee_id", "=", employee.id), ("date", "in", list(days))])
        by_key = {(a.date, a.kind, a.work_time_id.id): a for a in existing}
        to_create = []
        for day in days:
            for vals in Anomaly._fsm_detect(employee, day):
                key = (day, vals["kind"], vals.get("work_time_id") or False)
                anomaly = by_key.pop(key, None)
                if anomaly is None:
                    to_create.append(vals)
                elif vals["kind"] == "deviation":
                    figures = {k: vals[k] for k in ("expected_hours", "recorded_hours")}
                    figures["deviation_hours"] = vals["deviation_hours"]
                    anomaly.write(figures)
        Anomaly.concat(*by_key.values()).unlink()
        return Anomaly.create(to_create)

    @api.model
    def _fsm_refresh_entries_days(self, days_by_employee):
        """After a change of entries: check again the days already checked."""
        for employee_id, days in days_by_employee.items():
            employee = self.env["hr.employee"].sudo().browse(employee_id)
            until = employee.fsm_anomalies_checked_until
            checked = {day for day in days if until and day <= until}
            if checked:
                self._fsm_refresh(employee, checked)

    @api.model
    def _fsm_local_today(self, employee):
        tz = pytz.timezone(employee.tz or "UTC")
        return datetime.now(pytz.utc).astimezone(tz).date()

    @api.model
    def _cron_fsm_check_days(self):
        """Hourly: stop the timers left running on a day that is over, then
        check each technician's days that ended since the last check."""
        self.env["service.work.time"]._fsm_close_forgotten_timers()
        technicians = self.env["hr.employee"].sudo().search([("is_technician", "=", True)])
        for employee in technicians:
            yesterday = self._fsm_local_today(employee) - timedelta(days=1)
            first = max(
                (employee.fsm_anomalies_checked_until or yesterday - timedelta(days=1))
                + timedelta(days=1),
                yesterday - timedelta(days=MAX_DAYS_BACK - 1),
            )
            if first > yesterday:
                continue
            days = {first + timedelta(days=n) for n in range((yesterday - first).days + 1)}
            self._fsm_refresh(employee, days)
            employee.fsm_anomalies_checked_until = yesterday

    # ------------------------------------------------------------------
    # digest
    # ------------------------------------------------------------------
    @api.model
    def _cron_fsm_send_digest(self):
        """Daily: each team's coordinator gets the open anomalies of the
        team's technicians not sent yet, in one email; each is sent once
        (a technician in two teams goes to both coordinators)."""
        pending = self.sudo().search([("state", "=", "open"), ("digest_sent", "=", False)])
        by_team = defaultdict(self.sudo().browse)
        for anomaly in pending:
            for team in anomaly.employee_id.service_team_ids:
                if team.coordinator_id and team.company_id == anomaly.company_id:
                    by_team[team] |= anomaly
        template = self.env.ref("fsm_worktime.mail_template_anomaly_digest")
        for team, anomalies in by_team.items():
            template.with_context(fsm_digest_anomaly_ids=anomalies.ids).send_mail(
                team.id, email_layout_xmlid="mail.mail_notification_light"
            )
        pending.write({"digest_sent": True})

    def _fsm_digest_rows(self):
        """Rows of the digest: (technician, day, kind, description)."""
        return [
            (
                anomaly.employee_id.name,
                format_date(self.env, anomaly.date),
                dict(self._fields["kind"]._description_selection(self.env))[anomaly.kind],
                anomaly.description,
            )
            for anomaly in self
        ]
