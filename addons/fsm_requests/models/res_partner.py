from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

# Longest phone number read (an extension included: "+46 8 555 123 00 ext. 1234" is 26):
# anything longer is not a number, and refusing it before parsing keeps error messages short.
PHONE_MAX_LENGTH = 40
# How much of a refused input an error message quotes.
QUOTE_MAX_LENGTH = 20


def quote_prefix(text, size=QUOTE_MAX_LENGTH):
    """The start of ``text`` for an error message: never echo a long input back."""
    text = str(text)
    return text if len(text) <= size else text[:size] + "…"


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
        its refusal into a ValidationError a form shows next to the field.

        Only text is a number: anything else (a JSON number or list from the call
        center), or text longer than ``PHONE_MAX_LENGTH``, is refused with a
        ValidationError that quotes at most the start of what was given."""
        if not isinstance(number, str):
            raise ValidationError(self.env._("A phone number is text, such as +46 8 555 123 00."))
        text = number.strip()
        if len(text) > PHONE_MAX_LENGTH:
            raise ValidationError(
                self.env._(
                    "%(number)s is not a phone number: a phone number has at most %(max)s "
                    "characters.",
                    number=quote_prefix(text),
                    max=PHONE_MAX_LENGTH,
                )
            )
        if not any(char.isdigit() for char in text):
            raise ValidationError(self.env._("%s is not a phone number.", quote_prefix(text)))
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
                    number=text,
                    reason=exc.args[0] if exc.args else "",
                )
            ) from exc

    @api.model
    def _fsm_caller_domain(self):
        """Who a caller can be: clients and their contacts only.

        The firm's own people are never a client, even when their number is the
        one calling (a technician phoning the desk from the road): the partners
        of internal users (``share=False``; portal users are clients' contacts
        and stay matchable), the work contacts of employees, and the companies'
        own partners with every contact under them. Archived users and employees
        count too: a former colleague is still not a client.

        The sets are read as sub-queries in sudo: employees are HR-only records,
        and which partners are colleagues is no secret from the desk (it only
        ever narrows a search the user already makes)."""

        def colleagues(model, field, domain):
            Model = self.env[model].sudo().with_context(active_test=False)
            query = Model._search(domain)
            return query.subselect(Model._field_to_sql(query.table, field, query))

        return (
            Domain("id", "not in", colleagues("res.users", "partner_id", [("share", "=", False)]))
            & Domain(
                "id",
                "not in",
                colleagues("hr.employee", "work_contact_id", [("work_contact_id", "!=", False)]),
            )
            & Domain("commercial_partner_id", "not in", colleagues("res.company", "partner_id", []))
        )

    @api.model
    def _fsm_find_by_phone(self, number, country=None):
        """Clients and clients' contacts whose phone is ``number`` (any national or
        international form); never the firm's own people (``_fsm_caller_domain``).
        Used by the desk's caller-number field and by the call center's card."""
        e164 = self._fsm_normalize_phone(number, country)
        return self.search(Domain("phone_sanitized", "=", e164) & self._fsm_caller_domain())
