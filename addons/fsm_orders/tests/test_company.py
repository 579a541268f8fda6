from odoo.tests import tagged

from .common import CompanySeparationMixin, FsmCase
from .test_onsite import png


@tagged("post_install", "-at_install")
class TestCompaniesAreSeparate(CompanySeparationMixin, FsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()
        template = cls.env["service.checklist.template"].create(
            {
                "name": "Descaling",
                "category_ids": [(6, 0, cls.category_espresso.ids)],
                "item_ids": [
                    (0, 0, {"name": "Water hardness", "answer_type": "selection",
                            "option_ids": [(0, 0, {"name": "Soft"}), (0, 0, {"name": "Hard"})]}),
                ],
            }
        )  # fmt: skip
        cls.order = cls._dispatched_order()
        cls.order.action_start()
        cls.env["service.order.photo"].create({"order_id": cls.order.id, "image": png()})
        cls.env["service.warning"].create({"name": "Dog on site", "partner_id": cls.site_cafe.id})
        counter = cls.env["service.equipment.counter"].create(
            {"name": "Shots", "equipment_id": cls.machine_cafe.id}
        )
        cls.env["service.equipment.counter.reading"].create(
            {"counter_id": counter.id, "value": 1200}
        )
        assert template in cls.order.checklist_ids.template_id
        cls.env["service.order"].with_user(cls.user_tech_north).fsm_sync(
            [{"uuid": "company-sync-1", "kind": "accept", "order_id": cls.order.id,
              "at": "2026-12-01 10:00:00", "payload": {}}]
        )  # fmt: skip

    def test_a_coordinator_of_another_company_sees_nothing_of_this_one(self):
        self._assert_other_company_sees_nothing("fsm_orders")

    def test_they_still_see_their_own_company_and_shared_configuration(self):
        shared = self.env["service.checklist.template"].create(
            {"name": "Shared safety check", "company_id": False}
        )
        other_client = self.env["res.partner"].create(
            {"name": "Kawiarnia Rynek", "is_company": True, "company_id": self.company_other.id}
        )
        own = (
            self.env["service.order"]
            .with_user(self.user_coord_other)
            .with_company(self.company_other)
            .create({"partner_id": other_client.id})
        )
        Order = self.env["service.order"].with_user(self.user_coord_other)
        self.assertEqual(Order.search([]), own)
        self.assertEqual(own.company_id, self.company_other)
        templates = (
            self.env["service.checklist.template"].with_user(self.user_coord_other).search([])
        )
        self.assertIn(shared, templates)
        self.assertFalse(templates.filtered(lambda t: t.sudo().company_id == self.company))
