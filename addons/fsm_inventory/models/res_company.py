from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_van_parent_location_id = fields.Many2one(
        "stock.location",
        "Vans",
        help="The view location under the company's warehouse that holds each technician's "
        "van. Made when the first technician gets a van.",
    )
    fsm_offer_followup_days = fields.Integer(
        "Follow up offers after (days)",
        default=3,
        help="A sent offer gets a follow-up activity for its salesperson this many days later "
        "(on its validity date when that comes first). 0: no follow-up.",
    )

    _fsm_offer_followup_days_positive = models.Constraint(
        "CHECK(fsm_offer_followup_days >= 0)", "Offers are followed up after 0 days or more."
    )

    def _fsm_van_parent_location(self):
        """The company's *Vans* location, made under its first warehouse."""
        self.ensure_one()
        if self.fsm_van_parent_location_id:
            return self.fsm_van_parent_location_id
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", self.id)], limit=1)
        )
        parent = (
            self.env["stock.location"]
            .sudo()
            .create(
                {
                    "name": self.env._("Vans"),
                    "usage": "view",
                    "location_id": warehouse.view_location_id.id,
                    "company_id": self.id,
                }
            )
        )
        self.sudo().fsm_van_parent_location_id = parent
        return parent

    def _fsm_warehouse(self):
        self.ensure_one()
        return self.env["stock.warehouse"].sudo().search([("company_id", "=", self.id)], limit=1)
