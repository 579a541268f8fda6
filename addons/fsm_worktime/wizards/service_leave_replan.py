from odoo import fields, models


class ServiceLeaveReplan(models.TransientModel):
    """Approving an absence over scheduled visits: the approver sees them and
    confirms that they will be re-planned."""

    _name = "service.leave.replan"
    _description = "Confirm an absence over scheduled visits"

    leave_ids = fields.Many2many("hr.leave", string="Absences", readonly=True)
    order_ids = fields.Many2many("service.order", string="Visits to re-plan", readonly=True)

    def action_confirm(self):
        self.ensure_one()
        self.leave_ids.with_context(fsm_replan_confirmed=True).action_approve()
        return {"type": "ir.actions.act_window_close"}
