from datetime import timedelta

from odoo import api, fields, models

REPLAN_STATES = ("planned", "dispatched", "accepted")


class HrLeave(models.Model):
    """Absences meet the planning: approving one over a technician's
    scheduled visits lists them and asks the approver to confirm; once
    approved, each visit gets a *re-plan* activity for its coordinator."""

    _inherit = "hr.leave"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._fsm_notify_coordinators()
        return leaves

    def _fsm_notify_coordinators(self):
        """A technician's request reaches their teams' coordinators at once:
        the approver gets Odoo's approval activity, the other coordinators a
        notification on the request."""
        for leave in self.filtered(
            lambda lv: lv.state in ("confirm", "validate1") and lv.employee_id.is_technician
        ):
            coordinators = leave.employee_id.sudo().service_team_ids.coordinator_id
            coordinators -= leave._get_responsible_for_approval() | self.env.user
            if coordinators:
                leave.sudo().message_post(
                    body=self.env._(
                        "%(employee)s asks for time off from %(start)s to %(stop)s: their "
                        "visits in this period need another technician once it is approved.",
                        employee=leave.employee_id.name,
                        start=fields.Date.to_string(leave.request_date_from),
                        stop=fields.Date.to_string(leave.request_date_to),
                    ),
                    partner_ids=coordinators.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                    message_type="notification",
                )

    @api.model
    def fsm_planning_absences(self, start, stop, hidden_employee_ids=None):
        """The technicians' approved absences between ``start`` and ``stop``
        (UTC strings) for the planning calendar, minus the technicians
        unticked there. Coordinators plan around every technician of their
        companies, so they get each absence's technician and dates, but not
        its type (a sick leave is nobody's business). An absence of whole
        days, or of several days, is a bar over the days; part of a day is
        drawn over its hours."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            return []
        leaves = self.sudo().search(
            [
                ("state", "=", "validate"),
                ("employee_id.is_technician", "=", True),
                ("employee_company_id", "in", self.env.companies.ids),
                ("employee_id", "not in", hidden_employee_ids or []),
                ("date_from", "<", stop),
                ("date_to", ">", start),
            ],
            order="date_from",
        )
        return [
            {
                "id": leave.id,
                "employee_id": leave.employee_id.id,
                "title": self.env._("%s: absent", leave.employee_id.name),
                "all_day": leave.request_date_to > leave.request_date_from
                or not (leave.request_unit_half or leave.request_unit_hours),
                "date_from": fields.Date.to_string(leave.request_date_from),
                "date_to": fields.Date.to_string(leave.request_date_to),
                "start": fields.Datetime.to_string(leave.date_from),
                "stop": fields.Datetime.to_string(leave.date_to),
            }
            for leave in leaves
        ]

    def _fsm_orders_to_replan(self):
        """Visits of these leaves' technicians, planned or dispatched, that
        overlap the leave at any moment of their duration."""
        Order = self.env["service.order"].sudo()
        orders = Order
        for leave in self.filtered(lambda lv: lv.employee_id and lv.date_from and lv.date_to):
            orders |= Order.search(
                [
                    ("technician_id", "=", leave.employee_id.id),
                    ("state", "in", REPLAN_STATES),
                    ("scheduled_start", "<", leave.date_to),
                    ("scheduled_end", ">", leave.date_from),
                ]
            )
        return orders

    def action_approve(self, check_state=True):
        if not self.env.context.get("fsm_replan_confirmed"):
            orders = self._fsm_orders_to_replan()
            if orders:
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Visits during this absence"),
                    "res_model": "service.leave.replan",
                    "view_mode": "form",
                    "target": "new",
                    "context": {
                        "default_leave_ids": self.ids,
                        "default_order_ids": orders.ids,
                    },
                }
        return super().action_approve(check_state=check_state)

    def _action_validate(self, check_state=True):
        res = super()._action_validate(check_state=check_state)
        for leave in self.filtered(lambda lv: lv.state == "validate"):
            for order in leave._fsm_orders_to_replan():
                order._fsm_schedule_replan(leave)
        return res

    @api.model
    def _fsm_demo_absences(self):
        """Demo: Oskar is away two days the day after tomorrow, approved."""
        employee = self.env.ref("fsm_orders.employee_tech_oskar", raise_if_not_found=False)
        leave_type = self.env.ref("hr_holidays.leave_type_unpaid", raise_if_not_found=False)
        if not employee or not leave_type:
            return
        first = fields.Date.context_today(self) + timedelta(days=2)
        while first.weekday() >= 4:  # two working days in a row
            first += timedelta(days=1)
        leave = self.with_context(fsm_replan_confirmed=True).create(
            {
                "employee_id": employee.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": first,
                "request_date_to": first + timedelta(days=1),
            }
        )
        if leave.state != "validate":
            leave.with_context(fsm_replan_confirmed=True).action_approve()
