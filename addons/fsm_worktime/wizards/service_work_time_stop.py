from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceWorkTimeStop(models.TransientModel):
    """Stopping a travel: the km driven, typed or from the odometer."""

    _name = "service.work.time.stop"
    _description = "Stop a travel timer"

    work_time_id = fields.Many2one("service.work.time", required=True, readonly=True)
    order_id = fields.Many2one("service.order", readonly=True)
    next_step = fields.Selection(
        [("none", "Stop"), ("work", "Start work")], default="none", required=True
    )
    distance_km = fields.Float("Distance (km)")
    use_odometer = fields.Boolean("From the odometer")
    odometer_start = fields.Float("Odometer at departure")
    odometer_stop = fields.Float("Odometer on arrival")

    @api.onchange("odometer_start", "odometer_stop", "use_odometer")
    def _onchange_odometer(self):
        if self.use_odometer and self.odometer_stop >= self.odometer_start > 0:
            self.distance_km = self.odometer_stop - self.odometer_start

    def _get_distance(self):
        self.ensure_one()
        if self.use_odometer:
            if self.odometer_stop < self.odometer_start:
                raise UserError(
                    self.env._("The odometer on arrival is below the one at departure.")
                )
            return self.odometer_stop - self.odometer_start
        if self.distance_km < 0:
            raise UserError(self.env._("A distance cannot be negative."))
        return self.distance_km

    def action_confirm(self):
        self.ensure_one()
        entry = self.work_time_id
        employee = self.env["service.work.time"]._fsm_my_employee()
        if entry.employee_id != employee:
            raise UserError(self.env._("This travel is not yours to stop."))
        distance = self._get_distance()
        if entry.is_running:
            self.env["service.work.time"]._fsm_stop(employee, distance_km=distance or None)
        elif distance:
            entry.sudo().distance_km = distance
        if self.next_step == "work" and self.order_id:
            self.order_id._fsm_start_work()
        return {"type": "ir.actions.client", "tag": "soft_reload"}
