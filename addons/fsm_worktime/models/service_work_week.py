from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class ServiceWorkWeek(models.Model):
    """A technician's week of times, approved by a coordinator.

    Until it is approved the technician corrects their own entries; once
    approved, the week's entries are locked for them (coordinators and
    managers still correct any, and every change stays in the entry's
    chatter). Reopening a week is deleting its approval."""

    _name = "service.work.week"
    _description = "Approved week of work times"
    _order = "week_start desc, employee_id"
    _rec_name = "week_start"

    employee_id = fields.Many2one("hr.employee", string="Technician", required=True, index=True)
    user_id = fields.Many2one(
        "res.users", related="employee_id.user_id", store=True, index=True, string="User"
    )
    week_start = fields.Date("Week of", required=True, help="The Monday the week starts on.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", required=True, default=lambda self: self.env.user
    )
    approved_on = fields.Datetime(required=True, default=fields.Datetime.now)
    hours = fields.Float("Hours", compute="_compute_hours", help="Hours of the week's entries.")

    _one_per_week = models.Constraint(
        "UNIQUE(employee_id, week_start)", "This technician's week is already approved."
    )
    _starts_on_monday = models.Constraint(
        "CHECK(EXTRACT(ISODOW FROM week_start) = 1)", "A week starts on a Monday."
    )

    def _compute_hours(self):
        WorkTime = self.env["service.work.time"]
        for week in self:
            start, stop = WorkTime._fsm_week_bounds(week.employee_id, week.week_start)
            week.hours = sum(
                WorkTime.search(
                    [
                        ("employee_id", "=", week.employee_id.id),
                        ("date_start", ">=", start),
                        ("date_start", "<", stop),
                    ]
                ).mapped("duration")
            )

    @api.model
    def _monday(self, day):
        return day - timedelta(days=day.weekday())

    @api.model
    def _fsm_approved(self, employee, day):
        """The approval of ``employee``'s week containing the date ``day``."""
        return self.sudo().search(
            [("employee_id", "=", employee.id), ("week_start", "=", self._monday(day))], limit=1
        )

    @api.model
    def _fsm_approve(self, entries):
        """Approve the weeks of ``entries`` (for each of their technicians):
        a running timer in a week keeps it open."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise UserError(self.env._("Only a coordinator approves work times."))
        weeks = {}
        for entry in entries:
            weeks.setdefault((entry.employee_id, entry._fsm_local_date()), entry)
        approvals = self
        for (employee, day), _entry in weeks.items():
            monday = self._monday(day)
            if self.search_count([("employee_id", "=", employee.id), ("week_start", "=", monday)]):
                continue
            start, stop = self.env["service.work.time"]._fsm_week_bounds(employee, monday)
            running = self.env["service.work.time"].search_count(
                [
                    ("employee_id", "=", employee.id),
                    ("date_start", ">=", start),
                    ("date_start", "<", stop),
                    ("date_stop", "=", False),
                ]
            )
            if running:
                raise UserError(
                    self.env._(
                        "%(employee)s has a timer running in the week of %(week)s: "
                        "it is approved once the timer stops.",
                        employee=employee.name,
                        week=format_date(self.env, monday),
                    )
                )
            approvals |= self.create(
                {
                    "employee_id": employee.id,
                    "week_start": monday,
                    "company_id": employee.company_id.id,
                }
            )
        return approvals

    def action_reopen(self):
        """Open the weeks again for their technicians' corrections."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise UserError(self.env._("Only a coordinator reopens an approved week."))
        self.unlink()
        return True
