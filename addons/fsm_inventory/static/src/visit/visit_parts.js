import { Component, useState } from "@odoo/owl";
import { sectionProps, visitSections } from "@fsm_orders/visit/visit_action";
import { _t } from "@web/core/l10n/translation";
import { actionLabels, visitEffects } from "@fsm_orders/visit/visit_effects";

/** Above this many parts in the van, the list gets a search box. */
const SEARCH_FROM = 6;

/**
 * A part from the van in two taps (fsm_inventory): *Part from the van*, then
 * the part. The van's stock is the day's copy (what it held when the day was
 * loaded, less what this phone used since); the server checks the van again
 * when the use arrives and reports a part used up elsewhere as a conflict.
 */
export class VisitParts extends Component {
    static template = "fsm_inventory.VisitParts";
    static props = sectionProps;

    setup() {
        this.state = useState({ open: false, search: "" });
    }

    get order() {
        return this.props.order;
    }

    get van() {
        return this.props.day.van || [];
    }

    get showSearch() {
        return this.van.length > SEARCH_FROM;
    }

    get items() {
        const search = this.state.search.trim().toLowerCase();
        return this.van.filter(
            (item) =>
                item.available > 0 &&
                (!search ||
                    item.name.toLowerCase().includes(search) ||
                    item.code.toLowerCase().includes(search) ||
                    item.lot_name.toLowerCase().includes(search))
        );
    }

    toggle() {
        this.state.open = !this.state.open;
        this.state.search = "";
    }

    use(item) {
        const payload = { product_id: item.product_id, quantity: 1 };
        if (item.lot_id) {
            payload.lot_id = item.lot_id;
        }
        this.props.enqueue("part", payload);
        this.state.open = false;
    }
}

visitEffects.add("part", (day, order, payload) => {
    const item = (day.van || []).find(
        (i) => i.product_id === payload.product_id && (i.lot_id || false) === (payload.lot_id || false)
    );
    if (item) {
        item.available -= payload.quantity;
    }
    order.parts = order.parts || [];
    const line = order.parts.find((p) => p.product_id === payload.product_id);
    if (line) {
        line.quantity_used += payload.quantity;
    } else {
        order.parts.push({
            id: false,
            product_id: payload.product_id,
            name: item?.name || "",
            quantity_used: payload.quantity,
            quantity_planned: 0,
            uom: item?.uom || "",
        });
    }
});

actionLabels.part = _t("Part from the van");
visitSections.add("parts", { component: VisitParts, sequence: 50 });
