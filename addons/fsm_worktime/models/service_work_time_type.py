from odoo import api, fields, models

CATEGORIES = [
    ("travel", "Travel"),
    ("work", "Work"),
    ("break", "Break"),
    ("admin", "Admin"),
    ("training", "Training"),
]


class ServiceWorkTimeType(models.Model):
    """A kind of time a technician records: the company's own list, each in a
    fixed category (which the timers, the report and the KPIs understand) and
    marked paid and billable. The timers start the first active type of their
    category; corrections may use any."""

    _name = "service.work.time.type"
    _description = "Work time type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CATEGORIES, required=True, default="work")
    paid = fields.Boolean(default=True, help="Counts as paid working time.")
    billable = fields.Boolean(
        help="Invoiced to the client with the order's labour (work by the hour, travel by km)."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to offer the type in every company."
    )
    color = fields.Integer()

    @api.model
    def _get_default_for(self, category, company=None):
        """The type a timer of ``category`` starts: the first active one of the
        company (or shared by all companies)."""
        company = company or self.env.company
        return self.search(
            [("category", "=", category), ("company_id", "in", [company.id, False])], limit=1
        )
