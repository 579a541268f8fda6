from odoo import api, models
from odoo.exceptions import UserError


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def action_fsm_my_van(self):
        """*My van* on the technician's phone: what their van holds. The
        record rule lets a technician read their own van's quants only."""
        van = self.env.user.employee_id.van_location_id
        if not van:
            raise UserError(
                self.env._("You have no van: a coordinator makes you a technician first.")
            )
        action = van.action_fsm_view_van_stock()
        action["name"] = self.env._("My van")
        return action
