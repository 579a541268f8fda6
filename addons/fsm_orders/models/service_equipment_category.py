from odoo import api, fields, models


class ServiceEquipmentCategory(models.Model):
    """A kind of machine (espresso machine, grinder, water filter…).

    The category defines the free fields (``fields.Properties``) its machines
    carry, so that each firm describes its own equipment without code.
    """

    _name = "service.equipment.category"
    _description = "Equipment Category"
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    parent_id = fields.Many2one(
        "service.equipment.category", "Parent", index=True, ondelete="cascade"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("service.equipment.category", "parent_id", "Subcategories")
    equipment_properties_definition = fields.PropertiesDefinition("Equipment properties")
    equipment_count = fields.Integer(compute="_compute_equipment_count")
    checklist_template_ids = fields.Many2many(
        "service.checklist.template",
        "service_checklist_template_category_rel",
        "category_id",
        "template_id",
        string="Default checklists",
        help="Added to every order for a machine of this category (or a subcategory).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the category with every company.",
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    def write(self, vals):
        res = super().write(vals)
        # the same link as the template's "Default for categories", edited from this side
        if vals.get("checklist_template_ids"):
            self.env["service.order"]._fsm_add_default_checklists_to_unstarted(self)
        return res

    def _compute_equipment_count(self):
        counts = dict(
            self.env["service.equipment"]._read_group(
                [("category_id", "child_of", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            # machines of the category and of all its subcategories
            category.equipment_count = sum(
                count
                for counted, count in counts.items()
                if (counted.parent_path or "").startswith(category.parent_path or "/")
            )
