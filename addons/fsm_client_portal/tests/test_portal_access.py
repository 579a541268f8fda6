from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import PortalWorldMixin


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalWorldMixin, TransactionCase):
    """What a client's portal user reads through the ORM (what a browser's
    RPC reaches): their client's records only, only the fields of
    ``PORTAL_READABLE_FIELDS``, and nothing to write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_world()

    def _visible(self, user, model):
        return self.env[model].with_user(user).with_context(active_test=False).search([])

    def test_a_client_sees_their_own_records_and_colleagues_share(self):
        for user in (self.portal_cafe, self.portal_cafe_colleague):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self._visible(user, "service.request"),
                    self.env["service.request"].search(
                        [("commercial_partner_id", "=", self.client_cafe.id)]
                    ),
                )
                orders = self._visible(user, "service.order")
                self.assertEqual(orders, self.order_cafe_done | self.order_cafe_planned)
                self.assertEqual(self._visible(user, "service.equipment"), self.machine_cafe)
                self.assertEqual(
                    self._visible(user, "service.equipment.counter"), self.counter_cafe
                )
                self.assertEqual(
                    self._visible(user, "service.equipment.counter.reading").counter_id,
                    self.counter_cafe,
                )

    def test_another_client_and_a_subsidiary_see_nothing_of_the_cafe(self):
        """A company under the café as its parent is its own commercial
        partner in Odoo: its contacts see their own company's records, not
        the parent's."""
        cafe_records = {
            "service.request": self.request_cafe,
            "service.order": self.order_cafe_done | self.order_cafe_planned,
            "service.equipment": self.machine_cafe,
        }
        self.assertEqual(self.client_cafe_sub.commercial_partner_id, self.client_cafe_sub)
        for user in (self.portal_bar, self.portal_cafe_sub):
            for model, records in cafe_records.items():
                with self.subTest(user=user.login, model=model):
                    self.assertFalse(self._visible(user, model) & records)
                    with self.assertRaises(AccessError):
                        records[:1].with_user(user).read(["name"])

    def test_internal_fields_cannot_be_read_even_on_own_records(self):
        cases = [
            (self.order_cafe_done, ["internal_note", "parts_note", "warning_ids", "invoice_ids"]),
            (self.machine_cafe, ["note", "properties", "administrator_id"]),
            (self.request_cafe, ["user_id", "call_ids", "caller_phone"]),
        ]
        for record, fields in cases:
            as_client = record.with_user(self.portal_cafe)
            self.assertTrue(as_client.read(["name"]))
            for field in fields:
                with self.subTest(model=record._name, field=field):
                    with self.assertRaises(AccessError):
                        as_client.read([field])
                    with self.assertRaises(AccessError):
                        as_client.search([(field, "!=", False)])
        # the fields a browser is told of are the readable ones only
        described = self.order_cafe_done.with_user(self.portal_cafe).fields_get()
        self.assertIn("work_summary", described)
        self.assertNotIn("internal_note", described)
        with self.assertRaises(AccessError):
            self.order_cafe_done.with_user(self.portal_cafe).web_read({"internal_note": {}})

    def test_the_readable_fields_are_what_the_mixin_declares(self):
        Order = self.env["service.order"].with_user(self.portal_cafe)
        readable = {
            name for name, field in Order._fields.items() if Order._has_field_access(field, "read")
        }
        self.assertEqual(readable, set(Order._portal_readable_fields()) & set(Order._fields))
        self.assertNotIn("internal_note", readable)
        self.assertNotIn("access_token", readable)

    def test_a_client_writes_nothing_by_rpc(self):
        for record, vals in [
            (self.order_cafe_done, {"work_summary": "Nothing done"}),
            (self.request_cafe, {"title": "Changed"}),
            (self.machine_cafe, {"name": "Renamed"}),
            (self.counter_cafe, {"name": "Renamed"}),
        ]:
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(self.portal_cafe).write(vals)
        with self.assertRaises(AccessError):
            self.env["service.request"].with_user(self.portal_cafe).create(
                {"title": "By RPC", "partner_id": self.client_cafe.id}
            )
        with self.assertRaises(AccessError):
            self.request_cafe.with_user(self.portal_cafe).unlink()

    def test_only_published_request_types_are_offered(self):
        self.type_maintenance.portal_published = False
        types = self.env["service.request.type"].with_user(self.portal_cafe).search([])
        self.assertNotIn(self.type_maintenance, types)
        self.assertIn(self.type_breakdown, types)
