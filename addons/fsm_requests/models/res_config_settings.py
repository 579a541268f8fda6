from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_request_alias_name = fields.Char(
        "Service desk email",
        help="Mail sent to this address becomes a service request; replies thread on it. "
        "Leave empty to take no requests by email.",
    )
    fsm_request_alias_domain = fields.Char(
        "Email domain", compute="_compute_fsm_request_alias_domain"
    )
    fsm_request_max_attachment_mb = fields.Integer(
        "Largest email attachment (MB)",
        config_parameter="fsm_requests.max_attachment_mb",
        default=10,
    )

    def _fsm_request_alias(self):
        return self.env.ref("fsm_requests.mail_alias_service_request", raise_if_not_found=False)

    @api.depends("company_id")
    def _compute_fsm_request_alias_domain(self):
        alias = self._fsm_request_alias()
        for settings in self:
            domain = (alias.alias_domain_id if alias else False) or (
                settings.company_id.alias_domain_id
            )
            settings.fsm_request_alias_domain = domain.name if domain else False

    @api.model
    def get_values(self):
        values = super().get_values()
        alias = self._fsm_request_alias()
        values["fsm_request_alias_name"] = alias.alias_name if alias else False
        return values

    def set_values(self):
        if self.fsm_request_max_attachment_mb < 1:
            raise ValidationError(self.env._("The largest email attachment must be at least 1 MB."))
        res = super().set_values()
        alias = self._fsm_request_alias()
        name = (self.fsm_request_alias_name or "").strip() or False
        if alias and alias.alias_name != name:
            alias.sudo().alias_name = name
        return res
