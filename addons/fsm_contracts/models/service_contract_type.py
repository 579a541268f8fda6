from odoo import fields, models

CONTRACT_KINDS = [
    ("service", "Service and maintenance"),
    ("administration", "Administration"),
    ("warranty", "Warranty"),
    ("subcontracting", "Subcontracting"),
]

COVER_CHOICES = [
    ("all", "All"),
    ("none", "None"),
    ("list", "Listed products"),
]


class ServiceContractType(models.Model):
    """The firm's own list of contract types (AMC, CMC, extended warranty,
    work for a principal…). Each has a *kind* that drives behaviour: a
    subcontracting contract names the other firm, a warranty one covers parts
    by default. Its covers and reminder lead time are the defaults of a new
    contract of the type."""

    _name = "service.contract.type"
    _description = "Service contract type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(CONTRACT_KINDS, required=True, default="service")
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    cover_labour = fields.Selection(COVER_CHOICES, "Labour", required=True, default="all")
    cover_travel = fields.Selection(COVER_CHOICES, "Travel", required=True, default="all")
    cover_parts = fields.Selection(COVER_CHOICES, "Parts", required=True, default="none")
    renewal_reminder_days = fields.Integer(
        "Remind before the end (days)",
        default=30,
        help="The responsible person and the client are reminded this many days before a "
        "contract of this type ends. 0: no reminder.",
    )
    note = fields.Html("Terms", translate=True, help="Printed on the contract and its offers.")

    _reminder_days_positive = models.Constraint(
        "CHECK(renewal_reminder_days >= 0)", "A reminder cannot come after the end."
    )
