"""A service order from creation to done, as integrations drive it over
Odoo 19's external JSON API (``/json/2``) with API keys: the coordinator
creates and dispatches it, the technician accepts, starts and finishes it."""

import email
import email.policy
from datetime import datetime, timedelta

from conftest import Api

# a 1×1 PNG, as a client's signature
SIGNATURE_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)


def _new_order(planner):
    # a machine whose category's checklist has required questions, so that
    # finishing too early is refused
    machine = planner(
        "service.equipment", "search_read",
        domain=[("commercial_partner_id", "!=", False),
                ("category_id.checklist_template_ids.item_ids.is_required", "=", True)],
        fields=["partner_id", "location_id"], limit=1,
    )[0]  # fmt: skip
    anna_employee = planner("hr.employee", "search", domain=[("user_id.login", "=", "tech.anna")])
    start = (datetime.utcnow() + timedelta(days=2)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    ids = planner(
        "service.order", "create",
        vals_list=[{
            "partner_id": machine["partner_id"][0],
            "location_id": machine["location_id"][0],
            "equipment_ids": [[6, 0, [machine["id"]]]],
            "description": "<p>Grinder jams after 20 shots</p>",
            "technician_id": anna_employee[0],
            "scheduled_start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "scheduled_duration": 1.5,
            "priority": "2",
        }],
    )  # fmt: skip
    return ids[0]


def _mail_text(raw):
    """Subject and decoded text of every part of an RFC 822 message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [str(message["subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def _pdf_part(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "application/pdf":
            return part.get_payload(decode=True)
    return b""


def answer_required_questions(api, lines):
    """Answer each required checklist question with a valid value."""
    for line in lines:
        value = {
            "yesno": {"value_yesno": "yes"},
            "number": {"value_number": line["min_value"] if line["has_range"] else 1.0},
            "text": {"value_text": "checked"},
        }[line["answer_type"]]
        api("service.order.checklist.line", "write", ids=[line["id"]], vals=value)


def _state(api, order_id):
    return api("service.order", "read", ids=[order_id], fields=["state"])[0]["state"]


def test_order_walks_from_coordinator_to_done_by_its_technician(
    planner, anna, smtp_sink, odoo_server
):
    order_id = _new_order(planner)
    assert _state(planner, order_id) == "draft"
    planner("service.order", "action_plan", ids=[order_id])
    planner("service.order", "action_dispatch", ids=[order_id])
    assert _state(planner, order_id) == "dispatched"

    # the technician sees it among their orders, and nobody else's
    visible = anna(
        "service.order", "search", domain=[("technician_user_id.login", "=", "tech.anna")]
    )
    assert order_id in visible
    anna("service.order", "action_accept", ids=[order_id])
    anna("service.order", "action_start", ids=[order_id])
    anna(
        "service.order", "write", ids=[order_id], vals={"work_summary": "Cleaned burrs, calibrated"}
    )

    # the machine's checklist came with the order: finishing first lists what is missing
    required = anna(
        "service.order.checklist.line", "search_read",
        domain=[("order_id", "=", order_id), ("is_required", "=", True)],
        fields=["name", "answer_type", "has_range", "min_value", "max_value"],
    )  # fmt: skip
    assert required, "the machine's checklist has required questions"
    refused = anna.call("service.order", "action_done", ids=[order_id])
    assert refused.status_code == 422, refused.text
    assert required[0]["name"] in refused.json()["message"]
    answer_required_questions(anna, required)
    anna(
        "service.order", "write", ids=[order_id],
        vals={"signed_by": "Client Contact", "signature": SIGNATURE_PNG},
    )  # fmt: skip
    anna("service.order", "action_done", ids=[order_id])

    order = planner(
        "service.order", "read", ids=[order_id],
        fields=["state", "date_started", "date_finished", "work_summary", "name", "technician_id"],
    )[0]  # fmt: skip
    assert order["state"] == "done"
    assert order["date_started"] and order["date_finished"]
    assert order["work_summary"] == "Cleaned burrs, calibrated"

    # every step is in the chatter, the technician's under their name
    messages = planner(
        "mail.message", "search_read",
        domain=[("model", "=", "service.order"), ("res_id", "=", order_id),
                ("message_type", "=", "notification")],
        fields=["author_id"],
    )  # fmt: skip
    authors = [(m["author_id"] or [0, ""])[1] for m in messages]
    assert len(messages) >= 5, authors  # plan, dispatch, accept, start, done
    assert any("Anna" in author for author in authors), authors

    # the client got an email naming the technician (caught by the SMTP sink)
    texts = [_mail_text(m["data"]) for m in smtp_sink.messages]
    to_client = [t for t in texts if order["name"] in t and "arrive between" in t]
    assert to_client, "the dispatch email reached the SMTP server"
    assert order["technician_id"][1] in to_client[0]

    # the signed service report, a real PDF, reached the client too
    reports = [
        m for m in smtp_sink.messages
        if order["name"] in _mail_text(m["data"]) and b"application/pdf" in m["data"]
    ]  # fmt: skip
    assert reports, "the service report email with its PDF reached the SMTP server"
    assert _pdf_part(reports[-1]["data"]).startswith(b"%PDF")


def test_technician_cannot_dispatch_or_touch_a_colleagues_order(planner, anna, erik):
    order_id = _new_order(planner)
    planner("service.order", "write", ids=[order_id], vals={"scheduled_duration": 2.0})
    refused = anna.call("service.order", "action_dispatch", ids=[order_id])
    assert refused.status_code in (403, 422), refused.text
    assert "coordinator" in refused.text
    planner("service.order", "action_dispatch", ids=[order_id])
    foreign = erik.call("service.order", "action_accept", ids=[order_id])
    assert foreign.status_code in (403, 422), foreign.text
    assert _state(planner, order_id) == "dispatched"


def test_wrong_key_gets_401_and_changes_nothing(planner, odoo_server):
    order_id = _new_order(planner)
    count_before = planner("service.order", "search_count", domain=[])
    intruder = Api(odoo_server, "not-a-valid-key")
    response = intruder.call("service.order", "action_cancel", ids=[order_id])
    assert response.status_code == 401
    response = intruder.call(
        "service.order", "create", vals_list=[{"partner_id": 1, "description": "spam"}]
    )
    assert response.status_code == 401
    assert _state(planner, order_id) == "draft"
    assert planner("service.order", "search_count", domain=[]) == count_before
