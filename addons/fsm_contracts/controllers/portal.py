from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.fsm_client_portal.controllers.portal import FsmClientPortal


class FsmContractsPortal(FsmClientPortal):
    """The client's contracts in the portal: what each covers (machines,
    sites, services, response times), when it ends, its price, and the
    renewal offer waiting for them. Read as the user first (the record rule
    gives them their own client's confirmed contracts), rendered with
    ``sudo`` after that check."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fsm_contract_count" in counters:
            values["fsm_contract_count"] = self._fsm_portal_count(
                "service.contract", [("state", "=", "running")]
            )
        return values

    @http.route(
        ["/my/contracts", "/my/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_contracts(self, page=1, sortby=None, filterby=None, **kw):
        env = request.env
        values = self._fsm_portal_list(
            "service.contract",
            "/my/contracts",
            page,
            sortby,
            filterby,
            {
                "end": {"label": env._("End"), "order": "date_end desc, id desc"},
                "name": {"label": env._("Number"), "order": "name desc"},
            },
            {
                "running": {"label": env._("Running"), "domain": [("state", "=", "running")]},
                "all": {"label": env._("All"), "domain": []},
            },
        )
        values["page_name"] = "fsm_contracts"
        return request.render("fsm_contracts.portal_my_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="user", website=True)
    def portal_my_contract(self, contract_id, **kw):
        contract = request.env["service.contract"].browse(contract_id)
        try:
            contract.check_access("read")
            contract_sudo = contract.sudo().exists()
        except (AccessError, MissingError):
            contract_sudo = None
        if not contract_sudo:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "contract": contract_sudo,
                "machines": contract_sudo._fsm_covered_machines().filtered("active"),
                "offers": contract_sudo._portal_renewal_offers(),
                "page_name": "fsm_contract",
            }
        )
        return request.render("fsm_contracts.portal_my_contract", values)
