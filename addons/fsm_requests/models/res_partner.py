from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_request_count = fields.Integer(
        "Service requests", compute="_compute_service_request_count"
    )

    def _compute_service_request_count(self):
        """Requests of the client (the company and all its people and sites)."""
        clients = self.commercial_partner_id.filtered("id")
        counts = dict(
            self.env["service.request"]._read_group(
                [("commercial_partner_id", "in", clients.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.service_request_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_service_requests(self):
        self.ensure_one()
        client = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )
        action["domain"] = [("commercial_partner_id", "=", client.id)]
        action["context"] = {
            "default_partner_id": client.id,
            "default_contact_id": self.id if self != client and not self.is_company else False,
        }
        return action

    @api.model
    def _fsm_normalize_phone(self, number, country=None):
        """E.164 form of ``number`` however it was typed ("08-555 123 00",
        "+46 8 555 12300", "0046855512300"), read in ``country`` (default: the
        company's) when it has no international prefix. Odoo's own formatter
        (phone_validation, on phonenumbers) does the reading; this only turns
        its refusal into a ValidationError a form shows next to the field."""
        text = (number or "").strip()
        if not any(char.isdigit() for char in text):
            raise ValidationError(self.env._("%s is not a phone number.", number))
        try:
            return self._phone_format(
                number=text,
                country=country or self.env.company.country_id,
                force_format="E164",
                raise_exception=True,
            )
        except UserError as exc:
            raise ValidationError(
                self.env._(
                    "%(number)s is not a valid phone number (check the digits and the "
                    "country): %(reason)s",
                    number=number,
                    reason=exc.args[0] if exc.args else "",
                )
            ) from exc

    @api.model
    def _fsm_find_by_phone(self, number, country=None):
        """Contacts whose phone is ``number`` (any national or international form)."""
        e164 = self._fsm_normalize_phone(number, country)
        return self.search([("phone_sanitized", "=", e164)])
