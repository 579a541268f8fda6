import base64
from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import FsmCase


@tagged("post_install", "-at_install")
class TestHistory(FsmCase):
    def _done_order(self, summary, technician=None):
        order = self._dispatched_order(technician or self.tech_north)
        order.action_start()
        order.work_summary = summary
        order.action_done()
        return order

    def test_machine_form_shows_its_orders_and_documents(self):
        first = self._done_order("Replaced gasket")
        second = self._done_order("Descaled boiler")
        self.env["ir.attachment"].create(
            {
                "name": "manual.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 manual"),
                "res_model": "service.equipment",
                "res_id": self.machine_cafe.id,
            }
        )
        self.env["ir.attachment"].create(
            {
                "name": "photo.png",
                "datas": base64.b64encode(b"not really"),
                "res_model": "service.order",
                "res_id": first.id,
            }
        )
        machine = self.machine_cafe
        self.assertEqual(machine.order_ids, first | second)
        self.assertEqual(machine.order_count, 2)
        self.assertEqual(machine.last_service_date, max(first.date_finished, second.date_finished))
        action = machine.action_view_orders()
        self.assertEqual(self.env["service.order"].search(action["domain"]), first | second)
        docs = self.env["ir.attachment"].search(machine.action_view_documents()["domain"])
        reports = (first | second).report_attachment_id
        self.assertEqual(len(reports), 2, "each finished order keeps its service report")
        self.assertEqual(
            sorted(docs.mapped("name")),
            sorted(["manual.pdf", "photo.png", *reports.mapped("name")]),
        )
        self.assertEqual(machine.document_count, 4)
        machines = self.machine_cafe | self.machine_bar
        machines.invalidate_recordset(["document_count"])
        self.assertEqual(machines.mapped("document_count"), [4, 0], "counted together, kept apart")

    def test_client_form_shows_orders_equipment_and_documents(self):
        order = self._done_order("Replaced gasket")
        self._new_order(client=self.client_bar)
        self.env["ir.attachment"].create(
            {
                "name": "report.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "service.order",
                "res_id": order.id,
            }
        )
        for partner in (self.client_cafe, self.contact_cafe):  # counts on the client and its people
            self.assertEqual(partner.service_order_count, 1)
            self.assertEqual(partner.service_equipment_count, 1)
            self.assertEqual(partner.service_document_count, 2, "report.pdf and the service report")
        # a client list computes all rows together: each keeps its own figures
        both = (self.client_cafe | self.client_bar).with_env(self.env)
        both.invalidate_recordset()
        self.assertEqual(both.mapped("service_order_count"), [1, 1])
        self.assertEqual(both.mapped("service_document_count"), [2, 0])
        self.assertEqual(both.mapped("service_equipment_count"), [1, 1])
        action = self.contact_cafe.action_view_service_orders()
        self.assertEqual(self.env["service.order"].search(action["domain"]), order)
        self.assertEqual(self.client_cafe.service_site_count, 1)

    def test_previous_visits_are_the_five_newest_alone_or_in_a_list(self):
        visits = [self._done_order(f"Visit {n}") for n in range(6)]
        for n, visit in enumerate(visits):
            finished = datetime(2026, 1, 1 + n, 12, 0)
            visit.write({"date_started": finished - timedelta(hours=1), "date_finished": finished})
        order = self._new_order(scheduled_start=self.tomorrow_9)
        newest_first = [visits[n] for n in (5, 4, 3, 2, 1)]
        self.assertEqual(list(order.previous_visit_ids), newest_first)  # its form
        other = self._new_order(client=self.client_bar)
        both = order | other
        both.invalidate_recordset(["previous_visit_ids"])
        self.assertEqual(list(order.previous_visit_ids), newest_first)  # a list of orders
        self.assertFalse(other.previous_visit_ids)

    def test_new_order_lists_the_previous_visits_of_its_machine(self):
        self._done_order("Replaced gasket", self.tech_south)
        order = self._new_order(scheduled_start=self.tomorrow_9)
        self.assertEqual(len(order.previous_visit_ids), 1)
        self.assertIn("Replaced gasket", order.previous_visits_summary)
        self.assertIn("Erik Eriksson", order.previous_visits_summary)
        other_client = self._new_order(client=self.client_bar)
        self.assertFalse(other_client.previous_visit_ids)
