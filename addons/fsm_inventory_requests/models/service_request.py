from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceRequest(models.Model):
    """*Make an offer* on a request: a quotation for the client, before any
    service order; its offers behind a smart button."""

    _inherit = "service.request"

    fsm_offer_ids = fields.One2many(
        "sale.order", "fsm_request_id", "Offers", groups="fsm_orders.group_fsm_coordinator"
    )
    fsm_offer_count = fields.Integer(
        "Offer count", compute="_compute_fsm_offer_count", groups="fsm_orders.group_fsm_coordinator"
    )

    @api.depends("fsm_offer_ids")
    def _compute_fsm_offer_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("fsm_request_id", "in", self.ids)], ["fsm_request_id"], ["__count"]
            )
        )
        for request in self:
            request.fsm_offer_count = counts.get(request, 0)

    def _prepare_offer_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "partner_shipping_id": (self.location_id or self.partner_id).id,
            "company_id": self.company_id.id,
            "fsm_request_id": self.id,
            "origin": self.name,
            "user_id": self.env.user.id,
        }

    def action_fsm_make_offer(self):
        """A quotation for the request's client, for the coordinator to fill
        with parts and services."""
        self.ensure_one()
        self._check_desk()
        if self.state in ("closed", "cancelled"):
            raise UserError(self.env._("%s is closed: reopen it to make an offer.", self.name))
        if not self.partner_id:
            raise UserError(self.env._("Set the client of %s before making an offer.", self.name))
        offer = self.env["sale.order"].create(self._prepare_offer_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": offer.id,
            "view_mode": "form",
        }

    def action_fsm_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_inventory.action_fsm_offers")
        action["domain"] = [("fsm_request_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
