from odoo import fields, models


class ServiceRequestType(models.Model):
    _inherit = "service.request.type"

    portal_published = fields.Boolean(
        "In the client portal",
        default=True,
        help="Clients can choose this type when they file a request in the portal.",
    )
    portal_ask_counter = fields.Boolean(
        "Ask the counters",
        help="The portal form asks the client to read the machine's counters "
        "(for a maintenance due by shots brewed or operating hours).",
    )
