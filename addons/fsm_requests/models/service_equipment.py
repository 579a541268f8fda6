from odoo import fields, models


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"

    request_count = fields.Integer("Requests", compute="_compute_request_count")

    def _compute_request_count(self):
        counts = dict(
            self.env["service.request"]._read_group(
                [("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]
            )
        )
        for equipment in self:
            equipment.request_count = counts.get(equipment, 0)

    def action_view_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )
        action["domain"] = [("equipment_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_equipment_id": self.id,
            "default_location_id": self.location_id.id,
        }
        return action
