"""A technician's visit timed on the phone and settled on the invoice, over
Odoo 19's external JSON API on a real server with the demo data: the
coordinator dispatches an order to Anna for now, she starts travel (the order
is accepted), starts work (the km asked for the drive, the order started) and
finishes; her times are the order's, and the coordinator's *Create invoice*
makes a draft customer invoice whose labour line is her work rounded by the
company's rule."""

import math
import time
from datetime import datetime, timedelta

from test_scenario_api import SIGNATURE_PNG, answer_required_questions


def _order_for_anna_now(planner, machine=None):
    """An order for Anna now, dispatched, on ``machine`` (a search_read row
    with its partner and site) or the demo's first machine."""
    machine = machine or planner(
        "service.equipment", "search_read",
        domain=[("commercial_partner_id", "!=", False)], fields=["partner_id", "location_id"],
        limit=1,
    )[0]  # fmt: skip
    anna = planner("hr.employee", "search", domain=[("user_id.login", "=", "tech.anna")])[0]
    start = datetime.utcnow().replace(microsecond=0) - timedelta(minutes=10)
    ids = planner(
        "service.order", "create",
        vals_list=[{
            "partner_id": machine["partner_id"][0],
            "location_id": machine["location_id"][0],
            "equipment_ids": [[6, 0, [machine["id"]]]],
            "description": "<p>Steam wand leaks</p>",
            "technician_id": anna,
            "scheduled_start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "scheduled_duration": 1.0,
            "is_billable": True,
        }],
    )  # fmt: skip
    planner("service.order", "action_plan", ids=ids)
    planner("service.order", "action_dispatch", ids=ids)
    return ids[0]


def _fill_required_answers(anna, order_id):
    lines = anna(
        "service.order.checklist.line", "search_read",
        domain=[("order_id", "=", order_id), ("is_required", "=", True)],
        fields=["answer_type", "has_range", "min_value"],
    )  # fmt: skip
    answer_required_questions(anna, lines)


def test_a_timed_visit_is_settled_on_a_draft_invoice(planner, anna):
    order_id = _order_for_anna_now(planner)

    anna("service.order", "action_fsm_start_travel", ids=[order_id])
    order = anna("service.order", "read", ids=[order_id], fields=["state", "fsm_timer_category"])
    assert order[0]["state"] == "accepted", "starting the drive accepts the visit"
    assert order[0]["fsm_timer_category"] == "travel"

    # Start work asks the km of the drive first, then starts the order
    ask = anna("service.order", "action_fsm_start_work", ids=[order_id])
    assert ask["res_model"] == "service.work.time.stop"
    wizard_values = {
        key.removeprefix("default_"): value
        for key, value in ask["context"].items()
        if key.startswith("default_")
    }
    wizard = anna(
        "service.work.time.stop", "create", vals_list=[{**wizard_values, "distance_km": 18}]
    )
    anna("service.work.time.stop", "action_confirm", ids=wizard)
    order = anna("service.order", "read", ids=[order_id], fields=["state", "fsm_timer_category"])
    assert order[0]["state"] == "in_progress"
    assert order[0]["fsm_timer_category"] == "work"

    time.sleep(2)  # a visit of a few seconds: the work is not empty
    _fill_required_answers(anna, order_id)
    anna(
        "service.order", "write", ids=[order_id],
        vals={"signed_by": "Client Contact", "signature": SIGNATURE_PNG},
    )  # fmt: skip
    anna("service.order", "action_done", ids=[order_id])

    # her times are the order's: the drive with its km, the work stopped by Finish
    entries = planner(
        "service.work.time", "search_read",
        domain=[("order_id", "=", order_id)],
        fields=["category", "distance_km", "date_stop", "duration", "source"],
        order="date_start, id",
    )  # fmt: skip
    assert [e["category"] for e in entries] == ["travel", "work"]
    assert entries[0]["distance_km"] == 18
    assert all(e["date_stop"] and e["source"] == "timer" for e in entries)

    # Create invoice: a draft customer invoice with the labour of the order's rate
    order = planner(
        "service.order", "read", ids=[order_id],
        fields=["labour_rate_mode", "can_create_invoice", "company_id"],
    )[0]  # fmt: skip
    assert order["labour_rate_mode"] == "hourly", "the demo clients follow the company default"
    assert order["can_create_invoice"]
    action = planner("service.order", "action_create_invoice", ids=[order_id])
    invoice = planner(
        "account.move", "read", ids=[action["res_id"]],
        fields=["move_type", "state", "invoice_line_ids", "invoice_origin"],
    )[0]  # fmt: skip
    assert (invoice["move_type"], invoice["state"]) == ("out_invoice", "draft")
    lines = planner(
        "account.move.line", "read", ids=invoice["invoice_line_ids"],
        fields=["product_id", "quantity", "name", "price_unit"],
    )  # fmt: skip
    company = planner(
        "res.company", "read", ids=[order["company_id"][0]],
        fields=["fsm_labour_hour_product_id", "fsm_labour_rounding_minutes"],
    )[0]  # fmt: skip
    assert [line["product_id"][0] for line in lines] == [company["fsm_labour_hour_product_id"][0]]
    step = company["fsm_labour_rounding_minutes"] / 60
    expected = math.ceil(entries[1]["duration"] / step) * step  # every started step
    assert math.isclose(lines[0]["quantity"], expected), (lines[0], entries[1])
    assert invoice["invoice_origin"] in lines[0]["name"]
    invoiced = planner("service.order", "read", ids=[order_id], fields=["invoice_status"])
    assert invoiced[0]["invoice_status"] == "invoiced"
