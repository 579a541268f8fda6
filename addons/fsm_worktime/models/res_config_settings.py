from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_worktime_tolerance = fields.Integer(
        related="company_id.fsm_worktime_tolerance", readonly=False
    )
    fsm_labour_rate_mode = fields.Selection(
        related="company_id.fsm_labour_rate_mode", readonly=False
    )
    fsm_labour_fixed_product_id = fields.Many2one(
        related="company_id.fsm_labour_fixed_product_id", readonly=False
    )
    fsm_labour_hour_product_id = fields.Many2one(
        related="company_id.fsm_labour_hour_product_id", readonly=False
    )
    fsm_labour_km_product_id = fields.Many2one(
        related="company_id.fsm_labour_km_product_id", readonly=False
    )
    fsm_labour_rounding_minutes = fields.Integer(
        related="company_id.fsm_labour_rounding_minutes", readonly=False
    )
    fsm_labour_rounding = fields.Selection(related="company_id.fsm_labour_rounding", readonly=False)

    # --- timeliness alerts ---------------------------------------------
    fsm_alert_tomorrow = fields.Boolean(related="company_id.fsm_alert_tomorrow", readonly=False)
    fsm_alert_tomorrow_hour = fields.Float(
        related="company_id.fsm_alert_tomorrow_hour", readonly=False
    )
    fsm_alert_not_accepted_minutes = fields.Integer(
        related="company_id.fsm_alert_not_accepted_minutes", readonly=False
    )
    fsm_alert_not_started_minutes = fields.Integer(
        related="company_id.fsm_alert_not_started_minutes", readonly=False
    )
    fsm_alert_done = fields.Boolean(related="company_id.fsm_alert_done", readonly=False)
