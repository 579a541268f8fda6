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
    static props = { model: Object, bus: EventBus };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ running: false, loaded: false });
        onWillStart(() => this.load());
        // a card's button (Start travel, Finish …) changes the timer too
        useBus(this.props.bus, "fsm-timer-changed", () => this.load());
    }

    async load() {
        const state = await this.orm.call("service.work.time", "fsm_get_timer_state", []);
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
