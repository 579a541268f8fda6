from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models.service_order import STEP_FIELDS, WORKFLOW_STEPS
from .common import FsmCase


class _Rollback(Exception):
    pass


def _extend_writable_fields(order_class, names):
    """The property as an addon's ``_inherit = "service.order"`` extends it."""

    def writable(model):
        return super(order_class, model).TECHNICIAN_WRITABLE_FIELDS | names

    return property(writable)


@tagged("post_install", "-at_install")
class TestTechnicianFieldRights(FsmCase):
    """What a technician may write comes from one extensible property: the
    write check, ``fields_get`` and the form all follow it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._dispatched_order(cls.tech_north)
        cls.Order = cls.env["service.order"]

    def _as_tech(self):
        return self.order.with_user(self.user_tech_north)

    def _form_readonly_fields(self, user):
        """The top-level fields of the order form that ``user``'s browser
        shows read-only whatever the record (``readonly="True"``)."""
        arch = self.Order.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        return {
            node.get("name")
            for node in etree.fromstring(arch).xpath("//field[not(ancestor::field)]")
            if node.get("readonly") == "True"
        }

    def test_a_refused_write_raises_access_error_naming_every_field(self):
        with self.assertRaisesRegex(AccessError, "Scheduled start.*Client|Client.*Scheduled start"):
            self._as_tech().write({"scheduled_start": self.tomorrow_9, "partner_id": False})
        self.assertEqual(self.order.scheduled_start, self.tomorrow_9)
        self._as_tech().write({"work_summary": "Replaced the group gasket"})
        self.assertEqual(self.order.work_summary, "Replaced the group gasket")

    def test_fields_get_and_the_form_follow_the_writable_fields(self):
        writable = self.Order._technician_writable_fields()
        described = self.Order.with_user(self.user_tech_north).fields_get(
            ["work_summary", "scheduled_start", "partner_id", "signature"], ["readonly"]
        )
        self.assertFalse(described["work_summary"]["readonly"])
        self.assertFalse(described["signature"]["readonly"])
        self.assertTrue(described["scheduled_start"]["readonly"])
        self.assertTrue(described["partner_id"]["readonly"])
        readonly = self._form_readonly_fields(self.user_tech_north)
        self.assertIn("scheduled_start", readonly)
        self.assertIn("technician_id", readonly)
        self.assertFalse(readonly & writable, "no writable field is locked in the form")
        self.assertNotIn("scheduled_start", self._form_readonly_fields(self.user_coord_north))
        form = Form(self._as_tech())
        form.work_summary = "Descaled the boiler"
        with self.assertRaises(AssertionError):
            form.scheduled_duration = 3.0
        form.save()
        self.assertEqual(self.order.work_summary, "Descaled the boiler")

    def test_an_empty_field_the_technician_cannot_fill_is_hidden_until_it_has_a_value(self):
        """The client reference and the client's availability: a technician
        cannot fill them, so the form hides them while empty (label and row
        included); the coordinator, who fills them, always sees them."""

        def hidden_when(user):
            arch = etree.fromstring(
                self.Order.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            )
            label = arch.xpath("//label[@for='window_start']")[0]
            return (
                arch.xpath("//field[@name='client_ref']")[0].get("invisible"),
                label.get("invisible"),
                label.getnext().get("invisible"),
                arch.xpath("//field[@name='work_summary']")[0].get("invisible"),
            )

        for_tech = hidden_when(self.user_tech_north)
        self.assertEqual(for_tech[0], "not client_ref")
        self.assertEqual(for_tech[1], "not window_start and not window_end")
        self.assertEqual(for_tech[2], for_tech[1], "the row goes with its label")
        self.assertFalse(for_tech[3], "what the technician writes is never hidden")
        self.assertEqual(hidden_when(self.user_coord_north), (None, None, None, None))
        self.assertTrue(Form(self._as_tech())._get_modifier("client_ref", "invisible"))
        self.order.client_ref = "PO-4711"
        self.assertFalse(Form(self._as_tech())._get_modifier("client_ref", "invisible"))

    def test_the_technician_reads_their_own_name_without_the_avatar_widget(self):
        """On the phone the locked technician field is a plain name: hr's
        avatar widget would ask the server about HR rights (a round trip
        before the order shows) and load an image; the coordinator keeps it."""

        def widget(user):
            arch = self.Order.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            return etree.fromstring(arch).xpath("//field[@name='technician_id']")[0].get("widget")

        self.assertIsNone(widget(self.user_tech_north))
        self.assertEqual(widget(self.user_coord_north), "many2one_avatar_employee")

    def test_an_addon_extends_the_writable_fields_and_nothing_else_opens(self):
        """As an addon's ``_inherit`` does: extend the property with super().
        The client reference becomes writable for technicians in the write,
        in fields_get and in the form; the schedule stays the coordinator's."""
        order_class = type(self.Order)
        extended = _extend_writable_fields(order_class, {"client_ref"})
        with patch.object(order_class, "TECHNICIAN_WRITABLE_FIELDS", extended):
            self.env.registry.clear_cache("stable", "templates")
            self.addCleanup(self.env.registry.clear_cache, "stable", "templates")
            self._as_tech().write({"client_ref": "PO-4711"})
            self.assertEqual(self.order.client_ref, "PO-4711")
            described = self.Order.with_user(self.user_tech_north).fields_get(
                ["client_ref", "scheduled_start"], ["readonly"]
            )
            self.assertFalse(described["client_ref"]["readonly"])
            self.assertTrue(described["scheduled_start"]["readonly"])
            self.assertNotIn("client_ref", self._form_readonly_fields(self.user_tech_north))
            with self.assertRaisesRegex(AccessError, "Scheduled start"):
                self._as_tech().write({"scheduled_start": self.tomorrow_9})
        self.env.registry.clear_cache("stable", "templates")
        with self.assertRaisesRegex(AccessError, "Client reference"):
            self._as_tech().write({"client_ref": "PO-4712"})

    def test_a_signed_report_is_read_only_for_the_technician_not_the_coordinator(self):
        self.order.action_start()
        self._as_tech().write({"signed_by": "Lisa Lind", "signature": self._png()})
        self.assertTrue(self._as_tech().is_report_locked)
        self.assertFalse(self.order.with_user(self.user_coord_north).is_report_locked)
        self.assertFalse(self._as_tech().can_sign, "signed once: no second signature")
        with self.assertRaisesRegex(UserError, "signed by the client"):
            self._as_tech().write({"work_summary": "changed afterwards"})

    @staticmethod
    def _png():
        from .test_onsite import png

        return png(40, 20)


@tagged("post_install", "-at_install")
class TestButtonsNeverLie(FsmCase):
    """Each step's can_* field is True exactly when its action succeeds, for
    every state and role: a button is shown only when pressing it works."""

    ACTIONS = {
        "plan": "action_plan",
        "dispatch": "action_dispatch",
        "accept": "action_accept",
        "start": "action_start",
        "done": "action_done",
        "cancel": "action_cancel",
        "draft": "action_draft",
        "invoice": "action_create_invoice",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_accountant_coord = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        # Erik serves Bar Söder: Anna's orders there are history he can read
        cls._dispatched_order(cls.tech_south, client=cls.client_bar)
        quiet = {"fsm_skip_client_notification": True, "fsm_skip_service_report": True}
        Order = cls.env["service.order"].with_context(**quiet)

        def order(state):
            record = Order.browse(
                cls._new_order(
                    client=cls.client_bar,
                    technician_id=cls.tech_north.id,
                    team_id=cls.team_north.id,
                    scheduled_start=cls.tomorrow_9,
                ).id
            )
            path = {
                "draft": [],
                "planned": ["action_plan"],
                "dispatched": ["action_dispatch"],
                "accepted": ["action_dispatch", "action_accept"],
                "in_progress": ["action_dispatch", "action_start"],
                "done": ["action_dispatch", "action_start", "action_done"],
                "cancelled": ["action_cancel"],
            }[state]
            for step in path:
                getattr(record, step)()
            return record

        cls.orders = {state: order(state) for state in dict(cls.Order_states())}
        cls.unscheduled = cls._new_order(client=cls.client_bar, technician_id=cls.tech_north.id)

    @classmethod
    def Order_states(cls):
        return cls.env["service.order"]._fields["state"].selection

    def _succeeds(self, record, method):
        """Run the step and undo it: True when it went through."""
        try:
            with self.env.cr.savepoint():
                getattr(record, method)()
                raise _Rollback
        except _Rollback:
            return True
        except (UserError, AccessError):
            return False
        finally:
            self.env.invalidate_all()

    def _check_every_step(self, user, orders, some_allowed=True):
        seen = {True: 0, False: 0}
        for order in orders:
            record = order.with_user(user).with_context(
                fsm_skip_client_notification=True, fsm_skip_service_report=True
            )
            for step, method in self.ACTIONS.items():
                shown = record[STEP_FIELDS[step]]
                works = self._succeeds(record, method)
                self.assertEqual(
                    shown,
                    works,
                    f"{user.login}: {STEP_FIELDS[step]} is {shown} on a {order.state} order "
                    f"but {method} {'works' if works else 'refuses'}",
                )
                seen[shown] += 1
        self.assertTrue(seen[False], "refusals were checked")
        self.assertEqual(bool(seen[True]), some_allowed, "steps that work were checked")

    def test_every_step_for_the_coordinator(self):
        self._check_every_step(self.user_coord_north, [*self.orders.values(), self.unscheduled])

    def test_every_step_for_the_assigned_technician(self):
        self._check_every_step(self.user_tech_north, list(self.orders.values()))

    def test_a_colleague_sees_no_step_on_an_order_that_is_not_theirs(self):
        for order in self.orders.values():
            record = order.with_user(self.user_tech_south)
            self.assertFalse(
                any(record[fname] for fname in STEP_FIELDS.values()),
                f"Erik may take no step on Anna's {order.state} order",
            )
        self._check_every_step(self.user_tech_south, list(self.orders.values()), some_allowed=False)

    def test_steps_cover_every_state_the_workflow_knows(self):
        states = {key for key, _label in self.Order_states()}
        for step, (allowed, _coordinators_only) in WORKFLOW_STEPS.items():
            self.assertLessEqual(set(allowed), states, step)
        self.assertEqual(set(STEP_FIELDS), set(WORKFLOW_STEPS))

    def test_create_invoice_is_hidden_while_there_is_nothing_to_invoice(self):
        done = self.orders["done"].with_user(self.user_accountant_coord)
        self.assertEqual(done.invoice_status, "to_invoice")
        self.assertFalse(done.can_create_invoice)
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            done.action_create_invoice()
        line = {"name": "Labour", "quantity": 1.0, "price_unit": 95.0}
        with patch.object(
            type(self.env["service.order"]), "_prepare_settlement_lines", lambda self: [line]
        ):
            self.env.invalidate_all()
            self.assertTrue(done.can_create_invoice)
            self.assertFalse(
                self.orders["done"].with_user(self.user_coord_north).can_create_invoice,
                "no invoicing rights, no button",
            )
            self._check_every_step(self.user_accountant_coord, [self.orders["done"]])
            done.action_create_invoice()
            self.assertEqual(done.invoice_ids.invoice_line_ids.price_unit, 95.0)
            self.assertFalse(done.can_create_invoice, "invoiced once")

    def test_finish_is_hidden_with_the_reason_until_the_checklist_is_answered(self):
        template = self.env["service.checklist.template"].create(
            {
                "name": "Safety",
                "item_ids": [(0, 0, {"name": "Valve tested", "answer_type": "yesno",
                                     "is_required": True})],
            }
        )  # fmt: skip
        order = self.orders["in_progress"]
        self.env["service.order.checklist"].create(
            {"order_id": order.id, "template_id": template.id}
        )
        as_tech = order.with_user(self.user_tech_north)
        self.assertFalse(as_tech.can_finish)
        self.assertIn("Valve tested", as_tech.finish_blocked_reason)
        self._check_every_step(self.user_tech_north, [order], some_allowed=False)
        as_tech.checklist_ids.line_ids.value_yesno = "yes"
        self.assertTrue(as_tech.can_finish)
        self.assertFalse(as_tech.finish_blocked_reason)
