from odoo import models
from odoo.http import request

from odoo.addons.fsm_orders.controllers.json_api import error_response


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """A fleet system reads JSON: Odoo's refusals around its endpoint (a
        missing or wrong API key, a fault) answer JSON too."""
        # imported here: the controller is loaded after the models
        from ..controllers.positions import is_positions_path  # noqa: PLC0415

        if request and is_positions_path(request.httprequest.path):
            return error_response(exception)
        return super()._handle_error(exception)

    def session_info(self):
        """Whether the position service of the web client runs for this user:
        a field technician's browser (an employee marked *Field technician*,
        not every coordinator, whose group implies the technician's) shares
        their position while they consent."""
        result = super().session_info()
        user = self.env.user
        if user._is_internal() and user.has_group("fsm_orders.group_fsm_technician"):
            employee = user.employee_id
            if not employee.sudo().is_technician:
                return result
            result["fsm_position"] = {
                "employee": bool(employee),
                "sharing": bool(employee and employee.sudo().fsm_share_position),
            }
        return result
