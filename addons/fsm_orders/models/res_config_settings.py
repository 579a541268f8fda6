from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_arrival_margin = fields.Float(related="company_id.fsm_arrival_margin", readonly=False)
    fsm_signature_required = fields.Boolean(
        related="company_id.fsm_signature_required", readonly=False
    )
    fsm_photo_max_mb = fields.Integer(related="company_id.fsm_photo_max_mb", readonly=False)
