/**
 * The coordinators' planning board (client action ``fsm_routing.planning_board``).
 *
 * Why our own board rather than OCA web_timeline: each technician's row shades
 * their off-shift hours and absences from their working schedule and time off,
 * which a generic timeline cannot draw; unplanned orders wait in a side list and
 * are dropped onto rows; every drop is checked on the server with the form's own
 * sentence (skills, absence, window) and a refused one snaps back; and a proposed
 * plan of the optimiser is shown over the current one for review before it is
 * applied or discarded. One server call (service.route.board.get_board_data)
 * feeds the whole screen.
 */
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { actionParams, applyPlan, discardPlan, toggled } from "@fsm_routing/plan/plan_review";

const { DateTime } = luxon;

const DAY_FIRST_HOUR = 6;
const DAY_LAST_HOUR = 20;
const SNAP_MINUTES = 15;

export class PlanningBoard extends Component {
    static template = "fsm_routing.PlanningBoard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        const params = actionParams(this.props.action);
        this.state = useState({
            date: params.date || DateTime.local().toISODate(),
            days: params.days === 7 || params.mode === "week" ? 7 : 1,
            teamIds: [],
            planId: params.plan_id || false,
            data: null,
            dragOver: null,
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("service.route.board", "get_board_data", [], {
            start: this.state.date,
            days: this.state.days,
            team_ids: this.state.teamIds.length ? this.state.teamIds : null,
            plan_id: this.state.planId || null,
        });
    }

    // ---------------------------------------------------------------- time axis
    get zone() {
        return this.state.data.tz;
    }
    get firstDay() {
        return DateTime.fromISO(this.state.data.date, { zone: this.zone });
    }
    /** [from, to] of the visible axis, as luxon DateTimes in the user's zone. */
    get axis() {
        const day = this.firstDay;
        if (this.state.days === 1) {
            return [day.set({ hour: DAY_FIRST_HOUR }), day.set({ hour: DAY_LAST_HOUR })];
        }
        return [day, day.plus({ days: 7 })];
    }
    get columns() {
        const [from] = this.axis;
        if (this.state.days === 1) {
            return Array.from({ length: DAY_LAST_HOUR - DAY_FIRST_HOUR }, (_, i) => ({
                key: i,
                label: from.plus({ hours: i }).toFormat("HH:mm"),
            }));
        }
        return Array.from({ length: 7 }, (_, i) => ({
            key: i,
            label: from.plus({ days: i }).toFormat("ccc d LLL"),
        }));
    }
    get title() {
        const day = this.firstDay;
        if (this.state.days === 1) {
            return day.toFormat("cccc d LLLL yyyy");
        }
        return `${day.toFormat("d LLL")} – ${day.plus({ days: 6 }).toFormat("d LLL yyyy")}`;
    }
    /** Percent left and width of [start, end] (ISO UTC) on the axis, or null. */
    place(start, end) {
        const [from, to] = this.axis;
        const total = to.toMillis() - from.toMillis();
        const a = Math.max(DateTime.fromISO(start).toMillis(), from.toMillis());
        const b = Math.min(DateTime.fromISO(end).toMillis(), to.toMillis());
        if (b <= a) {
            return null;
        }
        return `left: ${((a - from.toMillis()) / total) * 100}%; width: ${((b - a) / total) * 100}%;`;
    }
    /** The off-shift stretches of a row: the axis minus its shifts. */
    offShift(row) {
        const [from, to] = this.axis;
        const gaps = [];
        let cursor = from.toUTC();
        for (const [a, b] of row.shifts) {
            const start = DateTime.fromISO(a);
            if (start > cursor) {
                gaps.push([cursor.toISO(), start.toISO()]);
            }
            const end = DateTime.fromISO(b);
            if (end > cursor) {
                cursor = end;
            }
        }
        if (to > cursor) {
            gaps.push([cursor.toISO(), to.toUTC().toISO()]);
        }
        return gaps.map((gap) => this.place(...gap)).filter(Boolean);
    }
    absences(row) {
        return row.absences.map((gap) => this.place(...gap)).filter(Boolean);
    }
    bars(row) {
        return row.bars
            .map((bar) => ({ bar, style: this.place(bar.start, bar.end) }))
            .filter((b) => b.style);
    }
    barClass(bar) {
        return {
            [`o_fsm_board_bar_${bar.state}`]: true,
            o_fsm_board_bar_urgent: bar.priority === "3",
            o_fsm_board_bar_outside: bar.outside_window,
            o_fsm_board_bar_proposed: bar.proposed,
        };
    }
    barTitle(bar) {
        const start = DateTime.fromISO(bar.start).setZone(this.zone).toFormat("HH:mm");
        const end = DateTime.fromISO(bar.end).setZone(this.zone).toFormat("HH:mm");
        let title = `${bar.name} · ${bar.client} · ${bar.site}\n${start}–${end}`;
        if (bar.outside_window) {
            title += `\n${_t("Outside the client's window")}`;
        }
        if (bar.proposed && bar.travel_minutes) {
            title += `\n${_t("Travel before: %s min", Math.round(bar.travel_minutes))}`;
        }
        return title;
    }
    travelStyle(bar) {
        if (!bar.proposed || !bar.travel_minutes) {
            return null;
        }
        const start = DateTime.fromISO(bar.start);
        return this.place(start.minus({ minutes: bar.travel_minutes }).toISO(), bar.start);
    }
    get groups() {
        const data = this.state.data;
        const names = Object.fromEntries(data.all_teams.map((t) => [t.id, t.name]));
        const groups = [];
        for (const row of data.rows) {
            const last = groups.at(-1);
            if (last && last.teamId === row.team_id) {
                last.rows.push(row);
            } else {
                groups.push({
                    teamId: row.team_id,
                    name: names[row.team_id] || _t("No team"),
                    rows: [row],
                });
            }
        }
        return groups;
    }
    priorityLabel(priority) {
        return { 0: _t("Low"), 1: _t("Normal"), 2: _t("High"), 3: _t("Urgent") }[priority];
    }
    hours(duration) {
        const minutes = Math.round(duration * 60);
        return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")} h`;
    }

    // ---------------------------------------------------------------- toolbar
    async setDays(days) {
        this.state.days = days;
        await this.load();
    }
    async shift(step) {
        const day = this.firstDay.plus({ days: step * this.state.days });
        this.state.date = day.toISODate();
        await this.load();
    }
    async today() {
        this.state.date = DateTime.local().toISODate();
        await this.load();
    }
    async toggleTeam(teamId) {
        this.state.teamIds = toggled(this.state.teamIds, teamId);
        await this.load();
    }
    async applyPlan() {
        await applyPlan(this.orm, this.notification, this.state.planId);
        this.state.planId = false;
        await this.load();
    }
    async discardPlan() {
        await discardPlan(this.orm, this.state.planId);
        this.state.planId = false;
        await this.load();
    }

    // ---------------------------------------------------------------- drag and drop
    onDragStart(ev, orderId, grabOffsetMs = 0) {
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", String(orderId));
        this.dragged = { orderId, grabOffsetMs };
    }
    onBarDragStart(ev, bar) {
        // where in the bar it was grabbed, so that the bar moves as it is held
        const rect = ev.currentTarget.getBoundingClientRect();
        const lane = ev.currentTarget.parentElement.getBoundingClientRect();
        const [from, to] = this.axis;
        const msPerPx = (to.toMillis() - from.toMillis()) / lane.width;
        this.onDragStart(ev, bar.id, Math.max(0, (ev.clientX - rect.left) * msPerPx));
    }
    onDragOver(ev, row) {
        ev.preventDefault();
        ev.dataTransfer.dropEffect = "move";
        this.state.dragOver = row.id;
    }
    onDragLeave(row) {
        if (this.state.dragOver === row.id) {
            this.state.dragOver = null;
        }
    }
    /** The moment under the pointer in a row's lane, snapped to 15 minutes. */
    momentAt(ev) {
        const lane = ev.currentTarget.getBoundingClientRect();
        const [from, to] = this.axis;
        const ratio = Math.min(Math.max((ev.clientX - lane.left) / lane.width, 0), 1);
        let ms = from.toMillis() + ratio * (to.toMillis() - from.toMillis());
        ms -= this.dragged?.grabOffsetMs || 0;
        const snap = SNAP_MINUTES * 60 * 1000;
        return DateTime.fromMillis(Math.round(ms / snap) * snap, { zone: "utc" });
    }
    async onDrop(ev, row) {
        ev.preventDefault();
        this.state.dragOver = null;
        const orderId = Number(ev.dataTransfer.getData("text/plain") || this.dragged?.orderId);
        if (!orderId) {
            return;
        }
        const start = this.momentAt(ev);
        this.dragged = null;
        try {
            const result = await this.orm.call("service.route.board", "move_order", [
                orderId,
                row.id,
                start.toISO({ suppressMilliseconds: true }),
            ]);
            if (result.warning) {
                this.notification.add(result.warning, { type: "warning" });
            }
        } catch (error) {
            const message = error.data?.message || error.message;
            this.notification.add(message, { type: "danger", title: _t("Not moved") });
        }
        await this.load();
    }
    openOrder(bar) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "service.order",
            res_id: bar.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("fsm_routing.planning_board", PlanningBoard);
