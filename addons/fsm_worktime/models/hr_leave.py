from odoo import models

REPLAN_STATES = ("planned", "dispatched", "accepted")


class HrLeave(models.Model):
    """Absences meet the planning: approving one over a technician's
    scheduled visits lists them and asks the approver to confirm; once
    approved, each visit gets a *re-plan* activity for its coordinator."""

    _inherit = "hr.leave"

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
