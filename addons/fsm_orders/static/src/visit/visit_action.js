import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadJS } from "@web/core/assets";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import {
    actionLabels,
    applyQueue,
    isAnswered,
    isOutOfRange,
    missingAnswers,
} from "./visit_effects";

/** Sections of the visit screen, top to bottom by ``sequence``. Each is a
 * component with the props of ``VisitSection``; addons add theirs (the timer,
 * the parts from the van). */
export const visitSections = registry.category("fsm_visit_sections");

export const sectionProps = {
    day: Object,
    order: Object,
    enqueue: Function,
};

/** Photos are sent at the size a report shows them, not as the camera took
 * them: the longest side, in pixels, and the JPEG quality. */
const PHOTO_MAX_SIDE = 1600;
const PHOTO_QUALITY = 0.8;

/**
 * A picture file made smaller in the browser, as base64 JPEG (no data: prefix).
 * @param {File} file
 */
export async function resizePhoto(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    return canvas.toDataURL("image/jpeg", PHOTO_QUALITY).split(",")[1];
}

export class VisitHeader extends Component {
    static template = "fsm_orders.VisitHeader";
    static props = sectionProps;
}

export class VisitStep extends Component {
    static template = "fsm_orders.VisitStep";
    static props = sectionProps;

    accept() {
        this.props.enqueue("accept");
    }

    start() {
        this.props.enqueue("start");
    }
}

export class VisitChecklistLine extends Component {
    static template = "fsm_orders.VisitChecklistLine";
    static props = { line: Object, answer: Function, readonly: Boolean };

    setup() {
        this.state = useState({ draft: null, text: null });
    }

    get draftOutOfRange() {
        const value = this.state.draft === null ? this.props.line.value : this.state.draft;
        return typeof value === "number" && isOutOfRange(this.props.line, value);
    }

    get draftInvalid() {
        return Number.isNaN(this.state.draft);
    }

    /** What is typed, as a number (NaN when it is none, null when empty). */
    parseNumber(text) {
        const raw = text.replace(",", ".").trim();
        return raw === "" ? null : Number(raw);
    }

    /** The input's text: what is being typed, else the answer given. */
    get numberText() {
        if (this.state.text !== null) {
            return this.state.text;
        }
        return this.props.line.value === null ? "" : String(this.props.line.value);
    }

    onNumberInput(ev) {
        this.state.text = ev.target.value;
        this.state.draft = this.parseNumber(ev.target.value);
    }

    onNumberChange(ev) {
        const value = this.parseNumber(ev.target.value);
        if (Number.isNaN(value)) {
            return; // not a number: shown as such, nothing is sent
        }
        this.state.draft = null;
        this.state.text = null;
        this.props.answer(this.props.line, value);
    }

    onTextChange(ev) {
        this.props.answer(this.props.line, ev.target.value);
    }

    choose(value) {
        // a second tap on the given answer takes it back
        this.props.answer(this.props.line, this.props.line.value === value ? false : value);
    }

    async onPhoto(ev) {
        const file = ev.target.files[0];
        if (file) {
            this.props.answer(this.props.line, await resizePhoto(file));
        }
        ev.target.value = "";
    }
}

export class VisitChecklists extends Component {
    static template = "fsm_orders.VisitChecklists";
    static components = { VisitChecklistLine };
    static props = sectionProps;

    get readonly() {
        return ["done", "cancelled"].includes(this.props.order.state);
    }

    answer(line, value) {
        if (isAnswered(line, value) === line.is_answered && value === line.value) {
            return;
        }
        this.props.enqueue("answer", { line_id: line.id, value });
    }
}

export class VisitPhotos extends Component {
    static template = "fsm_orders.VisitPhotos";
    static props = sectionProps;

    setup() {
        this.input = useRef("input");
        this.state = useState({ busy: false });
    }

    takePhoto() {
        this.input.el.click();
    }

    async onPhoto(ev) {
        const files = [...ev.target.files];
        ev.target.value = "";
        this.state.busy = true;
        try {
            for (const file of files) {
                const image = await resizePhoto(file);
                await this.props.enqueue("photo", { image, name: file.name || "" });
            }
        } finally {
            this.state.busy = false;
        }
    }
}

export class VisitSignFinish extends Component {
    static template = "fsm_orders.VisitSignFinish";
    static props = sectionProps;

    setup() {
        this.canvas = useRef("canvas");
        this.state = useState({
            name: "",
            drawn: false,
            summary: "",
            error: "",
            padMissing: false,
        });
        onWillStart(async () => {
            try {
                await loadJS("/web/static/lib/signature_pad/signature_pad.umd.js");
            } catch {
                this.state.padMissing = true; // never loaded on this phone, and no network
            }
        });
        useEffect(
            (el) => el && this.mountPad(el),
            () => [this.canvas.el]
        );
    }

    mountPad(el) {
        if (this.state.padMissing) {
            return;
        }
        const ratio = Math.max(window.devicePixelRatio || 1, 1);
        el.width = el.offsetWidth * ratio;
        el.height = el.offsetHeight * ratio;
        el.getContext("2d").scale(ratio, ratio);
        // eslint-disable-next-line no-undef
        this.pad = new SignaturePad(el, { penColor: "DarkBlue", minWidth: 1.5, maxWidth: 2.5 });
        this.pad.addEventListener("endStroke", () => {
            this.state.drawn = !this.pad.isEmpty();
            this.state.error = "";
        });
    }

    clear() {
        this.pad?.clear();
        this.state.drawn = false;
    }

    get order() {
        return this.props.order;
    }

    get needsSignature() {
        return this.order.can_sign && !this.order.is_signed;
    }

    /** Why Finish cannot be sent now, as the server would say it. */
    get blockedReason() {
        const missing = missingAnswers(this.order);
        if (missing.length) {
            return _t("Still to answer: %s", missing.map((l) => l.name).join(", "));
        }
        if (this.order.signature_required && !this.order.is_signed && !this.state.drawn) {
            return _t("The client signs before the visit is finished.");
        }
        if (this.state.drawn && !this.state.name.trim()) {
            return _t("Type the name of the person who signs.");
        }
        return "";
    }

    async finish() {
        const reason = this.blockedReason;
        if (reason) {
            this.state.error = reason;
            return;
        }
        // the summary goes with the signature: the client signs what they read
        const summary = this.state.summary.trim() ? { work_summary: this.state.summary.trim() } : {};
        if (this.state.drawn && this.needsSignature) {
            const signature = this.pad.toDataURL("image/png").split(",")[1];
            await this.props.enqueue("sign", {
                signed_by: this.state.name.trim(),
                signature,
                ...summary,
            });
            await this.props.enqueue("finish", {});
        } else {
            await this.props.enqueue("finish", summary);
        }
    }
}

/**
 * The technician's day and visit on the phone, for one thumb.
 *
 * Without ``resId`` it lists today's visits; with it, the visit of that
 * order as one screen: start, the checklists answered inline, photos, what
 * addons add (timers, parts from the van), the client's name and signature,
 * finish. Every tap is an action of the ``fsm_sync`` queue: the screen
 * changes at once, the server gets it when the network allows, and the day
 * opens from the phone's copy when there is no network.
 */
export class FsmVisit extends Component {
    static template = "fsm_orders.Visit";
    static props = { ...standardActionServiceProps };

    setup() {
        this.sync = useService("fsm_sync");
        this.actionService = useService("action");
        this.syncState = useState(this.sync.state);
        this.state = useState({ day: null, loading: true, error: "", showQueue: false });
        this.boundEnqueue = this.enqueue.bind(this);
        onWillStart(() => this.load());
        const unsubscribe = this.sync.subscribe((event) => this.onSyncEvent(event));
        onWillUnmount(unsubscribe);
    }

    get sections() {
        return visitSections.getEntries().sort((a, b) => a[1].sequence - b[1].sequence);
    }

    get orderId() {
        // a visit opened by its URL (/odoo/visit/42) or by My day's button
        return this.props.resId || this.props.action.context?.active_id || false;
    }

    get order() {
        return this.state.day?.orders.find((o) => o.id === this.orderId) || null;
    }

    async load() {
        await this.sync.ready;
        const cached = await this.sync.readDay();
        if (cached) {
            this.showDay(cached);
        }
        const fresh = this.refresh();
        if (!cached) {
            await fresh;
        }
    }

    async refresh() {
        try {
            const day = await this.sync.fetchDay();
            if (day) {
                this.showDay(day);
            } else if (!this.state.day) {
                this.state.error = _t(
                    "No network, and this phone has no copy of your day yet: open My day once with a network."
                );
            }
        } catch (error) {
            this.state.error = error.data?.message || error.message;
        } finally {
            this.state.loading = false;
        }
    }

    showDay(day) {
        this.state.day = applyQueue(day, this.sync.state.queue);
        this.state.error = "";
        this.state.loading = false;
    }

    onSyncEvent(event) {
        if (event.flushed && event.applied && !this.sync.state.queue.length) {
            this.refresh();
        }
    }

    async enqueue(kind, payload = {}) {
        const order = this.order;
        const action = await this.sync.enqueue(kind, order.id, payload);
        applyQueue(this.state.day, [action]);
        return action;
    }

    /** The same action again (its loaded description, so that no network
     * is needed), on one order or on the day. */
    openVisit(order) {
        this.actionService.doAction(this.visitAction, { props: { resId: order.id } });
    }

    backToDay() {
        this.actionService.doAction(this.visitAction, { clearBreadcrumbs: true });
    }

    get visitAction() {
        const { context, ...action } = this.props.action;
        return { ...action, context: { ...context, active_id: undefined } };
    }

    retry() {
        this.state.showQueue = !this.state.showQueue && this.syncState.queue.length > 0;
        this.sync.flush();
        if (!this.syncState.queue.length) {
            this.refresh();
        }
    }

    conflictsOf(order) {
        return this.syncState.conflicts.filter((c) => !order || c.order_id === order.id);
    }

    orderName(conflict) {
        const order = this.state.day?.orders.find((o) => o.id === conflict.order_id);
        return order ? `${order.partner_name} · ${order.name}` : "";
    }

    dismiss(conflict) {
        this.sync.dismissConflict(conflict.uuid);
    }

    missingOf(order) {
        return ["done", "cancelled"].includes(order.state) ? 0 : missingAnswers(order).length;
    }

    waitingOf(order) {
        return this.syncState.queue.filter((a) => a.order_id === order.id).length;
    }

    /** The waiting actions as the list under the status shows them. */
    get waitingList() {
        return this.syncState.queue.map((action) => {
            const order = this.state.day?.orders.find((o) => o.id === action.order_id);
            return {
                uuid: action.uuid,
                label: actionLabels[action.kind] || action.kind,
                order: order ? order.partner_name : "",
                time: deserializeDateTime(action.at).toFormat("HH:mm"),
            };
        });
    }
}

registry.category("actions").add("fsm_visit", FsmVisit);

visitSections
    .add("header", { component: VisitHeader, sequence: 10 })
    .add("step", { component: VisitStep, sequence: 20 })
    .add("checklists", { component: VisitChecklists, sequence: 30 })
    .add("photos", { component: VisitPhotos, sequence: 40 })
    .add("sign_finish", { component: VisitSignFinish, sequence: 90 });
