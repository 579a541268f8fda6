from odoo import api, fields, models


class ServiceDeskStatistics(models.TransientModel):
    """The clients' ratings of the period in the desk's statistics: how many
    visits were rated and the share rated *happy* (Odoo's satisfaction)."""

    _inherit = "service.desk.statistics"

    rating_count = fields.Integer("Visits rated", compute="_compute_rating_figures")
    rating_satisfaction = fields.Float(
        "Clients satisfied",
        compute="_compute_rating_figures",
        help="Share of the ratings of the period that are the best one (a fraction).",
    )

    def _ratings_domain(self):
        start, stop = self._period_bounds()
        return [
            ("res_model", "=", "service.order"),
            ("consumed", "=", True),
            ("write_date", ">=", start),
            ("write_date", "<", stop),
        ]

    @api.depends("date_from", "date_to")
    def _compute_rating_figures(self):
        Rating = self.env["rating.rating"].sudo()
        for stats in self:
            if not (stats.date_from and stats.date_to) or stats.date_to < stats.date_from:
                stats.rating_count = 0
                stats.rating_satisfaction = 0.0
                continue
            domain = stats._ratings_domain()
            stats.rating_count = Rating.search_count(domain)
            happy = Rating.search_count(domain + [("rating", ">=", 5)])
            stats.rating_satisfaction = happy / stats.rating_count if stats.rating_count else 0.0

    def action_client_ratings(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_client_portal.action_service_order_rating"
        )
        action["domain"] = self._ratings_domain()
        return action
