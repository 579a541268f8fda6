from odoo import api, fields, models


class ServiceRequest(models.Model):
    """A request finds the contracts of its machine or site on the day it is
    registered: the desk sees the cover at once, and the deadline is the
    contract's response time when it has one for the priority (the shortest
    of the contracts': the best the client paid for)."""

    _inherit = "service.request"

    contract_ids = fields.Many2many(
        "service.contract",
        "service_request_contract_rel",
        "request_id",
        "contract_id",
        string="Contracts",
        compute="_compute_contract_ids",
        store=True,
        help="The contracts that cover the machine or site on the day of the request.",
    )
    contract_cover_summary = fields.Char("Cover", compute="_compute_contract_cover_summary")

    @api.depends("partner_id", "equipment_id", "location_id", "date_registered", "company_id")
    def _compute_contract_ids(self):
        Contract = self.env["service.contract"]
        for request in self:
            day = fields.Date.context_today(
                request, request.date_registered or fields.Datetime.now()
            )
            request.contract_ids = Contract._fsm_find_covering(
                request.partner_id,
                request.equipment_id,
                request.location_id,
                day,
                company=request.company_id,
            )

    @api.model
    def _fsm_refresh_contracts(self, contracts):
        """Open requests of these contracts' clients find their contracts
        again; their deadline follows (unless set by hand)."""
        if not contracts:
            return
        requests = self.sudo().search(
            [
                ("commercial_partner_id", "in", contracts.commercial_partner_id.ids),
                ("state", "not in", ("closed", "cancelled")),
            ]
        )
        self.env.add_to_compute(self._fields["contract_ids"], requests)
        requests._recompute_recordset(["contract_ids"])
        # the deadline follows the contracts' response time
        requests.modified(["contract_ids"])

    @api.depends("contract_ids.cover_summary")
    def _compute_contract_cover_summary(self):
        for request in self:
            request.contract_cover_summary = "; ".join(
                f"{contract.name}: {contract.cover_summary}" for contract in request.contract_ids
            )

    @api.depends("contract_ids")
    def _compute_deadline(self):
        return super()._compute_deadline()

    def _get_sla_hours(self):
        hours = [
            h for contract in self.contract_ids if (h := contract._fsm_sla_hours(self.priority)) > 0
        ]
        return min(hours) if hours else super()._get_sla_hours()
