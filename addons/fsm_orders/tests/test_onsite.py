import base64
import io
import os

from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import FsmCase, FsmWorldMixin


def png(width=8, height=8, noise=False):
    """A real PNG, as base64; ``noise`` makes it incompressible (big)."""
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


class OnSiteMixin:
    @classmethod
    def _setup_onsite(cls):
        Template = cls.env["service.checklist.template"]
        cls.safety = Template.create(
            {
                "name": "Espresso safety check",
                "category_ids": [(6, 0, cls.category_espresso.ids)],
                "item_ids": [
                    (0, 0, {"name": "Safety valve tested", "answer_type": "yesno",
                            "is_required": True}),
                    (0, 0, {"name": "Boiler pressure", "answer_type": "number", "is_required": True,
                            "has_range": True, "min_value": 1.0, "max_value": 1.5, "unit": "bar"}),
                    (0, 0, {"name": "Water hardness", "answer_type": "selection",
                            "option_ids": [(0, 0, {"name": "Soft"}), (0, 0, {"name": "Hard"})]}),
                    (0, 0, {"name": "Remarks", "answer_type": "text"}),
                    (0, 0, {"name": "Photo of the boiler plate", "answer_type": "photo"}),
                ],
            }
        )  # fmt: skip
        cls.grinder_category = cls.env["service.equipment.category"].create({"name": "Grinder"})
        cls.burrs = Template.create(
            {
                "name": "Grinder burrs",
                "category_ids": [(6, 0, cls.grinder_category.ids)],
                "item_ids": [(0, 0, {"name": "Burrs replaced", "answer_type": "yesno"})],
            }
        )
        cls.grinder = cls.env["service.equipment"].create(
            {
                "name": "Mahlkönig E65S",
                "serial_number": "MK-3003",
                "category_id": cls.grinder_category.id,
                "partner_id": cls.client_cafe.id,
                "location_id": cls.site_cafe.id,
            }
        )

    @classmethod
    def _started_order_cls(cls, **vals):
        order = cls._dispatched_order(contact_id=cls.contact_cafe.id, **vals)
        order.with_user(cls.user_tech_north).action_start()
        return order

    def _started_order(self, **vals):
        order = self._dispatched_order(contact_id=self.contact_cafe.id, **vals)
        order.with_user(self.user_tech_north).action_start()
        return order

    def _answer(self, order, question, **values):
        line = order.checklist_ids.line_ids.filtered(lambda ln: ln.name == question)
        line.with_user(self.user_tech_north).write(values)
        return line

    def _answer_required(self, order):
        self._answer(order, "Safety valve tested", value_yesno="yes")
        self._answer(order, "Boiler pressure", value_number=1.2)


class OnSiteCase(OnSiteMixin, FsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_onsite()


@tagged("post_install", "-at_install")
class TestChecklists(OnSiteCase):
    def test_category_checklist_is_added_to_new_orders_once(self):
        order = self._new_order()
        self.assertEqual(order.checklist_ids.template_id, self.safety)
        self.assertEqual(len(order.checklist_ids.line_ids), 5)
        order.equipment_ids = [(4, self.grinder.id)]
        self.assertEqual(order.checklist_ids.template_id, self.safety | self.burrs)
        order.equipment_ids = [(4, self.grinder.id)]
        self.assertEqual(len(order.checklist_ids), 2, "never twice the same checklist")

    def test_checklist_can_be_chosen_on_an_order(self):
        order = self._new_order(client=self.client_bar, equipment_ids=[])
        self.assertFalse(order.checklist_ids)
        self.env["service.order.checklist"].create(
            {"order_id": order.id, "template_id": self.burrs.id}
        )
        self.assertEqual(order.checklist_ids.name, "Grinder burrs")
        self.assertEqual(order.checklist_ids.line_ids.name, "Burrs replaced")

    def test_number_out_of_range_is_flagged(self):
        order = self._started_order()
        line = self._answer(order, "Boiler pressure", value_number=2.1)
        self.assertTrue(line.is_answered)
        self.assertTrue(line.is_out_of_range)
        self.assertEqual(line.answer_display, "2.1 bar")
        self.assertEqual(line.range_display, "1–1.5 bar")
        self.assertEqual(order.checklist_out_of_range_count, 1)
        self._answer(order, "Boiler pressure", value_number=1.3)
        self.assertFalse(line.is_out_of_range)

    def test_zero_is_an_answer(self):
        order = self._started_order()
        line = order.checklist_ids.line_ids.filtered(lambda ln: ln.name == "Boiler pressure")
        self.assertFalse(line.is_answered)
        self._answer(order, "Boiler pressure", value_number=0.0)
        self.assertTrue(line.is_answered)
        self.assertTrue(line.is_out_of_range)

    def test_required_items_block_finishing_and_are_listed(self):
        order = self._started_order()
        self._answer(order, "Safety valve tested", value_yesno="yes")
        with self.assertRaisesRegex(UserError, "Espresso safety check: Boiler pressure") as cm:
            order.with_user(self.user_tech_north).action_done()
        self.assertNotIn("Safety valve", str(cm.exception), "only what is missing is listed")
        self.assertNotIn("Remarks", str(cm.exception), "optional questions are not required")
        self.assertEqual(order.state, "in_progress")
        self._answer(order, "Boiler pressure", value_number=1.2)
        order.with_user(self.user_tech_north).action_done()
        self.assertEqual(order.state, "done")

    def test_choice_of_another_question_is_refused(self):
        order = self._started_order()
        other = self.env["service.checklist.template"].create(
            {
                "name": "Other",
                "item_ids": [(0, 0, {"name": "Q", "answer_type": "selection",
                                     "option_ids": [(0, 0, {"name": "Foreign"})]})],
            }
        )  # fmt: skip
        with self.assertRaisesRegex(ValidationError, "not one of the choices"):
            self._answer(order, "Water hardness", value_option_id=other.item_ids.option_ids.id)

    def test_template_with_bad_range_or_no_choices_is_refused(self):
        Item = self.env["service.checklist.template.item"]
        with self.assertConstraintRefused("service.checklist.template.item", "end below its start"):
            Item.create({"template_id": self.burrs.id, "name": "Temp", "answer_type": "number",
                         "has_range": True, "min_value": 95, "max_value": 90})  # fmt: skip
        with self.assertRaisesRegex(ValidationError, "Give the choices"):
            Item.create({"template_id": self.burrs.id, "name": "Pick", "answer_type": "selection"})

    def test_technician_cannot_fill_a_colleagues_checklist(self):
        order = self._dispatched_order(self.tech_south, client=self.client_bar, equipment_ids=[])
        self.env["service.order.checklist"].create(
            {"order_id": order.id, "template_id": self.burrs.id}
        )
        line = order.checklist_ids.line_ids
        with self.assertRaises(AccessError):
            line.with_user(self.user_tech_north).write({"value_yesno": "yes"})
        self.assertFalse(line.value_yesno)


@tagged("post_install", "-at_install")
class TestPhotosAndWarnings(OnSiteCase):
    def test_photo_goes_to_the_order_and_the_machine_documentation(self):
        order = self._started_order()
        photo = (
            self.env["service.order.photo"]
            .with_user(self.user_tech_north)
            .create(
                {
                    "order_id": order.id,
                    "image": png(),
                    "name": "Leak",
                    "equipment_id": self.machine_cafe.id,
                }
            )
        )
        self.assertEqual(order.photo_ids, photo)
        self.assertEqual(self.machine_cafe.photo_ids, photo)
        docs = self.env["ir.attachment"].search(self.machine_cafe.action_view_documents()["domain"])
        self.assertIn("service.order.photo", docs.mapped("res_model"))

    def test_a_file_that_is_not_an_image_is_refused(self):
        order = self._started_order()
        with self.assertRaisesRegex(ValidationError, "not an image"):
            self.env["service.order.photo"].with_user(self.user_tech_north).create(
                {"order_id": order.id, "image": base64.b64encode(b"%PDF-1.4 not a photo")}
            )
        self.assertFalse(order.photo_ids)
        line = order.checklist_ids.line_ids.filtered(lambda ln: ln.answer_type == "photo")
        with self.assertRaisesRegex(ValidationError, "not an image"):
            line.with_user(self.user_tech_north).write(
                {"value_photo": base64.b64encode(b"#!/bin/sh\necho hi")}
            )
        self.assertFalse(line.value_photo)

    def test_an_oversized_photo_is_refused_with_the_limit(self):
        self.company.fsm_photo_max_mb = 1
        big = png(800, 800, noise=True)  # about 1.9 MB of incompressible pixels
        order = self._started_order()
        with self.assertRaisesRegex(ValidationError, r"photos up to 1 MB"):
            self.env["service.order.photo"].with_user(self.user_tech_north).create(
                {"order_id": order.id, "image": big}
            )
        self.assertFalse(order.photo_ids)

    def test_photo_of_a_machine_not_on_the_order_is_refused(self):
        order = self._started_order()
        with self.assertRaisesRegex(ValidationError, "not a machine of this order"):
            self.env["service.order.photo"].create(
                {"order_id": order.id, "image": png(), "equipment_id": self.machine_bar.id}
            )

    def test_warnings_of_client_site_and_machine_show_on_every_order(self):
        Warning = self.env["service.warning"].with_user(self.user_tech_north)
        order = self._started_order()
        Warning.create({"name": "Dog on site, ring twice", "partner_id": self.site_cafe.id})
        Warning.create(
            {"name": "Gas valve behind the left panel", "equipment_id": self.machine_cafe.id}
        )
        self.env["service.warning"].create({"name": "Unrelated", "partner_id": self.site_bar.id})
        order.invalidate_recordset(["warning_ids", "warning_summary"])
        self.assertIn("Dog on site, ring twice", order.warning_summary)
        self.assertIn("Gas valve behind the left panel", order.warning_summary)
        self.assertNotIn("Unrelated", order.warning_summary)
        next_visit = self._new_order()
        self.assertEqual(len(next_visit.warning_ids), 2, "a new order for the site shows them too")
        next_visit.warning_ids.filtered(lambda w: "Dog" in w.name).active = False
        next_visit.invalidate_recordset(["warning_ids", "warning_summary"])
        self.assertNotIn("Dog", next_visit.warning_summary)

    def test_warning_must_say_what_it_is_about(self):
        with self.assertConstraintRefused(
            "service.warning", "either a client or site, or a machine"
        ):
            self.env["service.warning"].create({"name": "Floating"})
        with self.assertConstraintRefused(
            "service.warning", "either a client or site, or a machine"
        ):
            self.env["service.warning"].create(
                {"name": "Both", "partner_id": self.site_cafe.id, "equipment_id": self.grinder.id}
            )


@tagged("post_install", "-at_install")
class TestSignature(OnSiteCase):
    def test_client_signs_on_the_phone_with_their_name(self):
        order = self._started_order()
        order.with_user(self.user_tech_north).write({"signed_by": "Lisa Lind", "signature": png()})
        self.assertTrue(order.is_signed)
        self.assertEqual(order.signed_by, "Lisa Lind")
        self.assertTrue(order.signed_on)

    def test_signature_without_a_name_is_refused(self):
        order = self._started_order()
        with self.assertRaisesRegex(ValidationError, "name of the person who signs"):
            order.with_user(self.user_tech_north).write({"signature": png()})
        self.assertFalse(order.signature)

    def test_signature_on_a_cancelled_order_is_refused(self):
        order = self._started_order()
        order.action_cancel()
        with self.assertRaisesRegex(UserError, "only an order in progress or done can be signed"):
            order.write({"signed_by": "Lisa Lind", "signature": png()})
        self.assertFalse(order.is_signed)

    def test_technician_cannot_change_the_report_once_signed(self):
        order = self._started_order()
        as_tech = order.with_user(self.user_tech_north)
        as_tech.write({"work_summary": "Replaced gasket"})
        as_tech.write({"signed_by": "Lisa Lind", "signature": png()})
        with self.assertRaisesRegex(UserError, "signed by the client"):
            as_tech.write({"work_summary": "Something else"})
        with self.assertRaisesRegex(UserError, "signed by the client"):
            self._answer(order, "Remarks", value_text="added later")
        with self.assertRaisesRegex(UserError, "signed by the client"):
            self.env["service.order.photo"].with_user(self.user_tech_north).create(
                {"order_id": order.id, "image": png()}
            )
        with self.assertRaisesRegex(UserError, "already signed"):
            as_tech.write({"signed_by": "Someone", "signature": png(4, 4)})
        self.assertEqual(order.work_summary, "Replaced gasket")
        self.assertEqual(order.signed_by, "Lisa Lind")
        # a coordinator can still correct, with the chatter as trail
        order.with_user(self.user_coord_north).write({"work_summary": "Replaced group gasket"})
        self.assertEqual(order.work_summary, "Replaced group gasket")

    def test_company_can_require_a_signature_to_finish(self):
        self.company.fsm_signature_required = True
        order = self._started_order()
        self._answer_required(order)
        with self.assertRaisesRegex(UserError, "needs the client's signature"):
            order.with_user(self.user_tech_north).action_done()
        order.with_user(self.user_tech_north).write({"signed_by": "Lisa Lind", "signature": png()})
        order.with_user(self.user_tech_north).action_done()
        self.assertEqual(order.state, "done")

    def test_without_the_setting_an_unsigned_order_can_be_finished(self):
        order = self._started_order()
        self._answer_required(order)
        order.with_user(self.user_tech_north).action_done()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.is_signed)


@tagged("post_install", "-at_install")
class TestOnSiteTour(OnSiteMixin, FsmWorldMixin, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls._setup_onsite()

    def test_technician_fills_checklist_client_signs_and_order_is_finished(self):
        self.user_tech_north.password = "tech_north"
        self.company.fsm_signature_required = True
        self.env["service.warning"].create({"name": "Dog on site", "partner_id": self.site_cafe.id})
        order = self._started_order()
        self.start_tour(f"/odoo/my-day/{order.id}", "fsm_onsite_tour", login="tech_north")
        self.assertEqual(order.state, "done")
        self.assertEqual(order.signed_by, "Lisa Lind")
        self.assertTrue(order.signature)
        lines = order.checklist_ids.line_ids
        self.assertEqual(
            lines.filtered(lambda ln: ln.name == "Safety valve tested").value_yesno, "yes"
        )
        self.assertEqual(lines.filtered(lambda ln: ln.name == "Boiler pressure").value_number, 1.2)
        self.assertTrue(order.report_attachment_id, "the report was stored when the order was done")


@tagged("post_install", "-at_install")
class TestChecklistTemplateLater(OnSiteCase):
    def test_attaching_a_template_later_reaches_orders_not_started(self):
        waiting = self._new_order(client=self.client_bar)
        started = self._dispatched_order(self.tech_south, client=self.client_bar)
        started.action_start()
        self.assertEqual(waiting.checklist_ids.template_id, self.safety)
        self.burrs.category_ids = [(4, self.category_espresso.id)]
        self.assertEqual(waiting.checklist_ids.template_id, self.safety | self.burrs)
        self.assertNotIn(
            self.burrs, started.checklist_ids.template_id, "work in progress is left alone"
        )

    def test_attaching_from_the_category_form_reaches_orders_not_started(self):
        waiting = self._new_order(client=self.client_bar)
        self.assertNotIn(self.burrs, waiting.checklist_ids.template_id)
        self.category_espresso.checklist_template_ids = [(4, self.burrs.id)]
        self.assertIn(self.burrs, waiting.checklist_ids.template_id)
