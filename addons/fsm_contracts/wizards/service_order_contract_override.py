from odoo import fields, models


class ServiceOrderContractOverride(models.TransientModel):
    """*Change contract* on an order: the contracts that settle it (none to
    bill it in full), and why, kept in the order's chatter."""

    _name = "service.order.contract.override"
    _description = "Change an order's contract"

    order_id = fields.Many2one("service.order", required=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(related="order_id.commercial_partner_id")
    company_id = fields.Many2one(related="order_id.company_id")
    contract_ids = fields.Many2many(
        "service.contract",
        string="Contracts",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('company_id', '=', company_id), ('state', '!=', 'draft')]",
        help="Empty: no contract, the order is invoiced in full.",
    )
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        self.order_id._fsm_override_contracts(self.contract_ids, self.reason)
        return {"type": "ir.actions.act_window_close"}
