from odoo import api, models
from odoo.exceptions import ValidationError

TIMER_CATEGORIES = ("travel", "work", "break", "stop")


class ServiceOrder(models.Model):
    """Timers from the phone's queue: ``timer`` starts travel, work or a
    break on the order, or stops the running timer; ``start`` stops a
    running travel with the km the phone asked (or none) before work
    starts. The buttons' own methods do it, without their km dialog: the
    queue cannot answer a wizard. Times are the taps' (``_fsm_now``)."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fsm_sync_handlers(self):
        return super()._fsm_sync_handlers() | {"timer": "_fsm_sync_timer"}

    @api.model
    def _fsm_sync_kind_labels(self):
        return super()._fsm_sync_kind_labels() | {"timer": self.env._("Timer")}

    def _fsm_sync_distance(self, payload):
        distance = self._fsm_sync_get(payload, "distance_km", "number", required=False)
        if distance is not None and distance < 0:
            raise ValidationError(self.env._("A distance cannot be negative."))
        return distance

    def _fsm_sync_stop_travel(self, employee, distance):
        """Stop ``employee``'s running travel with ``distance`` km (None:
        none given). Returns whether a travel was running."""
        WorkTime = self.env["service.work.time"]
        if WorkTime._fsm_running(employee).category != "travel":
            return False
        WorkTime._fsm_stop(employee, distance_km=distance)
        return True

    def _fsm_sync_start(self, payload):
        """*Start work* from the queue: a running travel stops first (with
        its km when the phone sends them), then work starts as the button's
        ``_fsm_start_work`` starts it (or resumes it after a break)."""
        distance = self._fsm_sync_distance(payload)
        employee = self.env.user.employee_id
        if not employee:
            return super()._fsm_sync_start(payload)
        self._fsm_sync_stop_travel(employee, distance)
        return self._fsm_start_work()

    def _fsm_sync_timer(self, payload):
        """``{"category": "travel" | "work" | "break" | "stop",
        "distance_km": km of a travel being stopped}``."""
        category = self._fsm_sync_get(payload, "category", "text")
        if category not in TIMER_CATEGORIES:
            raise ValidationError(
                self.env._('A timer is "travel", "work", "break" or "stop", not "%s".', category)
            )
        if category == "travel":
            return self.action_fsm_start_travel()
        if category == "work":
            return self._fsm_sync_start(payload)
        distance = self._fsm_sync_distance(payload)
        employee = self._fsm_my_employee()
        stopped = self._fsm_sync_stop_travel(employee, distance)
        if category == "break":
            return self.action_fsm_break()
        if not stopped:
            self.env["service.work.time"]._fsm_stop(employee)
        return True
