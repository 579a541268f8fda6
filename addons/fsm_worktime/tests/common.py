from datetime import datetime, timedelta

from odoo.addons.fsm_orders.tests.common import FsmCase


class WorktimeCase(FsmCase):
    """The fsm_orders world, with an order of Anna's (``tech_north``) for
    today and the default work time types."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.WorkTime = cls.env["service.work.time"]
        cls.type_travel = cls.env.ref("fsm_worktime.work_time_type_travel")
        cls.type_work = cls.env.ref("fsm_worktime.work_time_type_work")
        cls.type_break = cls.env.ref("fsm_worktime.work_time_type_break")
        cls.type_admin = cls.env.ref("fsm_worktime.work_time_type_admin")
        cls.t0 = datetime.now().replace(microsecond=0) - timedelta(hours=4)

    def _order_for(self, technician=None, start=None):
        order = self._dispatched_order(technician)
        order.scheduled_start = start or self.t0
        return order

    def _entry(self, start, hours, employee=None, work_type=None, **vals):
        return self.WorkTime.create(
            {
                "employee_id": (employee or self.tech_north).id,
                "type_id": (work_type or self.type_work).id,
                "date_start": start,
                "date_stop": start + timedelta(hours=hours),
                **vals,
            }
        )
