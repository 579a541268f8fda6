import { registry } from "@web/core/registry";

// The service desk takes a call: types the caller's number as they say it,
// the client and contact fill in, takes the request on and turns it into an
// order planned for a technician.
registry.category("web_tour.tours").add("fsm_request_desk_tour", {
    steps: () => [
        {
            content: "New request",
            trigger: ".o_list_button_add, .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="title"] textarea',
            run: "edit Steam wand leaks",
        },
        {
            content: "The caller's number, as they say it",
            trigger: '.o_field_widget[name="caller_phone"] input',
            run: "edit 070-123 45 67",
        },
        {
            content: "Leave the field",
            trigger: '.o_field_widget[name="title"] textarea',
            run: "click",
        },
        {
            content: "The client is found",
            trigger: '.o_field_widget[name="partner_id"] input:value("Café Norr AB")',
        },
        {
            trigger: '.o_field_widget[name="contact_id"] input:value("Lisa Lind")',
        },
        {
            content: "Take it on",
            trigger: 'button[name="action_open"]',
            run: "click",
        },
        {
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Open")',
        },
        {
            content: "Create orders",
            trigger: 'button[name="action_split"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:first .o_data_cell[name="technician_id"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:first .o_field_widget[name="technician_id"] input',
            run: "edit Anna",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Anna Andersson")',
            run: "click",
        },
        {
            trigger: '.modal button[name="action_create_orders"]',
            run: "click",
        },
        {
            content: "The order is open, made from the request",
            trigger: '.o_form_view .o_field_widget[name="request_id"] input',
            run() {
                if (!this.anchor.value.startsWith("SR/")) {
                    throw new Error(`The order's request reads "${this.anchor.value}"`);
                }
            },
        },
    ],
});
