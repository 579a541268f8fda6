import { Component, EventBus, onWillStart, useState } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { registry } from "@web/core/registry";

/**
 * The technician's running timer, on top of My day: what runs since when,
 * and the timers that belong to no visit (admin, a break, stop). The state
 * and the actions are service.work.time's (fsm_get_timer_state and the
 * action_fsm_* methods), so the bar, the cards and the server agree.
 */
export class FsmTimerBar extends Component {
    static template = "fsm_worktime.TimerBar";
    // timer: the controller's { state, load }, the last state it asked for
    static props = { model: Object, bus: EventBus, timer: Object };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ running: false, loaded: false });
        onWillStart(() => this.load(false));
        // a card's button (Start travel, Finish …) changes the timer too
        useBus(this.props.bus, "fsm-timer-changed", () => this.load());
    }

    /**
     * The layout renders the bar again once the cards are loaded: the new
     * bar takes the state its controller last asked for instead of asking
     * again (a round trip that held My day on a 3G phone for 0.25 s). The
     * controller asks, not the bar: a destroyed component's RPC never
     * answers, and the new bar would wait for it forever.
     */
    async load(fresh = true) {
        if (fresh || !this.props.timer.state) {
            this.props.timer.load();
        }
        const state = await this.props.timer.state;
        Object.assign(this.state, state, { loaded: true });
    }

    async run(method) {
        const action = await this.orm.call("service.work.time", method, []);
        const reload = async () => {
            await this.props.model.load();
            await this.load();
        };
        if (action && action.type === "ir.actions.act_window") {
            await this.action.doAction(action, { onClose: reload });
        } else {
            await reload();
        }
    }
}

export class FsmMyDayKanbanController extends KanbanController {
    static template = "fsm_worktime.MyDayKanbanView";
    static components = { ...KanbanController.components, FsmTimerBar };

    setup() {
        super.setup();
        this.timerBus = new EventBus();
        const orm = useService("orm");
        // the timer bar's state, asked for here: the controller outlives the
        // bar, which the layout renders again once the cards are loaded
        this.timer = {
            state: null,
            load: () =>
                (this.timer.state = orm.call("service.work.time", "fsm_get_timer_state", [])),
        };
    }

    async afterExecuteActionButton(clickParams) {
        await super.afterExecuteActionButton(clickParams);
        this.timerBus.trigger("fsm-timer-changed");
    }
}

registry.category("views").add("fsm_my_day_kanban", {
    ...kanbanView,
    Controller: FsmMyDayKanbanController,
});
