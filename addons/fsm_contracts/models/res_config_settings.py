from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_contract_allow_overlap = fields.Boolean(
        related="company_id.fsm_contract_allow_overlap", readonly=False
    )
    fsm_warranty_reminder_days = fields.Integer(
        related="company_id.fsm_warranty_reminder_days", readonly=False
    )
    fsm_service_reminder_days = fields.Integer(
        related="company_id.fsm_service_reminder_days", readonly=False
    )
    fsm_reminder_recipients = fields.Selection(
        related="company_id.fsm_reminder_recipients", readonly=False
    )
