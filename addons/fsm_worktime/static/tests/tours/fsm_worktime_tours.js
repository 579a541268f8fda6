import { registry } from "@web/core/registry";

const card = '.o_fsm_my_day .o_kanban_record:contains("Café Norr AB")';

registry.category("web_tour.tours").add("fsm_worktime_visit_on_the_phone", {
    steps: () => [
        {
            content: "Leaving for the client: start the travel",
            trigger: `${card} button.o_fsm_start_travel`,
            run: "click",
        },
        {
            content: "The card shows the running travel",
            trigger: `${card} .o_fsm_running_timer:contains("Travel since")`,
        },
        {
            content: "Arrived: start work",
            trigger: `${card} button.o_fsm_start`,
            run: "click",
        },
        {
            content: "The km driven, with the number keypad",
            trigger: '.modal .o_field_widget[name="distance_km"] input[inputmode="decimal"]',
            run: "edit 12",
        },
        {
            trigger: ".modal button.o_fsm_stop_travel_work",
            run: "click",
        },
        {
            content: "Work runs, the order is in progress",
            trigger: `${card} .o_fsm_running_timer:contains("Work on site since")`,
        },
        {
            content: "A break",
            trigger: `${card} button.o_fsm_break`,
            run: "click",
        },
        {
            trigger: `${card} .o_fsm_running_timer:contains("Break since")`,
        },
        {
            content: "Back to work",
            trigger: `${card} button.o_fsm_resume_work`,
            run: "click",
        },
        {
            trigger: `${card} .o_fsm_running_timer:contains("Work on site since")`,
        },
        {
            content: "Finish the visit: the timer stops",
            trigger: `${card} button.o_fsm_finish`,
            run: "click",
        },
        {
            content: "Done, and no timer runs",
            trigger: `${card}:contains("Done"):not(:has(.o_fsm_running_timer))`,
        },
        {
            content: "The bar on top says so too",
            trigger: '.o_fsm_timer_bar .o_fsm_timer_state:contains("No timer running")',
        },
        {
            content: "Paperwork in the van: admin time, off any visit",
            trigger: ".o_fsm_timer_bar button.o_fsm_bar_admin",
            run: "click",
        },
        {
            trigger: '.o_fsm_timer_bar .o_fsm_timer_state:contains("Administration since")',
        },
        {
            trigger: ".o_fsm_timer_bar button.o_fsm_bar_stop",
            run: "click",
        },
        {
            trigger: '.o_fsm_timer_bar .o_fsm_timer_state:contains("No timer running")',
        },
    ],
});

registry.category("web_tour.tours").add("fsm_worktime_absence_on_the_planning", {
    steps: () => [
        {
            content: "The week's approved absence is drawn beside the orders",
            trigger: '.o_calendar_renderer .fc-event.o_fsm_absence:contains("Anna Andersson: absent")',
        },
        {
            content: "Beside the week's order",
            trigger: ".o_calendar_renderer .fc-event:not(.o_fsm_absence):contains(Café Norr)",
        },
        {
            content: "An absence opens nothing and cannot be moved",
            trigger: ".o_calendar_renderer .fc-event.o_fsm_absence",
            run: "click",
        },
        {
            content: "Untick Anna in the side panel: her absence goes",
            trigger: '.o_calendar_filter_item:contains("Anna Andersson") input',
            run: "click",
        },
        {
            trigger: ".o_calendar_renderer:not(:has(.o_fsm_absence))",
        },
    ],
});
