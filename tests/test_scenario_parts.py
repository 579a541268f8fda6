"""A visit with a part from the van, settled with its labour on one invoice,
over Odoo 19's external JSON API on a real server with the demo data: the
coordinator plans a gasket on Anna's order, she drives, works, picks the
gasket from her van and finishes; *Create invoice* makes one draft invoice
with her labour (fsm_worktime) and the gasket at its price less the
catalogue's line discount (fsm_inventory), and her van holds one less."""

import time

from test_scenario_api import SIGNATURE_PNG
from test_scenario_worktime import _fill_required_answers, _order_for_anna_now


def _in_my_van(anna, product_id):
    """What Anna's *My van* shows of the part (her record rule, no sudo)."""
    action = anna("stock.quant", "action_fsm_my_van")
    quants = anna(
        "stock.quant", "search_read",
        domain=action["domain"] + [["product_id", "=", product_id]], fields=["quantity"],
    )  # fmt: skip
    return sum(q["quantity"] for q in quants)


def test_a_visit_with_a_part_is_settled_with_its_labour(planner, anna):
    gasket = planner(
        "product.product", "search_read",
        domain=[("default_code", "=", "GAS-85")], fields=["lst_price", "fsm_discount"],
    )[0]  # fmt: skip
    order_id = _order_for_anna_now(planner)
    planner(
        "service.order", "write", ids=[order_id],
        vals={"part_ids": [[0, 0, {"product_id": gasket["id"], "quantity_planned": 1}]]},
    )  # fmt: skip
    in_van = _in_my_van(anna, gasket["id"])
    assert in_van >= 1, "the demo stocks every van"

    anna("service.order", "action_fsm_start_travel", ids=[order_id])
    ask = anna("service.order", "action_fsm_start_work", ids=[order_id])
    values = {k.removeprefix("default_"): v for k, v in ask["context"].items()
              if k.startswith("default_")}  # fmt: skip
    wizard = anna("service.work.time.stop", "create", vals_list=[{**values, "distance_km": 7}])
    anna("service.work.time.stop", "action_confirm", ids=wizard)
    part = anna(
        "service.order.part", "search_read",
        domain=[("order_id", "=", order_id)], fields=["quantity_pending", "van_available"],
    )[0]  # fmt: skip
    assert (part["quantity_pending"], part["van_available"]) == (1, in_van)
    anna("service.order.part", "action_fsm_use", ids=[part["id"]])
    assert _in_my_van(anna, gasket["id"]) == in_van - 1

    time.sleep(2)  # a visit of a few seconds: the work is not empty
    _fill_required_answers(anna, order_id)
    anna(
        "service.order", "write", ids=[order_id],
        vals={"signed_by": "Client Contact", "signature": SIGNATURE_PNG},
    )  # fmt: skip
    anna("service.order", "action_done", ids=[order_id])

    action = planner("service.order", "action_create_invoice", ids=[order_id])
    invoice = planner(
        "account.move", "read", ids=[action["res_id"]], fields=["state", "invoice_line_ids"]
    )[0]
    assert invoice["state"] == "draft"
    lines = planner(
        "account.move.line", "read", ids=invoice["invoice_line_ids"],
        fields=["product_id", "quantity", "price_unit", "discount"],
    )  # fmt: skip
    company_id = planner("service.order", "read", ids=[order_id], fields=["company_id"])[0][
        "company_id"
    ][0]
    company = planner(
        "res.company", "read", ids=[company_id], fields=["fsm_labour_hour_product_id"]
    )[0]
    by_product = {line["product_id"][0]: line for line in lines}
    assert set(by_product) == {company["fsm_labour_hour_product_id"][0], gasket["id"]}, lines
    part_line = by_product[gasket["id"]]
    assert part_line["quantity"] == 1
    assert part_line["discount"] == gasket["fsm_discount"] == 5
