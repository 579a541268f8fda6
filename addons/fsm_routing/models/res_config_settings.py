from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_travel_provider = fields.Selection(related="company_id.fsm_travel_provider", readonly=False)
    fsm_road_factor = fields.Float(related="company_id.fsm_road_factor", readonly=False)
    fsm_average_speed = fields.Float(related="company_id.fsm_average_speed", readonly=False)
    fsm_osrm_url = fields.Char(related="company_id.fsm_osrm_url", readonly=False)
    fsm_plan_seconds = fields.Integer(related="company_id.fsm_plan_seconds", readonly=False)
    fsm_plan_foreground_orders = fields.Integer(
        related="company_id.fsm_plan_foreground_orders", readonly=False
    )
    fsm_position_retention_days = fields.Integer(
        related="company_id.fsm_position_retention_days", readonly=False
    )
