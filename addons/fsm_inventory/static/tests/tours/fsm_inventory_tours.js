import { registry } from "@web/core/registry";

// On a phone, on site: the technician opens the order's parts, uses the
// planned burr set from the van, picks a gasket from the van by its
// catalogue number, uses it too, and finishes the order.
const parts = '.o_field_widget[name="part_ids"]';
const burrs = `${parts} .o_kanban_record:contains("Burr set 64 mm")`;
const gasket = `${parts} .o_kanban_record:contains("Group gasket 8.5 mm")`;

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
            content: "A gasket is needed too: add a part",
            trigger: `${parts} .o-kanban-button-new`,
            run: "click",
        },
        {
            content: "Open the phone catalogue",
            trigger: '.modal .o_field_widget[name="product_id"] input',
            run: "click",
        },
        {
            content: "Pick the gasket",
            trigger: '.modal .o_kanban_record:contains("Group gasket 8.5 mm"):contains("GSK-85")',
            run: "click",
        },
        {
            content: "The van holds 4 of them",
            trigger: '.modal .o_field_widget[name="van_available"]:contains("4")',
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Save the order: the new part is on it, with its Use button",
            trigger: "body:not(:has(.modal)) .o_form_button_save",
            run: "click",
        },
        {
            content: "Use the gasket",
            trigger: `${gasket} button.o_fsm_use_part`,
            run: "click",
        },
        {
            trigger: `${gasket}:contains("Used 1"):contains("In the van: 3")`,
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
