from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError


class ServiceOrderPart(models.Model):
    """The phone catalogue and the van's replenishment, on the part lines.

    * everybody picks a line's product from the phone catalogue (products
      marked *On the phone*): coordinators who need another product mark it
      on the phone first. A technician's line with a product off the phone
      catalogue is refused on the server too;
    * using a part from a van runs that van's automatic minimum levels for
      the product at once, so the warehouse's transfer to the van appears
      without waiting for the scheduler."""

    _inherit = "service.order.part"

    product_id = fields.Many2one(
        domain="[('type', 'in', ('consu', 'service')), ('sale_ok', '=', True), "
        "('fsm_phone_ok', '=', True), ('company_id', 'in', [company_id, False])]",
    )

    @api.constrains("product_id")
    def _check_fsm_phone_catalogue(self):
        # the user, not the environment's sudo: the order writes a technician's
        # lines as the superuser after its own checks
        # lines a technician picks; an accepted offer's lines (signed by the
        # client on the portal) are the coordinator's choice
        user = self.env.user
        if (
            user.id == SUPERUSER_ID
            or not user.has_group("fsm_orders.group_fsm_technician")
            or user.has_group("fsm_orders.group_fsm_coordinator")
        ):
            return
        for part in self.filtered(lambda p: p.source == "catalogue" and p.product_id):
            if not part.product_id.fsm_phone_ok:
                raise ValidationError(
                    self.env._(
                        "%(part)s is not in the phone catalogue: pick a part marked "
                        '"On the phone", or ask your coordinator to add it.',
                        part=part.product_id.display_name,
                    )
                )

    def _fsm_use(self, quantity):
        res = super()._fsm_use(quantity)
        self._fsm_replenish_van()
        return res

    def _fsm_replenish_van(self):
        """Run the automatic minimum levels of the vans and products of these
        lines. The superuser runs them: technicians are no stock users, and
        the orderpoints are the coordinators' settings, not the user's."""
        vans = self.order_id.technician_id.sudo().van_location_id
        if not vans:
            return
        orderpoints = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            .search(
                [
                    ("location_id", "in", vans.ids),
                    ("product_id", "in", self.product_id.ids),
                    ("trigger", "=", "auto"),
                ]
            )
        )
        for company, company_orderpoints in orderpoints.grouped("company_id").items():
            # as the scheduler does: the stored quantity to order follows the van's stock
            company_orderpoints._compute_qty_to_order_computed()
            company_orderpoints._procure_orderpoint_confirm(company_id=company)
