import { registry } from "@web/core/registry";

// a real 1×1 PNG: the server recognises photos from their bytes
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function attachPhoto(helpers) {
    const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "leak-photo.png", { type: "image/png" }));
    helpers.anchor.files = transfer.files;
    helpers.anchor.dispatchEvent(new Event("change", { bubbles: true }));
}

// The client files a request from the portal home, with a photo
registry.category("web_tour.tours").add("fsm_client_portal_file_request", {
    url: "/my",
    steps: () => [
        {
            content: "Report a problem from the portal home",
            trigger: ".o_portal_index_card a[href='/my/service-requests/new']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the kind of request",
            trigger: "select#fsm_type_id",
            run: "selectByLabel Breakdown",
        },
        {
            content: "Choose the machine: its site follows",
            trigger: "select#fsm_equipment_id",
            run: "selectByLabel La Marzocco",
        },
        {
            trigger: "select#fsm_location_id:has(option:selected:contains(Odenplan))",
        },
        {
            content: "A maintenance asks the machine's counters",
            trigger: "select#fsm_type_id",
            run: "selectByLabel Maintenance",
        },
        {
            trigger: ".o_fsm_counters:visible input[required]",
        },
        {
            content: "Back to a breakdown: no counter asked",
            trigger: "select#fsm_type_id",
            run: "selectByLabel Breakdown",
        },
        {
            trigger: ".o_fsm_counters.d-none:not(:visible)",
        },
        {
            content: "The machine is under warranty: no claim asked",
            trigger: ".o_fsm_warranty_claim.d-none:not(:visible)",
        },
        {
            content: "Say what is wrong",
            trigger: "input#fsm_title",
            run: "edit Steam wand leaks",
        },
        {
            trigger: "textarea#fsm_description",
            run: "edit Water under the machine since this morning",
        },
        {
            content: "Attach a photo",
            trigger: "input#fsm_attachments",
            run: attachPhoto,
        },
        {
            trigger: "input#fsm_attachments:not(.is-invalid)",
        },
        {
            content: "Send the request",
            trigger: "button.o_fsm_submit_request",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Registered, with its number",
            trigger: ".o_fsm_registered:contains(registered as)",
        },
        {
            trigger: ".o_fsm_timeline [data-step='registered'].o_fsm_current",
        },
        {
            content: "The photo is in the messages with the desk",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(Files sent with the request)",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-AttachmentImage",
        },
    ],
});

// The client follows the request to its finished order, downloads and signs
// the report and rates the visit
registry.category("web_tour.tours").add("fsm_client_portal_follow_sign_rate", {
    url: "/my/service-requests?filterby=all",
    steps: () => [
        {
            content: "Open the request",
            trigger: ".o_fsm_request_row:contains(Steam wand leaks) a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its visit is done",
            trigger: ".o_fsm_timeline [data-step='done'].o_fsm_done",
        },
        {
            content: "Follow it to the order",
            trigger: "a.o_fsm_order_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The report can be downloaded",
            trigger: "a.o_fsm_portal_download[href*='report_type=pdf']",
        },
        {
            content: "Sign the report",
            trigger: ".o_fsm_portal_sign .o_web_sign_name_and_signature input",
            run: "edit Lisa Lind",
        },
        {
            trigger: ".o_fsm_portal_sign canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".o_fsm_portal_sign .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Signed",
            trigger: ".o_fsm_portal_signed:contains(Lisa Lind)",
        },
        {
            content: "Rate the visit: very well",
            trigger: "label[for='fsm_rate_5']",
            run: "click",
        },
        {
            trigger: ".o_fsm_rate_form textarea[name='feedback']",
            run: "edit Quick and tidy, thank you",
        },
        {
            trigger: "button.o_fsm_rate_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked, and the rating shown",
            trigger: ".o_fsm_rated",
        },
        {
            trigger: ".o_fsm_rating_given:contains(Quick and tidy)",
        },
    ],
});
