from contextlib import contextmanager
from datetime import datetime, timedelta

import pytz
from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user


class FsmWorldMixin:
    """A small named world: two clients, a site each, two teams (North and
    South) each with a coordinator and a technician, and a manager.

    * ``client_cafe`` (Café Norr) with site ``site_cafe`` and contact
      ``contact_cafe``; machine ``machine_cafe`` under warranty.
    * ``client_bar`` (Bar Söder) with site ``site_bar``; machine ``machine_bar``.
    * ``tech_north`` (Anna, user ``user_tech_north``) in ``team_north``,
      coordinated by ``user_coord_north``; ``tech_south`` (Erik) in ``team_south``,
      coordinated by ``user_coord_south``.
    """

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like unittest's, but inside a savepoint as Odoo's ``assertRaises``,
        so that a refused write is rolled back and "nothing saved" can be
        checked afterwards."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)

    @contextmanager
    def assertConstraintRefused(self, model, regex):
        """A database CHECK refuses the change: what the user reads is the
        constraint's message (Odoo answers it as a ValidationError), and the
        savepoint rolls everything back."""
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as cm:
            yield cm
            self.env.flush_all()
        self.assertRegex(self.env[model]._sql_error_to_message(cm.exception), regex)

    def _flush_tracking(self):
        """Write the chatter's tracking now, as a request's commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    @classmethod
    def _setup_fsm_world(cls):
        env = cls.env
        cls.sweden = env.ref("base.se")
        cls.company = env.company
        cls.company.write({"fsm_arrival_margin": 1.0})
        cls.company.partner_id.tz = "Europe/Stockholm"
        cls.user_manager = mail_new_test_user(
            env, login="fsm_manager", name="Mona Manager", groups="fsm_orders.group_fsm_manager",
            tz="Europe/Stockholm",
        )  # fmt: skip
        cls.user_coord_north = mail_new_test_user(
            env, login="coord_north", name="Nora Coordinator",
            groups="fsm_orders.group_fsm_coordinator", tz="Europe/Stockholm",
        )  # fmt: skip
        cls.user_coord_south = mail_new_test_user(
            env, login="coord_south", name="Sven Coordinator",
            groups="fsm_orders.group_fsm_coordinator", tz="Europe/Stockholm",
        )  # fmt: skip
        cls.user_tech_north = mail_new_test_user(
            env, login="tech_north", name="Anna Andersson",
            groups="fsm_orders.group_fsm_technician", tz="Europe/Stockholm",
        )  # fmt: skip
        cls.user_tech_south = mail_new_test_user(
            env, login="tech_south", name="Erik Eriksson",
            groups="fsm_orders.group_fsm_technician", tz="Europe/Stockholm",
        )  # fmt: skip
        cls.tech_north = env["hr.employee"].create(
            {"name": "Anna Andersson", "user_id": cls.user_tech_north.id, "is_technician": True}
        )
        cls.tech_south = env["hr.employee"].create(
            {"name": "Erik Eriksson", "user_id": cls.user_tech_south.id, "is_technician": True}
        )
        cls.team_north = env["service.team"].create(
            {
                "name": "North",
                "coordinator_id": cls.user_coord_north.id,
                "member_ids": [(6, 0, cls.tech_north.ids)],
            }
        )
        cls.team_south = env["service.team"].create(
            {
                "name": "South",
                "coordinator_id": cls.user_coord_south.id,
                "member_ids": [(6, 0, cls.tech_south.ids)],
            }
        )
        Partner = env["res.partner"]
        cls.client_cafe = Partner.create(
            {
                "name": "Café Norr AB",
                "is_company": True,
                "email": "info@cafe-norr.example.com",
                "phone": "+46 8 555 123 00",
                "street": "Sveavägen 44",
                "zip": "111 34",
                "city": "Stockholm",
                "country_id": cls.sweden.id,
                "lang": "en_US",
            }
        )
        cls.contact_cafe = Partner.create(
            {
                "name": "Lisa Lind",
                "parent_id": cls.client_cafe.id,
                "email": "lisa@cafe-norr.example.com",
                "phone": "070-123 45 67",
                "country_id": cls.sweden.id,
                "lang": "en_US",
            }
        )
        cls.site_cafe = Partner.create(
            {
                "name": "Café Norr, Odenplan",
                "parent_id": cls.client_cafe.id,
                "type": "other",
                "street": "Odenplan 5",
                "zip": "113 22",
                "city": "Stockholm",
                "country_id": cls.sweden.id,
                "partner_latitude": 59.3429,
                "partner_longitude": 18.0494,
            }
        )
        cls.client_bar = Partner.create(
            {
                "name": "Bar Söder AB",
                "is_company": True,
                "email": "hej@bar-soder.example.com",
                "street": "Götgatan 30",
                "zip": "118 46",
                "city": "Stockholm",
                "country_id": cls.sweden.id,
            }
        )
        cls.site_bar = Partner.create(
            {
                "name": "Bar Söder, Medborgarplatsen",
                "parent_id": cls.client_bar.id,
                "type": "other",
                "street": "Medborgarplatsen 3",
                "city": "Stockholm",
                "country_id": cls.sweden.id,
                "partner_latitude": 59.3145,
                "partner_longitude": 18.0735,
            }
        )
        cls.category_espresso = env["service.equipment.category"].create(
            {"name": "Espresso machine"}
        )
        # the firm's day in Stockholm (after 23:00 UTC it is tomorrow there)
        today = (
            pytz.utc.localize(datetime.now()).astimezone(pytz.timezone("Europe/Stockholm")).date()
        )
        cls.machine_cafe = env["service.equipment"].create(
            {
                "name": "La Marzocco Linea PB",
                "serial_number": "LM-1001",
                "category_id": cls.category_espresso.id,
                "partner_id": cls.client_cafe.id,
                "location_id": cls.site_cafe.id,
                "warranty_start": today - timedelta(days=100),
                "warranty_end": today + timedelta(days=265),
            }
        )
        cls.machine_bar = env["service.equipment"].create(
            {
                "name": "Victoria Arduino Eagle One",
                "serial_number": "VA-2002",
                "category_id": cls.category_espresso.id,
                "partner_id": cls.client_bar.id,
                "location_id": cls.site_bar.id,
            }
        )
        # 09:00 in Stockholm tomorrow, as naive UTC (08:00 in winter, 07:00 in summer)
        cls.tomorrow_9 = (
            pytz.timezone("Europe/Stockholm")
            .localize(
                datetime.combine(today + timedelta(days=1), datetime.min.time().replace(hour=9))
            )
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    @classmethod
    def _new_order(cls, client=None, **vals):
        client = client or cls.client_cafe
        site = cls.site_cafe if client == cls.client_cafe else cls.site_bar
        machine = cls.machine_cafe if client == cls.client_cafe else cls.machine_bar
        base = {
            "partner_id": client.id,
            "location_id": site.id,
            "equipment_ids": [(6, 0, machine.ids)],
            "description": "<p>Machine leaks at group 2</p>",
        }
        base.update(vals)
        return cls.env["service.order"].create(base)

    @classmethod
    def _dispatched_order(cls, technician=None, **vals):
        technician = technician or cls.tech_north
        team = cls.team_north if technician == cls.tech_north else cls.team_south
        order = cls._new_order(
            technician_id=technician.id,
            team_id=team.id,
            scheduled_start=cls.tomorrow_9,
            scheduled_duration=1.5,
            **vals,
        )
        order.with_context(fsm_skip_client_notification=True).action_dispatch()
        return order


def search_filter_domains(env, model, view_id=None):
    """{filter name: domain} of a search view, as the web client reads them
    (evaluated for ``env``'s user), so that tests use the view's own domains."""
    arch = env[model].get_view(view_id, "search")["arch"]
    return {
        node.get("name"): safe_eval(node.get("domain"), {"uid": env.uid})
        for node in etree.fromstring(arch).xpath("//filter[@domain]")
    }


def local_today_at(user, hour):
    """A naive UTC datetime for ``hour`` o'clock today in ``user``'s zone."""
    tz = pytz.timezone(user.tz or "UTC")
    today = pytz.utc.localize(datetime.now()).astimezone(tz).date()
    local = tz.localize(datetime.combine(today, datetime.min.time().replace(hour=hour)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class FsmCase(FsmWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()


class CompanySeparationMixin:
    """Acts as the coordinator of a second company on every model an addon
    defines, and checks they see nothing of the first company's records.

    An addon's test builds at least one record of each of its models in the
    first company (``cls.company``), then calls
    ``self._assert_other_company_sees_nothing("fsm_<addon>")``; a model with
    no record there fails the test, so that a new model cannot slip by."""

    @classmethod
    def _setup_other_company(cls):
        cls.company_other = cls.env["res.company"].create({"name": "Kaffeservice Polska"})
        cls.user_coord_other = mail_new_test_user(
            cls.env, login="coord_other", name="Ola Coordinator",
            groups="fsm_orders.group_fsm_manager", company_id=cls.company_other.id,
            company_ids=[(6, 0, cls.company_other.ids)],
        )  # fmt: skip

    def _suite_models(self, module):
        return sorted(
            name
            for name, model_class in self.env.registry.items()
            if name.startswith("service.")
            and not model_class._abstract
            and not model_class._transient
            and model_class._original_module == module
        )

    def _assert_other_company_sees_nothing(self, module):
        models = self._suite_models(module)
        self.assertTrue(models, f"{module} defines service.* models")
        for name in models:
            with self.subTest(model=name):
                Model = self.env[name].with_context(active_test=False)
                self.assertIn("company_id", Model._fields, f"{name} has no company")
                rules = self.env["ir.rule"].search(
                    [("model_id.model", "=", name), ("global", "=", True)]
                )
                self.assertTrue(
                    any("company_ids" in rule.domain_force for rule in rules),
                    f"{name} has no multi-company rule",
                )
                first = Model.search([("company_id", "=", self.company.id)])
                self.assertTrue(first, f"no {name} of the first company to test with")
                other = Model.with_user(self.user_coord_other)
                self.assertFalse(other.search([("id", "in", first.ids)]))
                self.assertFalse(other.search_count([("id", "in", first.ids)]))
                with self.assertRaises(AccessError):
                    other.browse(first.ids[0]).read(["company_id"])
