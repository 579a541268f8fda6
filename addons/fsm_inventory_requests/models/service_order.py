from odoo import models


class ServiceOrder(models.Model):
    _inherit = "service.order"

    def _prepare_offer_vals(self):
        """An offer made on an order of a request answers that request too."""
        vals = super()._prepare_offer_vals()
        vals["fsm_request_id"] = self.request_id.id
        return vals
