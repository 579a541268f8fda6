from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_van_parent_location_id = fields.Many2one(
        "stock.location",
        "Vans",
        help="The view location under the company's warehouse that holds each technician's "
        "van. Made when the first technician gets a van.",
    )
    fsm_offer_followup_days = fields.Integer(
        "Follow up offers after (days)",
        default=3,
        help="A sent offer gets a follow-up activity for its salesperson this many days later "
        "(on its validity date when that comes first). 0: no follow-up.",
    )

    _fsm_offer_followup_days_positive = models.Constraint(
        "CHECK(fsm_offer_followup_days >= 0)", "Offers are followed up after 0 days or more."
    )

    fsm_collected_location_id = fields.Many2one(
        "stock.location",
        "Collected from clients",
        help="Where broken parts taken back from clients are kept: an internal location "
        "beside the warehouse's stock (not under it, so that deliveries never pick them). "
        "Made when the first part is collected.",
    )
    fsm_external_part_product_id = fields.Many2one(
        "product.product",
        "External part product",
        help="The service product external parts are invoiced with (the line names the part).",
    )

    def _fsm_collected_location(self):
        """The company's *Collected from clients* location, made on demand
        under its first warehouse's view location: internal, so that its
        stock is counted and valued, but outside the warehouse's stock, so
        that nothing collected is picked for a delivery or a van."""
        self.ensure_one()
        if self.fsm_collected_location_id:
            return self.fsm_collected_location_id
        warehouse = self._fsm_warehouse()
        location = (
            self.env["stock.location"]
            .sudo()
            .create(
                {
                    "name": self.env._("Collected from clients"),
                    "usage": "internal",
                    "location_id": warehouse.view_location_id.id,
                    "company_id": self.id,
                }
            )
        )
        self.sudo().fsm_collected_location_id = location
        return location

    def _fsm_external_part_product(self):
        self.ensure_one()
        return self.fsm_external_part_product_id or self.env.ref(
            "fsm_inventory.product_external_part"
        )

    fsm_van_route_id = fields.Many2one(
        "stock.route",
        "Van replenishment route",
        help="Replenishes the vans' minimum levels: an internal transfer from the warehouse's "
        "stock to the van. Made with the first minimum level on a van.",
    )

    def _fsm_van_parent_location(self):
        """The company's *Vans* location, made under its first warehouse."""
        self.ensure_one()
        if self.fsm_van_parent_location_id:
            return self.fsm_van_parent_location_id
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", self.id)], limit=1)
        )
        parent = (
            self.env["stock.location"]
            .sudo()
            .create(
                {
                    "name": self.env._("Vans"),
                    "usage": "view",
                    "location_id": warehouse.view_location_id.id,
                    "company_id": self.id,
                }
            )
        )
        self.sudo().fsm_van_parent_location_id = parent
        return parent

    def _fsm_warehouse(self):
        self.ensure_one()
        return self.env["stock.warehouse"].sudo().search([("company_id", "=", self.id)], limit=1)

    def _fsm_van_route(self):
        """The company's van route: one pull rule from the warehouse's stock
        to the *Vans* location (make to stock, the warehouse's internal
        transfers), which serves every van under it. Also on the warehouse's
        routes, so any need in a van finds it."""
        self.ensure_one()
        if self.fsm_van_route_id:
            return self.fsm_van_route_id
        warehouse = self._fsm_warehouse()
        vans = self._fsm_van_parent_location()
        route = (
            self.env["stock.route"]
            .sudo()
            .create(
                {
                    "name": self.env._("%s: replenish the vans", warehouse.name),
                    "company_id": self.id,
                    "product_selectable": False,
                    "warehouse_selectable": True,
                    "warehouse_ids": [fields.Command.link(warehouse.id)],
                    "sequence": 50,
                }
            )
        )
        # its own internal operation type, whose destination is the Vans: a move
        # goes to the van it is for only when the van is under the type's
        # destination (the warehouse's internal type ends in its stock)
        picking_type = (
            self.env["stock.picking.type"]
            .sudo()
            .create(
                {
                    "name": self.env._("Van replenishment"),
                    "code": "internal",
                    "sequence_code": "VAN",
                    "warehouse_id": warehouse.id,
                    "company_id": self.id,
                    "default_location_src_id": warehouse.lot_stock_id.id,
                    "default_location_dest_id": vans.id,
                }
            )
        )
        self.env["stock.rule"].sudo().create(
            {
                "name": self.env._("%s → Vans", warehouse.lot_stock_id.display_name),
                "route_id": route.id,
                "action": "pull",
                "picking_type_id": picking_type.id,
                "location_src_id": warehouse.lot_stock_id.id,
                "location_dest_id": vans.id,
                "procure_method": "make_to_stock",
                "warehouse_id": warehouse.id,
                "company_id": self.id,
            }
        )
        self.sudo().fsm_van_route_id = route
        return route
