/**
 * *Route of the day* on the technician's My day: one link that opens Google Maps
 * directions through today's visits still to do, in time order, and back to the
 * start location. The link is made on the server (service.route.map.get_day_route)
 * from the same visits the cards show; Google Maps takes nine waypoints, so a
 * longer day's link covers the next ten visits and says so.
 */
import { Component, onWillStart, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { FsmMyDayKanbanController } from "@fsm_worktime/my_day/timer_bar";

export class FsmDayRoute extends Component {
    static template = "fsm_routing.DayRoute";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.state = useState({ url: false, stops: 0, total: 0, missing: [] });
        onWillStart(async () => {
            Object.assign(
                this.state,
                await this.orm.call("service.route.map", "get_day_route", []),
            );
        });
    }
}

FsmMyDayKanbanController.components = { ...FsmMyDayKanbanController.components, FsmDayRoute };
