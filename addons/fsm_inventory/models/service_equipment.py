from odoo import fields, models


class ServiceEquipment(models.Model):
    """The machine's structure (the components fitted on it, removed ones
    kept archived) and its part history (the parts used on it by orders)."""

    _inherit = "service.equipment"

    component_ids = fields.One2many(
        "service.equipment.component",
        "equipment_id",
        "Components",
        context={"active_test": False},
    )
    fsm_part_ids = fields.One2many(
        "service.order.part",
        "equipment_id",
        "Part history",
        domain=[("quantity_used", ">", 0)],
        readonly=True,
    )
