from odoo import fields, models


class SaleOrder(models.Model):
    """A contract's renewal offer: confirmed in the backend, or accepted and
    signed by the client in the portal (which confirms it), it makes the
    contract's next period."""

    _inherit = "sale.order"

    fsm_renewal_contract_id = fields.Many2one(
        "service.contract",
        "Renews contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def action_confirm(self):
        result = super().action_confirm()
        for offer in self.filtered("fsm_renewal_contract_id"):
            # sudo: the client who accepts in the portal renews their own
            # contract, which they only read
            offer.fsm_renewal_contract_id.sudo()._fsm_renew(offer)
        return result
