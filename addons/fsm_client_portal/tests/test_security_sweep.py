import base64
import json
import re

from odoo.tests import HttpCase, tagged

from .common import PortalWorldMixin, png_bytes

# the modules whose routes the sweep calls: this addon's, and the order
# page and signature of fsm_orders that it extends
SWEPT_MODULES = ("odoo.addons.fsm_client_portal.", "odoo.addons.fsm_orders.controllers.portal")
# how a route's parameters are filled: with the other client's record of the
# model (a route with a parameter missing here fails the sweep: add it)
RECORD_PARAMS = {
    "order_id": "service.order",
    "request_id": "service.request",
    "equipment_id": "service.equipment",
}
OTHER_PARAMS = {"page": 1}
REFUSED = (303, 302, 400, 403, 404)


def swept_rules(env, modules=SWEPT_MODULES):
    """The routes of the swept modules, from Odoo's own routing map: a route
    added later is swept without anyone adding it here."""
    return [
        rule
        for rule in env["ir.http"].routing_map().iter_rules()
        if (getattr(rule.endpoint, "__module__", "") or "").startswith(tuple(modules))
    ]


class PortalSweepMixin:
    """The sweep itself, for this addon and for the later ones that add
    portal pages (contracts, repairs): their test class sets
    ``sweep_modules`` (whose routes are swept) and ``sweep_record_params``
    ({route parameter: model}), and gives ``_sweep_foreign_records()`` (the
    other client's record of each model), ``_sweep_own_tokens()`` (a token of
    one of the user's own records per model), ``_sweep_leak_markers()``,
    ``_sweep_state()`` (what a call could change) and ``_sweep_params()``
    (what every call sends: ids of the other client's records too). Each
    route is called as ``sweep_login`` and logged out, without a token, with
    an own record's token and with a made-up one."""

    sweep_modules = SWEPT_MODULES
    sweep_record_params = RECORD_PARAMS
    sweep_other_params = OTHER_PARAMS
    sweep_login = None

    def _sweep_url(self, rule, records):
        values = {}
        for name in rule.arguments:
            if name in self.sweep_record_params:
                values[name] = records[self.sweep_record_params[name]].id
            elif name in self.sweep_other_params:
                values[name] = self.sweep_other_params[name]
            else:
                self.fail(f"{rule.rule}: add its parameter {name!r} to the sweep's parameters")
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)

    def _sweep_call(self, rule, method, url, token):
        params = dict(self._sweep_params())
        if token:
            params["access_token"] = token
        if rule.endpoint.routing["type"] == "jsonrpc":
            return self.url_open(
                url,
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
        if method == "POST":
            params["csrf_token"] = self._csrf("/web/login")
            files = {name: ("sweep.png", png_bytes(), "image/png") for name in ("ufile", "proof")}
            return self.url_open(url, data=params, files=files, allow_redirects=False)
        return self.url_open(
            url, params={"access_token": token} if token else None, allow_redirects=False
        )

    def _sweep(self):
        """Call every swept route; returns the rules and the number of calls."""
        rules = swept_rules(self.env, self.sweep_modules)
        records = self._sweep_foreign_records()
        tokens = self._sweep_own_tokens()
        before = self._sweep_state()
        calls = 0
        for login in (self.sweep_login, None):
            self.authenticate(login, login)
            for rule in rules:
                url = self._sweep_url(rule, records)
                params = set(rule.arguments) & set(self.sweep_record_params)
                model = next((self.sweep_record_params[a] for a in sorted(params)), None)
                jsonrpc = rule.endpoint.routing["type"] == "jsonrpc"
                methods = sorted({"GET", "POST"} & set(rule.methods or {"GET", "POST"}))
                for method in ["POST"] if jsonrpc else methods:
                    for token in (None, tokens.get(model), "0" * 36):
                        with self.subTest(user=login, route=rule.rule, method=method, token=token):
                            response = self._sweep_call(rule, method, url, token)
                            calls += 1
                            body = response.text
                            for marker in self._sweep_leak_markers():
                                self.assertNotIn(marker, body)
                            location = response.headers.get("Location", "")
                            self.assertNotIn(url, location.split("?")[0] if location else "")
                            if jsonrpc:
                                answer = response.json()
                                result = answer.get("result") or {}
                                self.assertTrue(
                                    "error" in answer or "error" in result,
                                    f"{rule.rule} answered {body[:200]}",
                                )
                            elif params:
                                self.assertIn(response.status_code, REFUSED, body[:300])
        self.assertEqual(self._sweep_state(), before)
        return rules, calls


@tagged("post_install", "-at_install")
class TestSecuritySweep(PortalSweepMixin, PortalWorldMixin, HttpCase):
    """As the café's contact, and logged out, every route of the client
    portal called with the bar's ids, without a token, with a token of the
    café's own record and with a made-up token: refused, nothing of the bar
    in the answer, nothing of the bar changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_world()
        cls.bar_records = {
            "service.order": cls.order_bar_done,
            "service.request": cls.request_bar,
            "service.equipment": cls.machine_bar,
        }
        cls.cafe_tokens = {
            "service.order": cls.order_cafe_done._portal_ensure_token(),
            "service.request": cls.request_cafe._portal_ensure_token(),
        }
        cls.order_bar_done._portal_ensure_token()
        cls.request_bar._portal_ensure_token()
        cls.bar_attachment = cls.env["ir.attachment"].create(
            {"name": "bar.pdf", "raw": b"%PDF-1.4 BARSECRET", "res_model": "service.request",
             "res_id": cls.request_bar.id}
        )  # fmt: skip

    sweep_login = "portal_lisa"

    def _sweep_foreign_records(self):
        return self.bar_records

    def _sweep_own_tokens(self):
        return self.cafe_tokens

    def _sweep_leak_markers(self):
        return self._leak_markers()

    def _sweep_state(self):
        return self._bar_state()

    def _sweep_params(self):
        return {
            "rate": "5",
            "feedback": "BARSWEEP",
            "title": "BARSWEEP",
            "type_id": str(self.type_breakdown.id),
            "equipment_id": str(self.machine_bar.id),
            "location_id": str(self.site_bar.id),
            "name": "BARSWEEP",
            "signature": base64.b64encode(png_bytes(40, 20)).decode(),
            # a chatter route's thread: the bar's request
            "thread_model": "service.request",
            "thread_id": str(self.request_bar.id),
        }

    def _leak_markers(self):
        return [
            "BARSECRET",
            self.machine_bar.serial_number,
            self.request_bar.name,
            self.order_bar_done.name,
            self.order_bar_planned.name,
            self.order_bar_done.access_token,
        ]

    def _bar_state(self):
        """Everything a call could change of the bar's records."""
        bar = self.order_bar_done | self.order_bar_planned
        self.env.invalidate_all()
        return {
            "messages": self.env["mail.message"].search_count(
                [
                    "|",
                    "&",
                    ("model", "=", "service.order"),
                    ("res_id", "in", bar.ids),
                    "&",
                    ("model", "=", "service.request"),
                    ("res_id", "=", self.request_bar.id),
                ]
            ),  # fmt: skip
            "ratings": self.env["rating.rating"].search_count(
                [
                    ("res_model", "=", "service.order"),
                    ("res_id", "in", bar.ids),
                    ("consumed", "=", True),
                ]
            ),  # fmt: skip
            "signed": self.order_bar_done.is_signed,
            "requests": self.env["service.request"].search_count([]),
            "readings": self.env["service.equipment.counter.reading"].search_count([]),
            "attachments": self.env["ir.attachment"].search_count([]),
            "states": tuple(bar.mapped("state")) + (self.request_bar.state,),
        }

    def test_every_route_refuses_another_clients_records(self):
        rules, calls = self._sweep()
        self.assertGreaterEqual(len(rules), 12, [r.rule for r in rules])
        self.assertGreater(calls, 60)

    def test_chatter_attachments_and_reports_of_another_client_are_refused(self):
        self.authenticate("portal_lisa", "portal_lisa")
        before = self._bar_state()
        csrf = self._csrf()
        for model, record in (("service.order", self.order_bar_done),
                              ("service.request", self.request_bar)):  # fmt: skip
            with self.subTest(model=model):
                posted = self.url_open(
                    "/mail/message/post",
                    data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                        "thread_model": model, "thread_id": record.id,
                        "post_data": {"body": "BARSWEEP", "message_type": "comment"}}}),
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip
                self.assertIn("error", posted.json())
                fetched = self.url_open(
                    "/mail/thread/messages",
                    data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                        "thread_model": model, "thread_id": record.id}}),
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip
                for marker in self._leak_markers():
                    self.assertNotIn(marker, fetched.text)
                upload = self.url_open(
                    "/mail/attachment/upload",
                    data={"csrf_token": csrf, "thread_id": record.id, "thread_model": model},
                    files={"ufile": ("x.png", png_bytes(), "image/png")},
                )
                self.assertEqual(upload.status_code, 404)
        content = self.url_open(f"/web/content/{self.bar_attachment.id}?download=true")
        self.assertIn(content.status_code, (403, 404))
        self.assertNotIn(b"BARSECRET", content.content)
        report = self.url_open(
            f"/report/pdf/fsm_orders.report_service_order/{self.order_bar_done.id}"
        )
        self.assertNotEqual(report.status_code, 200)
        self.assertNotIn(b"BARSECRET", report.content)
        self.assertEqual(self._bar_state(), before)

    def test_rpc_reads_and_writes_of_a_browser_are_refused(self):
        self.authenticate("portal_lisa", "portal_lisa")

        def call(model, method, args, kwargs=None):
            return self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                    "model": model, "method": method, "args": args,
                    "kwargs": kwargs or {}}}),
                headers={"Content-Type": "application/json"},
            ).json()  # fmt: skip

        for model, record in self.bar_records.items():
            with self.subTest(model=model):
                self.assertIn("error", call(model, "read", [record.ids, ["name"]]))
                found = call(model, "search_read", [[("id", "=", record.id)], ["name"]])
                self.assertEqual(found.get("result"), [])
        # own records: the internal note, a write, a workflow step are refused
        own = self.order_cafe_planned
        self.assertIn("error", call("service.order", "read", [own.ids, ["internal_note"]]))
        self.assertIn("error", call("service.order", "write", [own.ids, {"work_summary": "x"}]))
        self.assertIn("error", call("service.order", "action_cancel", [own.ids]))
        self.assertIn("error", call("service.request", "create", [{"title": "RPC"}]))
        self.assertIn("error", call("service.request", "_fsm_portal_create", [{}]))
        self.assertIn("error", call("service.order", "_fsm_portal_rate", [own.ids, 5]))
        self.assertEqual(own.state, "dispatched")
        ok = call("service.order", "read", [own.ids, ["name", "state"]])
        self.assertEqual(ok["result"][0]["name"], own.name)

    def test_colleague_sees_the_clients_pages_and_a_subsidiary_does_not(self):
        self.authenticate("portal_kim", "portal_kim")
        self.assertIn(self.request_cafe.title, self.url_open(self.request_cafe.access_url).text)
        self.assertEqual(self.url_open(f"/my/equipment/{self.machine_cafe.id}").status_code, 200)
        self.authenticate("portal_sam", "portal_sam")
        page = self.url_open(self.request_cafe.access_url, allow_redirects=False)
        self.assertIn(page.status_code, REFUSED)
        self.assertNotIn(self.request_cafe.title, self.url_open("/my/service-requests").text)
        self.assertEqual(self.url_open(f"/my/equipment/{self.machine_cafe.id}").status_code, 404)

    def test_an_internal_notes_file_on_an_own_order_is_not_served(self):
        """Files are reached through the chatter's tokens of the messages the
        client sees; a file of the desk's internal note is not one of them."""
        note = self.order_cafe_done.message_post(
            body="Client is slow to pay",
            subtype_xmlid="mail.mt_note",
            message_type="comment",
            attachments=[("internal.txt", b"INTERNAL only")],
        )
        self.order_cafe_done.message_post(
            body="We ordered the part for you", subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )  # fmt: skip
        self.authenticate("portal_lisa", "portal_lisa")
        response = self.url_open(f"/web/content/{note.attachment_ids.id}?download=true")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"INTERNAL only", response.content)
        fetched = self.url_open(
            "/mail/thread/messages",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                "thread_model": "service.order", "thread_id": self.order_cafe_done.id}}),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        self.assertIn("We ordered the part for you", fetched.text)
        self.assertNotIn("Client is slow to pay", fetched.text)
        self.assertNotIn("internal.txt", fetched.text)
