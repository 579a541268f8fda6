"""A visit under a service contract, over Odoo 19's external JSON API on a
real server with the demo data: the coordinator records a maintenance
contract (labour and travel covered, parts not, 2 hours for an urgent call)
on a machine of Solna Kaffe & Bageri and confirms it; an urgent request for
the machine is due in the contract's 2 hours and shows the cover; Anna's
visit on it uses a gasket from her van, and *Create invoice* bills the gasket
alone. The contract is closed at the end, so the other scenarios' visits
are billed in full."""

import time
from datetime import date, datetime, timedelta

from test_scenario_api import SIGNATURE_PNG
from test_scenario_worktime import _fill_required_answers, _order_for_anna_now


def _solna_machine(planner):
    """A machine of Solna's that Anna can serve: of the category of the
    machine the other scenarios give her (their first one, another client's)."""
    first = planner(
        "service.equipment", "search_read",
        domain=[("commercial_partner_id", "!=", False)], fields=["category_id"], limit=1,
    )[0]  # fmt: skip
    return planner(
        "service.equipment", "search_read",
        domain=[("commercial_partner_id.name", "ilike", "Solna Kaffe"),
                ("category_id", "=", first["category_id"][0])],
        fields=["partner_id", "location_id", "commercial_partner_id"], limit=1,
    )[0]  # fmt: skip


def test_a_covered_visit_bills_only_what_the_contract_leaves(planner, anna):
    machine = _solna_machine(planner)
    client_id = machine["commercial_partner_id"][0]
    amc = planner(
        "service.contract.type", "search_read",
        domain=[("kind", "=", "service"), ("cover_labour", "=", "all"),
                ("cover_parts", "=", "none")],
        fields=["name"], limit=1,
    )[0]  # fmt: skip
    today = date.today()
    contract_id = planner(
        "service.contract", "create",
        vals_list=[{
            "partner_id": client_id, "type_id": amc["id"],
            "date_start": (today - timedelta(days=1)).isoformat(),
            "date_end": (today + timedelta(days=364)).isoformat(),
            "equipment_ids": [[6, 0, [machine["id"]]]], "sla_hours_urgent": 2.0,
            "price": 250.0, "billing_period": "month",
        }],
    )[0]  # fmt: skip
    planner("service.contract", "action_confirm", ids=[contract_id])
    try:
        request_id = planner(
            "service.request", "create",
            vals_list=[{
                "title": "Pump noise", "partner_id": client_id,
                "location_id": machine["location_id"][0], "equipment_id": machine["id"],
                "priority": "3",
            }],
        )[0]  # fmt: skip
        request = planner(
            "service.request", "read", ids=[request_id],
            fields=["contract_ids", "deadline", "date_registered", "contract_cover_summary"],
        )[0]  # fmt: skip
        assert request["contract_ids"] == [contract_id]
        assert "labour" in request["contract_cover_summary"]
        registered = datetime.fromisoformat(request["date_registered"])
        assert datetime.fromisoformat(request["deadline"]) - registered == timedelta(hours=2)

        gasket = planner(
            "product.product", "search_read", domain=[("default_code", "=", "GAS-85")],
            fields=["id"],
        )[0]  # fmt: skip
        order_id = _order_for_anna_now(planner, machine)
        planner(
            "service.order", "write", ids=[order_id],
            vals={"part_ids": [[0, 0, {"product_id": gasket["id"], "quantity_planned": 1}]]},
        )  # fmt: skip
        order = planner("service.order", "read", ids=[order_id], fields=["contract_id"])[0]
        assert order["contract_id"][0] == contract_id

        anna("service.order", "action_fsm_start_travel", ids=[order_id])
        ask = anna("service.order", "action_fsm_start_work", ids=[order_id])
        values = {k.removeprefix("default_"): v for k, v in ask["context"].items()
                  if k.startswith("default_")}  # fmt: skip
        wizard = anna("service.work.time.stop", "create", vals_list=[{**values, "distance_km": 5}])
        anna("service.work.time.stop", "action_confirm", ids=wizard)
        part = anna("service.order.part", "search", domain=[("order_id", "=", order_id)])
        anna("service.order.part", "action_fsm_use", ids=part)
        time.sleep(2)  # a visit of a few seconds: the work is not empty
        _fill_required_answers(anna, order_id)
        anna(
            "service.order", "write", ids=[order_id],
            vals={"signed_by": "Client Contact", "signature": SIGNATURE_PNG},
        )  # fmt: skip
        anna("service.order", "action_done", ids=[order_id])

        action = planner("service.order", "action_create_invoice", ids=[order_id])
        invoice = planner(
            "account.move", "read", ids=[action["res_id"]], fields=["invoice_line_ids"]
        )[0]
        lines = planner(
            "account.move.line", "read", ids=invoice["invoice_line_ids"],
            fields=["product_id", "quantity"],
        )  # fmt: skip
        assert [(line["product_id"][0], line["quantity"]) for line in lines] == [
            (gasket["id"], 1)
        ], "the labour is the contract's"
    finally:
        planner("service.contract", "action_close", ids=[contract_id])
