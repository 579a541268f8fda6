from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import FsmCase, search_filter_domains


@tagged("post_install", "-at_install")
class TestAccess(FsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_north = cls._dispatched_order(cls.tech_north)
        cls.order_south = cls._dispatched_order(cls.tech_south, client=cls.client_bar)

    def test_technician_sees_only_own_orders_and_served_history(self):
        Order = self.env["service.order"].with_user(self.user_tech_south)
        self.assertEqual(Order.search([]), self.order_south)
        with self.assertRaises(AccessError):
            self.order_north.with_user(self.user_tech_south).read(["name"])
        # an earlier visit by a colleague at a client Erik now serves is readable history
        old_visit = self._new_order(client=self.client_bar)
        self.assertIn(old_visit, Order.search([]))
        old_visit.with_user(self.user_tech_south).read(["name", "work_summary"])

    def test_serving_a_client_opens_its_history_and_handing_it_over_closes_it(self):
        """The rule reads the clients a technician served from a stored
        relation: it follows assignments at once."""
        old_visit = self._new_order(client=self.client_bar)
        as_anna = self.env["service.order"].with_user(self.user_tech_north)
        self.assertNotIn(old_visit, as_anna.search([]))
        visit = self._dispatched_order(self.tech_north, client=self.client_bar)
        self.assertIn(old_visit, as_anna.search([]))
        self.assertIn(self.machine_bar, self.env["service.equipment"].with_user(
            self.user_tech_north).search([]))  # fmt: skip
        visit.technician_id = self.tech_south
        self.assertNotIn(old_visit, as_anna.search([]))
        self.assertNotIn(visit, as_anna.search([]))
        with self.assertRaises(AccessError):
            old_visit.with_user(self.user_tech_north).read(["name"])

    def test_technician_opens_every_form_their_order_links_to(self):
        """Each form loads as the technician's browser loads it (every field
        of the view): the order, its machine, its client and its site."""
        order = self.order_north.with_user(self.user_tech_north)
        for record in (order, order.equipment_ids[:1], order.partner_id, order.location_id):
            form = Form(record)
            self.assertEqual(form.id, record.id)

    def test_technician_cannot_write_history_or_others_orders(self):
        history = self._new_order(client=self.client_bar, technician_id=self.tech_north.id)
        with self.assertRaises(AccessError):
            history.with_user(self.user_tech_south).write({"work_summary": "mine now"})
        with self.assertRaises(AccessError):
            self.order_north.with_user(self.user_tech_south).write({"work_summary": "x"})
        self.assertFalse(history.work_summary)

    def test_technician_cannot_create_or_delete_orders(self):
        with self.assertRaises(AccessError):
            self.env["service.order"].with_user(self.user_tech_north).create(
                {"partner_id": self.client_cafe.id}
            )
        with self.assertRaises(AccessError):
            self.order_north.with_user(self.user_tech_north).unlink()

    def test_technician_reads_only_machines_of_clients_they_serve(self):
        Equipment = self.env["service.equipment"].with_user(self.user_tech_south)
        self.assertEqual(Equipment.search([]), self.machine_bar)
        with self.assertRaises(AccessError):
            self.machine_cafe.with_user(self.user_tech_south).read(["name"])
        with self.assertRaises(AccessError):
            self.machine_bar.with_user(self.user_tech_south).write({"name": "renamed"})

    def test_technician_cannot_move_order_to_another_technician_through_workflow(self):
        with self.assertRaises(UserError):
            self.order_north.with_user(self.user_tech_south).action_start()
        self.assertEqual(self.order_north.state, "dispatched")

    def test_coordinator_sees_own_teams_by_default_and_can_widen(self):
        action = (
            self.env["service.dashboard"]
            .with_user(self.user_coord_south)
            ._get_team_scoped_action(
                "fsm_orders.action_service_order", "fsm_orders.action_server_service_orders"
            )
        )
        self.assertEqual(action["context"].get("search_default_filter_my_teams"), 1)
        Order = self.env["service.order"].with_user(self.user_coord_south)
        my_teams = search_filter_domains(Order.env, "service.order")["filter_my_teams"]
        orders = Order.search(my_teams)
        self.assertIn(self.order_south, orders)
        self.assertNotIn(self.order_north, orders)
        self.assertIn(self.order_north, Order.search([]), "removing the filter widens the view")

    def test_portal_user_and_plain_employee_cannot_read_orders(self):
        """Neither a plain employee nor a portal user of another client reads
        the café's orders and machines (the client portal gives a client's
        contacts their own, and only theirs)."""
        stranger = self.env["res.partner"].create({"name": "Unrelated Ltd", "is_company": True})
        portal = mail_new_test_user(
            self.env, login="portal_stranger", groups="base.group_portal",
            partner_id=self.env["res.partner"].create(
                {"name": "Ola Stranger", "parent_id": stranger.id}
            ).id,
        )  # fmt: skip
        employee = mail_new_test_user(self.env, login="clerk", groups="base.group_user")
        for user in (portal, employee):
            with self.assertRaises(AccessError):
                self.order_north.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.machine_cafe.with_user(user).read(["name"])

    def test_settings_menu_only_for_administrators(self):
        """Odoo's settings are the administrators' (res.config.settings): the
        field service manager configures teams, checklists and client
        messages, and does not get a menu that ends in an access error."""
        settings_menu = self.env.ref("fsm_orders.menu_fsm_settings")
        config_menu = self.env.ref("fsm_orders.menu_fsm_config")
        visible = self.env["ir.ui.menu"].with_user(self.user_manager)._visible_menu_ids()
        self.assertIn(config_menu.id, visible)
        self.assertNotIn(settings_menu.id, visible)
        admin = mail_new_test_user(
            self.env, login="fsm_admin", groups="fsm_orders.group_fsm_manager,base.group_system"
        )
        self.assertIn(settings_menu.id, self.env["ir.ui.menu"].with_user(admin)._visible_menu_ids())

    def test_technician_cannot_edit_teams_or_categories(self):
        with self.assertRaises(AccessError):
            self.team_north.with_user(self.user_tech_north).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.category_espresso.with_user(self.user_coord_north).write({"name": "x"})

    def test_coordinator_cannot_delete_equipment_but_manager_can(self):
        with self.assertRaises(AccessError):
            self.machine_bar.with_user(self.user_coord_north).unlink()
        spare = self.env["service.equipment"].create(
            {"name": "Spare", "partner_id": self.client_bar.id}
        )
        spare.with_user(self.user_manager).unlink()
        self.assertFalse(spare.exists())
