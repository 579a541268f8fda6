from odoo import fields, models


class ServiceRequestCall(models.Model):
    """An incoming call reported by the call center, kept with its request."""

    _name = "service.request.call"
    _description = "Call Center Call"
    _order = "date desc, id desc"

    call_ref = fields.Char("Call id", required=True, index=True)
    number = fields.Char("Caller's number", required=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    recording_url = fields.Char("Recording")
    partner_id = fields.Many2one("res.partner", "Caller", index="btree_not_null")
    request_id = fields.Many2one(
        "service.request", "Request", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _call_ref_unique = models.Constraint(
        "UNIQUE(call_ref, company_id)", "This call was already reported."
    )
