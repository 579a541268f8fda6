import { registry } from "@web/core/registry";

// The client finds their contract from the portal home, reads what it
// covers, and accepts the renewal offer waiting for them (signing it)
registry.category("web_tour.tours").add("fsm_contracts_portal_renew", {
    url: "/my",
    steps: () => [
        {
            content: "Contracts from the portal home",
            trigger: ".o_portal_index_card a[href='/my/contracts']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the running contract",
            trigger: ".o_fsm_contract_row:contains(Odenplan machines) a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its machines are listed",
            trigger: ".o_fsm_contract_machines td:contains(La Marzocco)",
        },
        {
            content: "What it covers",
            trigger: ".o_fsm_contract_services:contains(Labour)",
        },
        {
            content: "The renewal offer waits: review it",
            trigger: ".o_fsm_renewal_offer a:contains(Review and accept)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Sign and accept",
            trigger: "a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_name_input",
            run: "edit Lisa Lind",
        },
        {
            trigger: ".modal .o_web_sign_signature",
            run: "click",
        },
        {
            content: "Accept and sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The offer is accepted",
            trigger: ".o_portal_sale_sidebar, #quote_content",
        },
    ],
});
