import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import RoutingCase, stockholm

POSITIONS = "/fsm/positions"
PHONE = "/fsm/position/phone"


class PositionWorldMixin:
    """Anna (``tech_north``) shares her position; Erik (``tech_south``) does
    not. ``past_day`` is a Monday two weeks ago: both worked 08:00–17:00 in
    Stockholm with lunch 12:00–13:00, well within the 90 days positions are
    kept."""

    @classmethod
    def _setup_positions(cls):
        cls.past_day = cls.day - timedelta(days=14)
        cls.tech_north.fsm_share_position = True
        cls.tech_south.fsm_share_position = False
        cls.tech_north.barcode = "ANNA42"
        cls.Position = cls.env["service.position"]

    @classmethod
    def _fix(cls, hour, minute=0, day=None, **vals):
        return {
            "latitude": 59.3429,
            "longitude": 18.0494,
            "recorded_at": stockholm(day or cls.past_day, hour, minute),
            "accuracy": 8.0,
            **vals,
        }

    def _positions(self, employee=None):
        return self.Position.search([("employee_id", "=", (employee or self.tech_north).id)])

    def _codes(self, result):
        return {refusal["index"]: refusal["code"] for refusal in result["refused"]}


@tagged("post_install", "-at_install")
class TestPositionRecording(PositionWorldMixin, RoutingCase):
    """What ``_fsm_record`` stores of a technician's fixes, and why it
    refuses the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()

    def test_fixes_in_working_hours_are_stored_with_their_values(self):
        result = self.Position._fsm_record(
            self.tech_north,
            [self._fix(9, 30, speed=42.0, heading=270.0), self._fix(12, 30), self._fix(7, 50)],
            "phone",
        )
        self.assertEqual(result, {"stored": 3, "refused": []}, "lunch and 10 min early count")
        first = self._positions().filtered(
            lambda p: p.recorded_at == stockholm(self.past_day, 9, 30)
        )
        self.assertEqual(
            (first.latitude, first.longitude, first.accuracy, first.speed, first.heading),
            (59.3429, 18.0494, 8.0, 42.0, 270.0),
        )
        self.assertEqual(first.source, "phone")
        self.assertEqual(first.user_id, self.user_tech_north)
        self.assertEqual(first.company_id, self.company)

    def test_outside_working_hours_is_refused_with_its_reason(self):
        result = self.Position._fsm_record(
            self.tech_north,
            [self._fix(7, 50), self._fix(17, 10), self._fix(19, 0), self._fix(10, 0)],
            "phone",
        )
        self.assertEqual(result["stored"], 3, "10 minutes around the shift are within tolerance")
        [refused] = result["refused"]
        self.assertEqual(refused["code"], "off_duty")
        self.assertEqual(refused["index"], 2)
        self.assertIn("outside the technician's working hours", refused["reason"])
        self.assertEqual(self._codes(self.Position._fsm_record(
            self.tech_north, [self._fix(7, 44)], "phone"
        )), {0: "off_duty"}, "16 minutes before the shift is too early")  # fmt: skip
        saturday = self.past_day + timedelta(days=5)
        self.assertEqual(
            self._codes(self.Position._fsm_record(self.tech_north, [self._fix(10, 0, day=saturday)],
                                                  "fleet")),
            {0: "off_duty"},
            "the van on a Saturday reveals nothing of its driver",
        )  # fmt: skip
        self.assertEqual(len(self._positions()), 3)

    def test_fix_inside_an_absence_is_refused(self):
        leave_type = self.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        leave = self.env["hr.leave"].create(
            {
                "employee_id": self.tech_north.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": self.past_day,
                "request_date_to": self.past_day,
            }
        )
        leave.action_approve()
        self.assertEqual(leave.state, "validate")
        for source in ("phone", "fleet"):
            result = self.Position._fsm_record(self.tech_north, [self._fix(10, 0)], source)
            self.assertEqual(self._codes(result), {0: "absence"}, source)
            self.assertIn("absent", result["refused"][0]["reason"])
        tuesday = self.past_day + timedelta(days=1)
        result = self.Position._fsm_record(
            self.tech_north, [self._fix(10, 0, day=tuesday)], "phone"
        )
        self.assertEqual(result["stored"], 1, "the day after the leave she works again")
        self.assertEqual(len(self._positions()), 1)

    def test_phone_fix_without_consent_is_refused_fleet_fix_is_stored(self):
        result = self.Position._fsm_record(self.tech_south, [self._fix(10, 0)], "phone")
        self.assertEqual(self._codes(result), {0: "no_consent"})
        self.assertIn("does not share their position", result["refused"][0]["reason"])
        self.assertFalse(self._positions(self.tech_south))
        # the firm's van: the driver's consent does not apply, working hours do
        result = self.Position._fsm_record(self.tech_south, [self._fix(10, 0)], "fleet")
        self.assertEqual(result, {"stored": 1, "refused": []})
        self.assertEqual(self._positions(self.tech_south).source, "fleet")

    def test_future_old_out_of_range_and_duplicate_fixes_are_refused(self):
        now = fields.Datetime.now()
        self.tech_north.resource_calendar_id = False  # no schedule: never on duty
        self.assertEqual(self._codes(self.Position._fsm_record(
            self.tech_north, [self._fix(10, 0)], "phone")), {0: "off_duty"})  # fmt: skip
        self.tech_north.resource_calendar_id = self.calendar
        fixes = [
            self._fix(10, 0, latitude=91.0),
            self._fix(10, 1, longitude=-180.5),
            dict(self._fix(10, 2), recorded_at=now + timedelta(minutes=10)),
            dict(self._fix(10, 3), recorded_at=now - timedelta(days=91)),
            self._fix(10, 4, accuracy=-3.0),
            self._fix(10, 5),
            self._fix(10, 5, latitude=59.0),
        ]
        result = self.Position._fsm_record(self.tech_north, fixes, "phone")
        self.assertEqual(result["stored"], 1)
        self.assertEqual(
            self._codes(result),
            {0: "coordinates", 1: "coordinates", 2: "future", 3: "too_old", 4: "invalid",
             6: "duplicate"},
        )  # fmt: skip
        again = self.Position._fsm_record(self.tech_north, [self._fix(10, 5)], "fleet")
        self.assertEqual(self._codes(again), {0: "duplicate"}, "a resent fix is one fix")
        self.assertEqual(len(self._positions()), 1)
        self.company.fsm_position_retention_days = 7
        self.assertEqual(self._codes(self.Position._fsm_record(
            self.tech_north, [self._fix(11, 0)], "phone")), {0: "too_old"})  # fmt: skip


@tagged("post_install", "-at_install")
class TestPositionPurge(PositionWorldMixin, RoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()

    def _stored(self, employee, days_ago):
        """A position ``days_ago`` days old, stored as _fsm_record would."""
        return self.env["service.position"].create(
            {
                "employee_id": employee.id,
                "recorded_at": fields.Datetime.now() - timedelta(days=days_ago),
                "latitude": 59.3,
                "longitude": 18.0,
                "source": "fleet",
            }
        )

    def test_purge_deletes_what_is_older_than_each_company_keeps(self):
        other = self.env["res.company"].create(
            {"name": "Kaffeservice Polska", "fsm_position_retention_days": 30}
        )
        driver = self.env["hr.employee"].create({"name": "Piotr", "company_id": other.id})
        self.company.fsm_position_retention_days = 10
        old, recent = self._stored(self.tech_north, 11), self._stored(self.tech_north, 9)
        other_kept, other_old = self._stored(driver, 20), self._stored(driver, 31)
        deleted = self.env["service.position"]._fsm_purge(batch_size=1)
        self.assertEqual(deleted, 2)
        self.assertFalse(old.exists())
        self.assertFalse(other_old.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(other_kept.exists(), "20 days old is within the other company's 30")
        self.company.fsm_position_retention_days = 5
        self.env["service.position"]._fsm_purge()
        self.assertFalse(recent.exists(), "a shorter retention deletes more")

    def test_the_nightly_job_deletes_in_committed_batches(self):
        cron = self.env.ref("fsm_routing.ir_cron_position_purge")
        self.assertEqual(cron.code.strip(), "model._fsm_purge()")
        old = self._stored(self.tech_north, 100) | self._stored(self.tech_north, 101)
        old |= self._stored(self.tech_south, 120)
        recent = self._stored(self.tech_south, 3)
        calls = []

        def progress(cron_self, processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return 60.0  # seconds left to the job

        with patch.object(self.registry["ir.cron"], "_commit_progress", progress):
            self.env["service.position"]._fsm_purge(batch_size=2)
            self.assertFalse(calls, "outside the cron, nothing is committed")
            self.assertFalse(old.exists())
            old = self._stored(self.tech_north, 100) | self._stored(self.tech_north, 101)
            old |= self._stored(self.tech_south, 120)
            Position = self.env["service.position"].with_context(cron_id=cron.id)
            self.assertEqual(Position._fsm_purge(batch_size=2), 3)
        self.assertEqual(calls, [(2, 1), (1, 0)], "each batch commits with what is left")
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())


@tagged("post_install", "-at_install")
class TestPositionAccess(PositionWorldMixin, CompanySeparationMixin, RoutingCase):
    """Who reads positions: a technician their own, a coordinator everyone's
    of their companies; nobody creates one but the recording."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()
        cls._setup_other_company()
        cls.Position._fsm_record(cls.tech_north, [cls._fix(10, 0)], "phone")
        cls.Position._fsm_record(cls.tech_south, [cls._fix(10, 0)], "fleet")
        cls.anna, cls.erik = (
            cls._positions(cls, cls.tech_north),
            cls._positions(cls, cls.tech_south),
        )

    def test_technician_reads_only_their_own_positions(self):
        mine = self.Position.with_user(self.user_tech_north).search([])
        self.assertEqual(mine, self.anna)
        with self.assertRaises(AccessError):
            self.erik.with_user(self.user_tech_north).read(["latitude"])

    def test_coordinator_reads_the_positions_of_their_company(self):
        seen = self.Position.with_user(self.user_coord_north).search([])
        self.assertEqual(seen, self.anna | self.erik)

    def test_coordinator_of_another_company_reads_none(self):
        other = self.Position.with_user(self.user_coord_other)
        self.assertFalse(other.search([]))
        self.assertFalse(other.search_count([("id", "in", (self.anna | self.erik).ids)]))
        with self.assertRaises(AccessError):
            self.anna.with_user(self.user_coord_other).read(["latitude"])

    def test_nobody_creates_or_edits_positions_directly(self):
        for user in (self.user_tech_north, self.user_coord_north, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Position.with_user(user).create(
                    {"employee_id": self.tech_north.id, "latitude": 1.0, "longitude": 1.0,
                     "recorded_at": self._fix(11, 0)["recorded_at"]}
                )  # fmt: skip
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.anna.with_user(user).write({"latitude": 10.0})
        self.assertEqual(self.anna.latitude, 59.3429)

    def test_consent_is_the_technicians_own_switch(self):
        Employee = self.env["hr.employee"].with_user(self.user_tech_south)
        self.assertTrue(Employee._fsm_set_share_position(True))
        self.assertTrue(self.tech_south.fsm_share_position)
        self.assertTrue(self.tech_north.fsm_share_position, "Anna's stays hers")
        self.assertFalse(Employee._fsm_set_share_position(False))
        self.assertFalse(self.tech_south.fsm_share_position)


class PositionHttpMixin(PositionWorldMixin):
    def _post(self, payload, key=None, raw=None):
        return self.url_open(
            POSITIONS,
            data=raw if raw is not None else json.dumps(payload),
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {key or self.key}"},
        )  # fmt: skip

    def assertJsonError(self, response, status, text=None):
        """The fleet system gets ``status`` and a JSON ``{"error": ...}``, never a page."""
        self.assertEqual(response.status_code, status, response.text[:300])
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "application/json")
        error = response.json()["error"]
        if text:
            self.assertIn(text, error)
        return error

    def _position(self, hour=10, minute=0, **vals):
        moment = stockholm(self.past_day, hour, minute)
        return {
            "employee_id": self.tech_north.id,
            "latitude": 59.3429,
            "longitude": 18.0494,
            "recorded_at": moment.isoformat() + "Z",
            **vals,
        }


@tagged("post_install", "-at_install")
class TestFleetEndpoint(PositionHttpMixin, RoutingCase, HttpCase):
    """``POST /fsm/positions``: the firm's fleet system sends its vans'
    positions with the API key of a coordinator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.user_coord_north)
            .sudo()
            ._generate(None, "fleet", None)
        )

    def test_right_key_stores_the_positions_and_says_what_it_refused(self):
        local = f"{self.past_day.isoformat()}T11:15:00+01:00"  # winter: 10:15 UTC
        response = self._post(
            {
                "positions": [
                    self._position(10, 0, accuracy=5, speed=36.5, heading=90),
                    {"badge": "ANNA42", "latitude": 59.35, "longitude": 18.05,
                     "recorded_at": local},
                    self._position(20, 0),
                    self._position(11, 0, employee_id=self.tech_south.id),
                ]
            }
        )  # fmt: skip
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["stored"], 3, "Erik's van counts without his phone's consent")
        self.assertEqual([(r["index"], r["code"]) for r in answer["refused"]], [(2, "off_duty")])
        positions = self._positions()
        self.assertEqual(len(positions), 2)
        self.assertEqual(set(positions.mapped("source")), {"fleet"})
        by_badge = positions.filtered(lambda p: p.latitude == 59.35)
        expected = stockholm(self.past_day, 11, 15)
        self.assertEqual(by_badge.recorded_at, expected, "the time zone of the sender is read")
        self.assertEqual(len(self._positions(self.tech_south)), 1)

    def test_wrong_or_missing_key_gets_401_and_stores_nothing(self):
        body = {"positions": [self._position(10, 0)]}
        response = self._post(body, key="not-a-key")
        self.assertJsonError(response, 401)
        self.assertIn("bearer", response.headers["WWW-Authenticate"].lower())
        no_key = self.url_open(
            POSITIONS, data=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        self.assertJsonError(no_key, 401, "API Key")
        self.assertFalse(self.Position.search([]))

    def test_key_of_a_technician_gets_403_and_stores_nothing(self):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_tech_north)
            .sudo()
            ._generate(None, "not a coordinator", None)
        )
        response = self._post({"positions": [self._position(10, 0)]}, key=key)
        self.assertJsonError(response, 403, "coordinator")
        self.assertFalse(self.Position.search([]))

    def test_employee_of_another_company_gets_403_and_stores_nothing(self):
        other = self.env["res.company"].create({"name": "Kaffeservice Polska"})
        driver = self.env["hr.employee"].create(
            {"name": "Piotr", "company_id": other.id, "barcode": "PIOTR7"}
        )
        response = self._post(
            {"positions": [self._position(10, 0), self._position(10, 0, employee_id=driver.id)]}
        )
        self.assertJsonError(response, 403, "company")
        self.assertFalse(self.Position.search([]), "not even Anna's valid position")
        badge = self._post({"positions": [{**self._position(), "employee_id": None,
                                           "badge": "PIOTR7"}]})  # fmt: skip
        self.assertJsonError(badge, 422, "unknown badge PIOTR7")

    def test_invalid_values_get_422_and_store_nothing(self):
        for position, text in (
            ({"employee_id": 999999}, "unknown employee 999999"),
            ({"employee_id": None}, "either 'employee_id' or 'badge'"),
            ({"badge": "ANNA42"}, "either 'employee_id' or 'badge'"),
            ({"employee_id": "7"}, "'employee_id' must be an integer"),
            ({"latitude": "59.3"}, "'latitude' must be a number"),
            ({"latitude": True}, "'latitude' must be a number"),
            ({"longitude": None}, "'longitude' is required"),
            ({"recorded_at": "2026-12-07T08:30:00"}, "with its time zone"),
            ({"recorded_at": "yesterday"}, "with its time zone"),
            ({"recorded_at": 1765096200}, "with its time zone"),
        ):
            with self.subTest(position=position):
                body = {"positions": [self._position(9, 0), {**self._position(), **position}]}
                error = self.assertJsonError(self._post(body), 422, text)
                self.assertIn("positions[1]", error)
        self.assertJsonError(self._post({"fixes": []}), 422, "'positions' must be an array")
        too_many = {"positions": [self._position(9, 0)] * 1001}
        self.assertJsonError(self._post(too_many), 422, "at most 1000 positions")
        self.assertFalse(self.Position.search([]))

    def test_malformed_json_gets_400(self):
        for raw, text in (
            ('{"positions": [', "not valid JSON"),
            ('{"positions": [{"latitude": NaN}]}', "not valid JSON"),
            ("[]", "must be a JSON object"),
            (b"\xff\xfe", "not valid JSON"),
        ):
            with self.subTest(raw=raw):
                self.assertJsonError(self._post(None, raw=raw), 400, text)
        self.assertFalse(self.Position.search([]))

    def test_other_methods_get_405_in_json(self):
        for method in ("GET", "PUT", "DELETE"):
            response = self.url_open(
                POSITIONS, method=method, headers={"Authorization": f"Bearer {self.key}"}
            )
            self.assertJsonError(response, 405, "POST")
            self.assertEqual(response.headers["Allow"], "POST")

    def test_a_fault_answers_500_in_json_and_stores_nothing(self):
        Position = self.registry["service.position"]

        def broken(self, items, source):
            self.sudo().create(self._prepare_position_vals(items[0][0], items[0][1], source))
            raise RuntimeError("secret internals")

        with patch.object(Position, "_fsm_record_many", broken), mute_logger("odoo.http"):
            response = self._post({"positions": [self._position(10, 0)]})
        self.assertJsonError(response, 500, "nothing was recorded")
        self.assertNotIn("secret", response.text)
        self.assertFalse(self.Position.search([]))


@tagged("post_install", "-at_install")
class TestPhoneRoute(PositionHttpMixin, RoutingCase, HttpCase):
    """``/fsm/position/phone``: the technician's own browser sends their fixes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()

    def _phone(self, fixes, **params):
        """The route's answer, or AssertionError carrying the error message
        the technician's browser would show."""
        response = self.opener.post(
            self.base_url() + PHONE,
            json={"id": 0, "jsonrpc": "2.0", "method": "call",
                  "params": {"fixes": fixes, **params}},
        )  # fmt: skip
        answer = response.json()
        if "error" in answer:
            raise AssertionError(answer["error"]["data"]["message"])
        return answer["result"]

    def test_phone_stores_for_the_logged_in_technician_only(self):
        self.authenticate("tech_north", "tech_north")
        fix = self._position(10, 0)
        answer = self._phone([{**fix, "employee_id": self.tech_south.id}])
        self.assertEqual(answer, {"stored": 1, "refused": [], "sharing": True})
        self.assertEqual(len(self._positions()), 1, "stored for Anna, whatever the fix says")
        self.assertEqual(self._positions().source, "phone")
        self.assertFalse(self._positions(self.tech_south))
        with mute_logger("odoo.http"):  # the ignored parameter is logged
            answer = self._phone([self._position(10, 5)], employee_id=self.tech_south.id)
        self.assertEqual(answer["stored"], 1)
        self.assertEqual(len(self._positions()), 2, "no parameter names another employee")
        self.assertFalse(self._positions(self.tech_south))

    def test_phone_without_consent_is_refused_and_told_to_stop(self):
        self.authenticate("tech_south", "tech_south")
        answer = self._phone([self._position(10, 0)])
        self.assertEqual(answer["stored"], 0)
        self.assertEqual([r["code"] for r in answer["refused"]], ["no_consent"])
        self.assertFalse(answer["sharing"])
        self.assertFalse(self._positions(self.tech_south))

    def test_phone_refuses_bad_values_clearly(self):
        self.authenticate("tech_north", "tech_north")
        with self.assertRaises(AssertionError) as cm, mute_logger("odoo.http"):
            self._phone([{**self._position(10, 0), "latitude": "north"}])
        self.assertIn("'latitude' must be a number", str(cm.exception))
        self.assertFalse(self._positions())

    def test_phone_route_is_for_technicians(self):
        user = mail_new_test_user(self.env, login="clerk", groups="base.group_user")
        self.env["hr.employee"].create({"name": "Clerk", "user_id": user.id})
        self.authenticate("clerk", "clerk")
        with self.assertRaises(AssertionError) as cm, mute_logger("odoo.http"):
            self._phone([self._position(10, 0)])
        self.assertIn("Only technicians", str(cm.exception))
        self.assertFalse(self.Position.search([]))


@tagged("post_install", "-at_install")
class TestPositionTours(PositionWorldMixin, RoutingCase, HttpCase):
    """The technician's "Share my position" in the top bar of their phone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_positions()
        # on duty whenever the tour runs
        cls.tech_south.resource_calendar_id = cls.env["resource.calendar"].create(
            {
                "name": "Around the clock",
                "tz": "Europe/Stockholm",
                "attendance_ids": [
                    (0, 0, {"name": f"{d}", "dayofweek": str(d), "hour_from": 0,
                            "hour_to": 24, "day_period": "full_day"})
                    for d in range(7)
                ],
            }
        )  # fmt: skip
        cls.user_tech_south.password = "tech_south"

    def test_technician_switches_sharing_on_and_the_phone_sends_its_position(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/odoo", "fsm_routing_share_position", login="tech_south")
        self.assertTrue(self.tech_south.fsm_share_position, "her own tap is her consent")
        position = self._positions(self.tech_south)
        self.assertEqual(len(position), 1)
        self.assertEqual((position.source, position.latitude), ("phone", 59.3429))
        self.start_tour("/odoo", "fsm_routing_stop_sharing_position", login="tech_south")
        self.assertFalse(self.tech_south.fsm_share_position)

    def test_no_position_menu_for_a_coordinator_without_employee(self):
        self.user_coord_north.password = "coord_north"
        self.assertFalse(self.user_coord_north.employee_id)
        self.start_tour("/odoo", "fsm_routing_no_position_menu", login="coord_north")


@tagged("post_install", "-at_install")
class TestPositionServiceUsers(RoutingCase, HttpCase):
    """The phone's position service and its switch are for field
    technicians, not for every coordinator (whose group implies theirs)."""

    def _session(self, user):
        user.password = user.login
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request("/web/session/get_session_info")

    def test_technician_gets_the_service_and_coordinator_not(self):
        self.assertEqual(
            self._session(self.user_tech_north).get("fsm_position"),
            {"employee": True, "sharing": False},
        )
        self.assertNotIn("fsm_position", self._session(self.user_coord_north))
        self.tech_north.fsm_share_position = True
        self.assertTrue(self._session(self.user_tech_north)["fsm_position"]["sharing"])
