"""Technicians' positions: the phone's fixes and the fleet system's JSON endpoint.

``POST /fsm/positions`` (a fleet system, with an Odoo API key of a Field
Service coordinator or manager as ``Authorization: Bearer``) takes::

    {"positions": [{"employee_id": 7 | "badge": "0042", "latitude": 59.33,
                    "longitude": 18.06, "recorded_at": "2026-12-07T08:30:00+01:00",
                    "accuracy": 12, "speed": 35.5, "heading": 270}, ...]}

at most ``MAX_POSITIONS`` per call, and answers ``{"stored": n, "refused":
[{"index", "code", "reason"}]}``: a position is refused on its own (out of
range, off duty, in an absence, a duplicate… see
``service.position._fsm_record``) while the others are stored. ``badge`` is
the employee's badge id (``hr.employee.barcode``), looked up in the companies
of the key's user.

Every answer is JSON; an error is ``{"error": "..."}`` with status

* 400: the body is not a JSON object (malformed, NaN or Infinity, no
  Content-Length, larger than ``MAX_BODY_BYTES``);
* 401: the API key is missing or wrong (Odoo's ``auth='bearer'`` refuses it before
  any code here runs; ``ir.http._handle_error`` turns its answer into JSON);
* 403: the key's user is no coordinator, or an employee belongs to a company
  they do not work for;
* 405: any method but POST;
* 422: valid JSON, invalid values (a missing or wrongly typed field, a time
  without its zone, an unknown employee or badge, too many positions).

A 4xx answer stores nothing of the call.

``/fsm/position/phone`` (JSON-RPC, the logged-in technician's browser) takes
``{"fixes": [{"latitude", "longitude", "recorded_at", "accuracy"?, ...}]}``
and stores them for the user's own employee, never another's.
"""

import json
import math
from datetime import UTC, datetime

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

POSITIONS_PATH = "/fsm/positions"
MAX_POSITIONS = 1000
# 1000 positions of ~250 bytes each, with room for whitespace
MAX_BODY_BYTES = 1024 * 1024
BADGE_MAX_LENGTH = 64
NUMBER_FIELDS = ("latitude", "longitude", "accuracy", "speed", "heading")
REQUIRED_FIELDS = ("latitude", "longitude", "recorded_at")


def is_positions_path(path):
    return path == POSITIONS_PATH or path.startswith(POSITIONS_PATH + "/")


class PayloadError(Exception):
    """A body refused before any position is stored: the message and the status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def _refuse_constant(name):
    raise ValueError(name)


def read_json_object(env, httprequest):
    """The body of ``httprequest`` as a dict, or PayloadError (400)."""
    length = httprequest.content_length
    if length is None:
        raise PayloadError(env._("Send the JSON body with a Content-Length header."), 400)
    if length > MAX_BODY_BYTES:
        raise PayloadError(env._("The body is too large: at most %s bytes.", MAX_BODY_BYTES), 400)
    try:
        # NaN and Infinity are not JSON, whatever Python's parser accepts
        data = json.loads(httprequest.get_data() or b"{}", parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise PayloadError(env._("The JSON body is nested too deeply."), 400) from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        raise PayloadError(env._("The body is not valid JSON."), 400) from exc
    if not isinstance(data, dict):
        raise PayloadError(env._("The body must be a JSON object."), 400)
    return data


def parse_moment(env, value, label):
    """An ISO 8601 time with its zone as naive UTC, or PayloadError (422)."""
    if not isinstance(value, str) or len(value) > 40:
        raise PayloadError(
            env._("%s must be an ISO 8601 date and time with its time zone.", label), 422
        )
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PayloadError(
            env._(
                "%(field)s must be an ISO 8601 date and time with its time zone, "
                "such as 2026-12-07T08:30:00+01:00.",
                field=label,
            ),
            422,
        )
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_fix(env, data, index):
    """One fix of a body as ``_fsm_record`` takes it, or PayloadError (422)."""
    where = env._("positions[%s]", index)
    if not isinstance(data, dict):
        raise PayloadError(env._("%s must be an object.", where), 422)
    for name in REQUIRED_FIELDS:
        if data.get(name) is None:
            raise PayloadError(
                env._("%(where)s: '%(field)s' is required.", where=where, field=name), 422
            )
    fix = {}
    for name in NUMBER_FIELDS:
        value = data.get(name)
        if value is None:
            continue
        # bool is an int in Python, never in JSON
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PayloadError(
                env._("%(where)s: '%(field)s' must be a number.", where=where, field=name), 422
            )
        value = float(value)
        if not math.isfinite(value):  # an integer of 400 digits
            raise PayloadError(
                env._("%(where)s: '%(field)s' is out of range.", where=where, field=name), 422
            )
        fix[name] = value
    fix["recorded_at"] = parse_moment(env, data["recorded_at"], f"{where}: 'recorded_at'")
    return fix


class PositionController(http.Controller):
    def _error(self, message, status):
        return request.make_json_response({"error": message}, status=status)

    # ------------------------------------------------------------------
    # the fleet system
    # ------------------------------------------------------------------
    @http.route(POSITIONS_PATH, type="http", auth="bearer", csrf=False)
    def fleet_positions(self):
        """Positions of the firm's vehicles, each for the employee driving it."""
        env = request.env
        # checked here, not by the route's ``methods``, whose refusal Odoo
        # answers as a page before any module can shape it
        if request.httprequest.method != "POST":
            response = self._error(env._("Send the positions as POST."), 405)
            response.headers["Allow"] = "POST"
            return response
        if not env.user.has_group("fsm_orders.group_fsm_coordinator"):
            return self._error(
                env._("This API key does not belong to a Field Service coordinator."), 403
            )
        try:
            items = self._parse_fleet_body(env)
        except PayloadError as exc:
            return self._error(exc.message, exc.status)
        try:
            with env.cr.savepoint():
                result = env["service.position"]._fsm_record_many(items, "fleet")
        except (ValidationError, UserError) as exc:
            return self._error(exc.args[0], 422)
        return request.make_json_response(result)

    def _parse_fleet_body(self, env):
        """[(employee, fix)] of the body, or PayloadError: every position is
        read and every employee found before anything is stored."""
        data = read_json_object(env, request.httprequest)
        positions = data.get("positions")
        if not isinstance(positions, list):
            raise PayloadError(env._("'positions' must be an array of positions."), 422)
        if len(positions) > MAX_POSITIONS:
            raise PayloadError(env._("Send at most %s positions per call.", MAX_POSITIONS), 422)
        fixes, keys = [], []
        for index, entry in enumerate(positions):
            fixes.append(parse_fix(env, entry, index))
            keys.append(self._employee_key(env, entry, index))
        employees = self._find_employees(env, keys)
        return [(employees[key], fix) for key, fix in zip(keys, fixes, strict=True)]

    def _employee_key(self, env, entry, index):
        """("id", n) or ("badge", text) of one position, or PayloadError (422)."""
        employee_id, badge = entry.get("employee_id"), entry.get("badge")
        where = env._("positions[%s]", index)
        if (employee_id is None) == (badge is None):
            raise PayloadError(env._("%s: give either 'employee_id' or 'badge'.", where), 422)
        if employee_id is not None:
            if isinstance(employee_id, bool) or not isinstance(employee_id, int):
                raise PayloadError(env._("%s: 'employee_id' must be an integer.", where), 422)
            return ("id", employee_id)
        if not isinstance(badge, str) or not badge.strip() or len(badge) > BADGE_MAX_LENGTH:
            raise PayloadError(
                env._(
                    "%(where)s: 'badge' must be a badge id of at most %(max)s characters.",
                    where=where,
                    max=BADGE_MAX_LENGTH,
                ),
                422,
            )
        return ("badge", badge.strip())

    def _find_employees(self, env, keys):
        """{key: hr.employee} for every key, or PayloadError (422 unknown,
        403 of a company the key's user does not work for)."""
        # coordinators read employees as public profiles; the endpoint needs
        # the employee record itself, within the user's companies (checked below)
        Employee = env["hr.employee"].sudo()
        company_ids = env.user.company_ids.ids
        ids = {value for kind, value in keys if kind == "id"}
        badges = {value for kind, value in keys if kind == "badge"}
        found = {}
        for employee in Employee.browse(ids).exists():
            found[("id", employee.id)] = employee
        if badges:
            for employee in Employee.search(
                [("barcode", "in", list(badges)), ("company_id", "in", company_ids)]
            ):
                found[("badge", employee.barcode)] = employee
        for index, key in enumerate(keys):
            employee = found.get(key)
            where = env._("positions[%s]", index)
            if not employee:
                if key[0] == "id":
                    message = env._("%(where)s: unknown employee %(id)s.", where=where, id=key[1])
                else:
                    message = env._(
                        "%(where)s: unknown badge %(badge)s.", where=where, badge=key[1]
                    )
                raise PayloadError(message, 422)
            if employee.company_id.id not in company_ids:
                raise PayloadError(
                    env._(
                        "%(where)s: employee %(id)s belongs to a company this API key does "
                        "not work for.",
                        where=where,
                        id=employee.id,
                    ),
                    403,
                )
        return found

    # ------------------------------------------------------------------
    # the technician's phone
    # ------------------------------------------------------------------
    @http.route("/fsm/position/phone", type="jsonrpc", auth="user")
    def phone_positions(self, fixes):
        """Fixes of the logged-in technician's phone, stored for their own
        employee: ``{"stored", "refused", "sharing"}``; ``sharing`` false
        tells the phone to stop (consent withdrawn)."""
        env = request.env
        if not env.user.has_group("fsm_orders.group_fsm_technician"):
            raise AccessError(env._("Only technicians share their position."))
        employee = env.user.employee_id
        if not employee:
            raise UserError(
                env._("Your user has no employee in this company: ask your manager to link one.")
            )
        if not isinstance(fixes, list) or len(fixes) > MAX_POSITIONS:
            raise ValidationError(env._("Send a list of at most %s positions.", MAX_POSITIONS))
        try:
            parsed = [parse_fix(env, fix, index) for index, fix in enumerate(fixes)]
        except PayloadError as exc:
            raise ValidationError(exc.message) from exc
        result = env["service.position"]._fsm_record(employee, parsed, "phone")
        result["sharing"] = bool(employee.sudo().fsm_share_position)
        return result

    @http.route("/fsm/position/share", type="jsonrpc", auth="user")
    def share_position(self, share):
        """The technician's own consent, switched from their phone (the
        systray): whether they share their position now."""
        env = request.env
        if not env.user.has_group("fsm_orders.group_fsm_technician"):
            raise AccessError(env._("Only technicians share their position."))
        if not isinstance(share, bool):
            raise ValidationError(env._("Say true or false."))
        return env["hr.employee"]._fsm_set_share_position(share)
