from odoo import api, fields, models


class ServiceTeam(models.Model):
    """A team (or region) of technicians with the coordinator who plans it."""

    _name = "service.team"
    _description = "Service Team"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer("Color index")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    coordinator_id = fields.Many2one(
        "res.users",
        string="Coordinator",
        tracking=True,
        domain=lambda self: [
            ("all_group_ids", "in", self.env.ref("fsm_orders.group_fsm_coordinator").id)
        ],
        help="Plans and dispatches this team's orders.",
    )
    member_ids = fields.Many2many(
        "hr.employee",
        "service_team_member_rel",
        "team_id",
        "employee_id",
        string="Technicians",
        check_company=True,
        domain=[("is_technician", "=", True)],
    )
    member_count = fields.Integer(compute="_compute_counts")
    order_ids = fields.One2many("service.order", "team_id", string="Orders")
    open_order_count = fields.Integer("Open orders", compute="_compute_counts")

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "A team with this name already exists in this company."
    )

    @api.depends("member_ids", "order_ids.state")
    def _compute_counts(self):
        counts = dict(
            self.env["service.order"]._read_group(
                [("team_id", "in", self.ids), ("state", "not in", ("done", "cancelled"))],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.member_count = len(team.member_ids)
            team.open_order_count = counts.get(team, 0)

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action
