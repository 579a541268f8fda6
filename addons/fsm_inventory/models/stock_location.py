from odoo import fields, models
from odoo.fields import Domain


class StockLocation(models.Model):
    """The vans, as the coordinator sees them: each van's stock and its
    minimum levels, one click from the *Vans* list."""

    _inherit = "stock.location"

    fsm_is_van = fields.Boolean(
        "Is a van",
        compute="_compute_fsm_is_van",
        search="_search_fsm_is_van",
        help="A technician's van: a location under its company's Vans.",
    )

    def _fsm_van_parents(self):
        return (
            self.env["res.company"]
            .sudo()
            .search([("fsm_van_parent_location_id", "!=", False)])
            .fsm_van_parent_location_id
        )

    def _compute_fsm_is_van(self):
        parents = self._fsm_van_parents()
        for location in self:
            location.fsm_is_van = bool(location.location_id) and location.location_id in parents

    def _search_fsm_is_van(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = Domain("location_id", "in", self._fsm_van_parents().ids)
        return domain if operator == "in" else ~domain

    def action_fsm_view_van_stock(self):
        """The stock of these vans, by van and product: a list on a desktop,
        a card per part on a phone."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Van stock"),
            "res_model": "stock.quant",
            "view_mode": "list,kanban",
            "mobile_view_mode": "kanban",
            "views": [
                (self.env.ref("fsm_inventory.stock_quant_view_list_fsm_van").id, "list"),
                (self.env.ref("fsm_inventory.stock_quant_view_kanban_fsm_van").id, "kanban"),
            ],
            "search_view_id": self.env.ref("fsm_inventory.stock_quant_view_search_fsm_van").id,
            "domain": [("location_id", "in", self.ids)],
            "context": {"group_by": ["location_id"] if len(self) > 1 else []},
        }

    def action_fsm_view_van_orderpoints(self):
        """The van's minimum levels, replenished from the warehouse."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Minimum levels of %s", self.display_name),
            "res_model": "stock.warehouse.orderpoint",
            "view_mode": "list",
            "views": [
                (self.env.ref("fsm_inventory.stock_orderpoint_view_list_fsm_van").id, "list")
            ],
            "domain": [("location_id", "=", self.id)],
            "context": {
                "default_location_id": self.id,
                "default_company_id": self.company_id.id,
                "default_trigger": "auto",
            },
        }
