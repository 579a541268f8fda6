from collections import defaultdict

import pytz

from odoo import api, fields, models

UTC = pytz.utc


def to_utc_naive(moment):
    """An aware datetime as Odoo stores it: naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    fsm_share_position = fields.Boolean(
        "Shares position",
        help="The technician agreed that their phone sends its GPS position to the "
        "coordinators while on duty (in working hours, never in an absence). They switch "
        "it on and off themselves in My day.",
        groups="hr.group_hr_user,fsm_orders.group_fsm_technician",
    )

    # ------------------------------------------------------------------
    # what the planner reads of a technician
    # ------------------------------------------------------------------
    def _fsm_home(self):
        """Where the technician's day starts and ends: their start location,
        else their work address; a partner, possibly without coordinates."""
        self.ensure_one()
        return self.service_start_location_id or self.address_id

    def _fsm_skills(self, day=None):
        """The ``hr.skill`` records the technician holds on ``day`` (a date;
        today by default): any level counts, expired certifications do not."""
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        return (
            self.sudo()
            .employee_skill_ids.filtered(
                lambda s: (
                    (not s.valid_from or s.valid_from <= day)
                    and (not s.valid_to or s.valid_to >= day)
                )
            )
            .skill_id
        )

    def _fsm_shift_intervals(self, start, stop):
        """{employee id: [(start, stop), …]} the attendances of each
        employee's working schedule between naive UTC ``start`` and ``stop``,
        as naive UTC pairs in time order, absences not taken off (a day's
        attendances are its shift, the gaps between them its breaks)."""
        result = defaultdict(list)
        by_calendar = defaultdict(self.browse)
        for employee in self:
            by_calendar[employee.resource_calendar_id] |= employee
        for calendar, employees in by_calendar.items():
            if not calendar:
                continue
            intervals = calendar._attendance_intervals_batch(
                UTC.localize(start), UTC.localize(stop), resources=employees.resource_id
            )
            for employee in employees:
                result[employee.id] = sorted(
                    (to_utc_naive(begin), to_utc_naive(end))
                    for begin, end, _records in intervals[employee.resource_id.id]
                )
        return result

    def _fsm_absence_intervals(self, start, stop):
        """{employee id: [(start, stop), …]} approved time off and public
        holidays of each employee between naive UTC ``start`` and ``stop``,
        clipped to them, as naive UTC pairs in time order."""
        result = defaultdict(list)
        by_calendar = defaultdict(self.browse)
        for employee in self:
            by_calendar[employee.resource_calendar_id] |= employee
        for calendar, employees in by_calendar.items():
            if calendar:
                intervals = calendar._leave_intervals_batch(
                    UTC.localize(start), UTC.localize(stop), resources=employees.resource_id
                )
                for employee in employees:
                    result[employee.id] = [
                        (to_utc_naive(begin), to_utc_naive(end))
                        for begin, end, _records in intervals[employee.resource_id.id]
                    ]
        # approved leaves of employees without a schedule, and any the
        # calendar did not report, straight from hr.leave
        leaves = (
            self.env["hr.leave"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "=", "validate"),
                    ("date_from", "<", stop),
                    ("date_to", ">", start),
                ]
            )
        )
        for leave in leaves:
            result[leave.employee_id.id].append(
                (max(leave.date_from, start), min(leave.date_to, stop))
            )
        return {key: _merge(value) for key, value in result.items()}

    @api.model
    def _fsm_set_share_position(self, share):
        """The technician's own consent to share their position (My day)."""
        employee = self.env.user.employee_id
        if employee:
            employee.sudo().fsm_share_position = bool(share)
        return bool(employee and employee.sudo().fsm_share_position)


def _merge(intervals):
    merged = []
    for begin, end in sorted(intervals):
        if begin >= end:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged
