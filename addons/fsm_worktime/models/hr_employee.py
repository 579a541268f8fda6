from odoo import api, fields, models
from odoo.tools import SQL


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    work_time_ids = fields.One2many("service.work.time", "employee_id", string="Work times")
    # bumped by every change of the employee's work times, under a row lock:
    # two phones of one technician (or two quick taps) serialise on it
    fsm_work_time_version = fields.Integer(
        "Work times version", copy=False, readonly=True, groups="base.group_system"
    )
    # the last day whose anomalies were checked (see service.work.anomaly)
    fsm_anomalies_checked_until = fields.Date(
        "Anomalies checked until", copy=False, readonly=True, groups="base.group_system"
    )

    def _fsm_lock_work_times(self):
        """Serialise changes to these employees' work times.

        Locks the employees' rows without waiting and bumps a version on them,
        in one statement. A concurrent change that is still running makes this
        raise ``LockNotAvailable``; one that committed after this transaction
        began makes it raise ``SerializationFailure``. Odoo retries a request
        on both, and the retry sees the other change: starting a timer stops
        the one started a moment before instead of running beside it.
        """
        if not self.ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM hr_employee WHERE id IN %s ORDER BY id FOR NO KEY UPDATE NOWAIT
                """,
                tuple(self.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE hr_employee
                   SET fsm_work_time_version = COALESCE(fsm_work_time_version, 0) + 1
                 WHERE id IN %s
                """,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["fsm_work_time_version"])

    @api.model
    def _fsm_demo_hourly_costs(self):
        """Demo: technicians cost 38 to 47 an hour, so orders show a cost."""
        technicians = self.search([("is_technician", "=", True), ("hourly_cost", "=", 0)])
        for index, employee in enumerate(technicians.sorted("name")):
            employee.hourly_cost = 38 + index % 10
