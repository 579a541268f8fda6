from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import RoutingCase


def _z(moment):
    return moment.isoformat(timespec="seconds") + "Z"


@tagged("post_install", "-at_install")
class TestPlanningBoard(RoutingCase):
    """The coordinators' board: one call draws technicians by team with their
    shifts, absences and orders, and the orders left to plan; a drop moves an
    order with the form's checks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Board = cls.env["service.route.board"]
        leave_type = cls.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        # Erik is off on Tuesday
        cls.tuesday = cls.day + timedelta(days=1)
        cls.leave = cls.env["hr.leave"].create(
            {
                "employee_id": cls.tech_south.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": cls.tuesday,
                "request_date_to": cls.tuesday,
            }
        )
        cls.leave.with_context(fsm_replan_confirmed=True).action_approve()
        cls.planned = cls._plannable_order(
            technician_id=cls.tech_north.id, scheduled_start=cls._at(9)
        )
        cls.planned.action_plan()
        cls.unplanned_low = cls._plannable_order(priority="0")
        cls.unplanned_urgent = cls._plannable_order(priority="3", hours=2.0)
        cls.grinder_job = cls._plannable_order(
            site=cls.site_bar, machine=cls.env["service.equipment"], team_id=cls.team_south.id
        )
        cls.grinder_job.skill_ids = cls.skill_grinder

    def _board(self, user=None, days=1, day=None, **kw):
        board = self.Board.with_user(user or self.user_coord_north)
        return board.get_board_data(str(day or self.day), days, **kw)

    def test_a_day_shows_technicians_by_team_with_shifts_and_orders(self):
        data = self._board()
        rows = {row["name"]: row for row in data["rows"]}
        self.assertEqual(list(rows), ["Anna Andersson", "Erik Eriksson"], "North first, then South")
        anna = rows["Anna Andersson"]
        self.assertEqual(anna["team_id"], self.team_north.id)
        self.assertEqual(
            anna["shifts"],
            [[_z(self._at(8)), _z(self._at(12))], [_z(self._at(13)), _z(self._at(17))]],
            "the morning and the afternoon, lunch left out",
        )
        self.assertEqual(anna["absences"], [])
        self.assertEqual([bar["id"] for bar in anna["bars"]], self.planned.ids)
        bar = anna["bars"][0]
        self.assertEqual((bar["start"], bar["end"]), (_z(self._at(9)), _z(self._at(10))))
        self.assertEqual((bar["state"], bar["client"]), ("planned", "Café Norr AB"))
        self.assertFalse(bar["outside_window"])
        self.assertEqual(
            [card["id"] for card in data["unplanned"]],
            [self.unplanned_urgent.id, self.grinder_job.id, self.unplanned_low.id],
            "most urgent first",
        )

    def test_a_week_shows_an_approved_absence_on_its_row(self):
        data = self._board(days=7)
        erik = next(row for row in data["rows"] if row["id"] == self.tech_south.id)
        self.assertEqual(len(erik["absences"]), 1)
        start, stop = erik["absences"][0]
        self.assertLessEqual(start, _z(self._at(8, day=self.tuesday)))
        self.assertGreaterEqual(stop, _z(self._at(17, day=self.tuesday)))
        self.assertEqual(len(erik["shifts"]), 10, "two stretches a weekday")

    def test_a_team_filter_keeps_its_technicians_and_orders(self):
        data = self._board(team_ids=self.team_south.ids)
        self.assertEqual([row["id"] for row in data["rows"]], self.tech_south.ids)
        self.assertEqual([card["id"] for card in data["unplanned"]], self.grinder_job.ids)

    def test_a_proposed_plan_is_shown_over_the_current_one(self):
        plan = self.env["service.route.plan"].create(
            {"date_from": self.day, "state": "done", "team_ids": [(6, 0, self.team_north.ids)]}
        )
        self.env["service.route.plan.line"].create(
            [
                {"plan_id": plan.id, "order_id": self.planned.id,
                 "technician_id": self.tech_south.id, "start": self._at(14),
                 "end": self._at(15), "travel_minutes": 20, "sequence": 1},
                {"plan_id": plan.id, "order_id": self.unplanned_low.id, "left_out": True,
                 "reason_text": "No time left"},
            ]
        )  # fmt: skip
        data = self._board(plan_id=plan.id)
        rows = {row["id"]: row for row in data["rows"]}
        self.assertEqual(rows[self.tech_north.id]["bars"], [], "the plan moves Anna's visit")
        (bar,) = rows[self.tech_south.id]["bars"]
        self.assertEqual((bar["id"], bar["proposed"]), (self.planned.id, True))
        self.assertEqual((bar["start"], bar["travel_minutes"]), (_z(self._at(14)), 20))
        self.assertEqual(data["plan"]["id"], plan.id)
        self.assertEqual(self.planned.technician_id, self.tech_north, "nothing applied yet")

    def test_a_drop_plans_the_order_on_the_row(self):
        result = self.Board.with_user(self.user_coord_north).move_order(
            self.unplanned_urgent.id, self.tech_north.id, _z(self._at(13))
        )
        self.assertEqual(self.unplanned_urgent.technician_id, self.tech_north)
        self.assertEqual(self.unplanned_urgent.scheduled_start, self._at(13))
        self.assertEqual(self.unplanned_urgent.state, "planned")
        self.assertEqual(result["bar"]["end"], _z(self._at(15)))
        self.assertFalse(result["warning"])
        data = self._board()
        self.assertNotIn(self.unplanned_urgent.id, [card["id"] for card in data["unplanned"]])

    def test_a_drop_off_shift_is_done_with_a_warning(self):
        result = self.Board.with_user(self.user_coord_north).move_order(
            self.unplanned_low.id, self.tech_north.id, _z(self._at(18))
        )
        self.assertEqual(self.unplanned_low.scheduled_start, self._at(18))
        self.assertIn("outside Anna Andersson's working hours", result["warning"])

    def _assert_refused(self, order, technician, start):
        # the sentence as the coordinator reads it (dates in their zone)
        expected = order.with_user(self.user_coord_north)._fsm_planning_refusal(technician, start)
        self.assertTrue(expected)
        before = (order.technician_id, order.scheduled_start, order.state)
        with self.assertRaises(UserError) as cm:
            self.Board.with_user(self.user_coord_north).move_order(
                order.id, technician.id, _z(start)
            )
        self.assertEqual(str(cm.exception), expected)
        self.assertEqual((order.technician_id, order.scheduled_start, order.state), before)

    def test_a_drop_is_refused_as_the_form_refuses_it(self):
        with self.subTest("skills"):
            self._assert_refused(self.grinder_job, self.tech_north, self._at(10))
        with self.subTest("absence"):
            self._assert_refused(
                self.unplanned_low, self.tech_south, self._at(10, day=self.tuesday)
            )
        with self.subTest("window"):
            self.unplanned_low.write({"window_start": self._at(13), "window_end": self._at(16)})
            self._assert_refused(self.unplanned_low, self.tech_north, self._at(10))

    def test_a_started_order_stays_where_it_is(self):
        self.planned.sudo().write({"state": "in_progress"})
        with self.assertRaisesRegex(UserError, "can no longer be moved"):
            self.Board.with_user(self.user_coord_north).move_order(
                self.planned.id, self.tech_south.id, _z(self._at(14))
            )
        self.assertEqual(self.planned.technician_id, self.tech_north)

    def test_a_technician_sees_their_own_row_and_moves_nothing(self):
        data = self._board(user=self.user_tech_north)
        self.assertEqual([row["id"] for row in data["rows"]], self.tech_north.ids)
        self.assertEqual([bar["id"] for bar in data["rows"][0]["bars"]], self.planned.ids)
        self.assertEqual(data["unplanned"], [])
        with self.assertRaises(AccessError):
            self.Board.with_user(self.user_tech_north).move_order(
                self.unplanned_low.id, self.tech_north.id, _z(self._at(13))
            )

    def test_a_coordinator_of_another_company_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Kaffeservice Polska"})
        coordinator = mail_new_test_user(
            self.env, login="coord_other", name="Ola Coordinator",
            groups="fsm_orders.group_fsm_coordinator", company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )  # fmt: skip
        data = self._board(user=coordinator, days=7)
        self.assertEqual((data["rows"], data["unplanned"], data["all_teams"]), ([], [], []))
        with self.assertRaises(AccessError):
            self.Board.with_user(coordinator).move_order(
                self.unplanned_low.id, self.tech_north.id, _z(self._at(13))
            )
        self.assertFalse(self.unplanned_low.technician_id)

    def test_bad_input_is_refused_with_a_sentence(self):
        with self.assertRaisesRegex(UserError, "a day or a week"):
            self.Board.get_board_data(str(self.day), 3)
        with self.assertRaisesRegex(UserError, "is not a date"):
            self.Board.get_board_data("next monday", 1)
