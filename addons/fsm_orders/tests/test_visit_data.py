from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import FsmCase, local_today_at
from .test_my_day import my_day_domain
from .test_onsite import OnSiteMixin, png


@tagged("post_install", "-at_install")
class TestVisitData(OnSiteMixin, FsmCase):
    """What the phone keeps of the technician's day for the visit screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_onsite()

    def _dispatch(self, orders):
        orders.with_context(fsm_skip_client_notification=True).action_dispatch()

    def test_the_day_is_my_days_visits_and_what_was_left_unfinished(self):
        tech = self.user_tech_north
        today = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=local_today_at(tech, 14)
        )
        early = self._new_order(
            client=self.client_bar,
            technician_id=self.tech_north.id,
            scheduled_start=local_today_at(tech, 9),
        )
        tomorrow = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=self.tomorrow_9
        )
        yesterday = self._new_order(
            technician_id=self.tech_north.id,
            scheduled_start=local_today_at(tech, 9) - timedelta(days=1),
        )
        others = self._new_order(
            technician_id=self.tech_south.id, scheduled_start=local_today_at(tech, 10)
        )
        cancelled = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=local_today_at(tech, 16)
        )
        self._dispatch(today | early | tomorrow | yesterday | others | cancelled)
        yesterday.with_user(tech).action_start()
        cancelled.action_cancel()

        Order = self.env["service.order"].with_user(tech)
        day = Order.fsm_visit_data()
        ids = [order["id"] for order in day["orders"]]
        my_day = Order.search(my_day_domain(Order.env)) - cancelled
        self.assertEqual(set(ids), set((my_day | yesterday).ids))
        self.assertEqual(ids, (yesterday | early | today).ids, "in the order of the visits")
        self.assertNotIn(tomorrow.id, ids)
        self.assertNotIn(others.id, ids)

    def test_a_visit_carries_its_checklists_warnings_and_machines(self):
        tech = self.user_tech_north
        order = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=local_today_at(tech, 10)
        )
        self.env["service.warning"].create({"name": "Dog on site", "partner_id": self.site_cafe.id})
        self._dispatch(order)
        lines = order.checklist_ids.line_ids
        pressure = lines.filtered(lambda ln: ln.name == "Boiler pressure")
        hardness = lines.filtered(lambda ln: ln.name == "Water hardness")
        pressure.with_user(tech).value_number = 2.0
        hard = hardness.template_item_id.option_ids.filtered(lambda o: o.name == "Hard")
        hardness.with_user(tech).value_option_id = hard

        (visit,) = self.env["service.order"].with_user(tech).fsm_visit_data()["orders"]
        self.assertEqual(visit["name"], order.name)
        self.assertIn("Dog on site", visit["warning_summary"])
        self.assertEqual([m["id"] for m in visit["equipment"]], order.equipment_ids.ids)
        self.assertEqual(visit["description"], "Machine leaks at group 2")
        (checklist,) = visit["checklists"]
        by_name = {line["name"]: line for line in checklist["lines"]}
        self.assertEqual(len(by_name), len(lines))
        self.assertTrue(by_name["Safety valve tested"]["is_required"])
        self.assertFalse(by_name["Safety valve tested"]["is_answered"])
        number = by_name["Boiler pressure"]
        self.assertEqual(
            (number["value"], number["is_out_of_range"], number["min_value"], number["max_value"]),
            (2.0, True, 1.0, 1.5),
        )
        self.assertEqual(by_name["Water hardness"]["value"], hard.id)
        self.assertEqual(
            [o["name"] for o in by_name["Water hardness"]["options"]], ["Soft", "Hard"]
        )
        self.assertIsNone(by_name["Remarks"]["value"] or None)
        self.assertTrue(visit["can_start"])
        self.assertFalse(visit["can_finish"])

    def test_the_day_carries_the_conflicts_waiting_for_the_coordinator(self):
        """A phone shows what the server refused of this user, also when the
        action came from another phone; an applied action is not listed."""
        tech = self.user_tech_north
        order = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=local_today_at(tech, 10)
        )
        self._dispatch(order)
        Order = self.env["service.order"].with_user(tech)
        sent = [
            {"uuid": f"visit-data-{n}", "kind": kind, "order_id": order.id,
             "at": fields.Datetime.to_string(fields.Datetime.now()), "payload": payload}
            for n, (kind, payload) in enumerate(
                [("start", {}), ("answer", {"line_id": 0, "value": "yes"})]
            )
        ]  # fmt: skip
        results = Order.fsm_sync(sent)["results"]
        self.assertEqual([r["state"] for r in results], ["applied", "conflict"])
        conflicts = Order.fsm_visit_data()["conflicts"]
        self.assertEqual([c["uuid"] for c in conflicts], ["visit-data-1"])
        self.assertEqual(conflicts[0]["message"], results[1]["message"])
        south = self.env["service.order"].with_user(self.user_tech_south)
        self.assertEqual(south.fsm_visit_data()["conflicts"], [], "another technician's are not")

    def test_the_day_holds_no_picture(self):
        """The phone keeps the day offline: counts, never images."""
        tech = self.user_tech_north
        order = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=local_today_at(tech, 10)
        )
        self._dispatch(order)
        order.with_user(tech).action_start()
        self.env["service.order.photo"].create(
            {"order_id": order.id, "image": png(256, 256, noise=True)}
        )
        (visit,) = self.env["service.order"].with_user(tech).fsm_visit_data()["orders"]
        self.assertEqual(visit["photo_count"], 1)
        self.assertLess(len(str(visit)), 4000)
