import { registry } from "@web/core/registry";

// The first day of each role: log in, open Field Service from the apps menu,
// land on the role's own screen and find its data there.
function openFieldService() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Field Service",
            trigger: '.o_app[data-menu-xmlid="fsm_orders.menu_fsm_root"]',
            run: "click",
        },
    ];
}

// On a phone the apps are in the burger menu's sidebar.
function openFieldServiceOnPhone() {
    return [
        {
            content: "Open the menu",
            trigger: ".o_menu_toggle",
            run: "click",
        },
        {
            content: "Show every app",
            trigger: '.o_app_menu_sidebar .o_sidebar_topbar a:contains("All Apps")',
            run: "click",
        },
        {
            content: "Open Field Service",
            trigger: '.o_app_menu_sidebar .o_app[data-menu-xmlid="fsm_orders.menu_fsm_root"]',
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("fsm_first_day_technician", {
    steps: () => [
        ...openFieldServiceOnPhone(),
        {
            content: "A technician lands on their visits of today, the screen that opens offline",
            trigger: '.o_fsm_visit .o_fsm_visit_card:contains("Café Norr AB")',
        },

    ],
});

registry.category("web_tour.tours").add("fsm_first_day_coordinator", {
    steps: () => [
        ...openFieldService(),
        {
            content: "A coordinator lands on the planning, on their teams",
            trigger: '.o_calendar_view .o_searchview_facet:contains("My teams")',
        },
        {
            trigger: '.o_calendar_view .fc-event:contains("Café Norr AB")',
        },
        {
            content: "The day per technician, where the week piles visits up",
            trigger: 'button[data-menu-xmlid="fsm_orders.menu_fsm_planning"]',
            run: "click",
        },
        {
            trigger: '[data-menu-xmlid="fsm_orders.menu_fsm_planning_day"]',
            run: "click",
        },
        {
            content: "A column per technician with today's visits",
            trigger: '.o_kanban_group:contains("Anna Andersson") .o_kanban_record:contains("Café Norr AB")',
        },
        {
            trigger: '.o_searchview_facet:contains("Today")',
        },
    ],
});

registry.category("web_tour.tours").add("fsm_first_day_manager", {
    steps: () => [
        ...openFieldService(),
        {
            content: "A manager lands on the day's dashboard: one order is late",
            trigger: '.o_fsm_day_dashboard .o_fsm_tile[data-tile="orders_late"] .o_fsm_tile_count:contains("1")',
        },
        {
            content: "The figure opens the late orders",
            trigger: '.o_fsm_tile[data-tile="orders_late"]',
            run: "click",
        },
        {
            content: "The list shows the figure's filter as a facet",
            trigger: '.o_list_view .o_searchview_facet:contains("Late")',
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Café Norr AB")',
        },
        {
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Bar Söder AB")))',
        },
        {
            content: "Remove the facet to see every order",
            trigger: '.o_searchview_facet:contains("Late") .o_facet_remove',
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Bar Söder AB")',
        },
        {
            content: "Back to the day",
            trigger: '.o_breadcrumb a:contains("Today")',
            run: "click",
        },
        {
            content: "By team: North has the late order",
            trigger: '.o_fsm_team_breakdown tr:has(th:contains("North")) .o_fsm_team_cell[data-tile="orders_late"]:contains("1")',
            run: "click",
        },
        {
            content: "The cell opens the late orders of the team, both as facets",
            trigger: '.o_list_view .o_searchview_facet:contains("Late")',
        },
        {
            trigger: '.o_list_view .o_searchview_facet:contains("North")',
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Café Norr AB")',
        },
    ],
});

registry.category("web_tour.tours").add("fsm_first_day_colleague_link", {
    steps: () => [
        {
            content: "A link to a colleague's order says why it does not open",
            trigger: '.o_notification:contains("Not yours to open"):contains("service order")',
        },
        {
            content: "and leaves the technician on My day",
            trigger: ".o_kanban_view",
        },
    ],
});
