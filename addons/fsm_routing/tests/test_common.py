from .common import RoutingCase


class TestRoutingWorld(RoutingCase):
    def test_world_is_plannable(self):
        """The shared world: shifts of the calendar with lunch as a gap,
        skills read from hr_skills, homes with coordinates."""
        shifts = self.tech_north._fsm_shift_intervals(self._at(0), self._at(23))
        self.assertEqual(
            shifts[self.tech_north.id],
            [(self._at(8), self._at(12)), (self._at(13), self._at(17))],
        )
        self.assertEqual(self.tech_north._fsm_skills(self.day), self.skill_espresso)
        order = self._plannable_order()
        self.assertEqual(order.required_skill_ids, self.skill_espresso)
        self.assertTrue(order._fsm_planning_refusal(self.tech_south, self._at(9)))
        self.assertFalse(order._fsm_planning_refusal(self.tech_north, self._at(9)))
