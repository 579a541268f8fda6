from odoo.tests import HttpCase, tagged

from odoo.addons.fsm_orders.tests.common import FsmWorldMixin, local_today_at


@tagged("post_install", "-at_install")
class TestVisitOnThePhone(FsmWorldMixin, HttpCase):
    """The technician's whole visit on the one-thumb screen of a 390×844
    phone (the tour counts the taps against the issue's budget), then what
    the server holds: every answer, the photo, the part, the signature and
    the finished order, each exactly once."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.user_tech_north.password = "tech_north"
        cls.env["service.checklist.template"].create(
            {
                "name": "Espresso visit",
                "category_ids": [(6, 0, cls.machine_cafe.category_id.ids)],
                "item_ids": [
                    (0, 0, {"name": "Safety valve tested", "answer_type": "yesno",
                            "is_required": True}),
                    (0, 0, {"name": "Steam wand clean", "answer_type": "yesno"}),
                    (0, 0, {"name": "Drip tray emptied", "answer_type": "yesno"}),
                    (0, 0, {"name": "Boiler pressure", "answer_type": "number", "is_required": True,
                            "has_range": True, "min_value": 1.0, "max_value": 1.5, "unit": "bar"}),
                    (0, 0, {"name": "Water hardness", "answer_type": "selection",
                            "option_ids": [(0, 0, {"name": "Soft"}), (0, 0, {"name": "Hard"})]}),
                ],
            }
        )  # fmt: skip
        cls.env["service.warning"].create({"name": "Dog on site", "partner_id": cls.site_cafe.id})
        cls.gasket = cls.env["product.product"].create(
            {"name": "Group gasket 8.5 mm", "type": "consu", "is_storable": True,
             "fsm_phone_ok": True, "list_price": 6.0, "default_code": "GSK-85"}
        )  # fmt: skip
        cls.van = cls.tech_north.van_location_id
        cls.env["stock.quant"]._update_available_quantity(cls.gasket, cls.van, 4)
        cls.order = cls._new_order(
            contact_id=cls.contact_cafe.id,
            technician_id=cls.tech_north.id,
            team_id=cls.team_north.id,
            scheduled_start=local_today_at(cls.user_tech_north, 9),
            scheduled_duration=1.5,
        )
        cls.order.with_context(fsm_skip_client_notification=True).action_dispatch()

    def test_visit_from_my_day_to_signed_report_within_the_tap_budget(self):
        self.assertEqual(len(self.order.checklist_ids.line_ids), 5)
        self.start_tour("/odoo/my-day", "fsm_visit_in_fifteen_taps", login="tech_north")
        order = self.order
        self.assertEqual(order.state, "done")
        self.assertEqual(order.signed_by, "Karin Berg")
        self.assertTrue(order.signature)
        answers = {line.name: line.answer_display for line in order.checklist_ids.line_ids}
        self.assertEqual(
            answers,
            {
                "Safety valve tested": "Yes",
                "Steam wand clean": "Yes",
                "Drip tray emptied": "Yes",
                "Boiler pressure": "1.2 bar",
                "Water hardness": "Hard",
            },
        )
        self.assertEqual(len(order.photo_ids), 1)
        part = order.part_ids
        self.assertEqual((part.product_id, part.quantity_used), (self.gasket, 1))
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.gasket, self.van), 3)
        actions = self.env["service.sync.action"].search([("order_id", "=", order.id)])
        self.assertEqual(
            sorted(actions.mapped("kind")),
            sorted(["start", "answer", "answer", "answer", "answer", "answer", "photo", "part",
                    "sign", "finish"]),
        )  # fmt: skip
        self.assertEqual(set(actions.mapped("state")), {"applied"})
