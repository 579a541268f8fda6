"""A service request from a phone call to its closing, on a real server with
the demo data: the call-center system reports the call and registers the
request with the desk's API key, the coordinator turns it into an order over
the external JSON API, the technician does it, and the request closes itself.
The client is told at each stage by email, caught by an SMTP sink."""

import email
import email.policy
from datetime import datetime, timedelta

import requests


def _post(server, key, path, payload):
    return requests.post(
        f"{server['url']}{path}",
        json=payload,
        headers={"Authorization": f"Bearer {key}", "X-Odoo-Database": server["db"]},
        timeout=60,
    )


def _subjects(smtp_sink):
    return [
        str(email.message_from_bytes(m["data"], policy=email.policy.default)["subject"])
        for m in smtp_sink.messages
    ]


def test_call_becomes_request_order_and_closes_with_it(odoo_server, planner, anna, smtp_sink):
    key = odoo_server["keys"]["planner"]

    # the call center reports a call: Sofia of Mellanrum, her number as the exchange gives it
    card = _post(odoo_server, key, "/fsm/call-center/incoming",
                 {"number": "070-523 81 44", "call_id": "PBX-4711",
                  "recording_url": "https://pbx.example.com/rec/4711.mp3"})  # fmt: skip
    assert card.status_code == 200, card.text
    card = card.json()
    assert card["number"] == "+46705238144"
    assert card["client"]["name"] == "Mellanrum Kaffe AB"
    assert card["contact"]["name"] == "Sofia Berg"
    assert any("drips" in r["title"] for r in card["open_requests"]), card["open_requests"]

    created = _post(odoo_server, key, "/fsm/call-center/request",
                    {"call_id": "PBX-4711", "title": "Grinder at Götgatan stopped",
                     "priority": "2"})  # fmt: skip
    assert created.status_code == 200, created.text
    request_id, number = created.json()["id"], created.json()["number"]
    request = planner(
        "service.request", "read", ids=[request_id],
        fields=["state", "channel", "partner_id", "contact_id", "call_ids", "deadline"],
    )[0]  # fmt: skip
    assert request["channel"] == "call_center"
    assert request["contact_id"][1].endswith("Sofia Berg")
    assert len(request["call_ids"]) == 1, "the call is kept with the request"
    assert request["deadline"], "the deadline comes from the type and priority"

    # the coordinator turns it into an order for Anna
    anna_employee = planner("hr.employee", "search", domain=[("user_id.login", "=", "tech.anna")])
    start = (datetime.utcnow() + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    wizard = planner(
        "service.request.split", "create",
        vals_list=[{"request_id": request_id, "line_ids": [[0, 0, {
            "description": "Replace the grinder motor",
            "technician_id": anna_employee[0],
            "scheduled_start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "scheduled_duration": 1.0,
        }]]}],
    )  # fmt: skip
    planner("service.request.split", "action_create_orders", ids=wizard)
    request = planner("service.request", "read", ids=[request_id],
                      fields=["state", "order_ids"])[0]  # fmt: skip
    assert request["state"] == "in_progress"
    [order_id] = request["order_ids"]
    planner("service.order", "action_plan", ids=[order_id])
    planner("service.order", "action_dispatch", ids=[order_id])

    # Anna does the work; finishing the last order closes the request
    anna("service.order", "action_accept", ids=[order_id])
    anna("service.order", "action_start", ids=[order_id])
    anna("service.order", "write", ids=[order_id], vals={"work_summary": "Motor replaced"})
    anna("service.order", "action_done", ids=[order_id])
    request = planner("service.request", "read", ids=[request_id],
                      fields=["state", "date_closed", "close_reason"])[0]  # fmt: skip
    assert request["state"] == "closed"
    assert request["date_closed"]

    # Sofia was told at each stage
    sent = [
        (subject, m["rcpt"])
        for subject, m in zip(_subjects(smtp_sink), smtp_sink.messages, strict=True)
        if number in subject
    ]
    sofia = "sofia.berg@mellanrum-kaffe.example.com"
    for stage in (f"request {number} registered", "is being handled", f"request {number} closed"):
        told = [rcpt for subject, rcpt in sent if stage in subject]
        assert told, f"no email '{stage}' among {[subject for subject, _ in sent]}"
        assert any(sofia in r for rcpt in told for r in rcpt), told


def test_call_center_key_of_a_technician_is_refused(odoo_server):
    response = _post(odoo_server, odoo_server["keys"]["tech.anna"], "/fsm/call-center/incoming",
                     {"number": "070-523 81 44", "call_id": "PBX-4712"})  # fmt: skip
    assert response.status_code == 403
    assert "Mellanrum" not in response.text
