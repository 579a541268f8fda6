from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import FsmCase, FsmWorldMixin, search_filter_domains


class TestLanding(FsmCase):
    """Opening Field Service lands each role on its own screen, for any user
    of the role (not only the demo's), and nobody on an empty list that is not."""

    def _home(self, user):
        return self.env["service.dashboard"].with_user(user)._get_home_action()

    def test_the_app_opens_the_home_server_action(self):
        root = self.env.ref("fsm_orders.menu_fsm_root")
        self.assertEqual(root.action, self.env.ref("fsm_orders.action_fsm_home"))
        menus = self.env["ir.ui.menu"].with_user(self.user_tech_north).load_web_menus(False)
        self.assertEqual(menus[root.id]["actionID"], self.env.ref("fsm_orders.action_fsm_home").id)

    def test_each_role_sees_its_menus(self):
        def visible(user):
            menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
            return {m["xmlid"] for m in menus.values() if m.get("xmlid")}

        coordinator_menus = {
            "fsm_orders.menu_fsm_today",
            "fsm_orders.menu_fsm_orders",
            "fsm_orders.menu_fsm_planning_week",
            "fsm_orders.menu_fsm_planning_day",
            "fsm_orders.menu_fsm_technicians",
            "fsm_orders.menu_fsm_teams",
            "fsm_orders.menu_fsm_clients",
        }
        for user in (self.user_coord_north, self.user_manager):
            self.assertLessEqual(coordinator_menus, visible(user), user.login)
        technician = visible(self.user_tech_north)
        self.assertIn("fsm_orders.menu_fsm_my_day", technician)
        self.assertIn("fsm_orders.menu_fsm_clients", technician)
        self.assertFalse(coordinator_menus - {"fsm_orders.menu_fsm_clients"} & technician)

    def test_each_role_lands_on_its_screen(self):
        admin = self.env.ref("base.user_admin")
        new_coordinator = mail_new_test_user(
            self.env, login="coord_new", groups="fsm_orders.group_fsm_coordinator"
        )
        self.assertEqual(self._home(self.user_tech_north)["xml_id"], "fsm_orders.action_fsm_visit")
        for coordinator in (self.user_coord_north, new_coordinator):
            action = self._home(coordinator)
            self.assertEqual(action["xml_id"], "fsm_orders.action_service_order_calendar")
            self.assertEqual(action["path"], self.env.ref("fsm_orders.action_server_planning").path)
        for manager in (self.user_manager, admin):
            action = self._home(manager)
            self.assertEqual(action["xml_id"], "fsm_orders.action_fsm_today")
            self.assertEqual(action["tag"], "fsm_day_dashboard")

    def test_running_the_home_action_as_each_role(self):
        home = self.env.ref("fsm_orders.action_fsm_home")
        for user, expected in (
            (self.user_tech_north, "fsm_orders.action_fsm_visit"),
            (self.user_coord_south, "fsm_orders.action_service_order_calendar"),
            (self.user_manager, "fsm_orders.action_fsm_today"),
        ):
            self.assertEqual(home.with_user(user).run()["xml_id"], expected)

    def test_my_teams_is_the_default_only_for_who_coordinates_a_team(self):
        Dashboard = self.env["service.dashboard"]
        order_north = self._new_order(team_id=self.team_north.id)
        order_no_team = self._new_order(client=self.client_bar)
        for xml_id, server in (
            ("fsm_orders.action_service_order", "fsm_orders.action_server_service_orders"),
            ("fsm_orders.action_service_order_calendar", "fsm_orders.action_server_planning"),
        ):
            coordinator = Dashboard.with_user(self.user_coord_south)._get_team_scoped_action(
                xml_id, server
            )
            self.assertEqual(coordinator["context"]["search_default_filter_my_teams"], 1)
            manager = Dashboard.with_user(self.user_manager)._get_team_scoped_action(xml_id, server)
            self.assertNotIn("search_default_filter_my_teams", manager["context"])
            self.assertEqual(manager["path"], self.env.ref(server).path)
        # what the default facets show: the south coordinator their team (and
        # orders of no team), the manager everything
        Order = self.env["service.order"].with_user(self.user_coord_south)
        my_teams = search_filter_domains(Order.env, "service.order")["filter_my_teams"]
        self.assertNotIn(order_north, Order.search(my_teams))
        self.assertIn(order_no_team, Order.search(my_teams))
        manager_orders = self.env["service.order"].with_user(self.user_manager).search([])
        self.assertIn(order_north, manager_orders)

    def test_a_new_order_is_called_new_until_saved(self):
        form = Form(self.env["service.order"].with_user(self.user_coord_north))
        self.assertEqual(form.name, "New")
        form.partner_id = self.client_cafe
        order = form.save()
        self.assertNotEqual(order.name, "New")
        self.assertTrue(order.name.startswith("SO/"), order.name)


class TestDayDashboard(FsmCase):
    """The manager's day: figures counted with the filters of the list they
    open, and opened with those filters as facets only."""

    def _overview(self, user=None):
        data = self.env["service.dashboard"].with_user(user or self.user_manager).get_day_overview()
        return {tile["key"]: tile["count"] for s in data["sections"] for tile in s["tiles"]}

    def test_figures_follow_the_day(self):
        before = self._overview()
        for key in ("orders_to_plan", "orders_unassigned", "orders_late", "orders_today_done"):
            self.assertIn(key, before)
        self._new_order()  # new, unplanned, nobody assigned
        late = self._new_order(
            technician_id=self.tech_north.id,
            team_id=self.team_north.id,
            scheduled_start=fields.Datetime.now() - timedelta(hours=3),
            scheduled_duration=1.0,
        )
        late.with_context(fsm_skip_client_notification=True).action_dispatch()
        after = self._overview()
        self.assertEqual(after["orders_to_plan"], before["orders_to_plan"] + 1)
        self.assertEqual(after["orders_unassigned"], before["orders_unassigned"] + 1)
        self.assertEqual(after["orders_late"], before["orders_late"] + 1)

        # starting now: today in every time zone, and not late
        now = self._new_order(
            client=self.client_bar,
            technician_id=self.tech_south.id,
            team_id=self.team_south.id,
            scheduled_start=fields.Datetime.now(),
            scheduled_duration=2.0,
        )
        now.with_context(fsm_skip_client_notification=True).action_dispatch()
        later = self._overview()
        self.assertEqual(later["orders_today_dispatched"], after["orders_today_dispatched"] + 1)
        self.assertEqual(later["orders_late"], after["orders_late"])
        now.with_user(self.user_tech_south).action_accept()
        self.assertEqual(
            self._overview()["orders_today_accepted"], later["orders_today_accepted"] + 1
        )

    def test_a_figure_opens_its_list_with_its_filters_as_facets(self):
        Dashboard = self.env["service.dashboard"].with_user(self.user_manager)
        counts = self._overview()
        for tile in Dashboard._get_visible_tiles():
            with self.subTest(tile=tile["key"]):
                action = Dashboard.action_open_tile(tile["key"])
                defaults = {key for key in action["context"] if key.startswith("search_default_")}
                self.assertEqual(defaults, {f"search_default_{f}" for f in tile["filters"]})
                self.assertEqual(action["display_name"], tile["label"])
                # the list shows what the figure said: the filters of the
                # search view, read as a test of the web client would
                model = self.env[action["res_model"]].with_user(self.user_manager)
                view_id = action["search_view_id"] and action["search_view_id"][0]
                domains = search_filter_domains(model.env, action["res_model"], view_id)
                domain = [term for name in tile["filters"] for term in domains[name]]
                domain = ["&"] * (len(tile["filters"]) - 1) + domain
                self.assertEqual(model.search_count(domain), counts[tile["key"]])

    def test_the_breakdown_by_team_adds_up_and_opens_with_the_team_as_facet(self):
        self._new_order(team_id=self.team_north.id)
        self._new_order(team_id=self.team_south.id)
        self._new_order()  # no team
        Dashboard = self.env["service.dashboard"].with_user(self.user_manager)
        counts = self._overview()
        teams = Dashboard.get_day_overview()["teams"]
        self.assertIn("orders_to_plan", [c["key"] for c in teams["columns"]])
        self.assertEqual(
            [head["name"] for head in teams["sections"] for _ in range(head["span"])],
            [column["section"] for column in teams["columns"]],
            "each section heads its own columns",
        )
        self.assertEqual(
            len(teams["sections"]), len({c["section"] for c in teams["columns"]}), "one head each"
        )
        self.assertEqual(sum(h["span"] for h in teams["sections"]), len(teams["columns"]))
        names = [row["name"] for row in teams["rows"]]
        self.assertIn(self.team_north.display_name, names)
        self.assertIn(self.team_south.display_name, names)
        self.assertEqual(names[-1], "No team")
        domains = search_filter_domains(Dashboard.env, "service.order")
        tiles = {t["key"]: t for t in Dashboard._get_visible_tiles()}
        Order = self.env["service.order"].with_user(self.user_manager)
        for column in teams["columns"]:
            key = column["key"]
            cells = [row["counts"].get(key, 0) for row in teams["rows"]]
            self.assertEqual(sum(cells), counts[key], f"{key}: the teams add up to the tile")
            for row in teams["rows"]:
                with self.subTest(tile=key, team=row["name"]):
                    action = Dashboard.action_open_tile(key, row["id"])
                    context = action["context"]
                    if row["id"]:
                        self.assertEqual(context["search_default_team_id"], row["id"])
                        team_domain = [("team_id", "=", row["id"])]
                    else:
                        self.assertEqual(context["search_default_filter_no_team"], 1)
                        team_domain = domains["filter_no_team"]
                    domain = team_domain + [
                        term for name in tiles[key]["filters"] for term in domains[name]
                    ]
                    self.assertEqual(
                        Order.search_count(domain), row["counts"].get(key, 0), "cell = list"
                    )
        with self.assertRaisesRegex(UserError, "no longer exists"):
            Dashboard.action_open_tile("orders_late", "north")
        with self.assertRaisesRegex(UserError, "no longer exists"):
            Dashboard.action_open_tile("orders_late", 10**9)

    def test_technicians_have_no_dashboard(self):
        with self.assertRaises(AccessError):
            self.env["service.dashboard"].with_user(self.user_tech_north).get_day_overview()
        with self.assertRaises(AccessError):
            self.env["service.dashboard"].with_user(self.user_tech_north).action_open_tile(
                "orders_late"
            )


class TestTechniciansForFieldServiceStaff(FsmCase):
    """Coordinators and managers set technicians, teams and start locations
    on the employees' public profiles without being HR officers; the HR
    record stays HR's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_office = cls.env["hr.employee"].create(
            {
                "name": "Olle Office",
                "job_title": "Office clerk",
                "private_email": "olle@home.example.com",
            }
        )
        cls.action = cls.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_technicians")

    def _profiles(self, user):
        return self.env[self.action["res_model"]].with_user(user)

    def test_coordinator_and_manager_open_technicians_in_every_view(self):
        for user in (self.user_coord_north, self.user_manager):
            with self.subTest(user=user.login):
                Profile = self._profiles(user)
                views = Profile.get_views(
                    [*self.action["views"], (self.action["search_view_id"][0], "search")]
                )["views"]
                self.assertEqual(set(views), {"kanban", "list", "form", "search"})
                technicians = search_filter_domains(
                    Profile.env, Profile._name, self.action["search_view_id"][0]
                )["filter_technicians"]
                for view_type in ("kanban", "list", "form"):
                    # read what each view shows, as the web client does
                    arch = etree.fromstring(views[view_type]["arch"])
                    names = set(arch.xpath("//field[not(ancestor::field)]/@name"))
                    records = Profile.web_search_read(
                        technicians, {name: {} for name in names - {"service_team_ids"}}
                    )["records"]
                    self.assertEqual(
                        {r["id"] for r in records}, {self.tech_north.id, self.tech_south.id}
                    )

    def test_staff_make_a_technician_and_set_teams_but_not_the_hr_record(self):
        for user in (self.user_coord_north, self.user_manager):
            with self.subTest(user=user.login):
                with Form(
                    self._profiles(user).browse(self.employee_office.id),
                    view="fsm_orders.hr_employee_view_form_technician",
                ) as form:
                    form.is_technician = True
                    form.service_team_ids.add(self.team_north)
                self.assertTrue(self.employee_office.is_technician)
                self.assertEqual(self.employee_office.service_team_ids, self.team_north)
                profile = self._profiles(user).browse(self.employee_office.id)
                with self.assertRaisesRegex(AccessError, "Only an HR officer can change"):
                    profile.write({"name": "Renamed", "is_technician": False})
                self.assertTrue(self.employee_office.is_technician, "nothing was written")
                with self.assertRaises(AccessError):
                    self.env["hr.employee"].with_user(user).browse(self.employee_office.id).read(
                        ["private_email"]
                    )
                self.employee_office.write({"is_technician": False, "service_team_ids": False})
        self.assertEqual(self.employee_office.name, "Olle Office")

    def test_the_technician_form_is_read_only_where_the_write_is_refused(self):
        fields = self._profiles(self.user_coord_north).fields_get(
            ["is_technician", "service_team_ids", "name", "job_title", "work_phone"], ["readonly"]
        )
        self.assertFalse(fields["is_technician"]["readonly"])
        self.assertFalse(fields["service_team_ids"]["readonly"])
        for name in ("name", "job_title", "work_phone"):
            self.assertTrue(fields[name]["readonly"], name)

    def test_technicians_and_other_companies_cannot_manage_technicians(self):
        with self.assertRaises(AccessError):
            self._profiles(self.user_tech_north).browse(self.tech_south.id).write(
                {"is_technician": False}
            )
        other = self.env["res.company"].create({"name": "Kaffeservice Polska"})
        coord_other = mail_new_test_user(
            self.env, login="coord_other_hr", groups="fsm_orders.group_fsm_coordinator",
            company_id=other.id, company_ids=[(6, 0, other.ids)],
        )  # fmt: skip
        with self.assertRaises(AccessError):
            self._profiles(coord_other).browse(self.tech_south.id).write({"is_technician": False})
        self.assertTrue(self.tech_south.is_technician)


class TestClientsAreClients(FsmCase):
    """Clients lists the partners the firm serves, not every company."""

    def _clients(self, user=None):
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_clients")
        Partner = self.env["res.partner"].with_user(user or self.user_coord_north)
        return Partner.search(safe_eval(action["domain"], {"uid": Partner.env.uid}))

    def test_clients_are_the_partners_served(self):
        vendor = self.env["res.partner"].create({"name": "Bean Supplier AB", "is_company": True})
        marked = self.env["res.partner"].create(
            {"name": "Hotell Öst AB", "is_company": True, "is_service_client": True}
        )
        clients = self._clients()
        self.assertIn(self.client_cafe, clients, "has a machine")
        self.assertIn(self.client_bar, clients, "has a machine")
        self.assertIn(marked, clients, "marked by hand")
        self.assertNotIn(vendor, clients)
        self.assertNotIn(self.company.partner_id, clients, "the firm itself")
        self.assertNotIn(self.contact_cafe, clients, "a client's contact is no client")
        self.env["service.order"].create({"partner_id": vendor.id})  # an order makes a client
        self.assertIn(vendor, self._clients())

    def test_an_order_for_a_contact_marks_its_company(self):
        shop = self.env["res.partner"].create({"name": "Rosteriet HB", "is_company": True})
        person = self.env["res.partner"].create({"name": "Per", "parent_id": shop.id})
        self.env["service.order"].create({"partner_id": person.id})
        self.assertTrue(shop.is_service_client)
        self.assertFalse(person.is_service_client)

    def test_a_client_with_orders_is_archived_not_deleted(self):
        self._new_order()
        with self.assertRaisesRegex(UserError, "Café Norr AB has service orders or machines"):
            self.client_cafe.unlink()
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.site_bar.unlink()  # a machine stands there
        self.client_cafe.action_archive()
        self.assertFalse(self.client_cafe.active)
        nobody = self.env["res.partner"].create({"name": "Never served AB"})
        nobody.unlink()
        self.assertFalse(nobody.exists())


@tagged("post_install", "-at_install")
class TestFirstDayTours(FsmWorldMixin, HttpCase):
    """Each role logs in, opens Field Service and finds its data there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        for user in (cls.user_tech_north, cls.user_coord_north, cls.user_manager):
            user.password = user.login
        cls.env.ref("base.user_admin").password = "admin"
        now = fields.Datetime.now()
        cls.order_now = cls._new_order(
            technician_id=cls.tech_north.id,
            team_id=cls.team_north.id,
            scheduled_start=now,
            scheduled_duration=2.0,
        )
        cls.order_late = cls._new_order(
            technician_id=cls.tech_north.id,
            team_id=cls.team_north.id,
            scheduled_start=now - timedelta(days=1),
            scheduled_duration=1.0,
        )
        cls.order_bar = cls._new_order(
            client=cls.client_bar, team_id=cls.team_south.id, technician_id=cls.tech_south.id,
            scheduled_start=now + timedelta(days=1),
        )  # fmt: skip
        (cls.order_now | cls.order_late | cls.order_bar).with_context(
            fsm_skip_client_notification=True
        ).action_dispatch()

    def test_technician_lands_on_their_visits(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/odoo", "fsm_first_day_technician", login="tech_north")

    def test_a_link_to_a_colleagues_order_says_why_it_does_not_open(self):
        unserved = self.env["res.partner"].create({"name": "Rosteriet Öst AB", "is_company": True})
        # a colleague's visit to a client tech_north never served
        colleague = self.env["service.order"].create(
            {"partner_id": unserved.id, "technician_id": self.tech_south.id}
        )
        Order = self.env["service.order"].with_user(self.user_tech_north)
        self.assertFalse(Order.search([("id", "=", colleague.id)]), "not readable by the link")
        self.start_tour(
            f"/odoo/my-day/{colleague.id}", "fsm_first_day_colleague_link", login="tech_north"
        )

    def test_coordinator_lands_on_the_planning_of_their_teams(self):
        self.start_tour("/odoo", "fsm_first_day_coordinator", login="coord_north")

    def test_manager_lands_on_the_day_and_opens_a_figure(self):
        self.start_tour("/odoo", "fsm_first_day_manager", login="fsm_manager")

    def test_administrator_lands_on_the_day_and_opens_a_figure(self):
        self.start_tour("/odoo", "fsm_first_day_manager", login="admin")
