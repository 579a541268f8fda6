"""JSON endpoints for a call-center system (telephony / CTI).

Every endpoint declares its body once, as data (``INCOMING_SCHEMA``,
``REQUEST_SCHEMA``: field name → JSON types, longest length, required or not,
allowed values), and ``validate_payload`` checks a body against it before any
model code runs. The controller does access and parsing only; the work is done
by ``service.request.call._fsm_register_incoming`` and ``_fsm_register_request``.

Every answer of this module is JSON; an error is ``{"error": "..."}`` with status

* 400: the body is not a JSON object (malformed, nested too deeply, no
  Content-Length, or larger than ``MAX_BODY_BYTES``);
* 401: the API key is missing or wrong (Odoo's ``auth='bearer'`` refuses it before
  any code here runs; ``ir.http._handle_error`` turns its answer into JSON);
* 403: the key's user is not on the service desk;
* 404: ``/request`` for a call never reported to ``/incoming``;
* 405: any method but POST (checked here, not by the route's ``methods``, whose
  refusal Odoo answers as a page before any module can shape it);
* 409: a conflict with what is recorded (a call id reported from another number,
  a second request with another title for the same call);
* 422: valid JSON, invalid values (a wrong type, too long, blank, unknown priority,
  not a phone number, not an http(s) address);
* 500: a fault of ours, logged by Odoo; the answer says no more than that.

An error message never echoes a long input back: it quotes at most its start.
"""

import json
from dataclasses import dataclass

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools.translate import LazyTranslate

from ..models.res_partner import PHONE_MAX_LENGTH, quote_prefix
from ..models.service_request_call import CALL_REF_MAX_LENGTH, RECORDING_URL_MAX_LENGTH

# Far more than any valid body (the longest, a request with a 20,000-character
# description escaped as \uXXXX, is about 120 kB), small enough to parse at once.
MAX_BODY_BYTES = 2 * 1024 * 1024

_lt = LazyTranslate(__name__)

CALL_CENTER_PREFIX = "/fsm/call-center/"


# What a value of the wrong type is called in an error message, and what was expected.
JSON_TYPE_NAMES = {
    str: _lt("a string"),
    int: _lt("an integer"),
    float: _lt("a decimal number"),
    bool: _lt("true or false"),
    list: _lt("an array"),
    dict: _lt("an object"),
}
EXPECTED_TYPES = {
    (str,): _lt("a string"),
    (str, int): _lt("a string or an integer"),
}


@dataclass(frozen=True)
class BodyField:
    """One field of an endpoint's body: its JSON types (str, int), its longest
    length once read as text, whether it is required, and its allowed values
    (then the only texts accepted). Strings are stripped; an integer is read as
    its decimal text."""

    types: tuple
    max_length: int = 0
    required: bool = False
    choices: tuple = ()


INCOMING_SCHEMA = {
    "number": BodyField((str,), PHONE_MAX_LENGTH, required=True),
    "call_id": BodyField((str, int), CALL_REF_MAX_LENGTH, required=True),
    "recording_url": BodyField((str,), RECORDING_URL_MAX_LENGTH),
}

REQUEST_SCHEMA = {
    "call_id": BodyField((str, int), CALL_REF_MAX_LENGTH, required=True),
    "title": BodyField((str,), 200, required=True),
    "description": BodyField((str,), 20000),
    "priority": BodyField((str, int), choices=("0", "1", "2", "3")),
}


class PayloadError(Exception):
    """A body refused before any model code runs: the message and the status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def read_json_object(env, httprequest):
    """The body of ``httprequest`` as a dict, or PayloadError (400)."""
    length = httprequest.content_length
    if length is None:
        raise PayloadError(env._("Send the JSON body with a Content-Length header."), 400)
    if length > MAX_BODY_BYTES:
        raise PayloadError(env._("The body is too large: at most %s bytes.", MAX_BODY_BYTES), 400)
    try:
        # bounded by the Content-Length checked above; cached for Odoo's retries
        data = json.loads(httprequest.get_data() or b"{}")
    except RecursionError as exc:
        raise PayloadError(env._("The JSON body is nested too deeply."), 400) from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        raise PayloadError(env._("The body is not valid JSON."), 400) from exc
    if not isinstance(data, dict):
        raise PayloadError(env._("The body must be a JSON object."), 400)
    return data


def validate_payload(env, data, schema):
    """The values of ``data`` declared in ``schema``, checked and read as text
    (absent, null or blank optional fields as None), or PayloadError (422).
    Fields not in the schema are ignored."""
    values = {}
    for name, spec in schema.items():
        value = data.get(name)
        if value is None:
            if spec.required:
                raise PayloadError(env._("'%s' is required.", name), 422)
            values[name] = None
            continue
        # bool is an int in Python, never in JSON
        if isinstance(value, bool) or not isinstance(value, spec.types):
            raise PayloadError(
                env._(
                    "'%(field)s' must be %(expected)s, not %(given)s.",
                    field=name,
                    expected=str(EXPECTED_TYPES[spec.types]),
                    given=str(JSON_TYPE_NAMES[type(value)]),
                ),
                422,
            )
        text = str(value).strip()
        # PostgreSQL stores neither NUL nor lone surrogates (from "\ud800" escapes),
        # and an error message may quote the text: check it first
        if "\x00" in text or not _is_utf8(text):
            raise PayloadError(env._("'%s' is not valid text.", name), 422)
        if spec.choices:
            if text not in spec.choices:
                raise PayloadError(
                    env._(
                        "'%(field)s' must be one of %(choices)s.",
                        field=name,
                        choices=", ".join(spec.choices),
                    ),
                    422,
                )
        elif len(text) > spec.max_length:
            raise PayloadError(
                env._(
                    "'%(field)s' is too long (%(start)s): at most %(max)s characters.",
                    field=name,
                    start=quote_prefix(text),
                    max=spec.max_length,
                ),
                422,
            )
        if not text and spec.required:
            raise PayloadError(env._("'%s' must not be blank.", name), 422)
        values[name] = text or None
    return values


def _is_utf8(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CallCenterController(http.Controller):
    """JSON endpoints for a call-center system, authenticated with an Odoo API key
    of a service-desk user (``Authorization: Bearer``); see the module docstring
    for the schemas and status codes.

    * ``POST /fsm/call-center/incoming`` ``{"number", "call_id", "recording_url"?}``
      records the call and answers the caller's client card; the same call
      reported again answers the card again (200), from another number 409;
    * ``POST /fsm/call-center/request`` ``{"call_id", "title", "description"?,
      "priority"?}`` registers a request from that call and answers ``{"id",
      "number", "deadline", "created"}``; for a call that has its request, that
      request again with ``"created": false`` (or 409 if the title differs).
    """

    def _error(self, message, status):
        return request.make_json_response({"error": message}, status=status)

    def _parse(self, schema):
        """(values, None), or (None, the error response) for a refused key or body."""
        env = request.env
        if request.httprequest.method != "POST":
            response = self._error(env._("Send this call as POST."), 405)
            response.headers["Allow"] = "POST"
            return None, response
        # Only the service desk answers calls: another user's key learns nothing.
        if not env["service.order"]._is_coordinator():
            return None, self._error(
                env._("This API key does not belong to the service desk."), 403
            )
        try:
            data = read_json_object(env, request.httprequest)
            return validate_payload(env, data, schema), None
        except PayloadError as exc:
            return None, self._error(exc.message, exc.status)

    def _call(self, method, *args):
        """(result, None), or (None, the error response) when the model refuses.
        Runs in a savepoint, so that a refusal leaves nothing half-written."""
        try:
            with request.env.cr.savepoint():
                return method(*args), None
        except AccessError as exc:
            return None, self._error(exc.args[0], 403)
        except MissingError as exc:
            return None, self._error(exc.args[0], 404)
        except ValidationError as exc:
            return None, self._error(exc.args[0], 422)
        except UserError as exc:
            return None, self._error(exc.args[0], 409)

    @http.route("/fsm/call-center/incoming", type="http", auth="bearer", csrf=False)
    def incoming_call(self):
        values, error = self._parse(INCOMING_SCHEMA)
        if error:
            return error
        card, error = self._call(
            request.env["service.request.call"]._fsm_register_incoming,
            values["number"],
            values["call_id"],
            values["recording_url"],
        )
        return error or request.make_json_response(card)

    @http.route("/fsm/call-center/request", type="http", auth="bearer", csrf=False)
    def register_request(self):
        values, error = self._parse(REQUEST_SCHEMA)
        if error:
            return error
        result, error = self._call(
            request.env["service.request.call"]._fsm_register_request,
            {
                "call_ref": values["call_id"],
                "title": values["title"],
                "description": values["description"],
                "priority": values["priority"],
            },
        )
        if error:
            return error
        service_request, created = result
        return request.make_json_response(
            {
                "id": service_request.id,
                "number": service_request.name,
                "deadline": fields.Datetime.to_string(service_request.deadline) or None,
                "created": created,
            }
        )
