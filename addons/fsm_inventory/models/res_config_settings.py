from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_offer_followup_days = fields.Integer(
        related="company_id.fsm_offer_followup_days", readonly=False
    )
