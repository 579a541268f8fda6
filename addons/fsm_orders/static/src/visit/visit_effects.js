import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/** What each kind of action is called in the list of what waits to be sent
 * (addons add their kinds). */
export const actionLabels = {
    accept: _t("Visit accepted"),
    start: _t("Work started"),
    answer: _t("Checklist answer"),
    photo: _t("Photo"),
    sign: _t("Client's signature"),
    finish: _t("Visit finished"),
};

/**
 * What a queued action changes on the phone's copy of the day, before the
 * server has it: ``(day, order, payload) => void``, one per action kind.
 * The server stays the judge: its answer replaces the copy once the queue is
 * sent. Addons add the effects of their own kinds (timers, parts).
 */
export const visitEffects = registry.category("fsm_visit_effects");

/** Whether a line's answer counts as given, as the server computes it. */
export function isAnswered(line, value) {
    switch (line.answer_type) {
        case "number":
            return value !== null && value !== undefined && value !== "";
        case "text":
            return Boolean((value || "").trim());
        default:
            return Boolean(value);
    }
}

export function isOutOfRange(line, value) {
    return (
        line.answer_type === "number" &&
        line.has_range &&
        isAnswered(line, value) &&
        !(line.min_value <= value && value <= line.max_value)
    );
}

export function findLine(order, lineId) {
    for (const checklist of order.checklists) {
        const line = checklist.lines.find((l) => l.id === lineId);
        if (line) {
            return line;
        }
    }
    return null;
}

/** Required questions still unanswered on the copy. */
export function missingAnswers(order) {
    return order.checklists.flatMap((c) => c.lines).filter((l) => l.is_required && !l.is_answered);
}

/** Moves the copy of an order to ``state``, with its label. */
export function setState(day, order, state) {
    order.state = state;
    order.state_label = day.state_labels?.[state] || state;
}

visitEffects
    .add("accept", (day, order) => {
        setState(day, order, "accepted");
        order.can_accept = false;
        order.can_start = true;
    })
    .add("start", (day, order) => {
        setState(day, order, "in_progress");
        order.can_accept = false;
        order.can_start = false;
        order.can_finish = true;
        order.can_sign = !order.is_signed; // an order in progress is signed on site
    })
    .add("answer", (day, order, payload) => {
        const line = findLine(order, payload.line_id);
        if (line) {
            line.value = payload.value;
            line.is_answered = isAnswered(line, payload.value);
            line.is_out_of_range = isOutOfRange(line, payload.value);
        }
    })
    .add("photo", (day, order) => {
        order.photo_count += 1;
    })
    .add("sign", (day, order, payload) => {
        order.signed_by = payload.signed_by;
        order.is_signed = true;
        order.can_sign = false;
    })
    .add("finish", (day, order, payload) => {
        setState(day, order, "done");
        order.can_finish = false;
        if (payload.work_summary) {
            order.work_summary = payload.work_summary;
        }
    });

/** The day with every waiting action replayed on it (in queue order). */
export function applyQueue(day, queue) {
    for (const action of queue) {
        const order = day.orders.find((o) => o.id === action.order_id);
        const effect = visitEffects.get(action.kind, null);
        if (order && effect) {
            effect(day, order, action.payload);
        }
    }
    return day;
}
