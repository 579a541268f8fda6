from odoo.tests import Form, HttpCase, tagged

from .common import PortalWorldMixin


@tagged("post_install", "-at_install")
class TestClientPortalTours(PortalWorldMixin, HttpCase):
    """The client's day in Chromium, at a desktop's size and a phone's: file
    a request with a photo; the desk turns it into a visit that is done; the
    client follows it to the order, downloads and signs the report and rates
    the visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_world()

    def _desk_does_the_visit(self, service_request):
        """The desk splits the request into an order; it is done, unsigned."""
        Form(
            self.env["service.request.split"].with_context(default_request_id=service_request.id)
        ).save().action_create_orders()
        order = service_request.order_ids
        self.assertEqual(len(order), 1)
        order.write(
            {
                "technician_id": self.tech_north.id,
                "team_id": self.team_north.id,
                "scheduled_start": self.tomorrow_9,
                "scheduled_duration": 1.0,
                "contact_id": self.contact_cafe.id,
            }
        )
        order.with_context(fsm_skip_client_notification=True).action_dispatch()
        order.action_start()
        order.work_summary = "Replaced the steam wand gasket"
        order.with_context(fsm_skip_service_report=True).action_done()
        return order

    def _run(self):
        self.start_tour("/my", "fsm_client_portal_file_request", login="portal_lisa")
        service_request = self.env["service.request"].search([("title", "=", "Steam wand leaks")])
        self.assertEqual(len(service_request), 1)
        self.assertEqual(service_request.channel, "portal")
        self.assertEqual(service_request.equipment_id, self.machine_cafe)
        self.assertEqual(
            service_request.message_ids.attachment_ids.mapped("name"), ["leak-photo.png"]
        )
        order = self._desk_does_the_visit(service_request)
        self.start_tour(
            "/my/service-requests?filterby=all",
            "fsm_client_portal_follow_sign_rate",
            login="portal_lisa",
        )
        self.assertTrue(order.is_signed)
        self.assertEqual(order.signed_by, "Lisa Lind")
        rating = order.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Quick and tidy, thank you")

    def test_client_portal_on_a_desktop(self):
        self._run()

    def test_client_portal_on_a_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self._run()
