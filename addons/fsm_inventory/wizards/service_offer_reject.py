from odoo import fields, models


class ServiceOfferReject(models.TransientModel):
    """*Reject* on an offer: the client's reason (required) and a note."""

    _name = "service.offer.reject"
    _description = "Reject an Offer"

    offer_id = fields.Many2one("sale.order", "Offer", required=True, readonly=True)
    company_id = fields.Many2one(related="offer_id.company_id")
    reason_id = fields.Many2one(
        "service.offer.reject.reason",
        "Reason",
        required=True,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    note = fields.Text("Note", help="What the client said, for the chatter.")

    def action_reject(self):
        self.ensure_one()
        self.offer_id.action_fsm_reject(self.reason_id, self.note)
        return {"type": "ir.actions.act_window_close"}
