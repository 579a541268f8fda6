from odoo import fields, models

from .res_company import LABOUR_RATE_MODES


class ResPartner(models.Model):
    """The client's labour rate.

    Company-dependent, as Odoo keeps a client's payment terms: two companies
    of one database may bill the same client differently. Left empty, the
    client follows its company's default rate (Field Service settings), so
    that changing the firm's usual practice is one setting, not a client
    list to edit. Coordinators set it; technicians do not see it.
    """

    _inherit = "res.partner"

    fsm_labour_rate_mode = fields.Selection(
        LABOUR_RATE_MODES,
        "Labour rate",
        company_dependent=True,
        groups="fsm_orders.group_fsm_coordinator",
        help="How this client's service orders invoice their labour. Empty: the company's "
        "default labour rate (Field Service settings).",
    )
