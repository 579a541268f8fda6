import json

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request


class CallCenterController(http.Controller):
    """JSON endpoints for a call-center system (telephony / CTI), authenticated
    with an Odoo API key of a service-desk user (``Authorization: Bearer``).

    * ``POST /fsm/call-center/incoming`` ``{"number", "call_id", "recording_url"?}``
      records the call and answers the caller's client card;
    * ``POST /fsm/call-center/request`` ``{"call_id", "title", "description"?,
      "priority"?}`` registers a request from that call.
    """

    def _payload(self):
        try:
            data = json.loads(request.httprequest.get_data() or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _error(self, message, status=400):
        return request.make_json_response({"error": message}, status=status)

    def _refuse_non_desk(self):
        """Only the service desk answers calls: another user's key gets 403."""
        if request.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            return None
        return self._error("This API key does not belong to the service desk.", status=403)

    @http.route(
        "/fsm/call-center/incoming", type="http", auth="bearer", methods=["POST"], csrf=False
    )
    def incoming_call(self):
        if refused := self._refuse_non_desk():
            return refused
        data = self._payload()
        if data is None or not data.get("number") or not data.get("call_id"):
            return self._error("Send JSON with 'number' and 'call_id'.")
        env = request.env
        try:
            card = env["service.request"]._call_center_card(data["number"])
            env["service.request.call"].create(
                {
                    "call_ref": str(data["call_id"]),
                    "number": card["number"],
                    "recording_url": data.get("recording_url"),
                    "partner_id": (card["contact"] or card["client"] or {}).get("id"),
                }
            )
        except ValidationError as exc:
            return self._error(str(exc), status=422)
        except AccessError as exc:
            return self._error(str(exc), status=403)
        return request.make_json_response(card)

    @http.route(
        "/fsm/call-center/request", type="http", auth="bearer", methods=["POST"], csrf=False
    )
    def register_request(self):
        if refused := self._refuse_non_desk():
            return refused
        data = self._payload()
        if data is None or not data.get("call_id") or not data.get("title"):
            return self._error("Send JSON with 'call_id' and 'title'.")
        env = request.env
        call = env["service.request.call"].search(
            [("call_ref", "=", str(data["call_id"]))], limit=1
        )
        if not call:
            return self._error("Unknown call: report it to /fsm/call-center/incoming first.", 404)
        priority = str(data.get("priority", "1"))
        if priority not in ("0", "1", "2", "3"):
            return self._error("'priority' is 0 (low) to 3 (urgent).", 422)
        try:
            partner = call.partner_id
            new = env["service.request"].create(
                {
                    "title": data["title"],
                    "description": data.get("description"),
                    "priority": priority,
                    "channel": "call_center",
                    "caller_phone": call.number,
                    "partner_id": partner.commercial_partner_id.id,
                    "contact_id": partner.id if partner and not partner.is_company else False,
                }
            )
            call.request_id = new
        except (ValidationError, UserError) as exc:
            return self._error(str(exc), status=422)
        except AccessError as exc:
            return self._error(str(exc), status=403)
        return request.make_json_response(
            {"id": new.id, "number": new.name, "deadline": str(new.deadline)}
        )
