from odoo import api, models


class ServiceDashboard(models.AbstractModel):
    _inherit = "service.dashboard"

    @api.model
    def _get_day_tiles(self):
        requests = "fsm_requests.action_service_request"
        desk = self.env._("Service desk")
        return [
            *super()._get_day_tiles(),
            {
                "key": "requests_overdue",
                "section": desk,
                "label": self.env._("Requests past deadline"),
                "help": self.env._("Open requests whose deadline has passed."),
                "action": requests,
                "filters": ["filter_overdue"],
                "tone": "danger",
            },
            {
                "key": "requests_due_today",
                "section": desk,
                "label": self.env._("Due by tonight"),
                "help": self.env._("Open requests due before midnight."),
                "action": requests,
                "filters": ["filter_due_today"],
                "tone": "warning",
            },
            {
                "key": "requests_waiting",
                "section": desk,
                "label": self.env._("Waiting for orders"),
                "help": self.env._("Requests no service order was made for yet."),
                "action": requests,
                "filters": ["filter_unplanned"],
                "tone": "muted",
            },
        ]
