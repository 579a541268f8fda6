from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTwoPhonesTheLastUnit(TransactionCase):
    """Two phones use the van's last unit at the same moment, each in its own
    transaction: the second gets an error Odoo retries the request on, and
    the retry is refused with what the van holds. The stock never goes below
    zero.

    Runs on committed data (two real cursors): it makes a technician, a part,
    an order with two lines and one unit in the van, and removes them after."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            employee = env["hr.employee"].create({"name": "Two Phones", "is_technician": True})
            product = env["product.product"].create(
                {"name": "Last gasket", "fsm_phone_ok": True, "type": "consu", "is_storable": True}
            )
            env["stock.quant"]._update_available_quantity(product, employee.van_location_id, 1)
            client = env["res.partner"].create({"name": "Two Phones Client", "is_company": True})
            order = env["service.order"].create(
                {"partner_id": client.id, "location_id": client.id, "technician_id": employee.id}
            )
            order.write(
                {"part_ids": [(0, 0, {"product_id": product.id, "quantity_planned": 1})] * 2}
            )
            self.ids = {"employee": employee.id, "product": product.id, "order": order.id,
                        "client": client.id, "van": employee.van_location_id.id}  # fmt: skip
            self.part_ids = order.part_ids.ids
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            ids = self.ids
            cr.execute("SELECT id FROM stock_move WHERE product_id = %s", (ids["product"],))
            moves = tuple(r[0] for r in cr.fetchall()) or (0,)
            cr.execute("DELETE FROM stock_move_line WHERE move_id IN %s", (moves,))
            cr.execute(
                "DELETE FROM stock_picking WHERE id IN "
                "(SELECT picking_id FROM stock_move WHERE id IN %s)",
                (moves,),
            )
            cr.execute("DELETE FROM stock_move WHERE id IN %s", (moves,))
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", (ids["product"],))
            cr.execute("DELETE FROM service_order WHERE id = %s", (ids["order"],))
            cr.execute("DELETE FROM product_product WHERE id = %s", (ids["product"],))
            cr.execute("DELETE FROM hr_employee WHERE id = %s", (ids["employee"],))

    def _phone(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["service.order.part"].search_count([])  # the request's snapshot is taken
        return env

    def _use(self, env, index):
        part = env["service.order.part"].browse(self.part_ids[index])
        part.action_fsm_use()
        env.flush_all()

    def _van(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COALESCE(SUM(quantity), 0) FROM stock_quant "
                "WHERE product_id = %s AND location_id = %s",
                (self.ids["product"], self.ids["van"]),
            )
            return cr.fetchone()[0]

    @mute_logger("odoo.sql_db")
    def test_one_phone_gets_the_last_unit_the_other_is_told(self):
        first, second = self._phone(), self._phone()
        self._use(first, 0)
        try:
            self._use(second, 1)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            second.cr.rollback()
        else:
            self.fail("two phones used the last unit without a retry")
        first.cr.commit()
        # Odoo retries the second request in a fresh transaction: a clear refusal
        with self.assertRaisesRegex(UserError, "holds 0.0"):
            self._use(second, 1)
        second.cr.rollback()
        self.assertEqual(self._van(), 0, "the van is empty, not below zero")

    @mute_logger("odoo.sql_db")
    def test_a_phone_whose_request_began_before_the_other_committed_is_retried(self):
        first, second = self._phone(), self._phone()
        self._use(first, 0)
        first.cr.commit()
        try:
            self._use(second, 1)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            second.cr.rollback()
        else:
            self.fail("a phone with a stale snapshot used a unit that was gone")
        with self.assertRaisesRegex(UserError, "holds 0.0"):
            self._use(second, 1)
        second.cr.rollback()
        self.assertEqual(self._van(), 0)
