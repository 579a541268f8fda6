from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fsm_travel_provider = fields.Selection(related="company_id.fsm_travel_provider", readonly=False)
    fsm_road_factor = fields.Float(related="company_id.fsm_road_factor", readonly=False)
    fsm_average_speed = fields.Float(related="company_id.fsm_average_speed", readonly=False)
    fsm_osrm_url = fields.Char(related="company_id.fsm_osrm_url", readonly=False)
    fsm_plan_seconds = fields.Integer(related="company_id.fsm_plan_seconds", readonly=False)
    fsm_plan_foreground_orders = fields.Integer(
        related="company_id.fsm_plan_foreground_orders", readonly=False
    )
    fsm_position_retention_days = fields.Integer(
        related="company_id.fsm_position_retention_days", readonly=False
    )
    # the route map's background (models/service_route_map.py); emptied, the
    # map draws on a blank background and fetches nothing
    fsm_map_tile_url = fields.Char(
        "Map tiles",
        config_parameter="fsm_routing.map_tile_url",
        help="Address of the map's tiles, with {z}, {x} and {y}. OpenStreetMap's public tiles "
        "suit a small firm (their usage policy asks for light use); a larger one points this "
        "at a tile server of its own or of a provider. Empty: the routes are drawn without a map.",
    )
    fsm_map_tile_attribution = fields.Char(
        "Map attribution", config_parameter="fsm_routing.map_tile_attribution"
    )
