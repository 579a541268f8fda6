import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { sectionProps, visitSections, VisitStep } from "@fsm_orders/visit/visit_action";
import { actionLabels, visitEffects } from "@fsm_orders/visit/visit_effects";

const { DateTime } = luxon;

/** The copy of the day with ``category``'s timer running on ``order`` (or
 * none when ``category`` is false), labelled as the server labels it. */
function runTimer(day, order, category) {
    for (const other of day.orders) {
        other.timer_category = false;
        other.timer_label = "";
    }
    if (!day.timer) {
        return;
    }
    if (!category) {
        day.timer.running = false;
        return;
    }
    const label = _t("%(type)s since %(time)s", {
        type: day.timer_categories?.[category] || category,
        time: DateTime.now().toFormat("HH:mm"),
    });
    day.timer.running = { category, label, order_name: order.name };
    order.timer_category = category;
    order.timer_label = label;
}

/**
 * The timers one tap from the visit (fsm_worktime): start travel before the
 * visit, a break and back to work during it, stop. Travel's km are typed
 * here and go with the next timer or with *Start work*.
 */
export class VisitTimer extends Component {
    static template = "fsm_worktime.VisitTimer";
    static props = sectionProps;

    get order() {
        return this.props.order;
    }

    get timer() {
        return this.props.day.timer || { is_employee: false };
    }

    get runsHere() {
        return Boolean(this.order.timer_category);
    }

    kmPayload() {
        const km = this.order.travel_km_draft;
        return this.order.timer_category === "travel" && km !== undefined && km !== ""
            ? { distance_km: Number(km) }
            : {};
    }

    onKm(ev) {
        this.order.travel_km_draft = ev.target.value.replace(",", ".");
    }

    run(category) {
        this.props.enqueue("timer", { category, ...this.kmPayload() });
        this.order.travel_km_draft = "";
    }
}

patch(VisitStep.prototype, {
    start() {
        const km = VisitTimer.prototype.kmPayload.call({ order: this.props.order });
        this.props.enqueue("start", km);
        this.props.order.travel_km_draft = "";
    },
});

const coreStart = visitEffects.get("start");
const coreFinish = visitEffects.get("finish");
visitEffects
    .add(
        "start",
        (day, order, payload) => {
            coreStart(day, order, payload);
            runTimer(day, order, "work");
        },
        { force: true }
    )
    .add(
        "finish",
        (day, order, payload) => {
            coreFinish(day, order, payload);
            if (order.timer_category) {
                runTimer(day, order, false);
            }
        },
        { force: true }
    )
    .add("timer", (day, order, payload) => {
        runTimer(day, order, payload.category === "stop" ? false : payload.category);
    });

actionLabels.timer = _t("Timer");
visitSections.add("timer", { component: VisitTimer, sequence: 25 });
