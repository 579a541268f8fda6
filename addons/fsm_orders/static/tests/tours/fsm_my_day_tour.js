import { registry } from "@web/core/registry";

// A technician on a phone: lands on My day, sees the two visits of the day in
// time order with call and directions links, then accepts, starts and finishes
// the first one with the big button of its card.
const firstCard = ".o_fsm_my_day .o_kanban_record:not(.o_kanban_ghost):nth-child(1)";

registry.category("web_tour.tours").add("fsm_my_day_tour", {
    steps: () => [
        {
            content: "My day opens with today's first visit on top",
            trigger: `${firstCard} .o_fsm_visit_time:contains("09:00")`,
        },
        {
            content: "The first visit is at Café Norr",
            trigger: `${firstCard}:contains("Café Norr AB"):contains("Odenplan 5")`,
        },
        {
            content: "The second visit follows",
            trigger: '.o_fsm_my_day .o_kanban_record:contains("Bar Söder AB") .o_fsm_visit_time:contains("13:00")',
        },
        {
            content: "Tap-to-call dials the contact",
            trigger: `${firstCard} a.o_fsm_call[href="tel:070-123 45 67"]`,
        },
        {
            content: "Directions open Google Maps on the site",
            trigger: `${firstCard} a.o_fsm_directions[href*="google.com/maps/dir"][href*="59.342900"]`,
        },
        {
            content: "Accept the visit",
            trigger: `${firstCard} button.o_fsm_accept`,
            run: "click",
        },
        {
            content: "Start work",
            trigger: `${firstCard} button.o_fsm_start`,
            run: "click",
        },
        {
            content: "Finish",
            trigger: `${firstCard} button.o_fsm_finish`,
            run: "click",
        },
        {
            content: "The card says the visit is done",
            trigger: `${firstCard}:contains("Done"):not(:has(button.o_fsm_finish))`,
        },
    ],
});
