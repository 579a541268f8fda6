from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_arrival_margin = fields.Float(
        "Arrival window",
        default=1.0,
        help="Length, in hours, of the arrival window told to clients when an order is "
        "dispatched: the technician arrives between the scheduled start and this much later.",
    )
