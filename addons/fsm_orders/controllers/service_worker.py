from odoo.tools import file_open

from odoo.addons.web.controllers.webmanifest import WebManifest


class FsmWebManifest(WebManifest):
    def _get_service_worker_content(self):
        """Odoo's service worker, with the suite's offline part first (its
        fetch listener answers the requests it knows before Odoo's does)."""
        with file_open("fsm_orders/static/src/service_worker/fsm_offline.js") as f:
            offline = f.read()
        return offline + "\n" + super()._get_service_worker_content()
