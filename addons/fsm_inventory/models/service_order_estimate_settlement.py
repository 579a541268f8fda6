from odoo import api, fields, models


class ServiceOrder(models.Model):
    """Extra charge estimates on the order (their prices reach the invoice
    through the part lines they become, ``service.order.part``)."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    estimate_ids = fields.One2many("service.order.estimate", "order_id", string="Estimates")
    estimate_count = fields.Integer(compute="_compute_estimate_count")

    @api.depends("estimate_ids")
    def _compute_estimate_count(self):
        for order in self:
            order.estimate_count = len(order.estimate_ids)

    def action_fsm_view_estimates(self):
        """The order's estimates, and a new one made for it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_inventory.service_order_estimate_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    def action_fsm_new_estimate(self):
        """*Extra charge estimate* on the phone: a new draft estimate for this
        order, in the phone-sized form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Extra charge estimate"),
            "res_model": "service.order.estimate",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_order_id": self.id},
        }
