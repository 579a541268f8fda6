"""The map of the day's routes, unplanned orders and technicians' positions
(the Leaflet client action ``fsm_routing.route_map``)."""

from odoo import models

TILE_URL_PARAM = "fsm_routing.map_tile_url"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class ServiceRouteMap(models.AbstractModel):
    _name = "service.route.map"
    _description = "Route map"
