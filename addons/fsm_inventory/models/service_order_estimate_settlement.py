from odoo import api, fields, models
from odoo.tools import float_compare


class ServiceOrder(models.Model):
    """Extra charge estimates on the order, and their prices on its invoice."""

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

    def _prepare_settlement_lines(self):
        """A used part that came from a signed estimate is invoiced at the
        estimate's price and discount, not the pricelist's.

        The parts' lines are built by the base method of this addon, one per
        used part with its ``product_id`` and ``quantity`` (its used
        quantity); they carry no reference to their part, so each estimate
        part takes the first line not taken yet with its product and used
        quantity. Two lines of the same product and quantity are the same to
        the client, so which one takes the estimate's price does not change
        the invoice. The whole used quantity is at the signed price, also
        when the technician used more than was estimated.
        """
        lines = super()._prepare_settlement_lines()
        parts = self.part_ids.filtered(
            lambda p: p.quantity_used > 0 and p.estimate_line_id.estimate_id.state == "signed"
        )
        taken = set()
        for part in parts:
            rounding = part.product_id.uom_id.rounding
            for index, line in enumerate(lines):
                if (
                    index not in taken
                    and line.get("product_id") == part.product_id.id
                    and float_compare(
                        line.get("quantity", 0.0), part.quantity_used, precision_rounding=rounding
                    )
                    == 0
                ):
                    taken.add(index)
                    line["price_unit"] = part.estimate_line_id.price_unit
                    line["discount"] = part.estimate_line_id.discount
                    break
        return lines
