"""Records to the solver's problem and back (``service.route.problem``)."""

from odoo import models


class ServiceRouteProblem(models.AbstractModel):
    _name = "service.route.problem"
    _description = "Optimiser problem builder"
