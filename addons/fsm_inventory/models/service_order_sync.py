from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class ServiceOrder(models.Model):
    """Parts from the phone's queue: ``part`` uses a part from the
    technician's van on the order, through the button's own path
    (``service.order.part._fsm_use``: the van's lock, what it holds, the
    lot, the machine's structure). A van that holds fewer than the queue
    asks (the last unit went on another order meanwhile) makes that action
    a conflict; the visit's other actions still apply."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fsm_sync_handlers(self):
        return super()._fsm_sync_handlers() | {"part": "_fsm_sync_part"}

    @api.model
    def _fsm_sync_kind_labels(self):
        return super()._fsm_sync_kind_labels() | {"part": self.env._("Part used")}

    def _fsm_sync_part(self, payload):
        """``{"product_id", "quantity", "lot_id"?}``: the order's catalogue
        line of that product (and lot) still to be used takes it, or a new
        line is added as the phone adds one; then it is used from the van."""
        product_id = self._fsm_sync_get(payload, "product_id", "id")
        quantity = self._fsm_sync_get(payload, "quantity", "number")
        lot_id = self._fsm_sync_get(payload, "lot_id", "id", required=False)
        product = self.env["product.product"].browse(product_id).exists()
        if not product:
            raise ValidationError(
                self.env._("The part %s of this action does not exist.", product_id)
            )
        lot = self.env["stock.lot"].browse(lot_id).exists() if lot_id else self.env["stock.lot"]
        if lot_id and not lot:
            raise ValidationError(self.env._("The serial or lot %s does not exist.", lot_id))
        rounding = product.uom_id.rounding or 0.01
        if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            raise ValidationError(self.env._("Enter a quantity above zero."))
        part = self.part_ids.filtered(
            lambda p: (
                p.source == "catalogue"
                and p.product_id == product
                and p.quantity_pending > 0
                and (not lot or p.lot_id in (lot, lot.browse()))
            )
        )[:1]
        if not part:
            self.write(
                {
                    "part_ids": [
                        fields.Command.create(
                            {"product_id": product.id, "quantity_planned": quantity}
                        )
                    ]
                }
            )
            part = self.part_ids.sorted("id")[-1:]
        if lot and not part.lot_id:
            part.lot_id = lot
        part._fsm_use(quantity)
        return True
