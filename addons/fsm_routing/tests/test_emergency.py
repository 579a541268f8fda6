from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.service_route_plan import REASON_SENTENCES
from .common import RoutingCase


@tagged("post_install", "-at_install")
class TestEmergencyInsertion(RoutingCase):
    """*Insert into today's plan* on an urgent order, at 10:00 on a Monday."""

    def setUp(self):
        super().setUp()
        self.startPatcher(freeze_time(self._at(10)))

    def _visit(self, technician, hour, hours=1.0, site=None, **vals):
        order = self._plannable_order(
            site=site or self.site_kafe,
            hours=hours,
            machine=self.env["service.equipment"],
            technician_id=technician.id,
            scheduled_start=self._at(*hour) if isinstance(hour, tuple) else self._at(hour),
            **vals,
        )
        order.action_plan()
        order.action_dispatch()
        return order

    def _propose(self, order, user=None):
        action = order.with_user(user or self.user_coord_north).action_fsm_insert_urgent()
        return self.env["service.route.emergency"].browse(action["res_id"])

    def test_only_the_qualified_technician_is_proposed_and_the_day_moves(self):
        later = self._visit(self.tech_north, (10, 30))
        urgent = self._plannable_order(priority="3")  # espresso: Anna alone
        wizard = self._propose(urgent)
        self.assertEqual(wizard.option_ids.technician_id, self.tech_north)
        option = wizard.option_id
        self.assertGreaterEqual(option.start, self._at(10))
        wizard.action_insert()
        self.assertEqual(urgent.technician_id, self.tech_north)
        self.assertEqual(urgent.scheduled_start, option.start)
        self.assertEqual(urgent.state, "dispatched")
        if option.delayed_ids:
            self.assertEqual(later.scheduled_start, option.delayed_ids.new_start)
            self.assertGreater(later.scheduled_start, self._at(10, 30))
        else:
            self.assertGreaterEqual(option.start, later.scheduled_end)

    def test_the_free_near_technician_wins(self):
        self._visit(self.tech_north, 10, hours=3.0)
        urgent = self._plannable_order(
            site=self.site_bar, machine=self.env["service.equipment"], priority="3"
        )
        wizard = self._propose(urgent)
        self.assertEqual(len(wizard.option_ids), 2)
        self.assertEqual(wizard.option_id.technician_id, self.tech_south)
        self.assertFalse(wizard.option_id.delayed_ids)
        self.assertFalse(wizard.option_id.pushed_out_ids)

    def test_a_full_day_pushes_out_the_low_priority_visit(self):
        lows = [
            self._visit(self.tech_north, hour, priority="0") for hour in (10, 11, 13, 14, 15, 16)
        ]
        urgent = self._plannable_order(priority="3", hours=2.0)
        wizard = self._propose(urgent)
        option = wizard.option_id
        self.assertEqual(option.technician_id, self.tech_north)
        self.assertTrue(option.pushed_out_ids)
        self.assertLessEqual(option.pushed_out_ids, self.env["service.order"].concat(*lows))
        pushed = option.pushed_out_ids
        wizard.action_insert()
        self.assertEqual(urgent.technician_id, self.tech_north)
        self.assertFalse(pushed.technician_id, "what no longer fits goes back to the coordinator")
        self.assertEqual(set(pushed.mapped("state")), {"draft"})
        self.assertTrue(pushed.activity_ids.filtered(lambda a: "Re-plan" in a.summary))

    def test_nobody_qualified_is_said_and_nothing_changes(self):
        urgent = self._plannable_order(priority="3")
        urgent.skill_ids = self.skill_grinder  # espresso and grinder: nobody has both
        wizard = self._propose(urgent)
        self.assertFalse(wizard.option_ids)
        self.assertEqual(wizard.reason, str(REASON_SENTENCES["no_skill"]))
        with self.assertRaisesRegex(UserError, wizard.reason):
            wizard.action_insert()
        self.assertFalse(urgent.technician_id)

    def test_only_coordinators_insert(self):
        urgent = self._plannable_order(priority="3")
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            self._propose(urgent, user=self.user_tech_north)
