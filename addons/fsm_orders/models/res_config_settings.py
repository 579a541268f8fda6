from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_arrival_margin = fields.Float(related="company_id.fsm_arrival_margin", readonly=False)
