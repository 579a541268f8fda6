from odoo import api, fields, models
from odoo.exceptions import ValidationError

ANSWER_TYPES = [
    ("yesno", "Yes / No"),
    ("text", "Text"),
    ("number", "Number"),
    ("selection", "Choice"),
    ("photo", "Photo"),
]


class ServiceChecklistTemplate(models.Model):
    """A list of questions a technician answers on site (a safety inspection,
    a maintenance routine…). Filled copies live on orders."""

    _name = "service.checklist.template"
    _description = "Checklist Template"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    description = fields.Text(translate=True, help="Shown above the questions.")
    item_ids = fields.One2many(
        "service.checklist.template.item", "template_id", string="Questions", copy=True
    )
    category_ids = fields.Many2many(
        "service.equipment.category",
        "service_checklist_template_category_rel",
        "template_id",
        "category_id",
        string="Default for categories",
        help="Orders for machines of these categories get this checklist automatically.",
    )
    item_count = fields.Integer(compute="_compute_item_count")

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        # data files create the questions after the template: they call
        # _fsm_add_default_checklists_to_unstarted themselves once complete
        if templates.category_ids and not self.env.context.get("install_mode"):
            self.env["service.order"]._fsm_add_default_checklists_to_unstarted(
                templates.category_ids
            )
        return templates

    def write(self, vals):
        res = super().write(vals)
        if vals.get("category_ids"):
            self.env["service.order"]._fsm_add_default_checklists_to_unstarted(self.category_ids)
        return res

    @api.depends("item_ids")
    def _compute_item_count(self):
        for template in self:
            template.item_count = len(template.item_ids)


class ServiceChecklistTemplateItem(models.Model):
    _name = "service.checklist.template.item"
    _description = "Checklist Question"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "service.checklist.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Question", required=True, translate=True)
    answer_type = fields.Selection(ANSWER_TYPES, required=True, default="yesno")
    is_required = fields.Boolean("Required", help="The order cannot be finished without it.")
    min_value = fields.Float("Expected from")
    max_value = fields.Float("Expected up to")
    has_range = fields.Boolean("Expected range", help="Flag answers outside the expected range.")
    unit = fields.Char(translate=True, help="e.g. bar, °C, ppm")
    option_ids = fields.One2many(
        "service.checklist.template.option", "item_id", string="Choices", copy=True
    )
    help_text = fields.Char("Hint", translate=True)

    _range_ordered = models.Constraint(
        "CHECK(answer_type != 'number' OR NOT has_range OR max_value >= min_value)",
        "The expected range of a question cannot end below its start.",
    )

    @api.constrains("answer_type", "option_ids")
    def _check_options(self):
        for item in self:
            if item.answer_type == "selection" and not item.option_ids:
                raise ValidationError(
                    self.env._("Give the choices of '%s' (one per line).", item.name)
                )


class ServiceChecklistTemplateOption(models.Model):
    _name = "service.checklist.template.option"
    _description = "Checklist Choice"
    _order = "sequence, id"

    item_id = fields.Many2one(
        "service.checklist.template.item", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="item_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
