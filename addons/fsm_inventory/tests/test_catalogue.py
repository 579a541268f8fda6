from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.fsm_orders.tests.common import search_filter_domains
from odoo.addons.mail.tests.common import mail_new_test_user

from .test_parts import InventoryCase

SAMPLE = "fsm_inventory/data/sample/catalogue_import.csv"
SAMPLE_BAD = "fsm_inventory/data/sample/catalogue_import_bad.csv"
CSV_OPTIONS = {
    "quoting": '"',
    "separator": ",",
    "encoding": "utf-8",
    "has_headers": True,
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "date_format": "",
    "datetime_format": "",
}


class CatalogueCase(InventoryCase):
    """Two parts: a gasket on the phone, a pump that is not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gasket = cls.env["product.product"].create(
            {"name": "Group head gasket 8.5 mm", "default_code": "GAS-85",
             "barcode": "7310000000017", "type": "consu", "is_storable": True,
             "list_price": 10.0, "standard_price": 4.0, "fsm_erp_ref": "ERP-500001",
             "fsm_manufacturer": "La Marzocco", "fsm_model": "Linea PB", "fsm_phone_ok": True,
             "company_id": cls.company.id}
        )  # fmt: skip
        cls.pump = cls.env["product.product"].create(
            {"name": "Rotary pump 150 l/h", "default_code": "PMP-150", "type": "consu",
             "is_storable": True, "list_price": 220.0, "fsm_phone_ok": False,
             "company_id": cls.company.id}
        )  # fmt: skip

    def _import(self, path):
        with file_open(path, "rb") as f:
            content = f.read()
        importer = (
            self.env["base_import.import"]
            .with_user(self.user_coord_north)
            .create(
                {
                    "res_model": "product.template",
                    "file": content,
                    "file_name": path.rsplit("/", 1)[-1],
                    "file_type": "text/csv",
                }
            )
        )
        preview = importer.parse_preview(dict(CSV_OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        headers = preview["headers"]
        matches = preview["matches"]
        self.assertEqual(
            len(matches), len(headers), f"every column matches a field: {headers} {matches}"
        )
        fields = ["/".join(matches[index]) for index in range(len(headers))]
        return importer.execute_import(fields, headers, dict(CSV_OPTIONS))


@tagged("post_install", "-at_install")
class TestCatalogue(CatalogueCase):
    def test_catalogue_fields_on_the_part(self):
        template = self.gasket.product_tmpl_id
        self.assertEqual(self.gasket.fsm_erp_ref, "ERP-500001")
        self.assertEqual(self.gasket.fsm_manufacturer, "La Marzocco")
        self.assertAlmostEqual(template.fsm_margin, 60.0)
        template.list_price = 8.0
        self.assertAlmostEqual(template.fsm_margin, 50.0)
        self.gasket.standard_price = 6.0
        self.assertAlmostEqual(template.fsm_margin, 25.0)
        self.assertEqual(
            self.env["product.template"].search(
                [("fsm_margin", "<", 30), ("id", "=", template.id)]
            ),
            template,
            "the margin is stored and searchable",
        )
        self.assertEqual(template._fields["default_code"].string, "Catalogue number")
        with self.assertConstraintRefused("product.template", "between 0 and 100"):
            template.fsm_discount = 150
        with self.assertConstraintRefused("product.template", "same ERP id"):
            self.pump.fsm_erp_ref = "ERP-500001"

    def test_a_coordinator_keeps_the_catalogue_from_the_menu(self):
        action = self.env.ref("fsm_inventory.action_fsm_catalogue")
        menu = self.env.ref("fsm_inventory.menu_fsm_catalogue")
        self.assertEqual(menu.action, action)
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("fsm_orders.menu_fsm_root"))
        Template = self.env["product.template"].with_user(self.user_coord_north)
        part = Template.create(
            {"name": "Shower screen 58 mm", "default_code": "SCR-58", "list_price": 17.0,
             "standard_price": 6.8, "fsm_discount": 5, "fsm_phone_ok": True,
             "fsm_manufacturer": "La Marzocco"}
        )  # fmt: skip
        self.assertAlmostEqual(part.fsm_margin, 60.0)
        filters = search_filter_domains(Template.env, "product.template", action.search_view_id.id)
        on_phone = Template.search(filters["phone"] + [("default_code", "!=", False)])
        self.assertIn(part, on_phone)
        self.assertNotIn(self.pump.product_tmpl_id, on_phone)
        self.assertIn(self.pump.product_tmpl_id, Template.search(filters["parts"]))
        self.assertNotIn(self.pump.product_tmpl_id, Template.search(filters["services"]))
        # the search field looks in the name, the catalogue number and the barcode
        arch = Template.get_view(action.search_view_id.id, "search")["arch"]
        self.assertIn("barcode", arch)
        for term in ("GAS-85", "7310000000017", "head gasket"):
            with self.subTest(term=term):
                found = Template.search(
                    ["|", "|", ("name", "ilike", term), ("default_code", "ilike", term),
                     ("barcode", "ilike", term)]
                )  # fmt: skip
                self.assertEqual(found, self.gasket.product_tmpl_id)

    def test_the_sample_file_imports_with_odoos_importer(self):
        result = self._import(SAMPLE)
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"], result["messages"]
        )
        imported = self.env["product.template"].browse(result["ids"])
        self.assertEqual(len(imported), 8)
        burrs = imported.filtered(lambda t: t.fsm_erp_ref == "ERP-100417")
        self.assertEqual(
            (burrs.name, burrs.default_code, burrs.fsm_manufacturer, burrs.fsm_model),
            ("Burr set 64 mm", "BUR-64", "Mazzer", "Super Jolly"),
        )
        self.assertEqual((burrs.standard_price, burrs.list_price), (18.0, 42.0))
        self.assertAlmostEqual(burrs.fsm_margin, 57.14, places=2)
        self.assertEqual(burrs.fsm_discount, 10)
        self.assertTrue(burrs.fsm_phone_ok and burrs.is_storable)
        self.assertEqual(burrs.product_variant_id.barcode, "8001234500048")
        service = imported.filtered(lambda t: t.default_code == "SRV-DESC")
        self.assertEqual((service.type, service.fsm_phone_ok), ("service", False))
        self.assertEqual(len(imported.filtered("fsm_phone_ok")), 5)

    def test_a_bad_file_is_reported_and_imports_nothing(self):
        Template = self.env["product.template"].with_context(active_test=False)
        before = Template.search_count([])
        with mute_logger("odoo.sql_db"):
            result = self._import(SAMPLE_BAD)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        self.assertRegex(" ".join(m["message"] for m in errors), "twelve|between 0 and 100")
        self.assertFalse(result.get("ids"))
        self.assertEqual(Template.search_count([]), before)
        self.assertFalse(Template.search([("fsm_erp_ref", "like", "ERP-1006")]))

    def test_a_discount_out_of_range_is_reported_by_the_importer(self):
        with mute_logger("odoo.sql_db"):
            result = self._import_rows(
                "name,default_code,fsm_discount\nSolenoid valve 3-way,SOL-3,150\n"
            )
        self.assertRegex(" ".join(m["message"] for m in result["messages"]), "between 0 and 100")
        self.assertFalse(self.env["product.template"].search([("default_code", "=", "SOL-3")]))

    def _import_rows(self, csv_text):
        importer = self.env["base_import.import"].create(
            {"res_model": "product.template", "file": csv_text.encode(),
             "file_name": "rows.csv", "file_type": "text/csv"}
        )  # fmt: skip
        preview = importer.parse_preview(dict(CSV_OPTIONS))
        fields = ["/".join(preview["matches"][i]) for i in range(len(preview["headers"]))]
        return importer.execute_import(fields, preview["headers"], dict(CSV_OPTIONS))

    def test_the_parts_discount_is_on_the_invoice_line(self):
        self.burrs.fsm_discount = 10
        self._stock_van(3)
        self._part(2).with_user(self.user_tech_north).action_fsm_use()
        quiet = self.order.with_context(
            fsm_skip_service_report=True, fsm_skip_client_notification=True
        )
        quiet.action_start()
        quiet.action_done()
        user_billing = mail_new_test_user(
            self.env, login="bo_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        self.order.with_user(user_billing).action_create_invoice()
        line = self.order.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.product_id == self.burrs
        )
        self.assertEqual((line.quantity, line.price_unit, line.discount), (2, 42.0, 10))
        self.assertAlmostEqual(line.price_subtotal, 75.6)


@tagged("post_install", "-at_install")
class TestPhoneCatalogue(CatalogueCase):
    """The technician picks parts from the phone catalogue only."""

    def _pickable(self, user, term):
        """What the part field offers ``user`` for ``term``, with its own domain."""
        Part = self.env["service.order.part"].with_user(user)
        domain = safe_eval(Part._fields["product_id"].domain, {"company_id": self.company.id})
        return self.env["product.product"].with_user(user).name_search(term, domain)

    def test_a_technician_finds_phone_parts_by_name_number_or_barcode(self):
        for term in ("head gasket", "GAS-85", "7310000000017"):
            with self.subTest(term=term):
                found = [pid for pid, _name in self._pickable(self.user_tech_north, term)]
                self.assertEqual(found, self.gasket.ids)
        self.assertFalse(self._pickable(self.user_tech_north, "PMP-150"), "not on the phone")
        self.assertFalse(self._pickable(self.user_coord_north, "Rotary pump"))

    def test_a_part_off_the_phone_catalogue_is_refused_to_a_technician(self):
        order = self.order.with_user(self.user_tech_north)
        with self.assertRaisesRegex(ValidationError, "Rotary pump.*not in the phone catalogue"):
            order.write({"part_ids": [(0, 0, {"product_id": self.pump.id, "quantity_planned": 1})]})
        self.assertFalse(self.order.part_ids)
        order.write({"part_ids": [(0, 0, {"product_id": self.gasket.id, "quantity_planned": 1})]})
        with self.assertRaisesRegex(ValidationError, "not in the phone catalogue"):
            order.part_ids.product_id = self.pump
        self.assertEqual(self.order.part_ids.product_id, self.gasket)
        # a coordinator may plan any part of the catalogue server-side
        self.order.with_user(self.user_coord_north).write(
            {"part_ids": [(0, 0, {"product_id": self.pump.id, "quantity_planned": 1})]}
        )
        self.assertEqual(self.order.part_ids.product_id, self.gasket | self.pump)
