from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_worktime_tolerance = fields.Integer(
        related="company_id.fsm_worktime_tolerance", readonly=False
    )
