from odoo import fields, models


class ServiceOrderPart(models.Model):
    """A part that comes from a signed extra charge estimate keeps the line
    it came from: its used quantity is invoiced at that line's price and
    discount."""

    _inherit = "service.order.part"  # pylint: disable=consider-merging-classes-inherited

    estimate_line_id = fields.Many2one(
        "service.order.estimate.line",
        "Estimate line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The line of the signed estimate this part was added from.",
    )
    estimate_id = fields.Many2one(
        related="estimate_line_id.estimate_id", store=True, string="Estimate"
    )

    def _fsm_prepare_settlement_line(self, quantity, pricelist):
        line = super()._fsm_prepare_settlement_line(quantity, pricelist)
        estimate_line = self.estimate_line_id
        if estimate_line.estimate_id.state == "signed":
            # the whole used quantity at the signed price, also beyond the estimate
            line.update(price_unit=estimate_line.price_unit, discount=estimate_line.discount)
        return line
