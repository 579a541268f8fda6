from odoo import fields, models


class ServiceOrderPart(models.Model):
    """A part that comes from a signed extra charge estimate keeps the line
    it came from: its used quantity is invoiced at that line's price and
    discount (see ``service.order._prepare_settlement_lines`` in
    service_order_estimate_settlement.py)."""

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
