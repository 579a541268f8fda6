import uuid as uuidlib
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, ConcurrencyError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models.service_order_sync import FSM_SYNC_MAX_AGE
from .common import CompanySeparationMixin, FsmWorldMixin
from .test_onsite import OnSiteCase, OnSiteMixin, png


def new_uuid():
    return str(uuidlib.uuid4())


def at(moment):
    return fields.Datetime.to_string(moment)


class SyncCase(OnSiteCase):
    """Anna's dispatched order with the espresso safety checklist (yes/no,
    number 1–1.5 bar, choice, text, photo), and helpers that build the
    phone's actions and send them as she would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sync = cls.env["service.sync.action"]
        cls.order = cls._dispatched_order(contact_id=cls.contact_cafe.id)

    def _action(self, kind, payload=None, order=None, when=None, uuid=None):
        return {
            "uuid": uuid or new_uuid(),
            "kind": kind,
            "order_id": (order or self.order).id,
            "at": at(when or fields.Datetime.now()),
            "payload": payload if payload is not None else {},
        }

    def _sync(self, *actions, user=None):
        Order = self.env["service.order"].with_user(user or self.user_tech_north)
        return Order.fsm_sync(list(actions))["results"]

    def _line(self, question, order=None):
        lines = (order or self.order).checklist_ids.line_ids
        return lines.filtered(lambda ln: ln.name == question)

    def _answers(self, order=None):
        """The answer of every question of the order (what the report shows)."""
        return {
            line.name: line.answer_display for line in (order or self.order).checklist_ids.line_ids
        }

    def _visit(self, when=None):
        """The actions of a whole visit, as the phone queues them."""
        when = when or fields.Datetime.now()
        hard = self._line("Water hardness").template_item_id.option_ids.filtered(
            lambda o: o.name == "Hard"
        )
        return [
            self._action("start", when=when),
            self._action("answer", {"line_id": self._line("Safety valve tested").id,
                                    "value": "yes"}, when=when),
            self._action("answer", {"line_id": self._line("Boiler pressure").id, "value": 1.2,
                                    "note": "after descaling"}, when=when),
            self._action("answer", {"line_id": self._line("Water hardness").id,
                                    "value": hard.id}, when=when),
            self._action("answer", {"line_id": self._line("Remarks").id,
                                    "value": "Gasket worn"}, when=when),
            self._action("answer", {"line_id": self._line("Photo of the boiler plate").id,
                                    "value": png().decode()}, when=when),
            self._action("photo", {"image": png(64, 64, noise=True).decode(), "name": "Group 2",
                                   "equipment_id": self.machine_cafe.id}, when=when),
            self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()},
                         when=when),
            self._action("finish", when=when),
        ]  # fmt: skip

    def _required_answers(self, when=None):
        return [
            self._action("answer", {"line_id": self._line("Safety valve tested").id,
                                    "value": "yes"}, when=when),
            self._action("answer", {"line_id": self._line("Boiler pressure").id, "value": 1.2},
                         when=when),
        ]  # fmt: skip

    def _outcomes(self, results):
        return [(r["state"], r["message"]) for r in results]

    def _notes(self, record):
        return "\n".join(record.message_ids.mapped("body"))

    def _stored(self, action):
        return self.Sync.search([("uuid", "=", action["uuid"])])


@tagged("post_install", "-at_install")
class TestSync(SyncCase):
    def test_a_visit_queued_offline_arrives_whole(self):
        actions = self._visit()
        results = self._sync(*actions)
        self.assertEqual(self._outcomes(results), [("applied", False)] * len(actions))
        self.assertEqual([r["uuid"] for r in results], [a["uuid"] for a in actions])
        self.assertEqual(self.order.state, "done")
        self.assertEqual(
            self._answers(),
            {
                "Safety valve tested": "Yes",
                "Boiler pressure": "1.2 bar",
                "Water hardness": "Hard",
                "Remarks": "Gasket worn",
                "Photo of the boiler plate": "Photo taken",
            },
        )
        self.assertEqual(self._line("Boiler pressure").note, "after descaling")
        self.assertEqual(self.order.photo_ids.name, "Group 2")
        self.assertEqual(self.order.photo_ids.equipment_id, self.machine_cafe)
        self.assertEqual(self.order.photo_ids.taken_by_id, self.user_tech_north)
        self.assertEqual(self.order.signed_by, "Lisa Lind")
        self.assertTrue(self.order.signature)
        stored = self.Sync.search([("order_id", "=", self.order.id)])
        self.assertEqual(len(stored), len(actions))
        self.assertEqual(set(stored.mapped("state")), {"applied"})
        self.assertEqual(stored.user_id, self.user_tech_north)
        self.assertEqual(stored.company_id, self.order.company_id)
        photo = self._stored(actions[6])
        self.assertEqual(photo.payload["name"], "Group 2")
        self.assertRegex(photo.payload["image"], r"^\(\d+ characters\)$", "not kept twice")

    def test_the_taps_times_not_the_syncs(self):
        """Started at 10:00 and finished at 11:00 offline, synced at 12:00."""
        noon = datetime.combine(fields.Date.today() - timedelta(days=1), datetime.min.time())
        noon = noon.replace(hour=12)
        ten, ten_thirty, eleven = (noon - timedelta(minutes=m) for m in (120, 90, 60))
        with freeze_time(noon):
            results = self._sync(
                self._action("start", when=ten),
                *self._required_answers(when=ten),
                self._action("photo", {"image": png().decode()}, when=ten_thirty),
                self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()},
                             when=eleven - timedelta(minutes=5)),
                self._action("finish", when=eleven),
            )  # fmt: skip
        self.assertEqual(self._outcomes(results), [("applied", False)] * 6)
        self.assertEqual(self.order.date_started, ten)
        self.assertEqual(self.order.date_accepted, ten, "accepted on the way")
        self.assertEqual(self.order.photo_ids.date, ten_thirty)
        self.assertEqual(self.order.signed_on, eleven - timedelta(minutes=5))
        self.assertEqual(self.order.date_finished, eleven)
        stored = self.Sync.search([("order_id", "=", self.order.id)], order="at")
        self.assertEqual(stored[0].at, ten)
        self.assertEqual(stored.mapped("date_received"), [noon] * 6)

    def test_a_tap_time_is_never_in_the_future_nor_older_than_a_week(self):
        now = fields.Datetime.now().replace(microsecond=0)
        self._sync(self._action("accept", when=now - timedelta(days=30)))
        self.assertAlmostEqual(
            self.order.date_accepted, now - FSM_SYNC_MAX_AGE, delta=timedelta(seconds=5)
        )
        self.order.with_user(self.user_coord_north).action_cancel()
        self.order.with_user(self.user_coord_north).action_draft()
        self.order.with_context(fsm_skip_client_notification=True).action_dispatch()
        self._sync(self._action("start", when=now + timedelta(hours=3)))
        self.assertAlmostEqual(self.order.date_started, now, delta=timedelta(seconds=5))

    def test_online_buttons_keep_the_servers_clock(self):
        now = fields.Datetime.now().replace(microsecond=0)
        self.order.with_user(self.user_tech_north).action_start()
        self.assertAlmostEqual(self.order.date_started, now, delta=timedelta(seconds=5))
        self.assertEqual(self.env["service.order"]._fsm_now().microsecond, 0)

    def test_a_retry_after_a_lost_answer_applies_nothing(self):
        start = self._action("start")
        photo = self._action("photo", {"image": png().decode()})
        first = self._sync(start, photo)
        # the answer was lost on the way back: the phone sends the same queue again
        again = self._sync(start, photo)
        self.assertEqual(again, first)
        self.assertEqual(len(self.order.photo_ids), 1)
        self.assertEqual(self.Sync.search_count([("order_id", "=", self.order.id)]), 2)
        # a conflict is answered the same way: the stored sentence
        wrong = self._action("answer", {"line_id": self._line("Safety valve tested").id,
                                        "value": "maybe"})  # fmt: skip
        (conflict,) = self._sync(wrong)
        self.assertEqual(self._sync(wrong), [conflict])
        self.assertEqual(conflict["state"], "conflict")
        self.assertEqual(self.Sync.search_count([("uuid", "=", wrong["uuid"])]), 1)

    def test_another_users_id_is_refused_and_the_stored_action_untouched(self):
        photo = self._action("photo", {"image": png().decode()})
        self._sync(photo)
        stored = self._stored(photo)
        stolen = dict(photo, order_id=self._dispatched_order(self.tech_south).id)
        (result,) = self._sync(stolen, user=self.user_tech_south)
        self.assertEqual(result["state"], "refused")
        self.assertEqual(
            result["message"],
            "An action with this id was sent by another user: it is not applied again.",
        )
        self.assertEqual(stored.user_id, self.user_tech_north)
        self.assertEqual(stored.order_id, self.order)
        self.assertEqual(self.Sync.search_count([("uuid", "=", photo["uuid"])]), 1)
        self.assertEqual(len(self.order.photo_ids), 1)

    def test_bad_input_is_a_conflict_with_a_sentence_never_a_traceback(self):
        self._sync(self._action("start"))
        other_order = self._dispatched_order()
        safety = self._line("Safety valve tested")
        pressure = self._line("Boiler pressure")
        hardness = self._line("Water hardness")
        cases = {
            "unknown kind": (
                self._action("teleport"),
                r'The phone sent an action of an unknown kind \("teleport"\): update the app',
            ),
            "no order": (
                dict(self._action("start"), order_id=999999999),
                "The service order 999999999 of this action does not exist.",
            ),
            "order is not a number": (
                dict(self._action("start"), order_id="SO/1"),
                "The service order SO/1 of this action does not exist.",
            ),
            "order id beyond the database's": (
                dict(self._action("start"), order_id=2**40),
                "The service order 1099511627776 of this action does not exist.",
            ),
            "line id beyond the database's": (
                self._action("answer", {"line_id": 2**40, "value": "yes"}),
                'The "line_id" of this action should be a record\'s id, not 1099511627776.',
            ),
            "unreadable time": (
                dict(self._action("start"), at="yesterday"),
                r"The time of this action \(yesterday\) is not readable",
            ),
            "payload not a dict": (
                dict(self._action("photo"), payload="image"),
                "The details of this action are not readable.",
            ),
            "missing key": (
                self._action("answer", {"value": "yes"}),
                'This action lacks its "line_id": it cannot be applied.',
            ),
            "a line of another order": (
                self._action("answer", {"line_id": self._line("Safety valve tested",
                                                              other_order).id, "value": "yes"}),
                "The checklist question .* is not on",
            ),
            "yes/no": (
                self._action("answer", {"line_id": safety.id, "value": True}),
                'The answer to "Safety valve tested" is yes or no.',
            ),
            "number as text": (
                self._action("answer", {"line_id": pressure.id, "value": "1,2"}),
                'The "value" of this action should be a number, not \'1,2\'.',
            ),
            "a choice that does not exist": (
                self._action("answer", {"line_id": hardness.id,
                                        "value": self._line("Water hardness", other_order)
                                        .template_item_id.option_ids[0].id + 1000}),
                "is not one of the choices of \"Water hardness\"",
            ),
            "not a picture": (
                self._action("photo", {"image": "aGVsbG8="}),
                "This file is not an image",
            ),
            "signature without a name": (
                self._action("sign", {"signed_by": " ", "signature": png().decode()}),
                "Enter the name of the person who signs",
            ),
        }  # fmt: skip
        results = self._sync(*(action for action, _message in cases.values()))
        for (case, (action, message)), result in zip(cases.items(), results, strict=True):
            with self.subTest(case=case):
                self.assertEqual(result["state"], "conflict")
                self.assertRegex(result["message"], message)
                stored = self._stored(action)
                self.assertEqual(stored.state, "conflict")
                self.assertEqual(stored.payload or {}, action["payload"], "nothing is lost")
        self.assertEqual(self.order.checklist_ids.line_ids.filtered("is_answered").ids, [])
        self.assertFalse(self.order.photo_ids)
        self.assertFalse(self.order.signature)

    def test_what_is_not_an_action_is_refused_and_not_stored(self):
        count = self.Sync.search_count([])
        results = self._sync(
            "start",
            dict(self._action("start"), uuid="short"),
            dict(self._action("start"), uuid="not/a/uuid/../.."),
            dict(self._action("start"), uuid=12345678),
        )
        self.assertEqual([r["state"] for r in results], ["refused"] * 4)
        self.assertEqual([r["uuid"] for r in results], [False, "short", "not/a/uuid/../..", False])
        self.assertEqual(results[0]["message"], "This is not an action.")
        self.assertEqual(self.Sync.search_count([]), count)
        self.assertEqual(self.order.state, "dispatched")
        with self.assertRaisesRegex(ValidationError, "not a list of actions"):
            self.env["service.order"].with_user(self.user_tech_north).fsm_sync({"uuid": "x"})

    def test_a_reassigned_order_makes_every_queued_action_a_conflict(self):
        actions = self._visit()
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        results = self._sync(*actions)
        self.assertEqual({r["state"] for r in results}, {"conflict"})
        self.assertEqual(
            results[0]["message"],
            f"{self.order.name} is assigned to Erik Eriksson now: this action was not applied.",
        )
        self.assertEqual(self.order.state, "dispatched")
        self.assertFalse(self.order.checklist_ids.line_ids.filtered("is_answered"))
        self.assertFalse(self.order.photo_ids)
        self.assertFalse(self.order.signature)
        self.assertFalse(self.order.work_summary)
        # the coordinator of the order's team has one activity listing them
        activity_type = self.env.ref("fsm_orders.mail_activity_type_sync_conflict")
        activity = self.order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_coord_north)
        self.assertEqual(activity.summary, f"{len(actions)} phone action(s) not applied")
        self.assertIn("Anna Andersson, Signature at", activity.note)
        self.assertIn("assigned to Erik Eriksson now", activity.note)
        # more conflicts later: the same activity, updated
        self._sync(self._action("accept"))
        activity = self.order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, f"{len(actions) + 1} phone action(s) not applied")
        # the technician sees them on the phone
        mine = self.Sync.with_user(self.user_tech_north).fsm_my_conflicts()
        self.assertEqual(len(mine), len(actions) + 1)
        self.assertEqual(mine[0]["order_name"], self.order.name)
        self.assertEqual(set(mine[0]), {"uuid", "order_id", "order_name", "kind", "message", "at"})

    def test_a_cancelled_order_takes_no_action(self):
        self.order.with_user(self.user_coord_north).write({"cancel_reason": "Client closed"})
        self.order.with_user(self.user_coord_north).action_cancel()
        (result,) = self._sync(self._action("start"))
        self.assertEqual(result["state"], "conflict")
        self.assertEqual(
            result["message"],
            f"{self.order.name} was cancelled meanwhile: this action was not applied.",
        )
        self.assertFalse(self.order.date_started)

    def test_a_refused_action_does_not_stop_the_others(self):
        results = self._sync(
            self._action("start"),
            self._action("answer", {"line_id": self._line("Safety valve tested").id,
                                    "value": "yes"}),
            self._action("photo", {"image": "aGVsbG8="}),
            self._action("answer", {"line_id": self._line("Boiler pressure").id, "value": 1.3}),
            self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()}),
            self._action("finish"),
        )  # fmt: skip
        self.assertEqual(
            [r["state"] for r in results],
            ["applied", "applied", "conflict", "applied", "applied", "applied"],
        )
        self.assertEqual(self.order.state, "done")
        self.assertFalse(self.order.photo_ids)
        self.assertEqual(self._answers()["Boiler pressure"], "1.3 bar")

    def test_finishing_before_the_required_answers_is_a_conflict(self):
        results = self._sync(self._action("start"), self._action("finish"))
        self.assertEqual([r["state"] for r in results], ["applied", "conflict"])
        self.assertIn("Answer the required checklist questions", results[1]["message"])
        self.assertEqual(self.order.state, "in_progress")

    def test_a_signed_report_is_not_changed_from_the_queue(self):
        results = self._sync(
            self._action("start"),
            self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()}),
            self._action("answer", {"line_id": self._line("Remarks").id, "value": "Late note"}),
            self._action("sign", {"signed_by": "Someone else", "signature": png().decode()}),
        )
        self.assertEqual([r["state"] for r in results][1:], ["applied", "conflict", "conflict"])
        self.assertIn("is signed by the client", results[2]["message"])
        self.assertIn("is already signed", results[3]["message"])
        self.assertEqual(self.order.signed_by, "Lisa Lind")

    def test_the_summary_the_client_reads_travels_with_the_signature(self):
        """The visit screen sends the work summary with the signature: the
        report is locked once signed, and the client signs what they read."""
        self._sync(self._action("start"), *self._required_answers())
        results = self._sync(
            self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode(),
                                  "work_summary": "Descaled, gasket replaced."}),
            self._action("finish"),
        )  # fmt: skip
        self.assertEqual([r["state"] for r in results], ["applied", "applied"])
        self.assertEqual(
            (self.order.state, self.order.signed_by, self.order.work_summary),
            ("done", "Lisa Lind", "Descaled, gasket replaced."),
        )

    def test_finish_writes_the_work_summary_unless_the_client_signed_another(self):
        self._sync(self._action("start"), *self._required_answers())
        self.order.with_user(self.user_tech_north).work_summary = "Descaled."
        self._sync(self._action("sign", {"signed_by": "Lisa Lind", "signature": png().decode()}))
        (changed,) = self._sync(self._action("finish", {"work_summary": "Descaled, gasket."}))
        self.assertEqual(changed["state"], "conflict")
        self.assertIn(
            "is signed by the client: its report can no longer be changed", changed["message"]
        )
        self.assertEqual(self.order.state, "in_progress", "nothing half-way")
        (same,) = self._sync(self._action("finish", {"work_summary": "Descaled."}))
        self.assertEqual(same["state"], "applied")
        self.assertEqual(self.order.state, "done")
        other = self._dispatched_order(contact_id=self.contact_cafe.id)
        self._sync(
            self._action("start", order=other),
            *(dict(a, order_id=other.id, payload=dict(a["payload"], line_id=self._line(
                self.env["service.order.checklist.line"].browse(a["payload"]["line_id"]).name,
                other).id)) for a in self._required_answers()),
            self._action("finish", {"work_summary": "Gasket replaced."}, order=other),
        )  # fmt: skip
        self.assertEqual((other.state, other.work_summary), ("done", "Gasket replaced."))

    def test_the_coordinator_applies_a_conflict_again_once_its_cause_is_gone(self):
        start, photo = self._action("start"), self._action("photo", {"image": png().decode()})
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        self._sync(start, photo)
        conflicts = self._stored(start) | self._stored(photo)
        coordinator = conflicts.with_user(self.user_coord_north)
        # still Erik's: refused again, with the reason
        result = coordinator.action_fsm_apply_again()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(set(conflicts.mapped("state")), {"conflict"})
        self.order.with_user(self.user_coord_north).technician_id = self.tech_north
        coordinator.action_fsm_apply_again()
        self.assertEqual(conflicts.mapped("message"), [False, False])
        self.assertEqual(set(conflicts.mapped("state")), {"applied"})
        self.assertEqual(self.order.state, "in_progress")
        self.assertEqual(self.order.date_started, self._stored(start).at)
        self.assertEqual(self.order.photo_ids.taken_by_id, self.user_tech_north, "as Anna")
        self.assertIn("Applied again by Nora Coordinator", self._notes(conflicts[0]))
        # nothing left to decide: the coordinator's activity is done
        activity_type = self.env.ref("fsm_orders.mail_activity_type_sync_conflict")
        self.assertFalse(
            self.order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        )
        # the phone's retry now hears it applied
        self.assertEqual(self._sync(start)[0]["state"], "applied")

    def test_the_coordinator_discards_a_conflict(self):
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        start = self._action("start")
        self._sync(start)
        conflict = self._stored(start)
        with self.assertRaisesRegex(AccessError, "Only a coordinator decides"):
            conflict.with_user(self.user_tech_north).action_fsm_discard()
        conflict.with_user(self.user_coord_north).action_fsm_discard()
        self.assertEqual(conflict.state, "discarded")
        self.assertIn("Discarded by Nora Coordinator", self._notes(conflict))
        self.assertFalse(self.Sync.with_user(self.user_tech_north).fsm_my_conflicts())
        with self.assertRaisesRegex(UserError, "not a conflict any more"):
            conflict.with_user(self.user_coord_north).action_fsm_apply_again()
        self.assertEqual(self.order.state, "dispatched")

    def test_the_phone_lists_its_users_recent_conflicts_only(self):
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        start = self._action("start")
        self._sync(start)
        self._sync(self._action("accept"), user=self.user_tech_south)  # applied: Erik's now
        old = self._action("accept")
        self._sync(old)
        self._stored(old).date_received = fields.Datetime.now() - timedelta(days=8)
        mine = self.Sync.with_user(self.user_tech_north).fsm_my_conflicts()
        self.assertEqual([c["uuid"] for c in mine], [start["uuid"]])
        self.assertEqual(mine[0]["kind"], "start")
        self.assertEqual(mine[0]["order_id"], self.order.id)
        self.assertEqual(mine[0]["at"], start["at"])
        self.assertFalse(self.Sync.with_user(self.user_tech_south).fsm_my_conflicts())

    def test_coordinators_screens(self):
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        self._sync(self._action("start"))
        order = self.order.with_user(self.user_coord_north)
        self.assertEqual((order.fsm_sync_action_count, order.fsm_sync_conflict_count), (1, 1))
        action = order.action_fsm_view_sync_actions()
        conflict = self.Sync.search(action["domain"])
        self.assertEqual(conflict.order_id, self.order)
        self.assertEqual(conflict.display_name, f"{conflict.kind_label} · {self.order.name}")
        default = self.env.ref("fsm_orders.action_service_sync_action")
        self.assertIn("search_default_conflicts", default.context)
        for view_type in ("list", "form", "search"):
            self.Sync.with_user(self.user_coord_north).get_view(view_type=view_type)
        self.env["service.order"].with_user(self.user_coord_north).get_view(view_type="form")


@tagged("post_install", "-at_install")
class TestSyncSecurity(CompanySeparationMixin, SyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()
        cls.user_portal = mail_new_test_user(
            cls.env, login="portal_cafe", name="Lisa Portal", groups="base.group_portal"
        )

    def test_a_technician_reads_only_their_own_actions(self):
        self._sync(self._action("accept"))
        south_order = self._dispatched_order(self.tech_south)
        self._sync(self._action("accept", order=south_order), user=self.user_tech_south)
        anna = self.Sync.with_user(self.user_tech_north)
        self.assertEqual(anna.search([]).user_id, self.user_tech_north)
        eriks = self.Sync.search([("user_id", "=", self.user_tech_south.id)])
        with self.assertRaises(AccessError):
            eriks.with_user(self.user_tech_north).read(["payload"])
        self.assertEqual(
            self.Sync.with_user(self.user_coord_north).search([]).user_id,
            self.user_tech_north | self.user_tech_south,
        )

    def test_nobody_writes_them_through_the_orm(self):
        accept = self._action("accept")
        self._sync(accept)
        stored = self._stored(accept)
        for user in (self.user_tech_north, self.user_coord_north):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    stored.with_user(user).write({"state": "conflict"})
                with self.assertRaises(AccessError):
                    self.Sync.with_user(user).create(
                        {"uuid": new_uuid(), "user_id": user.id, "kind": "accept",
                         "company_id": self.company.id, "state": "applied"}
                    )  # fmt: skip
                with self.assertRaises(AccessError):
                    stored.with_user(user).unlink()
        self.assertEqual(stored.state, "applied")

    def test_a_technicians_sync_cannot_touch_an_order_not_theirs(self):
        south_order = self._dispatched_order(self.tech_south, contact_id=self.contact_cafe.id)
        line = self._line("Safety valve tested", south_order)
        results = self._sync(
            self._action("start", order=south_order),
            self._action("answer", {"line_id": line.id, "value": "no"}, order=south_order),
            self._action("photo", {"image": png().decode()}, order=south_order),
            self._action("sign", {"signed_by": "Me", "signature": png().decode()},
                         order=south_order),
            # a question of Erik's order through Anna's own order
            self._action("answer", {"line_id": line.id, "value": "no"}),
        )  # fmt: skip
        self.assertEqual({r["state"] for r in results}, {"conflict"})
        self.assertEqual(south_order.state, "dispatched")
        self.assertFalse(line.value_yesno)
        self.assertFalse(south_order.photo_ids)
        self.assertFalse(south_order.signature)

    def test_a_coordinator_of_another_company_sees_none_of_them(self):
        accept = self._action("accept")
        self._sync(accept)
        stored = self._stored(accept)
        other = self.Sync.with_user(self.user_coord_other)
        self.assertFalse(other.search([("id", "=", stored.id)]))
        with self.assertRaises(AccessError):
            stored.with_user(self.user_coord_other).read(["payload"])
        rules = self.env["ir.rule"].search(
            [("model_id.model", "=", "service.sync.action"), ("global", "=", True)]
        )
        self.assertTrue(any("company_ids" in rule.domain_force for rule in rules))

    def test_portal_users_have_no_access(self):
        accept = self._action("accept")
        self._sync(accept)
        with self.assertRaises(AccessError):
            self.Sync.with_user(self.user_portal).search([])
        with self.assertRaisesRegex(AccessError, "Only field service staff"):
            self.env["service.order"].with_user(self.user_portal).fsm_sync([accept])
        self.assertEqual(self.Sync.search_count([("uuid", "=", accept["uuid"])]), 1)


@tagged("post_install", "-at_install")
class TestSyncOverRpc(OnSiteMixin, FsmWorldMixin, HttpCase):
    """The phone calls ``fsm_sync`` as the web client calls any model
    method: ``/web/dataset/call_kw``, in the technician's session."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls._setup_onsite()

    def test_the_phone_sends_its_queue_through_call_kw(self):
        self.user_tech_north.password = "tech_north"
        order = self._dispatched_order(contact_id=self.contact_cafe.id)
        self.authenticate("tech_north", "tech_north")
        queue = [
            {"uuid": new_uuid(), "kind": "start", "order_id": order.id,
             "at": at(fields.Datetime.now() - timedelta(minutes=30)), "payload": {}},
            {"uuid": new_uuid(), "kind": "photo", "order_id": order.id,
             "at": at(fields.Datetime.now()), "payload": {"image": png().decode()}},
            {"uuid": new_uuid(), "kind": "accept", "order_id": order.id,
             "at": at(fields.Datetime.now()), "payload": {}},
        ]  # fmt: skip
        params = {"model": "service.order", "method": "fsm_sync", "args": [queue], "kwargs": {}}
        answer = self.make_jsonrpc_request("/web/dataset/call_kw", params)
        self.assertEqual(
            [(r["uuid"], r["state"]) for r in answer["results"]],
            [(queue[0]["uuid"], "applied"), (queue[1]["uuid"], "applied"),
             (queue[2]["uuid"], "conflict")],
        )  # fmt: skip
        self.assertIn("is In progress: it cannot be accepted now", answer["results"][2]["message"])
        self.assertEqual(self.make_jsonrpc_request("/web/dataset/call_kw", params), answer)
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(len(order.photo_ids), 1)
        conflicts = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": "service.sync.action", "method": "fsm_my_conflicts", "args": [],
             "kwargs": {}},
        )  # fmt: skip
        self.assertEqual([c["uuid"] for c in conflicts], [queue[2]["uuid"]])


@tagged("post_install", "-at_install")
class TestSyncTwoRequestsAtOnce(TransactionCase):
    """The phone sends its queue, the answer is slow, and it sends it again
    while the first request still runs: the second fails on the unique id
    and Odoo retries it, and the retry answers what the first stored.

    Runs on two real cursors (committed data); the action is one that needs
    no world (an order that does not exist: a conflict, stored)."""

    def setUp(self):
        super().setUp()
        self.uuid = new_uuid()
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'service.sync.action' AND res_id IN "
                "(SELECT id FROM service_sync_action WHERE uuid = %s)",
                (self.uuid,),
            )
            cr.execute("DELETE FROM service_sync_action WHERE uuid = %s", (self.uuid,))

    def _request(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["service.sync.action"].search_count([])  # the request's snapshot is taken
        return env

    def _send(self, env):
        action = {"uuid": self.uuid, "kind": "start", "order_id": 2**31 - 1,
                  "at": "2026-12-01 10:00:00", "payload": {}}  # fmt: skip
        result = env["service.order"].fsm_sync([action])["results"]
        env.flush_all()
        return result

    @mute_logger("odoo.sql_db")
    def test_the_second_request_is_retried_and_answers_the_stored_outcome(self):
        first, second = self._request(), self._request()
        stored = self._send(first)
        first.cr.commit()
        with self.assertRaises(ConcurrencyError):
            self._send(second)
        second.cr.rollback()
        # Odoo's retry: a new transaction, which sees what the first stored
        self.assertEqual(self._send(second), stored)
        second.cr.commit()
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM service_sync_action WHERE uuid = %s", (self.uuid,))
            self.assertEqual(cr.fetchone()[0], 1)
