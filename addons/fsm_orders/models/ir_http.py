from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """``fsm_offline`` tells the service worker that this user works in
        the field: it keeps their session data so that the web client opens
        again without a network (static/src/service_worker/fsm_offline.js)."""
        info = super().session_info()
        if self.env.user._is_internal():
            info["fsm_offline"] = bool(self.env.user.sudo().employee_id.is_technician)
        return info
