from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class ServiceOrderPortal(CustomerPortal):
    """The client's side of an order: read and download its service report,
    and sign it when it was finished without a signature. Reached through the
    link (with access token) of the report email; the client portal module
    adds the lists and counters of the portal home."""

    @http.route(["/my/service-orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_service_order(
        self, order_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            order_sudo = self._document_check_access("service.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        stored = report_type == "pdf" and order_sudo._fsm_current_report_pdf()
        if stored:
            # the report the client was sent, as long as the order did not change
            # since: no rendering (wkhtmltopdf) on a portal request
            headers = self._get_http_headers(order_sudo, "pdf", stored, download)
            return request.make_response(stored, headers=list(headers.items()))
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=order_sudo,
                report_type=report_type,
                report_ref="fsm_orders.action_report_service_order",
                download=download,
            )
        values = {
            "order": order_sudo,
            "can_sign": order_sudo.state == "done" and not order_sudo.is_signed,
            "message": kw.get("message"),
        }
        return request.render("fsm_orders.portal_service_order_page", values)

    @http.route(
        ["/my/service-orders/<int:order_id>/sign"], type="jsonrpc", auth="public", website=True
    )
    def portal_service_order_sign(
        self, order_id, access_token=None, name=None, signature=None, **kwargs
    ):
        """Sign a finished order's report. Anyone may call it, so every answer
        is a plain ``{"error": …}`` or the redirect: parameters of the wrong
        type are refused before anything is read, and a refused signature
        changes nothing (the model signs all or nothing)."""
        access_token = access_token or request.httprequest.args.get("access_token")
        if not all(isinstance(v, str) for v in (access_token or "", name or "", signature or "")):
            return {"error": request.env._("Send the name, signature and token as text.")}
        try:
            order_sudo = self._document_check_access("service.order", order_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid service order.")}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        if not (name or "").strip():
            return {"error": request.env._("Enter your name to sign.")}
        user = request.env.user
        signer = (
            order_sudo.contact_id or order_sudo.partner_id if user._is_public() else user.partner_id
        )
        try:
            # sudo: the signer is the client (often not logged in), authorised by the token
            order_sudo._fsm_portal_sign(name.strip(), signature, signer=signer)
        except (UserError, ValidationError) as exc:
            return {"error": exc.args[0]}
        return {
            "force_refresh": True,
            "redirect_url": order_sudo.get_portal_url(query_string="&message=sign_ok"),
        }
