from odoo import api, models


class ServiceOrder(models.Model):
    """The visit screen's parts: what the technician's van holds of the phone
    catalogue (so a part is used offline from what the van had when the day
    was loaded; the server checks again when the use arrives), and the parts
    each order already used."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fsm_visit_values(self, orders):
        values = super()._fsm_visit_values(orders)
        values["van"] = self._fsm_visit_van_parts()
        return values

    @api.model
    def _fsm_visit_van_parts(self):
        van = self.env.user.employee_id.van_location_id
        if not van:
            return []
        groups = self.env["stock.quant"]._read_group(
            [
                ("location_id", "=", van.id),
                ("quantity", ">", 0),
                ("product_id.fsm_phone_ok", "=", True),
            ],
            ["product_id", "lot_id"],
            ["quantity:sum", "reserved_quantity:sum"],
            order="product_id",
        )
        return [
            {
                "key": f"{product.id}-{lot.id or 0}",
                "product_id": product.id,
                "name": product.display_name,
                "code": product.default_code or "",
                "lot_id": lot.id or False,
                "lot_name": lot.name or "",
                "tracking": product.tracking,
                "uom": product.uom_id.name,
                "whole_units": self.env["service.order.part"]
                .new({"product_id": product.id})
                ._fsm_whole_units_only(),
                "available": quantity - reserved,
            }
            for product, lot, quantity, reserved in groups
            if quantity - reserved > 0
        ]

    def _fsm_visit_order_values(self):
        values = super()._fsm_visit_order_values()
        values["parts"] = [
            {
                "id": part.id,
                "product_id": part.product_id.id,
                "name": part.product_id.display_name or part.name or "",
                "quantity_used": part.quantity_used,
                "quantity_planned": part.quantity_planned,
                "uom": part.product_uom_id.name or "",
            }
            for part in self.part_ids
        ]
        return values
