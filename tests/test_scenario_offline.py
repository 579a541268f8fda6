"""A visit done without a network, on a real server with the demo data and a
real browser (tests/phone.py): Anna opens her day while the network is
there, loses it in the café's basement, does the whole visit on the visit
screen (start, every checklist answer, a photo, a break, a gasket from her
van, the client's name and signature, finish), closes the browser, opens it
again still without a network — her visit and what waits are still on the
phone — and when the network is back, everything reaches the server exactly
once."""

import time

import pytest
from phone import Phone
from test_scenario_worktime import _order_for_anna_now

# Pictures and strokes as a camera and a finger hand them to the page.
PAGE_HELPERS = """
window.__fsm = {
    async takePicture(input) {
        const canvas = document.createElement("canvas");
        canvas.width = 640; canvas.height = 480;
        const context = canvas.getContext("2d");
        context.fillStyle = "#8b5a2b"; context.fillRect(0, 0, 640, 480);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], "boiler.png", { type: "image/png" }));
        input.files = transfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    sign(canvas) {
        const box = canvas.getBoundingClientRect();
        const at = (x, y, buttons) => ({ clientX: box.left + box.width * x,
            clientY: box.top + box.height * y, pointerId: 1, pointerType: "touch",
            isPrimary: true, bubbles: true, cancelable: true, buttons });
        canvas.dispatchEvent(new PointerEvent("pointerdown", at(0.1, 0.5, 1)));
        for (const [x, y] of [[0.3, 0.2], [0.5, 0.8], [0.7, 0.3]]) {
            canvas.dispatchEvent(new PointerEvent("pointermove", at(x, y, 1)));
        }
        canvas.dispatchEvent(new PointerEvent("pointerup", at(0.9, 0.5, 0)));
    },
};
"""

ANSWER_EVERY_LINE = """
(async () => {
    const lines = [...document.querySelectorAll(".o_fsm_visit_line")];
    for (const line of lines) {
        const yes = line.querySelector(".o_fsm_answer_yes");
        const number = line.querySelector(".o_fsm_answer_number");
        const option = line.querySelector(".o_fsm_answer_option");
        const text = line.querySelector(".o_fsm_answer_text");
        const photo = line.querySelector(".o_fsm_answer_photo input");
        if (yes) { yes.click(); }
        else if (number) {
            number.value = line.dataset.expected || "1";
            number.dispatchEvent(new Event("input", { bubbles: true }));
            number.dispatchEvent(new Event("change", { bubbles: true }));
        }
        else if (option) { option.click(); }
        else if (text) {
            text.value = "Checked";
            text.dispatchEvent(new Event("change", { bubbles: true }));
        }
        else if (photo) { await window.__fsm.takePicture(photo); }
        await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return lines.length;
})()
"""


@pytest.fixture
def phone(odoo_server):
    device = Phone(odoo_server["url"], odoo_server["db"], "tech.anna")
    yield device
    device.dispose()


def _waiting(phone):
    text = phone.js("document.querySelector('.o_fsm_waiting_count')?.innerText || '0'")
    return int(text)


def test_a_visit_done_offline_reaches_the_server_once(planner, anna, phone, tmp_path):
    order_id = _order_for_anna_now(planner)
    order = planner("service.order", "read", ids=[order_id], fields=["name"])[0]
    gasket = planner(
        "product.product", "search_read", domain=[("default_code", "=", "GAS-85")], fields=["id"]
    )[0]
    lines = planner(
        "service.order.checklist.line", "search_read",
        domain=[("order_id", "=", order_id)], fields=["name", "answer_type", "min_value"],
    )  # fmt: skip
    assert lines, "the demo machine's category brings a checklist"

    # with a network: the day is loaded, and loaded again once the service
    # worker controls the page (the copy every visit opens from)
    phone.open("/odoo/visit")
    phone.wait_for(".o_fsm_visit_card", text=order["name"])
    phone.goto("/odoo/visit")
    phone.wait_for(".o_fsm_visit_card", text=order["name"])
    time.sleep(2)

    # the basement: no network for the page nor its service worker
    phone.set_online(False)
    phone.goto("/odoo/visit")
    phone.wait_for(".o_fsm_visit_card", text=order["name"])
    phone.wait_for(".o_fsm_sync_status", text="Offline")
    phone.js(PAGE_HELPERS)
    phone.tap(".o_fsm_visit_card", text=order["name"])
    phone.tap(".o_fsm_visit_start")
    phone.wait_for(".o_fsm_visit_state", text="In progress")
    for line in lines:
        if line["answer_type"] == "number":
            phone.js(
                f"document.querySelector('.o_fsm_visit_line[data-line-id=\"{line['id']}\"]')"
                f".dataset.expected = '{line['min_value']}'"
            )
    assert phone.js(ANSWER_EVERY_LINE) == len(lines)
    phone.js("window.__fsm.takePicture(document.querySelector('.o_fsm_visit_photo_input'))")
    phone.wait_for(".o_fsm_photo_count", text="1")
    phone.tap(".o_fsm_visit_break")
    phone.tap(".o_fsm_visit_work")
    phone.tap(".o_fsm_visit_add_part")
    phone.tap(".o_fsm_visit_van_item", text="GAS-85")
    phone.wait_for(".o_fsm_visit_part_used", text="1")
    phone.type(".o_fsm_visit_signer", "Karin Berg")
    phone.js("window.__fsm.sign(document.querySelector('canvas.o_fsm_visit_signature'))")
    phone.tap(".o_fsm_visit_finish", text="Sign and finish")
    phone.wait_for(".o_fsm_visit_done", text="Karin Berg")
    waiting = _waiting(phone)
    # start, the answers, the photo, break, work, the part, sign, finish
    assert waiting == len(lines) + 7, waiting
    assert planner("service.order", "read", ids=[order_id], fields=["state"])[0]["state"] != (
        "done"
    ), "nothing reached the server"
    phone.screenshot(tmp_path / "offline-done.png")

    # the browser is closed and opened again, still without a network
    phone.close()
    phone.open(f"/odoo/visit/{order_id}")
    phone.wait_for(".o_fsm_visit_done", text="Karin Berg")
    assert _waiting(phone) == waiting, "the queue survived the browser"

    # the network is back: the queue is sent, in order, once
    phone.set_online(True)
    phone.tap(".o_fsm_sync_status")
    phone.wait_for(".o_fsm_sync_status", text="Sent", timeout=90)

    done = planner(
        "service.order", "read", ids=[order_id],
        fields=["state", "signed_by", "is_signed", "photo_ids", "checklist_missing_count"],
    )[0]  # fmt: skip
    assert done["state"] == "done"
    assert (done["signed_by"], done["is_signed"]) == ("Karin Berg", True)
    assert len(done["photo_ids"]) == 1
    answered = planner(
        "service.order.checklist.line", "search_count",
        domain=[("order_id", "=", order_id), ("is_answered", "=", True)],
    )  # fmt: skip
    assert answered == len(lines)
    parts = planner(
        "service.order.part", "search_read",
        domain=[("order_id", "=", order_id)], fields=["product_id", "quantity_used"],
    )  # fmt: skip
    assert [(p["product_id"][0], p["quantity_used"]) for p in parts] == [(gasket["id"], 1)]
    # break and work tapped within one second start at the same second: the
    # order they were made in breaks the tie
    times = planner(
        "service.work.time", "search_read",
        domain=[("order_id", "=", order_id)], fields=["category", "date_stop"],
        order="date_start, id",
    )  # fmt: skip
    assert [t["category"] for t in times] == ["work", "break", "work"]
    assert all(t["date_stop"] for t in times), "finishing stopped the last timer"
    actions = planner(
        "service.sync.action", "search_read",
        domain=[("order_id", "=", order_id)], fields=["uuid", "state"],
    )  # fmt: skip
    assert len(actions) == waiting == len({a["uuid"] for a in actions})
    assert {a["state"] for a in actions} == {"applied"}

    # the same queue sent again (an answer lost on the way back) changes nothing
    again = planner(
        "service.sync.action", "search_read",
        domain=[("order_id", "=", order_id)], fields=["uuid", "kind", "at", "payload"],
    )  # fmt: skip
    answer = anna(
        "service.order", "fsm_sync",
        actions=[{"uuid": a["uuid"], "kind": a["kind"], "order_id": order_id, "at": a["at"],
                  "payload": a["payload"] or {}} for a in again],
    )  # fmt: skip
    assert {r["state"] for r in answer["results"]} == {"applied"}
    assert (
        planner("service.sync.action", "search_count", domain=[("order_id", "=", order_id)]),
        len(planner("service.order", "read", ids=[order_id], fields=["photo_ids"])[0]["photo_ids"]),
    ) == (waiting, 1)
