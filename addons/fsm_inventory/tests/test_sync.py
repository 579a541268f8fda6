import uuid
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.fsm_orders.tests.test_onsite import png

from .test_parts import InventoryCase


@tagged("post_install", "-at_install")
class TestSyncParts(InventoryCase):
    """Parts used from Anna's van while offline, synced later: one part
    line per use, the van and the client's stock as the buttons leave them,
    and a part used up meanwhile refused alone."""

    def setUp(self):
        super().setUp()
        self.tap = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)

    def _action(self, kind, payload=None, order=None):
        return {
            "uuid": str(uuid.uuid4()),
            "kind": kind,
            "order_id": (order or self.order).id,
            "at": fields.Datetime.to_string(self.tap),
            "payload": payload or {},
        }

    def _use(self, quantity, **payload):
        return self._action("part", {"product_id": self.burrs.id, "quantity": quantity, **payload})

    def _sync(self, *actions):
        Order = self.env["service.order"].with_user(self.user_tech_north)
        results = Order.fsm_sync(list(actions))["results"]
        return [(r["state"], r["message"]) for r in results]

    def test_a_part_from_the_van_is_used_on_the_order_at_the_tap(self):
        self._stock_van(3)
        results = self._sync(self._action("start"), self._use(2))
        self.assertEqual(results, [("applied", False)] * 2)
        part = self.order.part_ids
        self.assertEqual((part.quantity_planned, part.quantity_used), (2, 2))
        self.assertEqual(part.date_used, self.tap)
        self.assertEqual(self._on_hand(self.van), 1)
        self.assertEqual(self._on_hand(self.customers), 2)

    def test_the_planned_line_takes_the_part(self):
        planned = self._part(2)
        self._stock_van(2)
        results = self._sync(self._action("start"), self._use(1), self._use(1))
        self.assertEqual(results, [("applied", False)] * 3)
        self.assertEqual(self.order.part_ids, planned)
        self.assertEqual((planned.quantity_used, planned.quantity_pending), (2, 0))
        self.assertEqual(self._on_hand(self.van), 0)

    def test_a_retry_uses_the_part_once(self):
        self._stock_van(3)
        queue = [self._action("start"), self._use(1)]
        self.assertEqual(self._sync(*queue), self._sync(*queue))
        self.assertEqual(self.order.part_ids.quantity_used, 1)
        self.assertEqual(self._on_hand(self.van), 2)

    def test_a_part_used_up_elsewhere_is_a_conflict_the_rest_of_the_visit_applies(self):
        self._stock_van(1)
        # meanwhile, online, the last burr set went on another of Anna's orders
        other = self._dispatched_order()
        other.with_user(self.user_tech_north).action_start()
        self._part(1, order=other).with_user(self.user_tech_north).action_fsm_use()
        results = self._sync(
            self._action("start"),
            self._use(1),
            self._action("photo", {"image": png().decode()}),
            self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()}),
            self._action("finish"),
        )
        self.assertEqual([state for state, _message in results],
                         ["applied", "conflict", "applied", "applied", "applied"])  # fmt: skip
        self.assertRegex(results[1][1], r"holds 0\.0 Units of \[BUR-64\] Burr set 64 mm")
        self.assertFalse(self.order.part_ids, "nothing half-way: no line without its stock")
        self.assertEqual(self._on_hand(self.van), 0, "never below zero")
        self.assertEqual(self.order.state, "done")
        self.assertEqual(self.order.signed_by, "Lisa Lind")
        conflict = self.env["service.sync.action"].search(
            [("order_id", "=", self.order.id), ("state", "=", "conflict")]
        )
        self.assertEqual(conflict.payload, {"product_id": self.burrs.id, "quantity": 1})
        activity = self.order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref("fsm_orders.mail_activity_type_sync_conflict")
            )
        )
        self.assertEqual(activity.user_id, self.user_coord_north)
        self.assertIn("Part used", activity.note)

    def test_bad_parts_are_conflicts_with_a_sentence(self):
        self._stock_van(3)
        self._sync(self._action("start"))
        results = self._sync(
            self._use(0),
            self._use(-1),
            self._use("two"),
            self._use(1.5),
            self._action("part", {"product_id": 999999999, "quantity": 1}),
            self._action("part", {"quantity": 1}),
        )
        self.assertEqual({state for state, _message in results}, {"conflict"})
        self.assertEqual(
            [message for _state, message in results],
            [
                "Enter a quantity above zero.",
                "Enter a quantity above zero.",
                "The \"quantity\" of this action should be a number, not 'two'.",
                "[BUR-64] Burr set 64 mm is counted in whole Units: 1.5 cannot be planned.",
                "The part 999999999 of this action does not exist.",
                'This action lacks its "product_id": it cannot be applied.',
            ],
        )
        self.assertFalse(self.order.part_ids)
        self.assertEqual(self._on_hand(self.van), 3)
