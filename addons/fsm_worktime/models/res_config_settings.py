from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
