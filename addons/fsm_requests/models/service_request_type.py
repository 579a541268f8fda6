from odoo import fields, models


class ServiceRequestType(models.Model):
    """The firm's own kinds of request (breakdown, maintenance, installation…),
    each with its deadline (SLA) per priority."""

    _name = "service.request.type"
    _description = "Service Request Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    sla_hours_low = fields.Float("Low priority (hours)", default=120.0)
    sla_hours_normal = fields.Float("Normal priority (hours)", default=72.0)
    sla_hours_high = fields.Float("High priority (hours)", default=24.0)
    sla_hours_urgent = fields.Float("Urgent (hours)", default=4.0)
    description = fields.Text(translate=True)

    _sla_positive = models.Constraint(
        "CHECK(sla_hours_low >= 0 AND sla_hours_normal >= 0 AND sla_hours_high >= 0 "
        "AND sla_hours_urgent >= 0)",
        "Deadlines cannot be negative.",
    )

    def _sla_hours(self, priority):
        self.ensure_one()
        return {
            "0": self.sla_hours_low,
            "1": self.sla_hours_normal,
            "2": self.sla_hours_high,
            "3": self.sla_hours_urgent,
        }.get(priority or "1", self.sla_hours_normal)
