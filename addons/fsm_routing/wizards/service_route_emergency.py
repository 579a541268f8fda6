from odoo import models


class ServiceRouteEmergency(models.TransientModel):
    _name = "service.route.emergency"
    _description = "Insert an urgent order into today's plan"
