from odoo import fields, models


class ServiceEquipment(models.Model):
    _name = "service.equipment"
    _inherit = ["service.equipment", "fsm.portal.field.access"]

    @property
    def PORTAL_READABLE_FIELDS(self):
        """The client's own machine card; not the firm's internal note."""
        return super().PORTAL_READABLE_FIELDS | {
            "name",
            "active",
            "serial_number",
            "model",
            "manufacturer",
            "category_id",
            "partner_id",
            "commercial_partner_id",
            "location_id",
            "installation_date",
            "warranty_start",
            "warranty_end",
            "warranty_state",
            "counter_ids",
            "order_ids",
            "last_service_date",
        }

    def _portal_orders(self):
        """The machine's service history the client sees: its orders, newest first."""
        self.ensure_one()
        return (
            self.sudo()
            .order_ids.filtered(lambda o: o.state != "cancelled")
            .sorted(lambda o: o.date_finished or o.scheduled_start or o.create_date, reverse=True)
        )


class ServiceEquipmentCounter(models.Model):
    _name = "service.equipment.counter"
    _inherit = ["service.equipment.counter", "fsm.portal.field.access"]

    @property
    def PORTAL_READABLE_FIELDS(self):
        return super().PORTAL_READABLE_FIELDS | {
            "name",
            "equipment_id",
            "unit",
            "last_value",
            "last_date",
        }


class ServiceEquipmentCounterReading(models.Model):
    _name = "service.equipment.counter.reading"
    _inherit = ["service.equipment.counter.reading", "fsm.portal.field.access"]

    request_id = fields.Many2one(
        "service.request", "Read for request", index="btree_not_null", ondelete="set null"
    )

    @property
    def PORTAL_READABLE_FIELDS(self):
        return super().PORTAL_READABLE_FIELDS | {"counter_id", "equipment_id", "date", "value"}
