import json
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.fsm_orders.controllers.portal import ServiceOrderPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.service_request import PORTAL_MAX_FILES


class FsmClientPortal(ServiceOrderPortal):
    """The client's portal: their requests (filed through the guided form),
    their service orders with the report and the rating, their machines.

    Every record is read as the logged-in user first (the record rules give
    a portal user their own client's records only) or through its access
    token, and rendered with ``sudo`` after that check, as Odoo's portal does;
    what a portal user may read by RPC is narrowed by
    ``fsm.portal.field.access``. Lists are filtered on the user's commercial
    partner as well, so that an employee who opens ``/my`` sees their own
    company's records and not the whole desk."""

    # ------------------------------------------------------------------
    # home
    # ------------------------------------------------------------------
    def _fsm_client_domain(self):
        return [("commercial_partner_id", "=", request.env.user.commercial_partner_id.id)]

    def _fsm_portal_count(self, model, domain=()):
        Model = request.env[model]
        if not Model.has_access("read"):
            return 0
        return Model.search_count(self._fsm_client_domain() + list(domain))

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Request = request.env["service.request"]
        Order = request.env["service.order"]
        if "fsm_request_count" in counters:
            values["fsm_request_count"] = self._fsm_portal_count(
                "service.request", Request._portal_list_domain("open")
            )
        if "fsm_order_count" in counters:
            values["fsm_order_count"] = self._fsm_portal_count(
                "service.order", Order._portal_list_domain("open")
            )
        if "fsm_equipment_count" in counters:
            values["fsm_equipment_count"] = self._fsm_portal_count("service.equipment")
        return values

    # ------------------------------------------------------------------
    # lists
    # ------------------------------------------------------------------
    def _fsm_portal_list(self, model, url, page, sortby, filterby, sortings, filters):
        """One page of a client's list with the portal's search bar."""
        Model = request.env[model]
        sortby = sortby if sortby in sortings else next(iter(sortings))
        filterby = filterby if filterby in filters else next(iter(filters))
        domain = self._fsm_client_domain() + filters[filterby]["domain"]
        total = Model.search_count(domain) if Model.has_access("read") else 0
        pager = portal_pager(
            url=url,
            total=total,
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby, "filterby": filterby},
        )
        records = (
            Model.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if total
            else Model
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records.sudo(),
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return values

    @http.route(
        ["/my/service-requests", "/my/service-requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_service_requests(self, page=1, sortby=None, filterby=None, **kw):
        env = request.env
        Request = env["service.request"]
        values = self._fsm_portal_list(
            "service.request",
            "/my/service-requests",
            page,
            sortby,
            filterby,
            {
                "date": {"label": env._("Newest"), "order": "date_registered desc, id desc"},
                "name": {"label": env._("Number"), "order": "name desc"},
                "state": {"label": env._("Status"), "order": "state, date_registered desc"},
            },
            {
                "open": {"label": env._("Open"), "domain": Request._portal_list_domain("open")},
                "closed": {
                    "label": env._("Closed"),
                    "domain": Request._portal_list_domain("closed"),
                },
                "all": {"label": env._("All"), "domain": Request._portal_list_domain("all")},
            },
        )
        values["page_name"] = "fsm_requests"
        return request.render("fsm_client_portal.portal_my_service_requests", values)

    @http.route(
        ["/my/service-orders", "/my/service-orders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_service_orders(self, page=1, sortby=None, filterby=None, **kw):
        env = request.env
        Order = env["service.order"]
        values = self._fsm_portal_list(
            "service.order",
            "/my/service-orders",
            page,
            sortby,
            filterby,
            {
                "date": {"label": env._("Planned date"), "order": "scheduled_start desc, id desc"},
                "name": {"label": env._("Reference"), "order": "name desc"},
            },
            {
                "open": {"label": env._("To come"), "domain": Order._portal_list_domain("open")},
                "done": {"label": env._("Done"), "domain": Order._portal_list_domain("done")},
                "all": {"label": env._("All"), "domain": Order._portal_list_domain("all")},
            },
        )
        values["page_name"] = "fsm_orders"
        return request.render("fsm_client_portal.portal_my_service_orders", values)

    @http.route(
        ["/my/equipment", "/my/equipment/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_equipment(self, page=1, sortby=None, filterby=None, **kw):
        env = request.env
        values = self._fsm_portal_list(
            "service.equipment",
            "/my/equipment",
            page,
            sortby,
            filterby,
            {
                "site": {"label": env._("Site"), "order": "location_id, name"},
                "name": {"label": env._("Name"), "order": "name"},
            },
            {
                "all": {"label": env._("All"), "domain": []},
                "warranty": {
                    "label": env._("Under warranty"),
                    "domain": [("warranty_state", "=", "active")],
                },
            },
        )
        values["page_name"] = "fsm_equipment"
        return request.render("fsm_client_portal.portal_my_equipment", values)

    # ------------------------------------------------------------------
    # a request
    # ------------------------------------------------------------------
    @http.route(["/my/service-requests/<int:request_id>"], type="http", auth="public", website=True)
    def portal_my_service_request(self, request_id, access_token=None, message=None, **kw):
        try:
            request_sudo = self._document_check_access("service.request", request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "service_request": request_sudo,
                "timeline": request_sudo._portal_timeline(request.env.user.partner_id),
                "orders": request_sudo.order_ids.filtered("active"),
                "order_url": self._fsm_order_url(access_token),
                "message": message,
                "page_name": "fsm_request",
            }
        )
        values = self._get_page_view_values(
            request_sudo, access_token, values, "my_service_requests_history", False, **kw
        )
        return request.render("fsm_client_portal.portal_my_service_request", values)

    def _fsm_order_url(self, access_token):
        """How a page links to an order: its portal page for a logged-in
        client, its tokenised link for a visitor who came with a token."""

        def url(order_sudo, report_type=None, download=False):
            if access_token:
                return order_sudo.get_portal_url(report_type=report_type, download=download)
            args = {"report_type": report_type, "download": "true" if download else None}
            query = urlencode({key: value for key, value in args.items() if value})
            return order_sudo.access_url + (f"?{query}" if query else "")

        return url

    # ------------------------------------------------------------------
    # the guided form
    # ------------------------------------------------------------------
    @http.route(
        ["/my/service-requests/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_new_service_request(self, **post):
        """The form (GET, pre-filled from ``equipment_id`` or ``location_id``)
        and its sending (POST, CSRF-checked by Odoo): a refused value shows
        the form again with the message by the field and everything typed
        kept; the files are to choose again (a browser does not keep them)."""
        Request = request.env["service.request"]
        if request.httprequest.method == "POST":
            files = request.httprequest.files.getlist("attachments")
            proof = request.httprequest.files.get("proof")
            service_request, errors = Request._fsm_portal_create(post, files, proof)
            if not errors:
                return request.redirect(f"{service_request.access_url}?message=registered")
            return self._fsm_render_request_form(post, errors)
        return self._fsm_render_request_form(
            {key: post[key] for key in ("equipment_id", "location_id", "type_id") if key in post},
            {},
        )

    def _fsm_render_request_form(self, form, errors):
        Request = request.env["service.request"]
        options = Request._fsm_portal_options()
        machine = options["machines"].filtered(
            lambda m: str(m.id) == str(form.get("equipment_id") or "")
        )
        if machine and not form.get("location_id"):
            form = dict(form, location_id=str(machine.location_id.id or ""))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "form": form,
                "errors": errors,
                "options": options,
                "max_mb": Request._fsm_max_attachment_mb(),
                "max_files": PORTAL_MAX_FILES,
                "page_name": "fsm_request_new",
            }
        )
        return request.render(
            "fsm_client_portal.portal_new_service_request", values, status=400 if errors else 200
        )

    # ------------------------------------------------------------------
    # an order: timeline, report, signature, rating, messages
    # ------------------------------------------------------------------
    @http.route(["/my/service-orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_service_order(
        self, order_id, access_token=None, report_type=None, download=False, **kw
    ):
        """The order's page in the portal's layout; the report as fsm_orders serves it."""
        if report_type in ("html", "pdf", "text"):
            return super().portal_service_order(
                order_id, access_token=access_token, report_type=report_type, download=download
            )
        try:
            order_sudo = self._document_check_access("service.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._fsm_render_order(order_sudo, access_token, **kw)

    def _fsm_render_order(self, order_sudo, access_token, error=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "order": order_sudo,
                "timeline": order_sudo._portal_timeline(request.env.user.partner_id),
                "can_sign": order_sudo.state == "done" and not order_sudo.is_signed,
                # the logged-in client signs in their own name
                "signer_name": not request.env.user._is_public() and request.env.user.name,
                "can_rate": order_sudo._fsm_portal_can_rate(),
                "rating": order_sudo.rating_ids.filtered("consumed")[:1],
                "order_url": self._fsm_order_url(access_token),
                "message": kw.get("message"),
                "error": error,
                "page_name": "fsm_order",
            }
        )
        values = self._get_page_view_values(
            order_sudo, access_token, values, "my_service_orders_history", False, **kw
        )
        return request.render(
            "fsm_client_portal.portal_my_service_order", values, status=400 if error else 200
        )

    @http.route(
        ["/my/service-orders/<int:order_id>/rate"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_service_order_rate(self, order_id, access_token=None, rate=None, feedback=None):
        """The client's rating of a finished visit (the form's POST, CSRF-checked)."""
        try:
            order_sudo = self._document_check_access("service.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        partner = order_sudo._rating_get_partner() if user._is_public() else user.partner_id
        try:
            # sudo: the rating is stored by rating.mixin's own sudo'ed flow once
            # the client's access to the order is checked above
            order_sudo._fsm_portal_rate(rate, feedback=feedback, partner=partner)
        except UserError as exc:
            return self._fsm_render_order(order_sudo, access_token, error=exc.args[0])
        return request.redirect(
            order_sudo.get_portal_url(query_string="&message=rated")
            if access_token
            else f"{order_sudo.access_url}?message=rated"
        )

    # ------------------------------------------------------------------
    # a machine
    # ------------------------------------------------------------------
    @http.route(["/my/equipment/<int:equipment_id>"], type="http", auth="user", website=True)
    def portal_my_equipment_page(self, equipment_id, **kw):
        equipment = request.env["service.equipment"].browse(equipment_id)
        try:
            equipment.check_access("read")
            equipment_sudo = equipment.sudo().exists()
        except (AccessError, MissingError):
            equipment_sudo = None
        if not equipment_sudo:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "equipment": equipment_sudo,
                "orders": equipment_sudo._portal_orders(),
                "order_url": self._fsm_order_url(None),
                "page_name": "fsm_equipment_page",
            }
        )
        return request.render("fsm_client_portal.portal_my_equipment_page", values)

    # ------------------------------------------------------------------
    # the home-screen app
    # ------------------------------------------------------------------
    @http.route(
        ["/fsm_client_portal/manifest.webmanifest"],
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def portal_web_manifest(self):
        """The web manifest that lets a phone install the portal as an app:
        the company's name and colour, the portal home as the start page."""
        company = request.env.company.sudo()
        manifest = {
            "name": request.env._("%s service", company.name),
            "short_name": company.name[:12],
            "start_url": "/my",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": company.primary_color or "#714B67",
            "icons": [
                {
                    "src": f"/fsm_client_portal/static/src/img/app-icon-{size}.png",
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ],
        }
        return request.make_response(
            json.dumps(manifest),
            headers=[
                ("Content-Type", "application/manifest+json"),
                ("Cache-Control", "public, max-age=3600"),
            ],
        )
