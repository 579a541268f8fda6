import base64
import re

from odoo.addons.fsm_orders.tests.test_onsite import png
from odoo.addons.fsm_requests.tests.common import RequestWorldMixin
from odoo.addons.mail.tests.common import mail_new_test_user


def png_bytes(width=8, height=8, noise=False):
    return base64.b64decode(png(width, height, noise=noise))


class PortalWorldMixin(RequestWorldMixin):
    """Two clients with a portal user each (the café's Lisa, the bar's Bo), a
    colleague of Lisa's, and a contact of a café subsidiary (its own company
    under the café as parent); each client with a request, an order done with
    a report and one planned, and a machine with a counter. Everything of the
    bar is marked BARSECRET, so that a page leaking it is seen at once."""

    @classmethod
    def _setup_portal_world(cls):
        cls._setup_request_world()
        env = cls.env
        Partner = env["res.partner"]
        cls.type_maintenance = env.ref("fsm_requests.request_type_maintenance")
        cls.contact_bar = Partner.create(
            {"name": "Bo Bar", "parent_id": cls.client_bar.id, "email": "bo@bar.example.com"}
        )
        cls.contact_cafe_colleague = Partner.create(
            {
                "name": "Kim Kollega",
                "parent_id": cls.client_cafe.id,
                "email": "kim@cafe.example.com",
            }
        )
        cls.client_cafe_sub = Partner.create(
            {"name": "Café Norr Syd AB", "is_company": True, "parent_id": cls.client_cafe.id}
        )
        cls.contact_cafe_sub = Partner.create(
            {"name": "Sam Syd", "parent_id": cls.client_cafe_sub.id, "email": "sam@syd.example.com"}
        )
        cls.portal_cafe = mail_new_test_user(
            env, login="portal_lisa", groups="base.group_portal", partner_id=cls.contact_cafe.id
        )
        cls.portal_cafe_colleague = mail_new_test_user(
            env,
            login="portal_kim",
            groups="base.group_portal",
            partner_id=cls.contact_cafe_colleague.id,
        )
        cls.portal_bar = mail_new_test_user(
            env, login="portal_bo", groups="base.group_portal", partner_id=cls.contact_bar.id
        )
        cls.portal_cafe_sub = mail_new_test_user(
            env, login="portal_sam", groups="base.group_portal", partner_id=cls.contact_cafe_sub.id
        )
        cls.machine_bar.write({"name": "BARSECRET Eagle One", "note": "<p>BARSECRET note</p>"})
        cls.machine_cafe.note = "<p>Internal: the owner is difficult</p>"
        Counter = env["service.equipment.counter"]
        cls.counter_cafe = Counter.create(
            {"name": "Shots", "unit": "shots", "equipment_id": cls.machine_cafe.id}
        )
        cls.counter_bar = Counter.create(
            {"name": "BARSECRET shots", "equipment_id": cls.machine_bar.id}
        )
        env["service.equipment.counter.reading"].create(
            [
                {"counter_id": cls.counter_cafe.id, "value": 1200},
                {"counter_id": cls.counter_bar.id, "value": 900},
            ]
        )
        cls.request_cafe = cls._new_request(title="Leak at group 2")
        cls.request_bar = cls._new_request(
            title="BARSECRET grinder jams",
            partner_id=cls.client_bar.id,
            contact_id=cls.contact_bar.id,
            location_id=cls.site_bar.id,
            equipment_id=cls.machine_bar.id,
        )
        cls.order_cafe_done = cls._done_order(cls.client_cafe, "Replaced the gasket", "Cafe note")
        cls.order_bar_done = cls._done_order(cls.client_bar, "BARSECRET work", "BARSECRET internal")
        cls.order_cafe_planned = cls._dispatched_order(
            contact_id=cls.contact_cafe.id, request_id=cls.request_cafe.id
        )
        cls.order_bar_planned = cls._dispatched_order(
            partner_id=cls.client_bar.id,
            location_id=cls.site_bar.id,
            equipment_ids=[(6, 0, cls.machine_bar.ids)],
            request_id=cls.request_bar.id,
            description="<p>BARSECRET visit</p>",
        )

    @classmethod
    def _done_order(cls, client, summary, note):
        contact = cls.contact_cafe if client == cls.client_cafe else cls.contact_bar
        vals = {"contact_id": contact.id, "internal_note": note}
        if client != cls.client_cafe:
            vals.update(
                partner_id=client.id,
                location_id=cls.site_bar.id,
                equipment_ids=[(6, 0, cls.machine_bar.ids)],
            )
        order = cls._dispatched_order(**vals)
        order.action_start()
        order.work_summary = summary
        order.with_context(fsm_skip_service_report=True).action_done()
        return order

    def _csrf(self, url="/my"):
        """The CSRF token of the current session, from a page's script."""
        page = self.url_open(url).text
        return re.search(r'csrf_token: "([0-9a-f]+o?[0-9]*)"', page).group(1)
