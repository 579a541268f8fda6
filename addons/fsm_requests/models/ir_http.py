from odoo import models
from odoo.http import request

from odoo.addons.fsm_orders.controllers.json_api import error_response


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """A call-center system reads JSON: Odoo's refusals around those
        endpoints (a missing or wrong API key, a fault) answer JSON too."""
        # imported here: the controller imports this package's models
        from ..controllers.call_center import CALL_CENTER_PREFIX  # noqa: PLC0415

        if request and request.httprequest.path.startswith(CALL_CENTER_PREFIX):
            return error_response(exception)
        return super()._handle_error(exception)
