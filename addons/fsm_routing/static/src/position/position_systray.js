import { Component, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { _t } from "@web/core/l10n/translation";
import { useDropdownState } from "@web/core/dropdown/dropdown_hooks";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { session } from "@web/session";

/**
 * "Share my position" in the technician's top bar: the icon says whether the
 * phone shares its position; its panel explains what is shared and switches
 * it with one big button (the browser asks its permission on that tap).
 */
export class PositionSystray extends Component {
    static template = "fsm_routing.PositionSystray";
    static components = { Dropdown };
    static props = {};

    setup() {
        this.position = useService("fsm_position");
        this.state = useState(this.position.state);
        this.dropdown = useDropdownState();
    }

    get title() {
        return this.state.sharing ? _t("Sharing my position") : _t("Not sharing my position");
    }

    async toggle() {
        await this.position.setSharing(!this.state.sharing);
    }
}

registry.category("systray").add(
    "fsm_routing.position",
    {
        Component: PositionSystray,
        isDisplayed: () => Boolean(session.fsm_position && session.fsm_position.employee),
    },
    { sequence: 40 }
);
