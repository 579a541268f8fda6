from odoo import fields, models


class ServiceEquipmentComponent(models.Model):
    """A part fitted on a machine: its structure. Made when a part is used
    on the machine (``service.order.part._fsm_use``), marked removed (and
    archived) when a collected serial comes off it. Technicians read the
    components of machines they may read; they change them only through
    those flows."""

    _name = "service.equipment.component"
    _description = "Component fitted on a machine"
    _order = "equipment_id, date_fitted desc, id desc"

    equipment_id = fields.Many2one(
        "service.equipment", "Machine", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True, help="Unticked when the part is removed.")
    product_id = fields.Many2one("product.product", "Part", index="btree_not_null")
    name = fields.Char("Description", required=True)
    lot_id = fields.Many2one("stock.lot", "Serial / lot", index="btree_not_null")
    quantity = fields.Float(digits="Product Unit", default=1.0)
    date_fitted = fields.Datetime("Fitted on", default=fields.Datetime.now, required=True)
    part_id = fields.Many2one(
        "service.order.part", "Fitted by part", ondelete="set null", index="btree_not_null"
    )
    order_id = fields.Many2one(
        "service.order", "Fitted on order", related="part_id.order_id", store=True
    )
    date_removed = fields.Datetime("Removed on")
    removed_order_id = fields.Many2one("service.order", "Removed on order", ondelete="set null")

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)", "A fitted component's quantity must be above zero."
    )
