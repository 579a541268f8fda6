"""The planning board's data and moves (the client action
``fsm_routing.planning_board``)."""

from odoo import models


class ServiceRouteBoard(models.AbstractModel):
    _name = "service.route.board"
    _description = "Planning board"
