from odoo import models


class ServiceDashboard(models.AbstractModel):
    _inherit = "service.dashboard"
