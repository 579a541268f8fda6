from odoo import fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    """A client's contracts, and a site's (those that list it or cover all
    of its client's sites), on the contact form."""

    _inherit = "res.partner"

    fsm_contract_count = fields.Integer("Contracts", compute="_compute_fsm_contract_count")

    def _fsm_contracts_domain(self):
        self.ensure_one()
        if self.is_company or not self.parent_id:
            return Domain("commercial_partner_id", "=", self.commercial_partner_id.id)
        return Domain("commercial_partner_id", "=", self.commercial_partner_id.id) & (
            Domain("location_ids", "in", self.ids)
            | (Domain("equipment_ids", "=", False) & Domain("location_ids", "=", False))
        )

    def _compute_fsm_contract_count(self):
        Contract = self.env["service.contract"]
        if not Contract.has_access("read"):
            self.fsm_contract_count = 0
            return
        for partner in self:
            partner.fsm_contract_count = (
                Contract.search_count(partner._fsm_contracts_domain()) if partner.id else 0
            )

    def action_fsm_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_contracts.service_contract_action"
        )
        action["domain"] = list(self._fsm_contracts_domain())
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        if self.parent_id and not self.is_company:
            action["context"]["default_location_ids"] = self.ids
        return action
