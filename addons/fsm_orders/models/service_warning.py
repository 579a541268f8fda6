from odoo import api, fields, models


class ServiceWarning(models.Model):
    """Something every technician must know before working at a client, a site
    or on a machine ("dog on site", "gas valve behind panel"). Shown on every
    order that concerns it until archived."""

    _name = "service.warning"
    _description = "Service Warning"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char("Warning", required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner", "Client or site", index="btree_not_null", tracking=True, ondelete="cascade"
    )
    equipment_id = fields.Many2one(
        "service.equipment", "Machine", index="btree_not_null", tracking=True, ondelete="cascade"
    )
    author_id = fields.Many2one(
        "res.users", "Noted by", default=lambda self: self.env.user, readonly=True
    )
    target_display = fields.Char("About", compute="_compute_target_display")

    _one_target = models.Constraint(
        "CHECK((partner_id IS NULL) != (equipment_id IS NULL))",
        "A warning is about either a client or site, or a machine.",
    )

    @api.depends("partner_id", "equipment_id")
    def _compute_target_display(self):
        for warning in self:
            warning.target_display = (warning.equipment_id or warning.partner_id).display_name
