from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTwoPhonesOneTechnician(TransactionCase):
    """Two phones of one technician (or two quick taps) start a timer at the
    same moment, each in its own transaction: the second is refused with an
    error Odoo retries the request on, and the retry stops the first timer at
    the second it starts. Never two running timers, never an overlap.

    Runs on committed data (two real cursors), so it uses the administrator's
    employee that ``hr`` installs and removes its entries afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_id = cls.env.ref("hr.employee_admin").id

    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_entries)

    def _remove_entries(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM service_work_time WHERE employee_id = %s", (self.employee_id,))

    def _phone(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        env = api.Environment(cr, SUPERUSER_ID, {})
        # the phone's request has begun: its transaction has a snapshot
        env["service.work.time"].search_count([])
        return env

    def _start(self, env, category):
        employee = env["hr.employee"].browse(self.employee_id)
        entry = env["service.work.time"]._fsm_start(employee, category)
        env.flush_all()
        return entry

    def _assert_retried(self, env, category):
        """The tap fails with an error Odoo retries the request on."""
        try:
            self._start(env, category)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            env.cr.rollback()
        else:
            self.fail("a concurrent timer start went through without a retry")

    def _entries(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT date_start, date_stop FROM service_work_time "
                "WHERE employee_id = %s ORDER BY date_start, id",
                (self.employee_id,),
            )
            return cr.fetchall()

    @mute_logger("odoo.sql_db")
    def test_a_tap_while_the_other_is_being_saved_is_retried(self):
        first, second = self._phone(), self._phone()
        self._start(first, "admin")
        self._assert_retried(second, "break")
        first.cr.commit()
        # Odoo's retry of the second request, with a fresh transaction
        self._start(second, "break")
        second.cr.commit()
        (admin_start, admin_stop), (break_start, break_stop) = self._entries()
        self.assertEqual(admin_stop, break_start, "the first stopped when the second started")
        self.assertIsNone(break_stop, "one timer runs")

    @mute_logger("odoo.sql_db")
    def test_a_tap_that_began_before_the_other_committed_is_retried(self):
        first, second = self._phone(), self._phone()
        self._start(first, "admin")
        first.cr.commit()
        # the second phone's transaction began before the first one committed:
        # it cannot see the running timer, so it must not write beside it
        self._assert_retried(second, "break")
        self._start(second, "break")
        second.cr.commit()
        entries = self._entries()
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[0][1], entries[1][0])
        self.assertEqual([stop for _start, stop in entries].count(None), 1)
