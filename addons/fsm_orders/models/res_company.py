from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_arrival_margin = fields.Float(
        "Arrival window",
        default=1.0,
        help="Length, in hours, of the arrival window told to clients when an order is "
        "dispatched: the technician arrives between the scheduled start and this much later.",
    )
    fsm_signature_required = fields.Boolean(
        "Signature required to finish",
        help="Technicians cannot finish an order before the client signed it on the phone. "
        "Without it, an unsigned order can be signed later in the portal.",
    )
    fsm_photo_max_mb = fields.Integer(
        "Largest photo (MB)", default=10, help="Bigger uploads are refused with a message."
    )
