from urllib.parse import urlsplit

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, plaintext2html

from .res_partner import quote_prefix

# Bounds of what a call center may store: the call center's own id for a call, and
# the address of its recording (a btree index row must stay far below 2.7 kB).
CALL_REF_MAX_LENGTH = 64
RECORDING_URL_MAX_LENGTH = 2048


class ServiceRequestCall(models.Model):
    """An incoming call reported by the call center, kept with its request.

    A call is known by the call center's own id (``call_ref``), once per company
    (``UNIQUE(call_ref, company_id)``). Reporting the same call again never makes
    a second record, and a call makes at most one request: see
    ``_fsm_register_incoming`` and ``_fsm_register_request``, the two methods the
    call-center endpoints call."""

    _name = "service.request.call"
    _description = "Call Center Call"
    _order = "date desc, id desc"

    call_ref = fields.Char("Call id", required=True, index=True)
    number = fields.Char("Caller's number", required=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    recording_url = fields.Char("Recording")
    partner_id = fields.Many2one("res.partner", "Caller", index="btree_not_null")
    request_id = fields.Many2one(
        "service.request", "Request", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _call_ref_unique = models.Constraint(
        "UNIQUE(call_ref, company_id)", "This call was already reported."
    )

    @api.constrains("call_ref")
    def _check_call_ref(self):
        for call in self:
            self._fsm_check_call_ref(call.call_ref)

    @api.constrains("recording_url")
    def _check_recording_url(self):
        """Only web addresses are links: the desk opens the recording from the
        request's form, where a ``javascript:`` or ``file:`` address has no place."""
        for call in self.filtered("recording_url"):
            url = call.recording_url
            parts = urlsplit(url)
            if (
                len(url) > RECORDING_URL_MAX_LENGTH
                or parts.scheme not in ("http", "https")
                or not parts.netloc
                or any(char.isspace() for char in url)
            ):
                raise ValidationError(
                    self.env._(
                        "%(url)s is not the address of a recording: give an http or https "
                        "address of at most %(max)s characters.",
                        url=quote_prefix(url),
                        max=RECORDING_URL_MAX_LENGTH,
                    )
                )

    @api.model
    def _fsm_check_call_ref(self, call_ref):
        if not isinstance(call_ref, str) or not call_ref.strip():
            raise ValidationError(self.env._("A call id is a non-blank text."))
        if len(call_ref) > CALL_REF_MAX_LENGTH:
            raise ValidationError(
                self.env._(
                    "Call id %(call)s is too long: a call id has at most %(max)s characters.",
                    call=quote_prefix(call_ref),
                    max=CALL_REF_MAX_LENGTH,
                )
            )

    @api.model
    def _fsm_find_call(self, call_ref):
        """The call ``call_ref`` of the current company, or an empty recordset."""
        self._fsm_check_call_ref(call_ref)
        return self.search(
            Domain("call_ref", "=", call_ref) & Domain("company_id", "=", self.env.company.id),
            limit=1,
        )

    # ------------------------------------------------------------------
    # call center
    # ------------------------------------------------------------------
    @api.model
    def _fsm_register_incoming(self, number, call_ref, recording_url=None):
        """Record the call ``call_ref`` from ``number`` and return the caller's
        client card (``service.request._call_center_card``).

        Idempotent on ``call_ref``: the same call reported again from the same
        number returns the card again and records nothing; from another number
        it is a UserError (the call center reused an id: the endpoint's 409).
        A bad number, call id or recording address is a ValidationError (422).

        Two reports of a new call at the same moment both find no call; the
        ``UNIQUE(call_ref, company_id)`` constraint lets the first insert win and
        the other raises ConcurrencyError, on which Odoo retries the whole HTTP
        request (``odoo.service.model.retrying``), which then finds the call."""
        number = self.env["res.partner"]._fsm_normalize_phone(number)
        call = self._fsm_find_call(call_ref)
        Request = self.env["service.request"]
        if call:
            if call.number != number:
                raise UserError(
                    self.env._(
                        "Call %(call)s was already reported from another number: "
                        "give each call its own id.",
                        call=quote_prefix(call_ref),
                    )
                )
            return Request._call_center_card(call.number)
        card = Request._call_center_card(number)
        caller = card["contact"] or card["client"] or {}
        try:
            with self.env.cr.savepoint():
                self.create(
                    {
                        "call_ref": call_ref,
                        "number": number,
                        "recording_url": recording_url or False,
                        "partner_id": caller.get("id"),
                    }
                )
        except errors.UniqueViolation as exc:
            raise ConcurrencyError(f"call {quote_prefix(call_ref)} reported twice at once") from exc
        return card

    @api.model
    def _fsm_register_request(self, values):
        """Register the request of a call reported by ``_fsm_register_incoming``.

        ``values``: ``call_ref`` and ``title`` (text), ``description`` (plain text,
        stored escaped in the request's HTML description) and ``priority``
        ('0' to '3'), both optional. Returns ``(request, created)``.

        A call has one request: when it already has one, that request is returned
        (``created`` False) and nothing is created or sent, unless the title
        differs, a UserError naming the existing request (the endpoint's 409). An
        unknown call is a MissingError (404), bad values a ValidationError (422).

        The call's row is locked (``SELECT … FOR UPDATE``) before its request is
        read: a second registration at the same moment waits for the first to
        commit, then fails to serialize and is retried by Odoo
        (``odoo.service.model.retrying``), and the retry finds the request."""
        call = self._fsm_find_call(values.get("call_ref"))
        if not call:
            raise MissingError(
                self.env._(
                    "Unknown call %(call)s: report it to /fsm/call-center/incoming first.",
                    call=quote_prefix(values.get("call_ref")),
                )
            )
        title = values.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(self.env._("A request needs a title."))
        title = title.strip()
        call._fsm_lock()
        if existing := call.request_id:
            if (existing.title or "").strip() != title:
                raise UserError(
                    self.env._(
                        "This call already has request %(request)s, titled differently: "
                        "update %(request)s instead.",
                        request=existing.name,
                    )
                )
            return existing, False
        request = self.env["service.request"].create(call._fsm_prepare_request_vals(values))
        call.request_id = request
        return request, True

    def _fsm_lock(self):
        """Lock the calls' rows until the transaction ends, waiting for whoever
        holds them (unlike ``lock_for_update``, which gives up at once)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["request_id"])

    def _fsm_prepare_request_vals(self, values):
        self.ensure_one()
        description = values.get("description")
        priority = values.get("priority")
        if description is not None and not isinstance(description, str):
            raise ValidationError(self.env._("A request's description is text."))
        if priority is not None and priority not in ("0", "1", "2", "3"):
            raise ValidationError(self.env._("A priority is 0 (low) to 3 (urgent)."))
        caller = self.partner_id
        vals = {
            "title": values["title"].strip(),
            # plain text from the call center, shown as such: escaped, never read as HTML
            "description": plaintext2html(description) if description else False,
            "channel": "call_center",
            "caller_phone": self.number,
            "partner_id": caller.commercial_partner_id.id,
            "contact_id": caller.id if caller and not caller.is_company else False,
        }
        if priority is not None:
            vals["priority"] = priority
        return vals
