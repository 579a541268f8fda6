import { registry } from "@web/core/registry";

/** A phone that is at the café, as the browser's geolocation would say. */
function fakeGeolocation() {
    const position = () => ({
        coords: { latitude: 59.3429, longitude: 18.0494, accuracy: 9, speed: null, heading: null },
        timestamp: Date.now(),
    });
    return {
        getCurrentPosition: (ok) => ok(position()),
        watchPosition: (ok) => {
            setTimeout(() => ok(position()));
            return 1;
        },
        clearWatch: () => {},
    };
}

registry.category("web_tour.tours").add("fsm_routing_share_position", {
    steps: () => [
        {
            content: "Not sharing yet: open the position menu",
            trigger: ".o_fsm_position_systray:has(.fa-map-marker)",
            run: "click",
        },
        {
            content: "The technician agrees to share their position",
            trigger: ".o_fsm_position_menu button.o_fsm_position_toggle:contains(Share my position)",
            run: "click",
        },
        {
            content: "Sharing: the button now stops it",
            trigger: ".o_fsm_position_menu button.o_fsm_position_toggle:contains(Stop sharing)",
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    value: fakeGeolocation(),
                    configurable: true,
                });
                odoo.__WOWL_DEBUG__.root.env.services.fsm_position.start({ force: true });
            },
        },
        {
            content: "The phone's position was sent and stored",
            trigger: ".o_fsm_position_menu .o_fsm_position_sent",
        },
        {
            content: "Nothing waits to be sent",
            trigger: ".o_fsm_position_systray:not(:has(.o_fsm_position_waiting))",
        },
    ],
});

registry.category("web_tour.tours").add("fsm_routing_stop_sharing_position", {
    steps: () => [
        {
            trigger: ".o_fsm_position_systray:has(.fa-location-arrow)",
            run: "click",
        },
        {
            content: "The technician withdraws their consent",
            trigger: ".o_fsm_position_menu button.o_fsm_position_toggle:contains(Stop sharing)",
            run: "click",
        },
        {
            trigger: ".o_fsm_position_menu button.o_fsm_position_toggle:contains(Share my position)",
        },
        {
            content: "The icon says it is off",
            trigger: ".o_fsm_position_systray:has(.fa-map-marker)",
        },
    ],
});

registry.category("web_tour.tours").add("fsm_routing_no_position_menu", {
    steps: () => [
        {
            content: "The top bar is there, without the position menu",
            trigger: ".o_menu_systray:not(:has(.o_fsm_position_systray))",
        },
    ],
});
