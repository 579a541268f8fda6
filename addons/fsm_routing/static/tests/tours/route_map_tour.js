import { registry } from "@web/core/registry";

const anna = '.o_fsm_map_tech:contains("Anna Andersson")';

registry.category("web_tour.tours").add("route_map_tour", {
    steps: () => [
        {
            content: "The map is drawn, without tiles: none is configured",
            trigger: ".o_fsm_route_map .leaflet-container:not(:has(.leaflet-tile))",
        },
        {
            content: "Anna's two visits are numbered on her route",
            trigger: `${anna} .o_fsm_map_stops:contains(2)`,
        },
        { trigger: ".o_fsm_map_stop span:contains(1)" },
        { trigger: ".o_fsm_map_stop span:contains(2)" },
        { trigger: "path.o_fsm_map_route" },
        {
            content: "The unplanned order is a pin and in the list",
            trigger: ".o_fsm_map_unplanned",
        },
        { trigger: '.o_fsm_map_unplanned_list:contains("Café Norr AB")' },
        {
            content: "Where Anna was last seen",
            trigger: `${anna} .o_fsm_map_seen`,
        },
        { trigger: ".o_fsm_map_position" },
        {
            content: "Select Anna: her stops in order",
            trigger: `${anna} .o_fsm_map_tech_name`,
            run: "click",
        },
        { trigger: `${anna} .o_fsm_map_stop_list li:eq(1):contains("Bar Söder AB")` },
        {
            content: "Replay her day from her positions",
            trigger: `${anna} .o_fsm_map_replay`,
            run: "click",
        },
        { trigger: "path.o_fsm_map_track" },
        { trigger: "path.o_fsm_map_track_end" },
        {
            content: "Open the first stop from its marker",
            trigger: ".o_fsm_map_stop:has(span:contains(1))",
            run: "click",
        },
        {
            trigger: '.o_fsm_map_popup:contains("Café Norr AB") .o_fsm_map_open',
            run: "click",
        },
        {
            content: "The order's form",
            trigger: '.o_form_view .o_field_widget[name="partner_id"] input:value("Café Norr AB")',
        },
        {
            content: "and the way back to the map",
            trigger: '.o_breadcrumb:contains("Route map")',
        },
    ],
});

registry.category("web_tour.tours").add("route_of_the_day_tour", {
    steps: () => [
        {
            content: "My day offers the day's route, both visits and back home",
            trigger: ".o_fsm_day_route_link .o_fsm_day_route_stops:contains(2)",
        },
        {
            trigger:
                '.o_fsm_day_route_link[href^="https://www.google.com/maps/dir/?"][href*="waypoints="][target="_blank"]',
        },
        {
            content: "and the cards below it",
            trigger: '.o_fsm_my_day_card:contains("Café Norr AB")',
        },
    ],
});

registry.category("web_tour.tours").add("route_map_plan_tour", {
    steps: () => [
        {
            content: "From the proposal, its map",
            trigger: ".o_form_view button[name=action_open_map]",
            run: "click",
        },
        {
            content: "The proposed visit is a dashed stop on the map",
            trigger: ".o_fsm_route_map .o_fsm_map_plan",
        },
        { trigger: ".o_fsm_map_stop_proposed" },
        {
            content: "Apply the plan from the map",
            trigger: ".o_fsm_map_apply",
            run: "click",
        },
        {
            content: "Applied: the map shows the plan in place",
            trigger: ".o_fsm_route_map:not(:has(.o_fsm_map_plan)) .o_fsm_map_stop",
        },
    ],
});
