import { registry } from "@web/core/registry";

// On a phone, in the middle of a job: the technician sees the site's warning,
// fills the checklist (a yes/no and a pressure reading), lets the client sign
// with their name and finishes the order.
registry.category("web_tour.tours").add("fsm_onsite_tour", {
    steps: () => [
        {
            content: "The warning about the site is shown first",
            trigger: '.o_fsm_warnings:contains("Dog on site")',
        },
        {
            content: "Open the checklists",
            trigger: '.o_notebook_headers a.nav-link[name="checklists"]',
            run: "click",
        },
        {
            content: "Open the safety checklist",
            trigger: '.o_field_widget[name="checklist_ids"] .o_kanban_record:contains("Espresso safety check")',
            run: "click",
        },
        {
            content: "Answer: safety valve tested",
            trigger: '.modal .o_kanban_record:contains("Safety valve tested")',
            run: "click",
        },
        {
            trigger: '.modal:last .o_field_widget[name="value_yesno"] input[data-value="yes"]',
            run: "click",
        },
        {
            trigger: ".modal:last .o_form_button_save",
            run: "click",
        },
        {
            content: "Answer: boiler pressure",
            trigger: '.modal .o_kanban_record:contains("Boiler pressure")',
            run: "click",
        },
        {
            trigger: '.modal:last .o_field_widget[name="value_number"] input',
            run: "edit 1.2",
        },
        {
            trigger: ".modal:last .o_form_button_save",
            run: "click",
        },
        {
            content: "Both answers are in the checklist",
            trigger: '.modal .o_kanban_record:contains("Boiler pressure"):contains("1.2 bar")',
        },
        {
            content: "Close the checklist",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Save the order",
            trigger: "body:not(:has(.modal)) .o_form_button_save",
            run: "click",
        },
        {
            content: "Open the signature page",
            trigger: '.o_notebook_headers a.nav-link[name="report"]',
            run: "click",
        },
        {
            content: "The client types their name",
            trigger: '.o_field_widget[name="signed_by"] input',
            run: "edit Lisa Lind",
        },
        {
            trigger: '.o_field_widget[name="signed_by"] input:value(Lisa Lind)',
        },

        {
            content: "and signs",
            trigger: '.o_field_widget[name="signature"] .o_signature',
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: '.modal button.btn-primary:contains("Adopt & Sign"):enabled',
            run: "click",
        },
        {
            content: "The signature is on the form",
            trigger: 'body:not(:has(.modal)) .o_field_widget[name="signature"] img.o_signature',
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
