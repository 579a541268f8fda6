from odoo import fields, models


class ServiceOfferRejectReason(models.Model):
    """Why a client rejected an offer, as Odoo's CRM keeps lost reasons: a
    list the firm keeps (*Too expensive*, *Not needed now*, *Went
    elsewhere*…), so that rejected offers can be counted by reason. A reason
    without a company is shared by all companies."""

    _name = "service.offer.reject.reason"
    _description = "Offer Rejection Reason"
    _order = "sequence, id"

    name = fields.Char("Reason", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", "Company", index=True, help="Leave empty to use it in every company."
    )
    offer_ids = fields.One2many("sale.order", "fsm_reject_reason_id", "Rejected offers")
    offer_count = fields.Integer("Offers", compute="_compute_offer_count")

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "This rejection reason exists already."
    )

    def _compute_offer_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("fsm_reject_reason_id", "in", self.ids)], ["fsm_reject_reason_id"], ["__count"]
            )
        )
        for reason in self:
            reason.offer_count = counts.get(reason, 0)
