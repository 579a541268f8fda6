from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.fields import Date
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import FsmCase


@tagged("post_install", "-at_install")
class TestEquipment(FsmCase):
    def test_warranty_state_and_search(self):
        today = Date.context_today(self.machine_cafe)
        self.assertEqual(self.machine_cafe.warranty_state, "active")
        self.assertTrue(self.machine_cafe.is_under_warranty())
        self.assertFalse(self.machine_cafe.is_under_warranty(today + timedelta(days=400)))
        self.assertEqual(self.machine_bar.warranty_state, "none")
        self.machine_bar.write(
            {"warranty_start": date(2020, 1, 1), "warranty_end": date(2021, 1, 1)}
        )
        self.assertEqual(self.machine_bar.warranty_state, "expired")
        Equipment = self.env["service.equipment"]
        self.assertEqual(
            Equipment.search(
                [
                    ("warranty_state", "=", "active"),
                    ("id", "in", (self.machine_cafe | self.machine_bar).ids),
                ]
            ),
            self.machine_cafe,
        )
        self.assertEqual(
            Equipment.search(
                [
                    ("warranty_state", "=", "expired"),
                    ("id", "in", (self.machine_cafe | self.machine_bar).ids),
                ]
            ),
            self.machine_bar,
        )

    def test_warranty_ending_before_it_starts_is_refused(self):
        with self.assertConstraintRefused("service.equipment", "cannot end before it starts"):
            self.machine_bar.write(
                {"warranty_start": date(2026, 1, 1), "warranty_end": date(2025, 1, 1)}
            )

    def test_machine_site_must_belong_to_owner(self):
        with self.assertRaisesRegex(ValidationError, "does not belong to"):
            self.machine_bar.location_id = self.site_cafe
        self.assertEqual(self.machine_bar.location_id, self.site_bar)

    def test_category_properties_appear_on_machines(self):
        self.category_espresso.equipment_properties_definition = [
            {"name": "group_count", "string": "Groups", "type": "integer"},
            {"name": "boiler_l", "string": "Boiler (l)", "type": "float"},
        ]
        form = Form(self.env["service.equipment"])
        form.name = "Linea Classic"
        form.partner_id = self.client_bar
        form.category_id = self.category_espresso
        machine = form.save()
        machine.properties = {"group_count": 3, "boiler_l": 11.0}
        values = {p["name"]: p["value"] for p in machine.read(["properties"])[0]["properties"]}
        self.assertEqual(values, {"group_count": 3, "boiler_l": 11.0})
        self.assertEqual(
            machine.location_id, self.client_bar, "a new machine stands at its owner's"
        )

    def test_category_counts_the_machines_of_its_subcategories(self):
        Category = self.env["service.equipment.category"]
        grinders = Category.create({"name": "Grinder"})
        flat_burr = Category.create({"name": "Flat burr", "parent_id": grinders.id})
        self.machine_bar.category_id = flat_burr
        self.env["service.equipment"].create(
            {"name": "Mahlkönig E65S", "partner_id": self.client_bar.id,
             "category_id": grinders.id}
        )  # fmt: skip
        categories = grinders | flat_burr | self.category_espresso
        categories.invalidate_recordset(["equipment_count"])
        self.assertEqual(grinders.equipment_count, 2, "its own machine and the subcategory's")
        self.assertEqual(flat_burr.equipment_count, 1)
        self.assertEqual(self.category_espresso.equipment_count, 1)

    def test_counter_readings_only_grow_unless_reset(self):
        counter = self.env["service.equipment.counter"].create(
            {"name": "Shots", "unit": "shots", "equipment_id": self.machine_cafe.id}
        )
        Reading = self.env["service.equipment.counter.reading"]
        Reading.create({"counter_id": counter.id, "date": "2026-01-01 10:00:00", "value": 1000})
        Reading.create({"counter_id": counter.id, "date": "2026-02-01 10:00:00", "value": 5000})
        self.assertEqual(counter.last_value, 5000)
        with self.assertRaisesRegex(ValidationError, "is lower"):
            Reading.create({"counter_id": counter.id, "date": "2026-03-01 10:00:00", "value": 4000})
        self.assertEqual(len(counter.reading_ids), 2)
        Reading.create(
            {"counter_id": counter.id, "date": "2026-03-01 10:00:00", "value": 10, "is_reset": True}
        )
        self.assertEqual(counter.last_value, 10)
        with self.assertConstraintRefused(
            "service.equipment.counter.reading", "cannot be negative"
        ):
            Reading.create(
                {
                    "counter_id": counter.id,
                    "date": "2026-04-01 10:00:00",
                    "value": -5,
                    "is_reset": True,
                }
            )

    def test_duplicate_serial_number_is_refused(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["service.equipment"].create(
                {"name": "Copy", "serial_number": "LM-1001", "partner_id": self.client_bar.id}
            )
            self.env.flush_all()

    def test_machine_is_found_by_serial_number(self):
        found = self.env["service.equipment"].name_search("VA-2002")
        self.assertEqual([r[0] for r in found], self.machine_bar.ids)
