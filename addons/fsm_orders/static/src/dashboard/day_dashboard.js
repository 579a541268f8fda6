import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The day's dashboard of Field Service: tiles with a figure each, computed and
 * opened by service.dashboard on the server (get_day_overview, action_open_tile),
 * so that a figure and the list it opens come from the same filters.
 */
export class FsmDayDashboard extends Component {
    static template = "fsm_orders.DayDashboard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ sections: [], teams: { sections: [], columns: [], rows: [] } });
        onWillStart(() => this.load());
    }

    async load() {
        const overview = await this.orm.call("service.dashboard", "get_day_overview", []);
        Object.assign(this.state, overview);
    }

    /**
     * @param {Object} tile a tile, or a column of the breakdown by team
     * @param {number|false} [teamId] the cell's team (false: no team)
     */
    async openTile(tile, teamId) {
        const args = teamId === undefined ? [tile.key] : [tile.key, teamId];
        const action = await this.orm.call("service.dashboard", "action_open_tile", args);
        await this.actionService.doAction(action);
    }
}

registry.category("actions").add("fsm_day_dashboard", FsmDayDashboard);
