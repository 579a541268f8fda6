import phonenumbers

from odoo import api, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _fsm_normalize_phone(self, number, country=None):
        """E.164 form of ``number`` however it was typed ("08-555 123 00",
        "+46 8 555 12300", "0046855512300"), read in ``country`` (default: the
        company's) when it has no international prefix. Raises a
        ValidationError for something that is not a phone number."""
        country = country or self.env.company.country_id
        region = country.code if country else None
        text = (number or "").strip()
        if text.startswith("00"):
            text = "+" + text[2:]
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(self.env._("%s is not a phone number.", number)) from exc
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError(
                self.env._(
                    "%s is not a valid phone number (check the digits and the country).", number
                )
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @api.model
    def _fsm_find_by_phone(self, number, country=None):
        """Contacts whose phone is ``number`` (any national or international form)."""
        e164 = self._fsm_normalize_phone(number, country)
        return self.search([("phone_sanitized", "=", e164)])
