import { registry } from "@web/core/registry";

// On a phone, on site: the technician opens the order's parts, finds the
// planned burr set in the van, uses it, and finishes the order.
const parts = '.o_field_widget[name="part_ids"]';
const burrs = `${parts} .o_kanban_record:contains("Burr set 64 mm")`;

registry.category("web_tour.tours").add("fsm_inventory_part_on_the_phone", {
    steps: () => [
        {
            content: "Open the order's parts",
            trigger: '.o_notebook_headers a.nav-link[name="parts"]',
            run: "click",
        },
        {
            content: "The planned burr set is a card: planned 2, the van holds 3",
            trigger: `${burrs}:contains("Planned 2"):contains("In the van: 3")`,
        },
        {
            content: "Use it",
            trigger: `${burrs} button.o_fsm_use_part`,
            run: "click",
        },
        {
            content: "Used: the van holds one, nothing is left to use",
            trigger: `${burrs}:contains("Used 2"):contains("In the van: 1"):not(:has(button.o_fsm_use_part))`,
        },
        {
            content: "Finish the order",
            trigger: 'button[name="action_done"]',
            run: "click",
        },
        {
            content: "The order is done",
            trigger: '.o_statusbar_status :contains("Done")',
        },
    ],
});
