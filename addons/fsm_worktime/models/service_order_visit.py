from odoo import api, models


class ServiceOrder(models.Model):
    """The visit screen's timer: the running timer of the day and, per order,
    whether it runs on that order (the same values as My day's timer bar)."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fsm_visit_values(self, orders):
        values = super()._fsm_visit_values(orders)
        WorkTime = self.env["service.work.time"]
        values["timer"] = WorkTime.fsm_get_timer_state()
        values["timer_categories"] = dict(
            WorkTime._fields["category"]._description_selection(self.env)
        )
        return values

    def _fsm_visit_order_values(self):
        values = super()._fsm_visit_order_values()
        values["timer_category"] = self.fsm_timer_category or False
        values["timer_label"] = self.fsm_timer_label or ""
        return values
