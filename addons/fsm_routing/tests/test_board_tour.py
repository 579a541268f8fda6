from odoo.tests import HttpCase, tagged

from .common import RoutingCase


@tagged("post_install", "-at_install")
class TestPlanningBoardTour(RoutingCase, HttpCase):
    """A coordinator drags an unplanned order onto a technician's row, and a
    bar into an absence, which is refused and stays."""

    def test_drag_an_order_onto_a_row_and_into_an_absence(self):
        leave_type = self.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        leave = self.env["hr.leave"].create(
            {
                "employee_id": self.tech_south.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": self.day,
                "request_date_to": self.day,
            }
        )
        leave.with_context(fsm_replan_confirmed=True).action_approve()
        # no machines: Erik could take it but for his absence
        planned = self._plannable_order(
            technician_id=self.tech_north.id,
            scheduled_start=self._at(9),
            machine=self.env["service.equipment"],
        )
        planned.action_plan()
        unplanned = self._plannable_order(
            site=self.site_bar, machine=self.env["service.equipment"], hours=1.0
        )
        self.user_coord_north.password = "coord_north"
        self.start_tour(
            f"/odoo/action-fsm_routing.planning_board?date={self.day}",
            "planning_board_tour",
            login="coord_north",
        )
        self.assertEqual(unplanned.technician_id, self.tech_north)
        self.assertEqual(unplanned.scheduled_start, self._at(14))
        self.assertEqual(unplanned.state, "planned")
        self.assertEqual(planned.technician_id, self.tech_north, "the refused drop moved nothing")
        self.assertEqual(planned.scheduled_start, self._at(9))
