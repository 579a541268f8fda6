import { registry } from "@web/core/registry";

// The desk lists the work of a request as tasks and turns each open task into
// an order with "Create orders".
registry.category("web_tour.tours").add("fsm_request_tasks_tour", {
    steps: () => [
        {
            content: "Open the tasks of the request",
            trigger: '.o_notebook a[name="tasks"]',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="task_ids"] .o_data_row:contains("Deliver the grinder")',
        },
        {
            content: "Add a task",
            trigger: '.o_field_widget[name="task_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="task_ids"] .o_selected_row .o_field_widget[name="name"] input',
            run: "edit Train the baristas",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Create orders: one line per open task",
            trigger: 'button[name="action_split"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Deliver the grinder")',
        },
        {
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Train the baristas")',
        },
        {
            trigger: '.modal button[name="action_create_orders"]',
            run: "click",
        },
        {
            content: "Both orders are listed",
            trigger: ".o_list_view .o_data_row + .o_data_row",
        },
    ],
});

// From its dashboard, the desk reads its figures over a chosen week and opens the orders done per
// technician in the graph view.
registry.category("web_tour.tours").add("fsm_desk_statistics_tour", {
    steps: () => [
        {
            content: "From the service desk dashboard, open the statistics",
            trigger: '.o_control_panel button:contains("Statistics")',
            run: "click",
        },
        {
            content: "Pick the week",
            trigger: '.o_field_widget[name="date_from"] button',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="date_from"] input',
            run: "edit 11/02/2026 && press Escape",
        },
        {
            trigger: '.o_field_widget[name="date_to"] button',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="date_to"] input',
            run: "edit 11/08/2026 && press Escape",
        },
        {
            content: "Three requests registered that week",
            trigger: '.o_field_widget[name="registered_count"]:contains("3")',
        },
        {
            trigger: '.o_fsm_desk_employees tr:contains("Anna Andersson") td:last-child:contains("2")',
        },
        {
            content: "Orders done per technician",
            trigger: 'button[name="action_orders_per_technician"]',
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
    ],
});
