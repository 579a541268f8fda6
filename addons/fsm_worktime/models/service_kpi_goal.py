from odoo import api, fields, models

# The five indicators of the product (seed section 12), timeliness split into
# its counts and minutes: (key, label, unit, the direction a goal usually has).
KPIS = [
    ("weekly_hours", "Average weekly working time", "h", "at_least"),
    ("travel_share", "Share of travel", "%", "at_most"),
    ("paid_share", "Share of paid time", "%", "at_least"),
    ("visits_per_day", "Visits per day", "", "at_least"),
    ("late_starts", "Late starts", "", "at_most"),
    ("late_start_minutes", "Average late start", "min", "at_most"),
    ("late_finishes", "Late finishes", "", "at_most"),
    ("late_finish_minutes", "Average late finish", "min", "at_most"),
]
KPI_DIRECTION = {key: direction for key, _label, _unit, direction in KPIS}
KPI_UNIT = {key: unit for key, _label, unit, _direction in KPIS}


class ServiceKpiGoal(models.Model):
    """A goal for one KPI: the company's (no technician) or one technician's.

    A technician's own goal overrides the company's for that KPI; the team
    figure is measured against the company goal. A goal is met when the figure
    is at least (or at most) the target, the target included. Shares are in
    percent, timeliness counts are per period shown (the dashboard's or the
    monthly mail's) and the minutes are an average per late order."""

    _name = "service.kpi.goal"
    _description = "KPI goal"
    _order = "kpi, employee_id desc, id"
    _rec_name = "kpi"
    _check_company_auto = True

    kpi = fields.Selection(
        [(key, label) for key, label, _unit, _direction in KPIS], string="KPI", required=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Technician",
        index="btree_not_null",
        check_company=True,
        domain=[("is_technician", "=", True)],
        help="Leave empty for the company's goal; a technician's goal overrides it.",
    )
    target = fields.Float(
        required=True, help="Hours a week, percent, visits a day, orders or minutes."
    )
    unit = fields.Char(compute="_compute_unit")
    direction = fields.Selection(
        [("at_least", "At least"), ("at_most", "At most")],
        required=True,
        compute="_compute_direction",
        store=True,
        readonly=False,
        precompute=True,
    )

    _one_goal = models.UniqueIndex(
        "(kpi, company_id, COALESCE(employee_id, 0))",
        "This KPI already has a goal for this company or technician.",
    )
    _target_positive = models.Constraint("CHECK(target >= 0)", "A goal cannot be negative.")

    @api.depends("kpi")
    def _compute_direction(self):
        for goal in self:
            goal.direction = KPI_DIRECTION.get(goal.kpi, "at_least")

    @api.depends("kpi")
    def _compute_unit(self):
        for goal in self:
            goal.unit = KPI_UNIT.get(goal.kpi, "")

    @api.depends("kpi", "employee_id", "direction", "target")
    def _compute_display_name(self):
        labels = dict(self._fields["kpi"]._description_selection(self.env))
        for goal in self:
            goal.display_name = " · ".join(
                filter(None, [labels.get(goal.kpi), goal.employee_id.name, goal._fsm_label()])
            )

    def _fsm_label(self):
        """ "≥ 40 h": the goal as shown beside its figure."""
        self.ensure_one()
        sign = "≥" if self.direction == "at_least" else "≤"
        return f"{sign} {self.target:g} {self.unit}".strip()

    def _fsm_is_met(self, value):
        self.ensure_one()
        if self.direction == "at_least":
            return value >= self.target
        return value <= self.target

    @api.model
    def _fsm_goals(self, employees, company):
        """{(kpi, employee id or False): goal} for ``employees`` (their own
        goal, else their company's) and for the team (False: ``company``'s)."""
        goals = self.search([("company_id", "in", (employees.company_id | company).ids)])
        index = {(g.kpi, g.company_id.id, g.employee_id.id or False): g for g in goals}
        result = {}
        for key, _label, _unit, _direction in KPIS:
            result[key, False] = index.get((key, company.id, False))
            for employee in employees:
                result[key, employee.id] = index.get(
                    (key, employee.company_id.id, employee.id)
                ) or index.get((key, employee.company_id.id, False))
        return result
