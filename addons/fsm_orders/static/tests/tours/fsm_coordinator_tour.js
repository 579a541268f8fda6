import { registry } from "@web/core/registry";

// A coordinator at a desk: opens the planning calendar, looks at the orders in
// every view, creates an order in the form for a client's machine and
// dispatches it to a technician.
registry.category("web_tour.tours").add("fsm_coordinator_tour", {
    steps: () => [
        {
            content: "The planning calendar shows the week's visits with their client",
            trigger: '.o_calendar_view .fc-event:contains("Café Norr AB")',
        },
        {
            content: "Technicians can be filtered in the calendar side panel",
            trigger: '.o_calendar_filter:contains("Technician") :contains("Anna Andersson")',
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Café Norr AB")',
        },
        {
            content: "Open the order form",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Pick the client",
            trigger: '.o_field_widget[name="partner_id"] input',
            run: "edit Bar Söder",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Bar Söder AB")',
            run: "click",
        },
        {
            content: "The client's only site is proposed",
            trigger: '.o_field_widget[name="location_id"] input:value("Bar Söder AB, Bar Söder, Medborgarplatsen")',
        },
        {
            content: "Pick the machine",
            trigger: '.o_field_widget[name="equipment_ids"] input',
            run: "edit VA-2002",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Victoria Arduino Eagle One")',
            run: "click",
        },
        {
            content: "Schedule it",
            trigger: '.o_field_widget[name="scheduled_start"] input',
            run: "edit 12/01/2026 10:00:00",
        },
        {
            content: "Assign a technician",
            trigger: '.o_field_widget[name="technician_id"] input',
            run: "edit Erik",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Erik Eriksson")',
            run: "click",
        },
        {
            content: "Dispatch",
            trigger: 'button[name="action_dispatch"]',
            run: "click",
        },
        {
            content: "The order is dispatched",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Dispatched")',
        },
        {
            content: "Back to the orders",
            trigger: ".o_breadcrumb .o_back_button a, .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Kanban by state",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            trigger: '.o_kanban_group:contains("Dispatched") .o_kanban_record:contains("Bar Söder AB")',
        },
        {
            content: "Pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: '.o_pivot table th:contains("North")',
        },
        {
            content: "Graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
