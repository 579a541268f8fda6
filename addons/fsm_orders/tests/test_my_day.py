from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

from odoo.fields import Domain
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base_geolocalize.models.base_geocoder import BaseGeocoder as GeoCoder

from .common import FsmCase, FsmWorldMixin, local_today_at, search_filter_domains


def my_day_domain(env):
    """What My day shows: the action's domain and its default filters, read
    from the action and its search view as the web client reads them."""
    action = env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_my_day")
    context = safe_eval(action["context"], {"uid": env.uid})
    view = action["search_view_id"]
    filters = search_filter_domains(
        env, "service.order", view[0] if isinstance(view, (list, tuple)) else view
    )
    defaults = [
        filters[key.removeprefix("search_default_")]
        for key, value in context.items()
        if key.startswith("search_default_") and value
    ]
    return Domain.AND([safe_eval(action["domain"], {"uid": env.uid}), *defaults])


@tagged("post_install", "-at_install")
class TestMyDay(FsmCase):
    def test_my_day_lists_todays_visits_of_the_technician_in_time_order(self):
        Order = self.env["service.order"]
        late = self._new_order(
            technician_id=self.tech_north.id,
            scheduled_start=local_today_at(self.user_tech_north, 14),
        )
        early = self._new_order(
            client=self.client_bar,
            technician_id=self.tech_north.id,
            scheduled_start=local_today_at(self.user_tech_north, 9),
        )
        tomorrow = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=self.tomorrow_9
        )
        others = self._new_order(
            technician_id=self.tech_south.id,
            scheduled_start=local_today_at(self.user_tech_south, 10),
        )
        (late | early | tomorrow | others).with_context(
            fsm_skip_client_notification=True
        ).action_dispatch()

        self.assertEqual(
            self.user_tech_north.action_id.id,
            self.env.ref("fsm_orders.action_fsm_visit").id,
            "technicians land on their visits",
        )
        as_tech = Order.with_user(self.user_tech_north)
        visits = as_tech.search(my_day_domain(as_tech.env), order="scheduled_start, priority desc")
        self.assertEqual(visits, early | late)
        self.assertEqual(visits[0], early)
        self.assertEqual(early.with_user(self.user_tech_north).visit_time_label, "09:00–10:00")

    def test_directions_link_uses_the_site_coordinates(self):
        order = self._new_order()
        url = urlparse(order.directions_url)
        self.assertEqual(url.netloc, "www.google.com")
        self.assertEqual(
            parse_qs(url.query), {"api": ["1"], "destination": ["59.342900,18.049400"]}
        )
        self.assertEqual(order.action_open_directions()["url"], order.directions_url)

    def test_directions_fall_back_to_the_address_without_coordinates(self):
        self.site_bar.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        order = self._new_order(client=self.client_bar)
        self.assertIn("Medborgarplatsen+3", order.directions_url)

    def test_contact_phone_prefers_the_contact_on_site(self):
        order = self._new_order(contact_id=self.contact_cafe.id)
        self.assertEqual(order.contact_phone, "070-123 45 67")
        order.contact_id = False
        self.assertEqual(order.contact_phone, "+46 8 555 123 00")

    def _geolocate(self, **patch_kwargs):
        """Run the scheduled geolocation with a stand-in for the provider."""
        Partner = self.env["res.partner"].with_context(force_geo_localize=True)
        with (
            patch.object(GeoCoder, "_call_openstreetmap", **patch_kwargs) as call,
            patch.object(type(Partner), "_fsm_geocoder_pause", 0),
        ):
            Partner._cron_fsm_geolocate_sites()
        return call

    def test_new_site_is_geolocated_from_its_address_after_saving(self):
        Partner = self.env["res.partner"].with_context(force_geo_localize=True)
        with patch.object(GeoCoder, "_call_openstreetmap") as call:
            site = Partner.create(
                {
                    "name": "Café Norr, Slussen",
                    "parent_id": self.client_cafe.id,
                    "type": "other",
                    "street": "Katarinavägen 1",
                    "city": "Stockholm",
                    "country_id": self.sweden.id,
                }
            )
        self.assertFalse(call.called, "saving never waits for the geocoder")
        self.assertTrue(site.fsm_geo_pending)
        cron = self.env.ref("fsm_orders.ir_cron_fsm_geolocate_sites")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the geolocation job is woken up",
        )
        call = self._geolocate(return_value=(59.3195, 18.0722))
        self.assertIn("Katarinavägen 1", call.call_args.args[0])
        self.assertAlmostEqual(site.partner_latitude, 59.3195)
        self.assertAlmostEqual(site.partner_longitude, 18.0722)
        self.assertFalse(site.fsm_geo_pending)
        # moving the site locates it again
        site.write({"street": "Drottninggatan 1"})
        self.assertFalse(site.partner_latitude, "the old coordinates are dropped")
        self._geolocate(return_value=(59.3326, 18.0649))
        self.assertAlmostEqual(site.partner_latitude, 59.3326)

    def test_site_without_coordinates_is_located_when_an_order_uses_it(self):
        site = self.env["res.partner"].create(
            {"name": "Kiosk", "parent_id": self.client_cafe.id, "type": "other", "city": "Solna"}
        )
        site.fsm_geo_pending = False  # an old site, never located
        self.env["service.order"].create(
            {"partner_id": self.client_cafe.id, "location_id": site.id}
        )
        self.assertTrue(site.fsm_geo_pending)
        call = self._geolocate(return_value=(59.36, 18.0))
        self.assertTrue(call.called)
        self.assertAlmostEqual(site.partner_latitude, 59.36)

    def test_the_scheduled_job_geolocates_the_queue(self):
        site = self.env["res.partner"].create(
            {"name": "Kiosk", "parent_id": self.client_cafe.id, "type": "other", "city": "Solna"}
        )
        Partner = type(self.env["res.partner"])

        def fake_geo_localize(partners):
            partners.write({"partner_latitude": 59.36, "partner_longitude": 18.0})
            return True

        cron = self.env.ref("fsm_orders.ir_cron_fsm_geolocate_sites")
        self.assertTrue(cron.active)
        with patch.object(Partner, "geo_localize", fake_geo_localize):
            cron.ir_actions_server_id.run()  # the job's own code, in this transaction
        self.assertAlmostEqual(site.partner_latitude, 59.36)
        self.assertFalse(site.fsm_geo_pending)

    def test_coordinates_set_by_hand_are_kept(self):
        site = self.env["res.partner"].create(
            {"name": "Kiosk", "parent_id": self.client_cafe.id, "type": "other", "city": "Solna"}
        )
        site.write({"partner_latitude": 59.37, "partner_longitude": 18.01})
        call = self._geolocate(return_value=(1.0, 1.0))
        self.assertFalse(call.called)
        self.assertAlmostEqual(site.partner_latitude, 59.37)

    def test_geocoder_failure_keeps_the_order_and_the_queue_moves_on(self):
        nowhere, kiosk = self.env["res.partner"].create(
            [
                {"name": "Nowhere", "parent_id": self.client_cafe.id, "type": "other",
                 "city": "Atlantis"},
                {"name": "Kiosk", "parent_id": self.client_cafe.id, "type": "other",
                 "city": "Solna"},
            ]
        )  # fmt: skip
        order = self.env["service.order"].create(
            {"partner_id": self.client_cafe.id, "location_id": nowhere.id}
        )

        def provider(address, **_kw):
            if "Atlantis" in address:
                raise OSError("offline")
            return (59.36, 18.0)

        self._geolocate(side_effect=provider)
        self.assertTrue(order.exists())
        self.assertFalse(nowhere.partner_latitude)
        self.assertIn("found no coordinates", nowhere.message_ids[:1].body)
        self.assertNotIn("found no coordinates", kiosk.message_ids[:1].body or "")
        self.assertFalse(nowhere.fsm_geo_pending, "not retried for ever")
        self.assertAlmostEqual(kiosk.partner_latitude, 59.36, msg="the next site is still located")

    def test_a_provider_error_on_one_site_does_not_stop_the_queue(self):
        nowhere, kiosk = self.env["res.partner"].create(
            [
                {"name": "Nowhere", "parent_id": self.client_cafe.id, "type": "other",
                 "city": "Atlantis"},
                {"name": "Kiosk", "parent_id": self.client_cafe.id, "type": "other",
                 "city": "Solna"},
            ]
        )  # fmt: skip

        def geo_localize(partners):
            if partners.city == "Atlantis":
                raise OSError("provider misconfigured")
            partners.write({"partner_latitude": 59.36, "partner_longitude": 18.0})
            return True

        Partner = type(self.env["res.partner"])
        with (
            patch.object(Partner, "geo_localize", geo_localize),
            patch.object(Partner, "_fsm_geocoder_pause", 0),
            self.assertLogs("odoo.addons.fsm_orders.models.res_partner", "WARNING"),
        ):
            self.env["res.partner"]._cron_fsm_geolocate_sites()
        self.assertAlmostEqual(kiosk.partner_latitude, 59.36)
        self.assertFalse(nowhere.partner_latitude)
        self.assertFalse(nowhere.fsm_geo_pending)
        self.assertIn("found no coordinates", nowhere.message_ids[:1].body)


@tagged("post_install", "-at_install")
class TestMyDayTour(FsmWorldMixin, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.user_tech_north.password = "tech_north"
        cls.order_first = cls._new_order(
            contact_id=cls.contact_cafe.id,
            technician_id=cls.tech_north.id,
            scheduled_start=local_today_at(cls.user_tech_north, 9),
        )
        cls.order_second = cls._new_order(
            client=cls.client_bar,
            technician_id=cls.tech_north.id,
            scheduled_start=local_today_at(cls.user_tech_north, 13),
        )
        (cls.order_first | cls.order_second).with_context(
            fsm_skip_client_notification=True
        ).action_dispatch()

    def test_technician_accepts_starts_and_finishes_from_my_day_on_a_phone(self):
        self.start_tour("/odoo/my-day", "fsm_my_day_tour", login="tech_north")
        self.assertEqual(self.order_first.state, "done")
        self.assertEqual(self.order_second.state, "dispatched")
        states = self.order_first.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        ).mapped("new_value_char")
        self.assertEqual(sorted(states), sorted(["Accepted", "In progress", "Done"]))
        authors = self.order_first.message_ids.filtered("tracking_value_ids").author_id
        self.assertEqual(authors, self.user_tech_north.partner_id, "the chatter shows who did it")

    def test_the_technicians_page_loads_no_print_stylesheet(self):
        """The web client's print styles (158 kB gzipped) stay off the
        technician's phone, which prints nothing but PDF reports; the
        coordinator's page keeps them."""
        self.user_coord_north.password = "coord_north"
        for login, printed in (("tech_north", False), ("coord_north", True)):
            self.authenticate(login, login)
            page = self.url_open("/odoo").text
            self.assertIn("web.assets_web.min.js", page, login)
            self.assertEqual("web.assets_web_print" in page, printed, login)


@tagged("post_install", "-at_install")
class TestCoordinatorTour(FsmWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.user_coord_north.write({"password": "coord_north", "tz": "UTC"})
        cls.team_south.coordinator_id = cls.user_coord_north
        cls._new_order(
            technician_id=cls.tech_north.id,
            team_id=cls.team_north.id,
            scheduled_start=local_today_at(cls.user_coord_north, 9),
        )

    def test_coordinator_plans_in_every_view_and_dispatches_from_the_form(self):
        self.start_tour(
            "/odoo/action-fsm_orders.action_service_order_calendar",
            "fsm_coordinator_tour",
            login="coord_north",
        )
        order = self.env["service.order"].search([("partner_id", "=", self.client_bar.id)])
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(order.technician_id, self.tech_south)
        self.assertEqual(order.equipment_ids, self.machine_bar)
        self.assertEqual(order.location_id, self.site_bar)
        self.assertEqual(order.team_id, self.team_south)
