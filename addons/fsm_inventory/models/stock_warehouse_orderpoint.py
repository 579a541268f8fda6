from odoo import api, models


class StockWarehouseOrderpoint(models.Model):
    """A minimum level on a van is replenished by the company's van route:
    an internal transfer from the warehouse's stock to the van."""

    _inherit = "stock.warehouse.orderpoint"

    @api.model_create_multi
    def create(self, vals_list):
        orderpoints = super().create(vals_list)
        for orderpoint in orderpoints.filtered(
            lambda o: not o.route_id and o.location_id.fsm_is_van
        ):
            orderpoint.route_id = orderpoint.company_id.sudo()._fsm_van_route()
        return orderpoints

    @api.model
    def _fsm_demo_van_levels(self):
        """Demo: at least 2 gaskets (up to 5) in the first technician's van."""
        van = (
            self.env["hr.employee"]
            .search([("is_technician", "=", True), ("van_location_id", "!=", False)], limit=1)
            .van_location_id
        )
        if van:
            self.create(
                {
                    "product_id": self.env.ref("fsm_inventory.product_part_gasket").id,
                    "location_id": van.id,
                    "product_min_qty": 2,
                    "product_max_qty": 5,
                }
            )
